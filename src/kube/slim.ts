// What the stores keep of each object: only the fields the engine, the triggers and the
// views read, cut as objects are decoded (client-go's informer transform), so memory grows
// with what is read and not with what the cluster writes on objects. managedFields go
// from every kind; Services, EndpointSlices and Pods, the kinds a cluster has most of and
// the operator reads least of, keep only their read fields. Our own kinds and children
// (ExposedAPIs, VirtualServices, ServiceMonitors, Components, DestinationRules...) keep the rest: their status
// is merge-patched against the cached one, and their specs are compared whole.
import type { EndpointSlice, KubeObject, ObjectMeta, Pod, Service } from '../reconcile/types.js';
import type { StoreName } from './view.js';

export type Slim = (object: KubeObject) => KubeObject;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** metadata without managedFields, the one field no reader ever wants. */
function meta(metadata: ObjectMeta): ObjectMeta {
  if (!('managedFields' in metadata)) return metadata;
  const { managedFields: _dropped, ...rest } = metadata as ObjectMeta & { managedFields?: unknown };
  return rest;
}

/** Also without kubectl's copy of the whole object, on kinds we never write whole. */
function leanMeta(metadata: ObjectMeta): ObjectMeta {
  const m = meta(metadata);
  if (m.annotations?.[LAST_APPLIED] === undefined) return m;
  const { [LAST_APPLIED]: _copy, ...annotations } = m.annotations;
  return { ...m, annotations };
}

/** The entries whose value is defined. */
const defined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const withoutManagedFields: Slim = (o) => ({ ...o, metadata: meta(o.metadata) });

/** selector, ports and type (the URL, ServiceMonitor and gateway choice); the load balancer address. */
const service: Slim = (o) => {
  const s = o as Service & { spec?: Record<string, unknown> };
  const spec = s.spec && defined({ selector: s.spec.selector, ports: s.spec.ports, type: s.spec.type, externalIPs: s.spec.externalIPs });
  const loadBalancer = s.status?.loadBalancer;
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: leanMeta(o.metadata), ...(spec && { spec }), ...(loadBalancer && { status: { loadBalancer } }) };
};

/** The endpoints' addresses and conditions: readiness. */
const endpointSlice: Slim = (o) => {
  const endpoints = (o as EndpointSlice).endpoints?.map((e) => ({ addresses: e.addresses, ...(e.conditions && { conditions: e.conditions }) }));
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: leanMeta(o.metadata), ...(endpoints && { endpoints }) };
};

/** Labels and annotations (metadata), and the containers' names and ports (annotation targets). */
const pod: Slim = (o) => {
  const containers = (o as Pod).spec?.containers?.map((c) => ({
    name: c.name,
    ...(c.ports && { ports: c.ports.map((p) => ({ ...(p.name !== undefined && { name: p.name }), containerPort: p.containerPort })) }),
  }));
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: leanMeta(o.metadata), ...(containers && { spec: { containers } }) };
};

/** Only the name: a Namespace tells the cache which namespaces exist. */
export const slimNamespace: Slim = (o) => ({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, resourceVersion: o.metadata.resourceVersion } });

export const SLIM: Record<StoreName, Slim> = {
  exposedApis: withoutManagedFields,
  services: service,
  endpointSlices: endpointSlice,
  pods: pod,
  virtualServices: withoutManagedFields,
  serviceMonitors: withoutManagedFields,
  components: withoutManagedFields,
  gateways: withoutManagedFields,
  envoyFilters: withoutManagedFields,
  requestAuthentications: withoutManagedFields,
  authorizationPolicies: withoutManagedFields,
  destinationRules: withoutManagedFields,
  httpRoutes: withoutManagedFields,
  gatewayApiGateways: withoutManagedFields,
};
