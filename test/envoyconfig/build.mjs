// Builds the Go check of our Envoy configuration (check_test.go) once into a test binary,
// cached under .tools/envoyconfig/<hash of the module's files>/ as scripts/helm.mjs caches
// helm: compiling go-control-plane's protos takes about a minute on two cores, running the
// binary a few milliseconds. The Go build cache makes a rebuild after an edit quick.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');

/** The test binary's path, built if it is not there yet; throws with Go's errors if it cannot be built. */
export function envoyConfigCheck() {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'check_test.go']) hash.update(readFileSync(join(here, file)));
  const dir = join(root, '.tools', 'envoyconfig', hash.digest('hex').slice(0, 16));
  const binary = join(dir, 'envoyconfig.test');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  const built = spawnSync('go', ['test', '-c', '-o', binary, '.'], { cwd: here, env: { ...process.env, CGO_ENABLED: '0', GOFLAGS: '-mod=mod -buildvcs=false' }, encoding: 'utf8' });
  if (built.error) throw new Error(`cannot run go (Go 1.26 or newer builds the Envoy configuration check): ${built.error.message}`);
  if (built.status !== 0) throw new Error(`building the Envoy configuration check failed:\n${built.stderr}`);
  return binary;
}

/** Runs the check on a folder of EnvoyFilter specs (JSON); returns its exit code and output. */
export function runEnvoyConfigCheck(folder) {
  const run = spawnSync(envoyConfigCheck(), ['-test.v'], { env: { ...process.env, ENVOYCONFIG_DIR: folder }, encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const folder = process.argv[2];
  if (!folder) {
    console.error('usage: node test/envoyconfig/build.mjs FOLDER-OF-ENVOYFILTER-SPECS');
    process.exit(2);
  }
  const { code, output } = runEnvoyConfigCheck(folder);
  process.stdout.write(output);
  process.exit(code ?? 1);
}
