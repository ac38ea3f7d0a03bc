// The operator image for tests: the archive (from ODA_API_TEST_IMAGE, or built once per
// test process), unpacked into a root filesystem, and run the way a container runtime runs
// it: the config's entrypoint, user and environment, chrooted, with the ServiceAccount
// files where Kubernetes mounts them.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captured, type Captured } from './process.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SERVICE_ACCOUNT_DIR = 'var/run/secrets/kubernetes.io/serviceaccount';

export interface ImageConfig {
  User: string;
  Env: string[];
  Entrypoint: string[];
  Cmd: string[];
  WorkingDir?: string;
}

export interface UnpackedImage {
  rootfs: string;
  config: ImageConfig;
  annotations: Record<string, string>;
  manifestDigest: string;
  remove(): void;
}

/** The build's log when this process built the image (empty when CI passed one in). */
export let buildLog = '';

/** The image archive: ODA_API_TEST_IMAGE, or a fresh build checked for reproducibility. */
export function imageArchive(): string {
  if (process.env.ODA_API_TEST_IMAGE) return process.env.ODA_API_TEST_IMAGE;
  const out = join(mkdtempSync(join(tmpdir(), 'oda-api-image-')), 'image.tar');
  // npm test built dist/ already; rebuilding it here would remove it under the other tests' commands.
  const build = spawnSync(process.execPath, ['scripts/image/build.mjs', '--out', out, '--check-reproducible', '--skip-build'], { cwd: root, encoding: 'utf8' });
  buildLog = build.stderr; // the script reports on stderr; stdout is the digest
  if (build.status !== 0) throw new Error(`building the image failed:\n${build.stderr}`);
  process.env.ODA_API_TEST_IMAGE = out;
  return out;
}

const blob = (layout: string, digest: string) => join(layout, 'blobs', digest.replace(':', '/'));

/** Unpacks the archive's layers, in order, into a new root filesystem (as root: owners kept). */
export function unpackImage(archive: string): UnpackedImage {
  const work = mkdtempSync(join(tmpdir(), 'oda-api-rootfs-'));
  const layout = join(work, 'layout');
  const rootfs = join(work, 'rootfs');
  mkdirSync(layout);
  mkdirSync(rootfs);
  execFileSync('tar', ['-xf', archive, '-C', layout]);
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'));
  const manifestDigest: string = index.manifests[0].digest;
  const manifest = JSON.parse(readFileSync(blob(layout, manifestDigest), 'utf8'));
  const config = JSON.parse(readFileSync(blob(layout, manifest.config.digest), 'utf8')).config as ImageConfig;
  for (const layer of manifest.layers) execFileSync('tar', ['-xzf', blob(layout, layer.digest), '-C', rootfs]);
  return { rootfs, config, annotations: manifest.annotations, manifestDigest, remove: () => rmSync(work, { recursive: true, force: true }) };
}

/** Writes the ServiceAccount files into the root filesystem (readable by all, as Kubernetes mounts them). */
export function mountServiceAccount(image: UnpackedImage, files: { token?: string; 'ca.crt'?: string; namespace?: string }): void {
  const dir = join(image.rootfs, SERVICE_ACCOUNT_DIR);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    if (content === undefined) continue;
    writeFileSync(join(dir, name), content);
    chmodSync(join(dir, name), 0o644);
  }
}

export type Container = Captured;

/** Runs the image's entrypoint with args (or its Cmd) as its user, chrooted; env adds to the config's Env. */
export function runImage(image: UnpackedImage, args: string[] | undefined, env: Record<string, string> = {}): Container {
  return runInImage(image, [...image.config.Entrypoint, ...(args ?? image.config.Cmd)], env);
}

/** Runs argv inside the image as user (default: the image's), found on the image's PATH; env adds to the config's Env. */
export function runInImage(image: UnpackedImage, argv: string[], env: Record<string, string> = {}, user = image.config.User): Container {
  if (process.getuid?.() !== 0) throw new Error('running the image needs root (chroot --userspec), as CI has');
  const [uid, gid = uid] = user.split(':');
  const chroot = execFileSync('sh', ['-c', 'command -v chroot'], { encoding: 'utf8' }).trim();
  const environment = Object.fromEntries(image.config.Env.map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
  // chroot looks the command up on the image's PATH, inside the image.
  const child = spawn(chroot, [`--userspec=${uid}:${gid}`, image.rootfs, ...argv], {
    env: { ...environment, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, exited } = captured(child);
  return { child, output, exited };
}
