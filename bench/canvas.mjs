// What every benchmark starts from: a fresh local control plane with the CRDs and the
// Canvas gateway (an Istio Gateway and its ingress Service with a load-balancer address).
// startCanvas() also gives the operator an identity of its own, so that the API server
// can count its requests apart from the harness's (see measure/apiserver.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { up, down, installCrds } from '../scripts/cluster.mjs';
import { KubeClient } from '../dist/kube/client.js';
import { discover } from '../dist/kube/discovery.js';
import { operatorIdentity } from './measure/apiserver.mjs';

export const GATEWAY = 'component-gateway';
export const GATEWAY_IP = '203.0.113.1';
const GATEWAY_NAMESPACE = 'istio-ingress';

/** Runs fn over items with at most `size` calls in flight. */
export async function pool(items, size, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: size }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A fresh Canvas. `client` is the harness's admin client; `operatorKubeconfig` is the
 * kubeconfig the operator, the floor and the one-shot run with.
 */
export async function startCanvas() {
  const dir = mkdtempSync(join(tmpdir(), 'oda-api-bench-'));
  const operatorKubeconfig = join(dir, 'operator.kubeconfig');
  const stop = async () => {
    rmSync(operatorKubeconfig, { force: true });
    await down(dir);
  };
  try {
    const state = await up(dir);
    installCrds(state.kubeconfig);
    const client = KubeClient.load({ kubeconfig: state.kubeconfig });
    await createGateway(client);
    const caps = await discover(client);
    const collectorReady = collectorWatching(client, caps);
    collectorReady.catch(() => {}); // awaited before the first measurement
    await operatorIdentity(client, operatorKubeconfig);
    return { kubeconfig: state.kubeconfig, operatorKubeconfig, client, caps, collectorReady, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Resolves once the garbage collector deletes children of a deleted ExposedAPI. It starts
 * watching CRD kinds only at its next discovery sync (up to 30 s after they appear); until
 * then children of deleted APIs stay, and its catching up would load the API server in
 * the middle of some later measurement.
 */
async function collectorWatching(client, caps, timeoutMs = 120_000) {
  const ns = GATEWAY_NAMESPACE;
  const name = 'collector-probe';
  const api = await client.request('POST', `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis`, {
    body: { apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', metadata: { name }, spec: { name, apiType: 'openapi', implementation: name, path: `/${name}`, port: 80 } },
  });
  const ownerReferences = [{ apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', name, uid: api.metadata.uid, controller: true }];
  const children = [
    [`/apis/${caps.virtualServiceApiVersion}/namespaces/${ns}/virtualservices`, { apiVersion: caps.virtualServiceApiVersion, kind: 'VirtualService', spec: { hosts: ['*'] } }],
    [`/apis/monitoring.coreos.com/v1/namespaces/${ns}/servicemonitors`, { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', spec: { selector: {}, endpoints: [] } }],
  ];
  for (const [path, child] of children) await client.request('POST', path, { body: { ...child, metadata: { name, ownerReferences } } });
  await client.request('DELETE', `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis/${name}`);
  const deadline = Date.now() + timeoutMs;
  for (const [path] of children) {
    while (await client.get(`${path}/${name}`).then(() => true, (err) => err.status !== 404)) {
      if (Date.now() > deadline) throw new Error(`the garbage collector did not delete children of a deleted ExposedAPI within ${timeoutMs / 1000}s`);
      await sleep(500);
    }
  }
}

async function createGateway(client) {
  const ns = GATEWAY_NAMESPACE;
  const selector = { istio: 'ingressgateway' };
  await client.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
  await client.request('POST', `/apis/networking.istio.io/v1/namespaces/${ns}/gateways`, {
    body: {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: GATEWAY },
      spec: { selector, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
    },
  });
  await client.request('POST', `/api/v1/namespaces/${ns}/services`, {
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istio-ingressgateway', labels: selector },
      spec: { type: 'LoadBalancer', selector, ports: [{ name: 'http2', port: 80 }] },
    },
  });
  await client.request('PATCH', `/api/v1/namespaces/${ns}/services/istio-ingressgateway/status`, {
    contentType: 'application/merge-patch+json',
    body: { status: { loadBalancer: { ingress: [{ ip: GATEWAY_IP }] } } },
  });
}
