#!/usr/bin/env node
// The local control plane, for people and for the test setup:
//   node scripts/cluster.mjs build            build the Go program (cached)
//   node scripts/cluster.mjs up <dir> [port]  start a fresh control plane, write <dir>/kubeconfig
//   node scripts/cluster.mjs down <dir>       stop it and remove its data
//   node scripts/cluster.mjs crds <kubeconfig> install the CRDs (ODA_API_TEST_CRDS_DIR overrides the folder)
// Also imported by test/support/global-setup.mjs, so tests and people start it the same way.
import { spawn, spawnSync } from 'node:child_process';
import { goBuild } from './go-build.mjs';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = join(root, 'test', 'controlplane');
export const binary = join(sourceDir, 'bin', 'controlplane');
export const defaultCrdsDir = join(root, 'test', 'crds');
const KUBE_VERSION = 'v1.36.3';

export class ClusterError extends Error {}

function newestSource() {
  return readdirSync(sourceDir)
    .filter((f) => f.endsWith('.go') || f === 'go.mod' || f === 'go.sum')
    .map((f) => statSync(join(sourceDir, f)).mtimeMs)
    .reduce((a, b) => Math.max(a, b), 0);
}

/**
 * Builds the control plane unless the binary is newer than its sources. A cold build
 * compiles about 2,000 Go packages (minutes on two cores), so it reports progress: the
 * package count every 15 s, from `go build -v`, which names each package it compiles.
 */
export async function build({ quiet = false } = {}) {
  if (existsSync(binary) && statSync(binary).mtimeMs >= newestSource()) return binary;
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error) throw new ClusterError('Go is not installed: the local control plane is built from upstream Go modules (install Go 1.26 or newer)');
  const say = (line) => quiet || console.error(line);
  say('building the local control plane (the first build downloads and compiles Kubernetes: several minutes)...');
  const ldflags = [
    '-s -w',
    `-X k8s.io/component-base/version.gitVersion=${KUBE_VERSION}`,
    '-X k8s.io/component-base/version.gitMajor=1',
    '-X k8s.io/component-base/version.gitMinor=36',
  ].join(' ');
  let built;
  try {
    built = await goBuild(['build', '-v', `-ldflags=${ldflags}`, '-o', binary, '.'], { cwd: sourceDir, say });
  } catch {
    throw new ClusterError('building the local control plane failed (see the Go errors above)');
  }
  say(`built in ${built.seconds}s${built.compiled ? ` (${built.compiled} packages compiled)` : ''}`);
  return binary;
}

function readState(dir) {
  const file = join(dir, 'state.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts a fresh control plane in dir and resolves once the API server is ready. */
export async function up(dir, { port } = {}) {
  dir = resolve(dir);
  const previous = readState(dir);
  if (previous && alive(previous.pid)) throw new ClusterError(`a control plane already runs in ${dir} (pid ${previous.pid}); run cluster:down first`);
  await build();
  removeData(dir);
  mkdirSync(dir, { recursive: true });
  const log = openSync(join(dir, 'controlplane.log'), 'w');
  const args = ['--dir', dir];
  if (port) args.push('--port', String(port));
  const started = Date.now();
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', log, log] });
  let exited = null;
  child.on('exit', (code) => (exited = code ?? 1));
  while (!readState(dir)) {
    if (exited !== null) throw new ClusterError(`the control plane exited: ${lastLine(join(dir, 'controlplane.log'))}`);
    if (Date.now() - started > 180_000) {
      child.kill('SIGKILL');
      throw new ClusterError(`the control plane was not ready after 180s; see ${join(dir, 'controlplane.log')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.unref();
  return { ...readState(dir), startSeconds: (Date.now() - started) / 1000 };
}

function lastLine(file) {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const fatal = lines.filter((l) => l.startsWith('controlplane:'));
  return (fatal.at(-1) ?? lines.at(-1) ?? 'no output').replace(/^controlplane: /, '');
}

/** Stops the control plane in dir (if running) and removes its data. */
export async function down(dir) {
  dir = resolve(dir);
  const state = readState(dir);
  if (state && alive(state.pid)) {
    process.kill(state.pid, 'SIGTERM');
    const deadline = Date.now() + 20_000;
    while (alive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(state.pid)) process.kill(state.pid, 'SIGKILL');
  }
  removeData(dir);
}

// Only what `up` created is removed, so `down .` cannot wipe a user's folder.
function removeData(dir) {
  for (const f of ['etcd', 'pki', 'kubeconfig', 'state.json', 'state.json.tmp', 'controlplane.log']) {
    rmSync(join(dir, f), { recursive: true, force: true });
  }
  if (existsSync(dir) && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
}

/** Installs the CRDs with kubectl (server-side apply) and waits until they are established. */
export function installCrds(kubeconfig, crdsDir = process.env.ODA_API_TEST_CRDS_DIR || defaultCrdsDir) {
  crdsDir = resolve(crdsDir);
  if (!existsSync(crdsDir)) throw new ClusterError(`CRD folder not found: ${crdsDir}`);
  const kubectl = (...args) => {
    const r = spawnSync('kubectl', ['--kubeconfig', kubeconfig, ...args], { encoding: 'utf8' });
    if (r.error) throw new ClusterError('kubectl is not installed or not on PATH');
    if (r.status !== 0) throw new ClusterError(`kubectl ${args[0]} failed: ${r.stderr.trim().split('\n').at(-1)}`);
    return r.stdout;
  };
  const files = readdirSync(crdsDir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(crdsDir, f));
  for (const file of files) kubectl('apply', '--server-side', '--field-manager=oda-api-tests', '-f', file);
  kubectl('wait', '--for=condition=Established', '--timeout=60s', 'crd', '--all');
  return crdsDir;
}

async function main([command, arg, port]) {
  switch (command) {
    case 'build':
      await build();
      return;
    case 'up': {
      if (!arg) throw new ClusterError('usage: npm run cluster:up -- <dir> [port]');
      const state = await up(arg, { port: port ? Number(port) : undefined });
      console.log(`control plane ready in ${state.startSeconds.toFixed(1)}s at ${state.server}`);
      console.log(`export KUBECONFIG=${state.kubeconfig}`);
      return;
    }
    case 'down':
      if (!arg) throw new ClusterError('usage: npm run cluster:down -- <dir>');
      await down(arg);
      return;
    case 'crds': {
      if (!arg) throw new ClusterError('usage: npm run crds:install -- <kubeconfig>');
      console.log(`CRDs installed from ${installCrds(arg)}`);
      return;
    }
    default:
      throw new ClusterError('usage: node scripts/cluster.mjs build | up <dir> [port] | down <dir> | crds <kubeconfig>');
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`cluster: ${err instanceof ClusterError ? err.message : err.stack}`);
    process.exit(1);
  });
}
