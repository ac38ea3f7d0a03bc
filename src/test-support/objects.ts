// Objects for the unit tests, in namespace `components`: an API, its Service and
// EndpointSlice, and the Istio Gateway `gw` whose ingress Service carries the address.
import type { Discovered } from '../kube/discovery.js';
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
