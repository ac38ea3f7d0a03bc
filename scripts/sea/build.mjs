#!/usr/bin/env node
// `npm run sea -- --out <file> [--node <node binary>]`: a single executable of the CLI, Node's
// "single executable application": a copy of the target's Node binary with the bundle
// (dist/kubectl-oda-api.mjs, built by `npm run build`) injected with postject. One file, no
// Node needed where it runs. --node is the target's Node binary (default: the Node running
// this script). Releases for other platforms pass theirs (docs/release.md).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
export const BUNDLE = join(root, 'dist', 'kubectl-oda-api.mjs');
// Node's fixed marker for the blob (doc: single-executable-applications, "Injecting").
const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const POSTJECT = createRequire(import.meta.url).resolve('postject/dist/cli.js');

export class SeaError extends Error {}

/** What kind of executable the file is, from its first bytes: 'elf', 'macho' or 'pe'. */
function executableKind(file) {
  const head = readFileSync(file).subarray(0, 4);
  if (head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) return 'elf';
  if ([0xfeedfacf, 0xcffaedfe, 0xcafebabe].includes(head.readUInt32BE(0))) return 'macho';
  if (head.subarray(0, 2).toString() === 'MZ') return 'pe';
  return undefined;
}

/**
 * Builds the executable at `out` from the target's Node binary. The blob carries only the
 * scripts (no code cache, no snapshot), so it fits any platform of the same Node version;
 * the Node that writes it (this one) must be that version.
 */
export async function buildSea({ node = process.execPath, out, bundle = BUNDLE, strip = true, codeCache: withCache = true }) {
  if (!existsSync(node) || !statSync(node).isFile()) throw new SeaError(`no Node binary at ${node} (--node takes the target's node executable)`);
  const kind = executableKind(node);
  if (!kind) throw new SeaError(`${node} is not an executable (ELF, Mach-O or PE)`);
  if (!existsSync(bundle)) throw new SeaError(`no bundle at ${bundle}: run \`npm run build\` first`);
  const work = mkdtempSync(join(tmpdir(), 'oda-api-sea-'));
  try {
    const blob = join(work, 'sea.blob');
    const cache = withCache ? codeCache(node, bundle, join(work, 'bundle.cache')) : undefined;
    const config = join(work, 'sea-config.json');
    writeFileSync(config, JSON.stringify({
      main: join(here, 'main.cjs'),
      output: blob,
      assets: { 'kubectl-oda-api.mjs': bundle, ...(cache ? { 'kubectl-oda-api.cache': cache } : {}) },
      // The bundle runs as a vm module (main.cjs); that API is still flagged in Node 24.
      execArgv: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'],
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: false,
    }));
    const prepared = spawnSync(process.execPath, ['--experimental-sea-config', config], { encoding: 'utf8' });
    if (prepared.status !== 0) throw new SeaError(`node --experimental-sea-config failed:\n${prepared.stderr}`);
    mkdirFor(out);
    rmSync(out, { force: true });
    copyFileSync(node, out);
    chmodSync(out, 0o755);
    // Node's symbols are a sixth of its size and nothing at run time reads them. Only an ELF
    // for this machine's strip; Mach-O and PE are signed and stripped by their own tools.
    if (strip && kind === 'elf' && process.platform === 'linux' && hasStrip()) execFileSync('strip', ['--strip-all', out]);
    const args = [POSTJECT, out, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', FUSE, ...(kind === 'macho' ? ['--macho-segment-name', 'NODE_SEA'] : [])];
    // postject (LIEF) prints a warning per ELF note it cannot name: shown only when it fails.
    const injected = spawnSync(process.execPath, args, { encoding: 'utf8' });
    if (injected.status !== 0) throw new SeaError(`postject failed:\n${injected.stdout}${injected.stderr}`);
    return { out, bytes: statSync(out).size, codeCache: Boolean(cache) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function mkdirFor(file) {
  execFileSync('mkdir', ['-p', dirname(resolve(file))]);
}

function hasStrip() {
  try {
    execFileSync('strip', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * V8's code cache of the bundle as a vm module, made by the target's own Node, so the
 * executable starts without parsing the whole bundle. Only when that Node runs here and is
 * the version writing the blob (V8 rejects another version's cache): else none, and the
 * executable compiles the bundle at each start instead. A fixed --random-seed makes V8 write
 * the same bytes each time (it seeds its hashes), so a build is reproducible; V8 still accepts
 * the cache in a Node started without that flag.
 */
function codeCache(node, bundle, file) {
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' });
  if (version.status !== 0 || version.stdout.trim() !== process.version) return undefined;
  const make = `const { SourceTextModule } = require('node:vm');
    const m = new SourceTextModule(require('node:fs').readFileSync(process.argv[1], 'utf8'));
    require('node:fs').writeFileSync(process.argv[2], m.createCachedData());`;
  execFileSync(node, ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', '--random-seed=1', '-e', make, bundle, file]);
  return file;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const usage = 'usage: npm run sea -- --out <file> [--node <target node binary>] [--no-strip] [--no-code-cache]';
  try {
    const { values } = parseArgs({ options: { out: { type: 'string' }, node: { type: 'string' }, 'no-strip': { type: 'boolean' }, 'no-code-cache': { type: 'boolean' } } });
    if (!values.out) throw new SeaError(`--out <file> is required; ${usage}`);
    const { out, bytes } = await buildSea({ node: values.node ? resolve(values.node) : undefined, out: values.out, strip: !values['no-strip'], codeCache: !values['no-code-cache'] });
    console.error(`sea: wrote ${out} (${(bytes / 1e6).toFixed(1)} MB)`);
  } catch (e) {
    if (!(e instanceof SeaError) && e.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw e;
    console.error(`sea: ${e.message}`);
    process.exit(2);
  }
}
