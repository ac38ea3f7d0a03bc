// The image's two layers as tar entries: the runtime (C libraries, /bin/sh, CA
// certificates, Node, the non-root user) and the application (the packed plugin with its
// production dependencies, and launchers on PATH).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, copyFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entriesFromDir, withParents } from './tar.mjs';
import { debianPackages, nodeBinary, unpackDeb } from './sources.mjs';

export const UID = 65532;
export const APP_DIR = 'app';
export const BIN_DIR = 'usr/local/bin';

// From the Debian packages only the shared libraries, the dynamic loader and /bin/sh:
// no docs, man pages, locales, gconv modules or maintainer tools.
const KEEP_FROM_DEBS = /^(bin\/(dash|sh)|lib64\/[^/]+|lib\/x86_64-linux-gnu\/[^/]+|usr\/lib\/x86_64-linux-gnu\/[^/]+\.so[.0-9]*)$/;
// Files in node_modules nothing loads at run time.
const DROP_FROM_APP = /(\.md|\.markdown|\.map|\.d\.[cm]?ts|\.tsbuildinfo)$|(^|\/)(\.github|\.npmignore|\.editorconfig|\.eslintrc[^/]*|\.prettierrc[^/]*)$/i;

const tmp = (what) => mkdtempSync(join(tmpdir(), `oda-api-image-${what}-`));

export function runtimeLayer(cache) {
  const debs = tmp('debs');
  try {
    for (const deb of debianPackages(cache)) unpackDeb(deb, debs);
    const entries = entriesFromDir(debs).filter((e) => e.type !== 'dir' && KEEP_FROM_DEBS.test(e.path));
    const certs = join(debs, 'usr/share/ca-certificates/mozilla');
    const bundle = Buffer.concat(readdirSync(certs).sort().filter((f) => f.endsWith('.crt')).map((f) => readFileSync(join(certs, f))));
    entries.push(
      { path: 'etc/ssl/certs/ca-certificates.crt', type: 'file', data: bundle },
      { path: 'etc/passwd', type: 'file', data: Buffer.from(`root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${UID}:${UID}:nonroot:/home/nonroot:/sbin/nologin\n`) },
      { path: 'etc/group', type: 'file', data: Buffer.from(`root:x:0:\nnonroot:x:${UID}:\n`) },
      { path: `${BIN_DIR}/node`, type: 'file', data: readFileSync(nodeBinary(cache)), mode: 0o755 },
      { path: 'home/nonroot', type: 'dir', uid: UID, gid: UID },
      { path: 'tmp', type: 'dir', mode: 0o1777 },
    );
    return withParents(entries);
  } finally {
    rmSync(debs, { recursive: true, force: true });
  }
}

/**
 * The application from `npm pack` of the project (what a registry user would install),
 * with production dependencies from the lockfile, and a launcher on PATH per command.
 */
export function appLayer(root) {
  const work = tmp('app');
  try {
    const tgz = execFileSync('npm', ['pack', '--pack-destination', work, '--silent', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }).trim().split('\n').pop();
    execFileSync('tar', ['-xzf', join(work, tgz), '-C', work]);
    const app = join(work, 'package');
    copyFileSync(join(root, 'package-lock.json'), join(app, 'package-lock.json'));
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] });
    const entries = entriesFromDir(app, APP_DIR).filter((e) => !DROP_FROM_APP.test(e.path));
    for (const [name, target] of Object.entries(commands(app))) {
      entries.push({ path: `${BIN_DIR}/${name}`, type: 'file', mode: 0o755, data: Buffer.from(`#!/bin/sh\nexec node /${APP_DIR}/${target} "$@"\n`) });
    }
    return withParents(entries);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The package's commands, plus `kopf` (the Canvas chart's command line) when the package has one. */
function commands(app) {
  const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
  const bins = typeof pkg.bin === 'string' ? { [pkg.name]: pkg.bin } : { ...pkg.bin };
  if (!bins.kopf && existsSync(join(app, 'bin/kopf')) && statSync(join(app, 'bin/kopf')).isFile()) bins.kopf = 'bin/kopf';
  return Object.fromEntries(Object.entries(bins).map(([name, target]) => [name, target.replace(/^\.\//, '')]));
}
