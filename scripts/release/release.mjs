#!/usr/bin/env node
// `npm run release -- <version>`: the release's krew archives and manifest.
//   <version>               the version being released (package.json's, with or without the v)
//   --out <dir>             where to write them (default dist/release)
//   --node <os>-<arch>=<node binary>   a target platform and its Node binary, repeatable
//                           (default: linux-amd64 with the Node running this, on linux/x64)
//   --base-url <url>        where the archives will be downloaded from (default: the GitHub
//                           release of the tag v<version>)
//   --skip-build            use the bundle already built (tests)
// For each platform: a single executable (scripts/sea/build.mjs) named kubectl-oda_api, in
// kubectl-oda_api-v<version>-<os>-<arch>.tar.gz with LICENSE and the third-party notices;
// then oda-api.yaml, the krew plugin manifest, with each archive's sha256. See docs/release.md.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { tarEntries } from '../image/tar.mjs';
import { BUNDLE, NOTICES } from '../sea/bundle.mjs';
import { SeaError, buildSea } from '../sea/build.mjs';
import { krewManifest } from './manifest.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const usage = 'usage: npm run release -- <version> [--out <dir>] [--node <os>-<arch>=<node binary>]... [--base-url <url>] [--skip-build]';
const PLATFORMS = ['linux-amd64', 'linux-arm64', 'darwin-amd64', 'darwin-arm64', 'windows-amd64'];

class ReleaseError extends Error {}

function options(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: 'string' }, node: { type: 'string', multiple: true }, 'base-url': { type: 'string' }, 'skip-build': { type: 'boolean' } },
    });
  } catch (e) {
    throw new ReleaseError(`${e.message}; ${usage}`);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new ReleaseError(`one version is required; ${usage}`);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const version = positionals[0].replace(/^v/, '');
  // The executable reports package.json's version: a release of another would lie.
  if (version !== pkg.version) throw new ReleaseError(`version ${positionals[0]} is not package.json's ${pkg.version} (set it first: npm version ${version})`);
  const host = `${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}`;
  const nodes = (values.node ?? [`${host}=${process.execPath}`]).map((spec) => {
    const [platform, node] = [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)];
    if (!PLATFORMS.includes(platform) || !node) throw new ReleaseError(`--node ${spec}: expected <os>-<arch>=<node binary> with one of ${PLATFORMS.join(', ')}`);
    return { platform, node: resolve(node) };
  });
  const repo = String(pkg.repository?.url ?? pkg.repository).replace(/^git\+/, '').replace(/\.git$/, '');
  return { pkg, version, nodes, out: resolve(values.out ?? join(root, 'dist', 'release')), baseUrl: values['base-url'] ?? `${repo}/releases/download/v${version}`, skipBuild: values['skip-build'] };
}

export async function release(argv) {
  const { pkg, version, nodes, out, baseUrl, skipBuild } = options(argv);
  if (!skipBuild) execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  mkdirSync(out, { recursive: true });
  // The archives' times are the release commit's, so the same commit gives the same bytes.
  const mtime = Number(process.env.SOURCE_DATE_EPOCH || execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: root, encoding: 'utf8' }).trim());
  const archives = [];
  for (const { platform, node } of nodes) {
    const exe = platform.startsWith('windows') ? 'kubectl-oda_api.exe' : 'kubectl-oda_api';
    const work = join(tmpdir(), `oda-api-release-${process.pid}-${platform}`);
    try {
      const built = await buildSea({ node, out: join(work, exe), bundle: BUNDLE });
      const tar = tarEntries(
        [
          { path: exe, type: 'file', mode: 0o755, data: readFileSync(built.out) },
          { path: 'LICENSE', type: 'file', data: readFileSync(join(root, 'LICENSE')) },
          { path: 'THIRD-PARTY-NOTICES.txt', type: 'file', data: readFileSync(NOTICES) },
        ],
        mtime,
      );
      const file = `kubectl-oda_api-v${version}-${platform}.tar.gz`;
      const data = gzipSync(tar, { level: 9 });
      writeFileSync(join(out, file), data);
      const sha256 = createHash('sha256').update(data).digest('hex');
      archives.push({ platform, file, sha256, bin: exe, uri: `${baseUrl}/${file}`, bytes: data.length, exeBytes: built.bytes });
      console.error(`release: ${file} (${(data.length / 1e6).toFixed(1)} MB; executable ${(built.bytes / 1e6).toFixed(1)} MB${built.codeCache ? ', with code cache' : ''}) sha256 ${sha256}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const manifest = join(out, 'oda-api.yaml');
  writeFileSync(manifest, krewManifest({ version: `v${version}`, homepage: String(pkg.homepage ?? baseUrl.replace(/\/releases\/.*/, '')), archives }));
  console.error(`release: ${manifest}`);
  return { manifest, archives };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const { manifest } = await release(process.argv.slice(2));
    console.log(manifest);
  } catch (e) {
    if (!(e instanceof ReleaseError || e instanceof SeaError)) throw e;
    console.error(`release: ${e.message}`);
    process.exit(2);
  }
}
