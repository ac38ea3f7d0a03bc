#!/usr/bin/env node
// One-shot reconcile of N ExposedAPIs on a fresh local control plane: time and API
// requests of a first run (everything to create) and of a second run right after
// (nothing to do: the goal is zero writes). Usage: node bench/oneshot.mjs [N=1000]
// Needs `npm run build` first (it drives the compiled engine in-process, to count requests).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { up, down, installCrds } from '../scripts/cluster.mjs';
import { KubeClient } from '../dist/kube/client.js';
import { runOnce } from '../dist/oneshot/run.js';

const n = Number(process.argv[2] ?? 1000);
const ns = 'components';
const dir = mkdtempSync(join(tmpdir(), 'oda-api-bench-'));

async function pool(items, size, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

try {
  const state = await up(dir);
  installCrds(state.kubeconfig);
  const admin = KubeClient.load({ kubeconfig: state.kubeconfig });
  const post = (path, body) => admin.request('POST', path, { body });
  await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await post(`/apis/networking.istio.io/v1/namespaces/${ns}/gateways`, {
    apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'component-gateway' },
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
  });
  await post(`/api/v1/namespaces/${ns}/services`, {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'istio-ingressgateway', labels: { istio: 'ingressgateway' } },
    spec: { type: 'LoadBalancer', selector: { istio: 'ingressgateway' }, ports: [{ name: 'http2', port: 80 }] },
  });
  await admin.request('PATCH', `/api/v1/namespaces/${ns}/services/istio-ingressgateway/status`, {
    contentType: 'application/merge-patch+json', body: { status: { loadBalancer: { ingress: [{ ip: '203.0.113.1' }] } } },
  });
  const ids = Array.from({ length: n }, (_, i) => i);
  const t0 = Date.now();
  await pool(ids, 16, async (i) => {
    const name = `api-${i}`;
    await post(`/api/v1/namespaces/${ns}/services`, {
      apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { name } },
      spec: { selector: { app: name }, ports: [{ name: 'http', port: 8080 }] },
    });
    await post(`/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis`, {
      apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', metadata: { name },
      spec: { name, apiType: i % 3 === 2 ? 'prometheus' : 'openapi', implementation: name, path: `/${name}`, port: 8080 },
    });
  });
  console.log(`created ${n} ExposedAPIs and Services in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  const settings = { metricsMode: 'ServiceMonitor', gateway: 'component-gateway', scrapeInterval: '15s' };
  const rows = [];
  for (const label of ['first run', 'second run']) {
    const client = KubeClient.load({ kubeconfig: state.kubeconfig });
    const started = process.hrtime.bigint();
    const report = await runOnce(client, { settings, scope: { matches: (x) => x === ns, literal: [ns] }, names: [], dryRun: 'none' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const outcomes = {};
    for (const a of report.apis) outcomes[a.outcome] = (outcomes[a.outcome] ?? 0) + 1;
    const counts = client.requestCounts;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    rows.push({ run: label, seconds: seconds.toFixed(2), requests: total, ...counts, outcomes: JSON.stringify(outcomes) });
  }
  console.table(rows);
} finally {
  await down(dir);
}
