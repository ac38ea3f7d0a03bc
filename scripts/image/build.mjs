#!/usr/bin/env node
// `npm run image -- --out <file>`: builds the operator's OCI image archive for linux/amd64
// without a container engine or a base image (see docs/image.md).
//   --out <file>            where to write the OCI archive (a tar of an OCI image layout)
//   --check-reproducible    build twice from scratch and fail unless both give the same manifest digest
//   --rootfs <dir>          also unpack the image's root filesystem into dir (the Dockerfile uses this)
//   --tag <name:tag>        the name the archive carries (default kubectl-oda-api:<version>)
//   --skip-build            use the dist/ already built (tests: rebuilding it would pull it from under running commands)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { NODE_OPTIONS } from './node-options.mjs';
import { ociArchive } from './oci.mjs';
import { APP_DIR, BIN_DIR, UID, appLayer, runtimeLayer } from './rootfs.mjs';
import { tarEntries } from './tar.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const usage = 'usage: npm run image -- --out <file> [--check-reproducible] [--rootfs <dir>] [--tag <name:tag>] [--skip-build]';

function fail(message, code = 1) {
  console.error(`image: ${message}`);
  process.exit(code);
}

let args;
try {
  args = parseArgs({
    options: { out: { type: 'string' }, 'check-reproducible': { type: 'boolean' }, rootfs: { type: 'string' }, tag: { type: 'string' }, 'skip-build': { type: 'boolean' } },
  }).values;
} catch (err) {
  fail(`${err.message}\n${usage}`, 2);
}
if (!args.out && !args.rootfs) fail(`--out <file> is required\n${usage}`, 2);

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const git = (...a) => {
  try {
    return execFileSync('git', a, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
};
// Without git (a Docker build context), the caller passes these in.
const revision = process.env.ODA_API_IMAGE_REVISION || git('rev-parse', 'HEAD') || 'unknown';
const epoch = Number(process.env.SOURCE_DATE_EPOCH || git('log', '-1', '--format=%ct') || 0);
const created = new Date(epoch * 1000).toISOString();
const tag = args.tag ?? `kubectl-oda-api:${pkg.version}`;
const cache = join(root, '.tools', 'image');

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Runs one step, saying how long it took (build time is something we report). */
function step(what, fn) {
  const started = Date.now();
  const result = fn();
  console.error(`image: ${what} (${seconds(Date.now() - started)})`);
  return result;
}

function build() {
  const layers = [
    { name: 'runtime: Debian C libraries, dash, CA certificates, Node', tar: step('runtime layer', () => tarEntries(runtimeLayer(cache), epoch)) },
    { name: 'application: kubectl-oda-api and its production dependencies', tar: step('application layer', () => tarEntries(appLayer(root), epoch)) },
  ];
  return step('compressed layers and OCI layout', () => ({
    layers,
    ...ociArchive({
      layers,
      created,
      mtime: epoch,
      ref: tag,
      config: {
        User: `${UID}:${UID}`,
        Env: [`PATH=/${BIN_DIR}:/usr/bin:/bin`, 'NODE_ENV=production', `NODE_OPTIONS=${NODE_OPTIONS}`],
        Entrypoint: ['kubectl-oda_api'],
        Cmd: ['watch'],
        WorkingDir: `/${APP_DIR}`,
      },
      annotations: {
        'org.opencontainers.image.title': pkg.name,
        'org.opencontainers.image.description': pkg.description,
        'org.opencontainers.image.version': pkg.version,
        'org.opencontainers.image.revision': revision,
        'org.opencontainers.image.source': String(pkg.repository?.url ?? pkg.repository ?? '').replace(/^git\+/, '').replace(/\.git$/, ''),
        'org.opencontainers.image.licenses': pkg.license,
        'org.opencontainers.image.created': created,
      },
    }),
  }));
}

const started = Date.now();
if (!args['skip-build']) step('built the project (npm run build)', () => execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] }));
const image = build();
console.error(`image: ${tag} ${image.manifestDigest} in ${seconds(Date.now() - started)}`);
console.error(`image: ${mb(image.compressedSize)} compressed, ${mb(image.uncompressedSize)} uncompressed`);

if (args['check-reproducible']) {
  const again = build();
  if (again.manifestDigest !== image.manifestDigest) fail(`not reproducible: a second build gave ${again.manifestDigest}, the first ${image.manifestDigest}`);
  console.error(`image: reproducible, a second build gave the same manifest digest ${image.manifestDigest}`);
}
if (args.out) {
  mkdirSync(dirname(resolve(args.out)), { recursive: true });
  writeFileSync(args.out, image.archive);
  console.error(`image: wrote ${args.out}`);
}
if (args.rootfs) {
  mkdirSync(args.rootfs, { recursive: true });
  for (const layer of image.layers) execFileSync('tar', ['-xf', '-', '-C', args.rootfs], { input: layer.tar });
  console.error(`image: unpacked the root filesystem into ${args.rootfs}`);
}
// The one line on stdout, for scripts: the manifest digest.
console.log(image.manifestDigest);
