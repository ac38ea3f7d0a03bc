#!/usr/bin/env node
// A real Helm CLI for the chart's tests, built from Go modules (no download of a release binary):
//   node scripts/helm.mjs build     build it (cached under .tools/helm/<version>/)
//   node scripts/helm.mjs path      print where the binary is (exit 1 if it is not built)
// Also imported by the chart tests, so tests and people find the same binary.
import { spawnSync } from 'node:child_process';
import { goBuild } from './go-build.mjs';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const HELM_VERSION = 'v4.3.2';
const binDir = join(root, '.tools', 'helm', HELM_VERSION);
export const binary = join(binDir, 'helm');

export class HelmError extends Error {}

/**
 * Builds helm.sh/helm/v4/cmd/helm at HELM_VERSION unless already built. A cold build downloads
 * and compiles several hundred packages (minutes on two cores), so it reports progress every 15 s.
 */
export async function build({ quiet = false } = {}) {
  if (existsSync(binary)) return binary;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error) throw new HelmError('Go is not installed: helm is built from its Go modules (install Go 1.26 or newer)');
  const say = (line) => quiet || console.error(line);
  say(`building helm ${HELM_VERSION} from Go modules (the first build takes several minutes)...`);
  mkdirSync(binDir, { recursive: true });
  const ldflags = `-s -w -X helm.sh/helm/v4/internal/version.version=${HELM_VERSION}`;
  let built;
  try {
    built = await goBuild(['install', '-v', `-ldflags=${ldflags}`, `helm.sh/helm/v4/cmd/helm@${HELM_VERSION}`], {
      cwd: root,
      env: { GOBIN: binDir, GOFLAGS: '-mod=mod -buildvcs=false' },
      say,
    });
  } catch {
    throw new HelmError('building helm failed (see the Go errors above)');
  }
  say(`built helm ${HELM_VERSION} in ${built.seconds}s${built.compiled ? ` (${built.compiled} packages compiled)` : ''}: ${binary}`);
  return binary;
}

/** The built binary, or an error that says how to build it. */
export function helmBinary() {
  if (!existsSync(binary)) throw new HelmError(`helm is not built: run \`npm run helm:build\` first (expected ${binary})`);
  return binary;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command] = process.argv.slice(2);
  try {
    if (command === 'build') await build();
    else if (command === 'path') console.log(helmBinary());
    else {
      console.error('usage: node scripts/helm.mjs build|path');
      process.exit(2);
    }
  } catch (e) {
    if (!(e instanceof HelmError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
}
