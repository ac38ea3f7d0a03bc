#!/usr/bin/env node
// A real Helm CLI for the chart's tests, built from Go modules (no download of a release binary):
//   node scripts/helm.mjs build     build it (cached under .tools/helm/<version>/)
//   node scripts/helm.mjs path      print where the binary is (exit 1 if it is not built)
// Also imported by the chart tests, so tests and people find the same binary.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goTool } from './go-build.mjs';

export const HELM_VERSION = 'v4.3.2';
const helm = goTool({
  root: resolve(dirname(fileURLToPath(import.meta.url)), '..'),
  name: 'helm',
  version: HELM_VERSION,
  pkg: 'helm.sh/helm/v4/cmd/helm',
  ldflags: `-s -w -X helm.sh/helm/v4/internal/version.version=${HELM_VERSION}`,
  npmScript: 'helm:build',
  slow: 'the first build compiles several hundred packages: several minutes',
});
export const { binary, build } = helm;
export const helmBinary = helm.path;

if (process.argv[1] === fileURLToPath(import.meta.url)) await helm.main();
