// The three ways users install `kubectl oda-api`, each installed for real and run through
// kubectl against the real control plane: the npm package (npm pack, npm install -g), the
// single executable, and krew with the release's manifest and archive (a real krew built
// from its Go modules: npm run krew:build). The executable is built once, by `npm run
// release`, and reused. dist/ is npm test's build (rebuilding it here would pull it from
// under the other tests' commands), hence --ignore-scripts and --skip-build.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeClient } from '../../src/kube/client.js';
import { krewBinary } from '../../scripts/krew.mjs';
import { createApi, createGateway } from '../support/canvas.js';
import { adminClient, createNamespace, createService, deleteNamespace } from '../support/cluster.js';
import { kubectlOnPath, linkFolder, which } from '../support/install.js';
import { Terminal } from '../support/tmux.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const work = mkdtempSync(join(tmpdir(), 'oda-api-install-'));
const kubectl = which('kubectl');
// The PATH of a user with Node (for the npm package): the test's, less the clone's bin/.
const userPath = process.env.PATH!.split(':').filter((p) => resolve(p) !== join(root, 'bin')).join(':');
const VERSION_LINE = new RegExp(`^${pkg.name}/${pkg.version.replaceAll('.', '\\.')} linux-x64 node-v\\d+\\.\\d+\\.\\d+\\n$`);

let client: KubeClient;
let ns: string;
let scope: string[];
let npmPrefix: string;
let release: { manifest: string; archive: string; executable: string };

const run = (cmd: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) =>
  execFileSync(cmd, args, { cwd: o.cwd ?? root, env: o.env ?? process.env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

beforeAll(async () => {
  client = adminClient();
  ns = await createNamespace(client, 'inst');
  const { gateway } = await createGateway(client, ns, { ip: '198.51.100.44' });
  await createService(client, ns, { name: 'impl' });
  await createApi(client, ns, 'orders');
  scope = ['-n', ns, '--gateway', gateway];

  // npm: pack as a registry user would get it, install globally into a scratch prefix.
  const packed = join(work, 'packed');
  mkdirSync(packed);
  const tarball = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', packed]).trim().split('\n').pop()!;
  npmPrefix = join(work, 'npm-global');
  run('npm', ['install', '-g', '--prefix', npmPrefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(packed, tarball)]);
  // The API's URL, written once, for every form's `status` to read.
  const reconciled = await kubectlOnPath(`${join(npmPrefix, 'bin')}:${userPath}`, ['oda-api', 'reconcile', ...scope]);
  if (reconciled.code !== 0) throw new Error(`reconcile failed: ${reconciled.stderr}`);

  // The release: the executable in its krew archive, and the manifest.
  const out = join(work, 'release');
  const manifest = run(process.execPath, ['scripts/release/release.mjs', pkg.version, '--skip-build', '--out', out]).trim();
  const archive = join(out, readdirSync(out).find((f) => f.endsWith('-linux-amd64.tar.gz'))!);
  const unpacked = join(work, 'unpacked');
  mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', archive, '-C', unpacked]);
  release = { manifest, archive, executable: join(unpacked, 'kubectl-oda_api') };
}, 180_000);

afterAll(async () => {
  await deleteNamespace(client, ns);
  rmSync(work, { recursive: true, force: true });
});

/** `status` of the namespace's one API (reconciled in beforeAll): routed, not ready. */
async function checkStatus(path: string, env: Record<string, string> = {}): Promise<void> {
  const r = await kubectlOnPath(path, ['oda-api', 'status', ...scope], env);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1); // no pod serves the API: not ready
  expect(r.stdout).toMatch(new RegExp(`^${ns}\\s+orders\\s+https://198\\.51\\.100\\.44/${ns}/orders\\s+false\\s`, 'm'));
}

describe('the npm package', () => {
  test('holds the bins, the bundle and its notices: no sources, tests, benches or fixtures', () => {
    const [report] = JSON.parse(run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts']));
    expect(report.files.map((f: { path: string }) => f.path).sort()).toEqual([
      'LICENSE',
      'README.md',
      'bin/kopf',
      'bin/kubectl-oda_api',
      'bin/require-node.js',
      'dist/THIRD-PARTY-NOTICES.txt',
      'dist/kubectl-oda-api.mjs',
      'package.json',
    ]);
    // Everything is in the bundle: the install has nothing to fetch (no dependencies).
    expect(pkg.dependencies).toBeUndefined();
    expect(existsSync(join(npmPrefix, 'lib/node_modules', pkg.name, 'node_modules'))).toBe(false);
  });

  test('installed with npm install -g, runs through kubectl: --version, --help, status', async () => {
    const path = `${join(npmPrefix, 'bin')}:${userPath}`;
    const version = await kubectlOnPath(path, ['oda-api', '--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toMatch(VERSION_LINE);
    // `--version` alone is answered without oclif; with another argument oclif answers: the same line.
    expect((await kubectlOnPath(path, ['oda-api', '--version', 'x'])).stdout).toBe(version.stdout);
    const help = await kubectlOnPath(path, ['oda-api', '--help']);
    expect(help.code).toBe(0);
    for (const command of ['dashboard', 'diff', 'manifests', 'reconcile', 'status', 'watch']) expect(help.stdout).toMatch(new RegExp(`^  ${command}\\s`, 'm'));
    await checkStatus(path);
  });
});

describe('the single executable', () => {
  test('one file that runs with no Node on PATH: --version, --help, status through kubectl', async () => {
    const path = linkFolder({ kubectl, 'kubectl-oda_api': release.executable });
    expect(spawnSync('sh', ['-c', 'command -v node'], { env: { PATH: path } }).status).not.toBe(0);
    const version = await kubectlOnPath(path, ['oda-api', '--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toMatch(VERSION_LINE);
    const help = await kubectlOnPath(path, ['oda-api', 'status', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('kubectl oda-api status -n components --wait --timeout 2m');
    await checkStatus(path);
  });

  test('has the Ink dashboard: it draws the API in a real terminal and quits on q', async () => {
    // tmux too: the terminal's server is started with the command's PATH.
    const path = linkFolder({ kubectl, tmux: which('tmux'), 'kubectl-oda_api': release.executable });
    const { NODE_ENV: _jest, TMUX: _tmux, TMUX_PANE: _pane, ...env } = process.env;
    const terminal = await Terminal.start(['kubectl', 'oda-api', 'dashboard', ...scope], { columns: 160, rows: 20, env: { ...env, PATH: path, KUBECONFIG: process.env.ODA_API_TEST_KUBECONFIG } });
    try {
      const screen = await terminal.waitForText(`https://198.51.100.44/${ns}/orders`);
      expect(screen).toContain('kubectl oda-api dashboard');
      await terminal.send('q');
      expect(await terminal.waitForExit()).toBe(0);
    } finally {
      await terminal.kill();
    }
  });

  test('bad input is one line: no Node binary to build from, a release without a version', () => {
    const sea = spawnSync(process.execPath, ['scripts/sea/build.mjs', '--out', join(work, 'x'), '--node', join(work, 'no-node')], { cwd: root, encoding: 'utf8' });
    expect({ code: sea.status, stderr: sea.stderr }).toEqual({ code: 2, stderr: `sea: no Node binary at ${join(work, 'no-node')} (--node takes the target's node executable)\n` });
    const rel = spawnSync(process.execPath, ['scripts/release/release.mjs'], { cwd: root, encoding: 'utf8' });
    expect(rel.status).toBe(2);
    expect(rel.stderr).toMatch(/^release: one version is required; usage: npm run release -- <version> .*\n$/);
  });
});

describe('krew', () => {
  test('installs the release archive with its manifest, offline; the plugin runs; uninstall removes it', async () => {
    const krewRoot = join(work, 'krew');
    // No Node on PATH; krew runs git for its index.
    const path = `${linkFolder({ kubectl, git: which('git'), 'kubectl-krew': krewBinary() })}:${join(krewRoot, 'bin')}`;
    // A proxy that refuses every connection: krew may not reach the network (no index, no upgrade check).
    const env = { KREW_ROOT: krewRoot, HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', KREW_NO_UPGRADE_CHECK: '1' };
    expect(readFileSync(release.manifest, 'utf8')).toContain(`sha256: ${(await sha256(release.archive))}`);
    // A user's krew has its plugin index (list and uninstall insist on one); krew fetches it
    // with git from GitHub, so here it is an empty index in a local git repository.
    const index = join(work, 'krew-index');
    mkdirSync(join(index, 'plugins'), { recursive: true });
    writeFileSync(join(index, 'plugins', '.keep'), '');
    for (const args of [['init', '-q'], ['add', '.'], ['-c', 'user.name=test', '-c', 'user.email=test@example.invalid', 'commit', '-qm', 'empty index']]) run('git', ['-C', index, ...args]);
    expect((await kubectlOnPath(path, ['krew', 'index', 'add', 'default', index], env)).code).toBe(0);

    const install = await kubectlOnPath(path, ['krew', 'install', `--manifest=${release.manifest}`, `--archive=${release.archive}`], env);
    expect(install.code).toBe(0);
    expect(install.stderr).toContain('Installed plugin: oda-api');
    expect(install.stderr).toContain('ODA Canvas CRDs'); // the caveats are shown

    const version = await kubectlOnPath(path, ['oda-api', '--version'], env);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toMatch(VERSION_LINE);
    await checkStatus(path, env);
    // Installed from a manifest, not from an index: krew calls it detached.
    expect((await kubectlOnPath(path, ['krew', 'list'], env)).stdout).toMatch(/^detached\/oda-api$/m);

    const uninstall = await kubectlOnPath(path, ['krew', 'uninstall', 'oda-api'], env);
    expect(uninstall.code).toBe(0);
    expect(existsSync(join(krewRoot, 'bin', 'kubectl-oda_api'))).toBe(false);
    expect(existsSync(join(krewRoot, 'store', 'oda-api'))).toBe(false);
    expect((await kubectlOnPath(path, ['oda-api', '--version'], env)).code).not.toBe(0);
  });
});

async function sha256(file: string): Promise<string> {
  const { createHash } = await import('node:crypto');
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
