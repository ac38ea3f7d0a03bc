// The engine tests' cluster: the product catalog API `prd-api` of Component `prd`, its
// Service `prd-svc` with one ready endpoint and one pod (port `web` is 9000), and an
// ingress gateway Service with the address 203.0.113.7. The gateway setting names no
// readable Istio Gateway, so the Service labelled istio=ingressgateway is the gateway.
import type { ExposedAPI, KubeObject, Pod, Plan, Service, Settings } from '../reconcile/types.js';
import { reconcile } from '../reconcile/index.js';
import { TestCluster } from './cluster.js';
import { endpointSlice, exposedApi, NS, service } from './objects.js';

export { NS };
export const PRD = 'prd-api';
export const settings: Settings = { metricsMode: 'ServiceMonitor', gateway: 'component-gateway', scrapeInterval: '15s' };
export const now = new Date('2025-06-01T00:00:00.000Z');
export const later = new Date('2025-06-01T01:00:00.000Z');

export function prdApi(spec: Record<string, unknown> = {}, meta: Partial<ExposedAPI['metadata']> = {}): ExposedAPI {
  return exposedApi(
    PRD,
    { name: 'productcatalog', implementation: 'prd-svc', path: '/prd/v4', ...spec },
    {
      uid: 'api-uid',
      creationTimestamp: '2025-01-02T00:00:00Z',
      labels: { 'oda.tmforum.org/componentName': 'prd' },
      ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: 'prd', uid: 'comp-uid', controller: true }],
      ...meta,
    },
  );
}

export const gatewayService = (): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'istio-ingressgateway', namespace: 'istio-ingress', labels: { istio: 'ingressgateway' } },
  spec: { type: 'LoadBalancer', ports: [{ name: 'http2', port: 80 }] },
  status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } },
});

export const prdPod = (name = 'prd-0', labels: Record<string, string> = { app: 'prd' }): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: NS, labels },
  spec: { containers: [{ name: 'app', ports: [{ name: 'web', containerPort: 9000 }] }] },
});

const component: KubeObject = {
  apiVersion: 'oda.tmforum.org/v1',
  kind: 'Component',
  metadata: { name: 'prd', namespace: NS },
  status: { coreAPIs: [{ uid: 'api-uid', name: PRD }] },
};

export function prdCluster(api: ExposedAPI = prdApi()): TestCluster {
  const svc = service('prd-svc', { spec: { selector: { app: 'prd' }, ports: [{ name: 'http', port: 8080, targetPort: 'web' }] } });
  return new TestCluster([api, svc, endpointSlice('prd-svc', 1), prdPod(), structuredClone(component), gatewayService()], { settings, now });
}

/** The engine's plan for `prd-api` as the cluster is now. */
export const plan = (c: TestCluster, at: Date = now, s: Settings = settings): Plan => reconcile(c.api(PRD), c.view(s), s, at);
