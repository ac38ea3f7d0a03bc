#!/usr/bin/env node
// The watch operator under a burst: N ExposedAPIs (each with its Service) created at once
// while `kubectl oda-api watch --standalone` runs. Reports, from the API server's side:
// per-API latency from create to routed (VirtualService uid and URL in status), median,
// p95 and p99; the time until all are routed; the operator's write requests during a quiet
// minute afterwards (the goal is zero); its memory (RSS now and peak) and CPU seconds.
// Usage: node bench/watch.mjs [N=1000] [quietSeconds=60]   (needs `npm run build` first)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NAMESPACE as ns, pool, startCanvas } from './canvas.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const n = Number(process.argv[2] ?? 1000);
const quietSeconds = Number(process.argv[3] ?? 60);
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const proc = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(status.match(new RegExp(`${k}:\\s+(\\d+)`))[1]);
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return { rssMiB: kb('VmRSS') / 1024, peakMiB: kb('VmHWM') / 1024, cpuSeconds: (Number(stat[11]) + Number(stat[12])) / 100 };
};
/** Write requests the API server served on the operator's resources (from its own metrics). */
async function serverWrites(client) {
  const text = await client.request('GET', '/metrics').catch(() => '');
  let total = 0;
  const body = typeof text === 'string' ? text : text.message ?? '';
  for (const line of body.split('\n')) {
    const m = line.match(/^apiserver_request_total\{(.*)\} (\d+(\.\d+)?)/);
    if (!m || !/verb="(PATCH|POST|PUT|DELETE|APPLY|CREATE|UPDATE)"/.test(m[1])) continue;
    if (/resource="(exposedapis|virtualservices|servicemonitors|events|components|pods)"/.test(m[1])) total += Number(m[2]);
  }
  return total;
}

/** Plays the kubelet: flips a pod behind the API's Service and times the status following it. */
async function readinessFlips(admin, name, times) {
  const pods = `/api/v1/namespaces/${ns}/pods`;
  await admin.request('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'bench-node' } } }).catch(() => {});
  await admin.request('POST', pods, { body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: `${name}-pod`, labels: { app: name } }, spec: { nodeName: 'bench-node', containers: [{ name: 'c', image: 'x' }] } } });
  const up = [];
  const down = [];
  for (let i = 0; i < times; i++) {
    for (const ready of [true, false]) {
      const started = Date.now();
      await admin.request('PATCH', `${pods}/${name}-pod/status`, {
        contentType: 'application/merge-patch+json',
        body: { status: { phase: 'Running', podIP: '10.244.0.9', podIPs: [{ ip: '10.244.0.9' }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } },
      });
      for (;;) {
        const api = await admin.get(`/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis/${name}`);
        if (api.status?.implementation?.ready === ready) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      (ready ? up : down).push(Date.now() - started);
    }
  }
  return { up: up.sort((a, b) => a - b), down: down.sort((a, b) => a - b) };
}

let operator;
const canvas = await startCanvas();
try {
  const { state, admin } = canvas;
  operator = spawn(process.execPath, [join(root, 'bin', 'kubectl-oda_api'), 'watch', '--standalone', '-q', '-n', ns, '--health-address', 'none'], {
    env: { ...process.env, KUBECONFIG: state.kubeconfig }, stdio: ['ignore', 'ignore', 'inherit'],
  });
  await new Promise((r) => setTimeout(r, 3000));

  // Observe routing from the API server's side: a watch on ExposedAPIs.
  const created = new Map();
  const routedAt = new Map();
  const list = await admin.get(`/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis`);
  const watcher = await admin.watch(`/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis`, { resourceVersion: list.metadata.resourceVersion, timeoutSeconds: 3600 }, (type, obj) => {
    const s = obj.status?.apiStatus;
    if (s?.uid && s?.url && !routedAt.has(obj.metadata.name)) routedAt.set(obj.metadata.name, Date.now());
  }, () => {});

  const started = Date.now();
  await pool(Array.from({ length: n }, (_, i) => `api-${i}`), 32, async (name) => {
    created.set(name, await canvas.createApi(name));
  });
  const createdIn = (Date.now() - started) / 1000;
  while (routedAt.size < n) await new Promise((r) => setTimeout(r, 200));
  const allRouted = (Date.now() - started) / 1000;
  watcher.abort();

  const latencies = [...routedAt].map(([name, at]) => at - created.get(name)).sort((a, b) => a - b);
  const flips = await readinessFlips(admin, 'api-0', 5);
  const converged = proc(operator.pid);
  const writesBefore = await serverWrites(admin);
  await new Promise((r) => setTimeout(r, quietSeconds * 1000));
  const writesDuring = (await serverWrites(admin)) - writesBefore;
  const settled = proc(operator.pid);
  console.table([{
    apis: n,
    'created in s': createdIn.toFixed(1),
    'all routed after s': allRouted.toFixed(1),
    'p50 ms': percentile(latencies, 50),
    'p95 ms': percentile(latencies, 95),
    'p99 ms': percentile(latencies, 99),
    [`writes in quiet ${quietSeconds}s`]: writesDuring,
    'RSS MiB': settled.rssMiB.toFixed(0),
    'peak RSS MiB': settled.peakMiB.toFixed(0),
    'CPU s': converged.cpuSeconds.toFixed(1),
    'pod ready -> status ms (median)': percentile(flips.up, 50),
    'pod not ready -> status ms (median)': percentile(flips.down, 50),
  }]);
} finally {
  operator?.kill('SIGTERM');
  await canvas.stop();
}
