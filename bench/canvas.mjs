// What every benchmark starts from: a fresh local control plane with the CRDs, the
// `components` namespace, the Canvas gateway and an ingress Service with an address.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { up, down, installCrds } from '../scripts/cluster.mjs';
import { KubeClient } from '../dist/kube/client.js';

export const NAMESPACE = 'components';

/** Runs fn over items with at most `size` calls in flight. */
export async function pool(items, size, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: size }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

export async function startCanvas() {
  const dir = mkdtempSync(join(tmpdir(), 'oda-api-bench-'));
  const state = await up(dir);
  installCrds(state.kubeconfig);
  const admin = KubeClient.load({ kubeconfig: state.kubeconfig });
  const post = (path, body) => admin.request('POST', path, { body });
  const ns = NAMESPACE;
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
  /** Creates the Service and then the ExposedAPI named `name`; returns when the API's create was sent. */
  const createApi = async (name, apiType = 'openapi') => {
    await post(`/api/v1/namespaces/${ns}/services`, {
      apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { name } }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 8080 }] },
    });
    const sent = Date.now();
    await post(`/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis`, {
      apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', metadata: { name },
      spec: { name, apiType, implementation: name, path: `/${name}`, port: 8080 },
    });
    return sent;
  };
  return { state, admin, createApi, stop: () => down(dir) };
}
