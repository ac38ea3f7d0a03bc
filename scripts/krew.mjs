#!/usr/bin/env node
// A real krew (the kubectl plugin manager) for the install test, built from its Go modules
// like helm, not downloaded as a release binary:
//   node scripts/krew.mjs build     build it (cached under .tools/krew/<version>/)
//   node scripts/krew.mjs path      print where the binary is (exit 1 if it is not built)
// Installed on PATH as kubectl-krew, it is `kubectl krew`.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goTool } from './go-build.mjs';

export const KREW_VERSION = 'v0.4.3';
const krew = goTool({
  root: resolve(dirname(fileURLToPath(import.meta.url)), '..'),
  name: 'krew',
  version: KREW_VERSION,
  pkg: 'sigs.k8s.io/krew/cmd/krew',
  // The tag makes `krew version` report it (without one krew calls itself a development build).
  ldflags: `-s -w -X sigs.k8s.io/krew/internal/version.gitTag=${KREW_VERSION}`,
  npmScript: 'krew:build',
  slow: 'a minute or two the first time',
});
export const { binary, build } = krew;
export const krewBinary = krew.path;

if (process.argv[1] === fileURLToPath(import.meta.url)) await krew.main();
