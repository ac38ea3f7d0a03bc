// A small in-memory cluster for the unit tests of the dashboard and `status`: real
// stores behind a real StoreView, filled with the few objects a test names.
import type { Discovered } from '../kube/discovery.js';
import { newStores, StoreView } from '../kube/view.js';
import { reconcile } from '../reconcile/index.js';
import type { EndpointSlice, ExposedAPI, KubeObject, Service, Settings } from '../reconcile/types.js';

export const NS = 'components';
export const SETTINGS: Settings = { metricsMode: 'ServiceMonitor', gateway: `${NS}/gw`, scrapeInterval: '15s' };
export const CAPABILITIES: Discovered = {
  virtualServiceApiVersion: 'networking.istio.io/v1',
  gatewayApiVersion: 'networking.istio.io/v1',
  serviceMonitorServed: true,
  exposedApiStatusSubresource: false,
  componentServed: true,
  componentStatusSubresource: false,
};

let uid = 0;

export function exposedApi(name: string, spec: Record<string, unknown> = {}, metadata: Partial<ExposedAPI['metadata']> = {}): ExposedAPI {
  return {
    apiVersion: 'oda.tmforum.org/v1',
    kind: 'ExposedAPI',
    metadata: { name, namespace: NS, uid: `uid-${name}-${++uid}`, generation: 1, creationTimestamp: '2026-01-01T00:00:00Z', ...metadata },
    spec: { name, apiType: 'openapi', implementation: 'impl', path: `/${name}`, port: 8080, ...spec },
  };
}

export function service(name: string, extra: Partial<Service> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NS, labels: { name } },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 8080, targetPort: 8080 }] },
    ...extra,
  };
}

/** An EndpointSlice of the Service with `ready` ready and `notReady` unready endpoints. */
export function endpointSlice(serviceName: string, ready: number, notReady = 0): EndpointSlice {
  const endpoint = (isReady: boolean, i: number) => ({ addresses: [`10.0.0.${i}`], conditions: { ready: isReady } });
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: `${serviceName}-abc`, namespace: NS, labels: { 'kubernetes.io/service-name': serviceName } },
    endpoints: [...Array.from({ length: ready }, (_, i) => endpoint(true, i)), ...Array.from({ length: notReady }, (_, i) => endpoint(false, 100 + i))],
  };
}

/** The Istio Gateway `gw` and its ingress Service, with a load balancer address when given. */
export function gateway(ip?: string): { gateway: KubeObject; service: Service } {
  const selector = { istio: 'ingress' };
  return {
    gateway: { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: NS }, spec: { selector } },
    service: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ingressgateway', namespace: NS, labels: selector },
      spec: { type: 'LoadBalancer', selector, ports: [{ name: 'http2', port: 80 }] },
      status: ip ? { loadBalancer: { ingress: [{ ip }] } } : {},
    },
  };
}

export interface FakeCluster {
  apis?: ExposedAPI[];
  services?: Service[];
  slices?: EndpointSlice[];
  virtualServices?: KubeObject[];
  components?: KubeObject[];
  /** The gateway's address; null for a gateway without one, undefined for no gateway at all. */
  gatewayIp?: string | null;
}

export function fakeView(c: FakeCluster, settings: Settings = SETTINGS): StoreView {
  const stores = newStores();
  for (const a of c.apis ?? []) stores.exposedApis.upsert(a);
  for (const s of c.services ?? []) stores.services.upsert(s);
  for (const s of c.slices ?? []) stores.endpointSlices.upsert(s);
  for (const v of c.virtualServices ?? []) stores.virtualServices.upsert(v);
  for (const k of c.components ?? []) stores.components.upsert(k);
  if (c.gatewayIp !== undefined) {
    const g = gateway(c.gatewayIp ?? undefined);
    stores.gateways.upsert(g.gateway);
    stores.services.upsert(g.service);
  }
  return new StoreView(stores, CAPABILITIES, settings);
}

/**
 * Plays a perfect operator: applies the engine's writes to children and status in the
 * stores until nothing is left to do, so a test starts from a cluster in sync.
 */
export function settle(view: StoreView, namespace: string, name: string, now = new Date('2026-01-02T00:00:00Z')): ExposedAPI {
  const { stores } = view;
  for (let pass = 0; pass < 3; pass++) {
    const api = stores.exposedApis.get(namespace, name)!;
    for (const action of reconcile(api, view, view.settings, now).actions) {
      if (action.type === 'apply') {
        const store = action.object.kind === 'VirtualService' ? stores.virtualServices : stores.serviceMonitors;
        store.upsert({ ...action.object, metadata: { ...action.object.metadata, uid: `uid-${action.object.kind}-${name}` } });
      } else if (action.type === 'writeStatus') {
        // Without a status subresource, a status write bumps the generation (the engine counts on it).
        const current = stores.exposedApis.get(namespace, name)!;
        const generation = (current.metadata.generation ?? 0) + (action.subresource ? 0 : 1);
        stores.exposedApis.upsert({ ...current, metadata: { ...current.metadata, generation }, status: action.status });
      }
    }
  }
  return stores.exposedApis.get(namespace, name)!;
}
