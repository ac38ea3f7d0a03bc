// REST paths of the kinds the operator reads and writes.

export interface Resource {
  group: string; // '' for the core group
  version: string;
  plural: string;
  kind: string;
}

export const EXPOSED_API: Resource = { group: 'oda.tmforum.org', version: 'v1', plural: 'exposedapis', kind: 'ExposedAPI' };
export const COMPONENT: Resource = { group: 'oda.tmforum.org', version: 'v1', plural: 'components', kind: 'Component' };
export const SERVICE: Resource = { group: '', version: 'v1', plural: 'services', kind: 'Service' };
export const POD: Resource = { group: '', version: 'v1', plural: 'pods', kind: 'Pod' };
export const NAMESPACE: Resource = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace' };
export const EVENT: Resource = { group: '', version: 'v1', plural: 'events', kind: 'Event' };
export const ENDPOINT_SLICE: Resource = { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', kind: 'EndpointSlice' };
export const SERVICE_MONITOR: Resource = { group: 'monitoring.coreos.com', version: 'v1', plural: 'servicemonitors', kind: 'ServiceMonitor' };
export const virtualServiceResource = (version: string): Resource => ({ group: 'networking.istio.io', version, plural: 'virtualservices', kind: 'VirtualService' });
export const gatewayResource = (version: string): Resource => ({ group: 'networking.istio.io', version, plural: 'gateways', kind: 'Gateway' });
export const destinationRuleResource = (version: string): Resource => ({ group: 'networking.istio.io', version, plural: 'destinationrules', kind: 'DestinationRule' });

export const HTTP_ROUTE: Resource = { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'httproutes', kind: 'HTTPRoute' };
/** Gateway API Gateways (the httproute router reads them; never written). */
export const GATEWAY_API_GATEWAY: Resource = { group: 'gateway.networking.k8s.io', version: 'v1', plural: 'gateways', kind: 'Gateway' };

export const ENVOY_FILTER: Resource = { group: 'networking.istio.io', version: 'v1alpha3', plural: 'envoyfilters', kind: 'EnvoyFilter' };

export const REQUEST_AUTHENTICATION: Resource = { group: 'security.istio.io', version: 'v1', plural: 'requestauthentications', kind: 'RequestAuthentication' };
export const AUTHORIZATION_POLICY: Resource = { group: 'security.istio.io', version: 'v1', plural: 'authorizationpolicies', kind: 'AuthorizationPolicy' };

const KINDS: Record<string, (version: string) => Resource> = {
  EnvoyFilter: (version) => ({ ...ENVOY_FILTER, version }),
  RequestAuthentication: (version) => ({ ...REQUEST_AUTHENTICATION, version }),
  AuthorizationPolicy: (version) => ({ ...AUTHORIZATION_POLICY, version }),
  VirtualService: virtualServiceResource,
  DestinationRule: destinationRuleResource,
  HTTPRoute: (version) => ({ ...HTTP_ROUTE, version }),
  ServiceMonitor: (version) => ({ ...SERVICE_MONITOR, version }),
  ExposedAPI: (version) => ({ ...EXPOSED_API, version }),
  Component: (version) => ({ ...COMPONENT, version }),
  Pod: () => POD,
  Service: () => SERVICE,
};

const groupVersion = (r: Resource) => (r.group ? `${r.group}/${r.version}` : r.version);
const prefix = (r: Resource) => (r.group ? `/apis/${groupVersion(r)}` : `/api/${r.version}`);

/** Path of a collection, cluster-wide when namespace is undefined. */
export function collectionPath(r: Resource, namespace?: string): string {
  return namespace ? `${prefix(r)}/namespaces/${namespace}/${r.plural}` : `${prefix(r)}/${r.plural}`;
}

export function objectPath(r: Resource, namespace: string, name: string): string {
  return `${collectionPath(r, namespace)}/${name}`;
}

/** The resource for an object's apiVersion and kind (only the kinds we write). */
export function resourceFor(apiVersion: string, kind: string): Resource {
  const make = KINDS[kind];
  if (!make) throw new Error(`no REST mapping for kind ${kind}`);
  return make(apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion);
}

export const apiVersionOf = groupVersion;
