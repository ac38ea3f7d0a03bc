#!/usr/bin/env node
// `npm run bench:startup [-- --runs N]`: how long `kubectl oda-api` takes to start, as each
// install runs it, against `node -e 0` (the floor: Node starting and doing nothing).
// It installs the npm package (npm pack, npm install -g into a scratch prefix), builds the
// single executable with and without its code cache, starts a local control plane for a
// real `status`, then times N runs of each command, interleaved (so load on the machine
// falls on every row alike) after one untimed run (which fills Node's compile cache).
// Prints medians and ratios as Markdown; the figures go in docs/benchmarks.md (Startup).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { down, installCrds, up } from '../scripts/cluster.mjs';
import { buildSea } from '../scripts/sea/build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { runs: { type: 'string', default: '15' } } });
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) {
  console.error('bench:startup: --runs takes a whole number of runs, at least 1');
  process.exit(2);
}
const work = mkdtempSync(join(tmpdir(), 'oda-api-startup-'));
const say = (line) => console.error(`startup: ${line}`);
const run = (cmd, args, o = {}) => execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...o });

let cluster;
try {
  say('npm pack and npm install -g into a scratch prefix');
  mkdirSync(join(work, 'packed'));
  const tarball = run('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', join(work, 'packed')]).trim().split('\n').pop();
  const prefix = join(work, 'npm');
  run('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', join(work, 'packed', tarball)]);
  const npmBin = join(prefix, 'bin', 'kubectl-oda_api');

  say('the single executable, with and without its code cache');
  const sea = (await buildSea({ out: join(work, 'sea', 'kubectl-oda_api') })).out;
  const seaNoCache = (await buildSea({ out: join(work, 'sea-no-cache', 'kubectl-oda_api'), codeCache: false })).out;

  say('a local control plane for `status`');
  cluster = join(work, 'cluster');
  const { kubeconfig } = await up(cluster);
  installCrds(kubeconfig);
  const api = { apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', metadata: { name: 'orders', namespace: 'default' }, spec: { name: 'orders', apiType: 'openapi', implementation: 'orders', path: '/orders', port: 8080 } };
  run('kubectl', ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], { input: JSON.stringify(api), stdio: ['pipe', 'pipe', 'pipe'] });

  // The rows: [what, argv, extra env]. `status` exits 1 (the API is not ready): it still ran.
  const env = { ...process.env, KUBECONFIG: kubeconfig };
  const status = ['status', '-n', 'default'];
  const withCache = { NODE_COMPILE_CACHE: join(work, 'compile-cache') };
  const before = `const { execute } = await import('@oclif/core'); await execute({ dir: ${JSON.stringify(join(root, 'bin', 'x'))} });`;
  const rows = [
    ['node -e 0', [process.execPath, '-e', '0']],
    ['npm install: --version', [npmBin, '--version'], withCache],
    ['npm install: --help', [npmBin, '--help'], withCache],
    ['npm install: status', [npmBin, ...status], withCache],
    ['npm install: --version, no compile cache', [npmBin, '--version'], { NODE_DISABLE_COMPILE_CACHE: '1' }],
    ['single executable: --version', [sea, '--version']],
    ['single executable: --help', [sea, '--help']],
    ['single executable: status', [sea, ...status]],
    ['single executable without code cache: --version', [seaNoCache, '--version']],
    ['before (oclif over dist/ and node_modules): --version', [process.execPath, '--input-type=module', '-e', before, '--', '--version']],
    ['kubectl alone: kubectl version --client', ['kubectl', 'version', '--client']],
    ['through kubectl: kubectl oda-api --version (npm install)', ['kubectl', 'oda-api', '--version'], { PATH: `${join(prefix, 'bin')}:${process.env.PATH}` }],
    ['through kubectl: kubectl oda-api --version (single executable)', ['kubectl', 'oda-api', '--version'], { PATH: `${dirname(sea)}:${process.env.PATH}` }],
  ];
  const time = ([, [cmd, ...args], extra]) => {
    const started = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { env: { ...env, ...extra }, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (r.status > 1 || r.error) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.error?.message ?? r.stderr}`);
    return ms;
  };
  for (const row of rows) time(row); // untimed: fills the compile cache, warms the page cache
  const samples = rows.map(() => []);
  say(`${RUNS} runs of ${rows.length} commands, interleaved (load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores)`);
  for (let i = 0; i < RUNS; i++) rows.forEach((row, r) => samples[r].push(time(row)));

  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const medians = samples.map(median);
  const npmVersion = medians[1];
  const mb = (file) => (statSync(file).size / 1e6).toFixed(1);
  const lines = [
    `Startup, ${RUNS} runs each (median, min–max), Node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at the end:`,
    '',
    '| command | median ms | min–max ms | × node -e 0 | × npm --version |',
    '|---|---|---|---|---|',
    ...rows.map(([what], r) => `| ${what} | ${medians[r].toFixed(0)} | ${Math.min(...samples[r]).toFixed(0)}–${Math.max(...samples[r]).toFixed(0)} | ${(medians[r] / medians[0]).toFixed(2)} | ${(medians[r] / npmVersion).toFixed(2)} |`),
    '',
    `Sizes: single executable ${mb(sea)} MB (without code cache ${mb(seaNoCache)} MB), bundle ${mb(join(root, 'dist', 'kubectl-oda-api.mjs'))} MB, npm package ${mb(join(work, 'packed', tarball))} MB packed.`,
  ];
  console.log(lines.join('\n'));
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'startup.json'), JSON.stringify({ runs: RUNS, node: process.version, rows: rows.map(([what], r) => ({ what, medianMs: medians[r], samplesMs: samples[r] })) }, null, 2));
} finally {
  if (cluster) await down(cluster);
  rmSync(work, { recursive: true, force: true });
}
