#!/usr/bin/env node
// `npm run demo`: a small Canvas on a fresh local control plane, with the operator
// running, so a newcomer sees URLs and readiness arrive. On a terminal it opens the
// dashboard with the operator in it; in a pipe it runs the operator here and prints each
// API's URL and readiness as they change. The demo plays the cloud (the gateway gets an
// address after a few seconds) and the kubelet (pods turn ready over time). Leaving the
// dashboard (q) or Ctrl-C stops everything and removes the control plane.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { up, down, installCrds } from './cluster.mjs';
import { KubeClient } from '../dist/kube/client.js';
import { startOperator } from '../dist/operator/run.js';
import { createLogger } from '../dist/runtime/log.js';
import { reportItem } from '../dist/cli/converged.js';

const ns = 'components';
const gateway = 'component-gateway';
const dir = mkdtempSync(join(tmpdir(), 'oda-api-demo-'));
const bin = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'kubectl-oda_api');
const interactive = process.stdout.isTTY && process.stdin.isTTY;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// The story is told on the dashboard itself; printed only when there is no dashboard.
const say = (line) => interactive || console.log(line);
let operator;
let dashboard;
let stopping = false;

async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  if (dashboard && dashboard.exitCode === null) {
    dashboard.kill('SIGTERM'); // it leaves the screen as it found it
    await once(dashboard, 'exit');
  }
  console.log('\nstopping the operator and the control plane...');
  await operator?.stop().catch(() => {});
  await down(dir);
  process.exit(code);
}
// With the dashboard open, Ctrl-C reaches it as a key and it exits; we clean up after it.
process.on('SIGINT', () => dashboard || stop(0));
process.on('SIGTERM', () => stop(0));

/** The dashboard with the operator in it, on this terminal; the demo ends when it does. */
function openDashboard(kubeconfig) {
  dashboard = spawn(process.execPath, [bin, 'dashboard', '--operator', '-n', ns], {
    stdio: 'inherit',
    env: { ...process.env, KUBECONFIG: kubeconfig, APIOPERATORISTIO_COMPONENTGATEWAY: gateway },
  });
  dashboard.once('exit', (code) => stop(code ?? 0));
}

/** The operator in this process, printing each API's URL and readiness when they change. */
async function runOperatorHere(kube) {
  const log = createLogger({ level: 'warning', format: 'plain', color: false });
  const cluster = {
    client: kube,
    settings: { metricsMode: 'ServiceMonitor', gateway, scrapeInterval: '15s' },
    scope: { matches: (n) => n === ns, literal: [ns], description: ns },
  };
  operator = await startOperator(cluster, { log, standalone: true, leaseNamespace: ns });
  const last = new Map();
  operator.controller.onResult((key, converged) => {
    const r = reportItem(converged);
    const line = `${r.url ?? '(no URL yet)'}  ready=${r.ready}${r.message ? `  ${r.outcome}: ${r.message}` : ''}`;
    if (last.get(key) === line) return;
    last.set(key, line);
    console.log(`${new Date().toISOString().slice(11, 19)}  ${key.padEnd(56)} ${line}`);
  });
}

const components = [
  { name: 'productcatalog', apis: [['productcatalogmanagement', 'openapi', '/productcatalog/tmf-api/productCatalogManagement/v4'], ['partyrole', 'openapi', '/productcatalog/tmf-api/partyRoleManagement/v4'], ['metrics', 'prometheus', '/productcatalog/metrics']] },
  // Its party-role API claims the same path as productcatalog's: a conflict the operator reports.
  { name: 'productinventory', apis: [['productinventorymanagement', 'openapi', '/productinventory/tmf-api/productInventoryManagement/v4'], ['partyrole', 'openapi', '/productcatalog/tmf-api/partyRoleManagement/v4'], ['metrics', 'prometheus', '/productinventory/metrics']] },
];

try {
  console.log('starting a local control plane (the first run builds it: several minutes)...');
  const state = await up(dir);
  installCrds(state.kubeconfig);
  console.log(`control plane ready in ${state.startSeconds.toFixed(1)}s; to look around: export KUBECONFIG=${state.kubeconfig}\n`);
  const kube = KubeClient.load({ kubeconfig: state.kubeconfig });
  const create = (path, body) => kube.request('POST', path, { body });

  for (const name of [ns, 'istio-system']) await create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  await create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'demo-node' } });
  await create('/api/v1/namespaces/istio-system/services', {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'istio-ingressgateway', labels: { istio: 'ingressgateway' } },
    spec: { type: 'LoadBalancer', selector: { istio: 'ingressgateway' }, ports: [{ name: 'http2', port: 80 }, { name: 'https', port: 443 }] },
  });
  await create(`/apis/networking.istio.io/v1/namespaces/${ns}/gateways`, {
    apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: gateway },
    spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
  });

  if (interactive) openDashboard(state.kubeconfig);
  else await runOperatorHere(kube);
  say('operator running; creating two Components with three ExposedAPIs each...\n');

  const pods = [];
  for (const c of components) {
    const comp = await create(`/apis/oda.tmforum.org/v1/namespaces/${ns}/components`, { apiVersion: 'oda.tmforum.org/v1', kind: 'Component', metadata: { name: c.name }, spec: {} });
    await create(`/api/v1/namespaces/${ns}/services`, {
      apiVersion: 'v1', kind: 'Service', metadata: { name: c.name, labels: { name: c.name } },
      spec: { selector: { app: c.name }, ports: [{ name: 'http', port: 8080 }] },
    });
    const pod = await create(`/api/v1/namespaces/${ns}/pods`, {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: `${c.name}-0`, labels: { app: c.name } },
      spec: { nodeName: 'demo-node', containers: [{ name: 'app', image: 'example.invalid/app', ports: [{ name: 'http', containerPort: 8080 }] }] },
    });
    pods.push(pod.metadata.name);
    const entries = [];
    for (const [api, type, path] of c.apis) {
      const created = await create(`/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis`, {
        apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI',
        metadata: { name: `${c.name}-${api}`, ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: c.name, uid: comp.metadata.uid }] },
        spec: { name: api, apiType: type, implementation: c.name, path, port: 8080 },
      });
      entries.push({ name: api, uid: created.metadata.uid });
      await sleep(300);
    }
    // What the Canvas's Component operator does: list the APIs in the Component's status.
    await kube.request('PATCH', `/apis/oda.tmforum.org/v1/namespaces/${ns}/components/${c.name}`, {
      contentType: 'application/merge-patch+json', body: { status: { coreAPIs: entries } },
    });
  }

  await sleep(4000);
  say('\n(the cloud) the ingress gateway gets its external address\n');
  await kube.request('PATCH', '/api/v1/namespaces/istio-system/services/istio-ingressgateway/status', {
    contentType: 'application/merge-patch+json', body: { status: { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } } },
  });
  for (const [i, pod] of pods.entries()) {
    await sleep(4000);
    say(`\n(the kubelet) pod ${pod} turns ready\n`);
    await kube.request('PATCH', `/api/v1/namespaces/${ns}/pods/${pod}/status`, {
      contentType: 'application/merge-patch+json',
      body: { status: { phase: 'Running', podIP: `10.244.0.${i + 10}`, podIPs: [{ ip: `10.244.0.${i + 10}` }], conditions: [{ type: 'Ready', status: 'True' }] } },
    });
  }
  say('\nall set. Try: kubectl get exposedapis -n components  (Ctrl-C to stop)');
  await new Promise(() => {});
} catch (err) {
  console.error(`demo: ${err.message}`);
  await stop(1);
}
