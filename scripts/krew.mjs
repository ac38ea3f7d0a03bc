#!/usr/bin/env node
// A real krew (the kubectl plugin manager) for the release test, built from its Go modules
// like helm (scripts/helm.mjs), not downloaded as a release binary:
//   node scripts/krew.mjs build     build it (cached under .tools/krew/<version>/)
//   node scripts/krew.mjs path      print where the binary is (exit 1 if it is not built)
// Installed on PATH as kubectl-krew, it is `kubectl krew`.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goBuild } from './go-build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const KREW_VERSION = 'v0.4.3';
const binDir = join(root, '.tools', 'krew', KREW_VERSION);
export const binary = join(binDir, 'krew');

export class KrewError extends Error {}

/** Builds sigs.k8s.io/krew/cmd/krew at KREW_VERSION unless already built (a minute or two cold). */
export async function build({ quiet = false } = {}) {
  if (existsSync(binary)) return binary;
  if (spawnSync('go', ['version']).error) throw new KrewError('Go is not installed: krew is built from its Go modules (install Go 1.26 or newer)');
  const say = (line) => quiet || console.error(line);
  say(`building krew ${KREW_VERSION} from Go modules...`);
  mkdirSync(binDir, { recursive: true });
  // The tag makes `krew version` report it (without one krew calls itself a development build).
  const ldflags = `-s -w -X sigs.k8s.io/krew/internal/version.gitTag=${KREW_VERSION}`;
  let built;
  try {
    built = await goBuild(['install', '-v', `-ldflags=${ldflags}`, `sigs.k8s.io/krew/cmd/krew@${KREW_VERSION}`], {
      cwd: root,
      env: { GOBIN: binDir, GOFLAGS: '-mod=mod -buildvcs=false' },
      say,
    });
  } catch {
    throw new KrewError('building krew failed (see the Go errors above)');
  }
  say(`built krew ${KREW_VERSION} in ${built.seconds}s: ${binary}`);
  return binary;
}

/** The built binary, or an error that says how to build it. */
export function krewBinary() {
  if (!existsSync(binary)) throw new KrewError(`krew is not built: run \`npm run krew:build\` first (expected ${binary})`);
  return binary;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command] = process.argv.slice(2);
  try {
    if (command === 'build') await build();
    else if (command === 'path') console.log(krewBinary());
    else {
      console.error('usage: node scripts/krew.mjs build|path');
      process.exit(2);
    }
  } catch (e) {
    if (!(e instanceof KrewError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
}
