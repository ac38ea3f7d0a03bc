// Which collections the cache watches: only what the engine reads, only where it reads it.
// Kinds read per API namespace are watched per namespace in scope (one watch per kind and
// namespace); ExposedAPIs and VirtualServices cluster-wide, since routes conflict across
// namespaces on a shared gateway; the configured Gateway by name; the gateway Service by
// its labels. With -A every kind is watched cluster-wide, as one watch each.
import type { Discovered } from '../kube/discovery.js';
import {
  AUTHORIZATION_POLICY,
  COMPONENT,
  destinationRuleResource,
  ENDPOINT_SLICE,
  ENVOY_FILTER,
  EXPOSED_API,
  GATEWAY_API_GATEWAY,
  HTTP_ROUTE,
  REQUEST_AUTHENTICATION,
  gatewayResource,
  POD,
  Resource,
  SERVICE,
  SERVICE_MONITOR,
  collectionPath,
  virtualServiceResource,
} from '../kube/resources.js';
import type { StoreName } from '../kube/view.js';
import { parseGatewaySetting } from '../reconcile/index.js';
import type { Query } from '../runtime/informer.js';

/**
 * Stores the operator can work without: a forbidden Gateway LIST means routing to the configured
 * name unverified; forbidden gateway children (EnvoyFilters, Istio security policies) fail only the APIs that need
 * one (as under the Canvas chart's ClusterRole); forbidden HTTPRoutes or Gateway API Gateways fail
 * the APIs only under the httproute router (under the other, HTTPRoutes are read to prune those a switch left).
 */
export const OPTIONAL: ReadonlySet<StoreName> = new Set([
  'gateways',
  'envoyFilters',
  'requestAuthentications',
  'authorizationPolicies',
  'httpRoutes',
  'gatewayApiGateways',
  'destinationRules',
]);

/** One LIST+WATCH: a kind, where (a namespace, or cluster-wide) and which objects. */
export interface Watch {
  store: StoreName;
  resource: Resource;
  /** undefined: cluster-wide. */
  namespace?: string;
  /** labelSelector or fieldSelector, when only some objects are read. */
  query?: Query;
  /** The namespaces whose objects this watch keeps in its store (watches of one kind share the store). */
  owns: (namespace: string) => boolean;
}

export interface WatchInputs {
  caps: Discovered & { exposedApiServed?: boolean };
  /** The namespaces in scope that exist (literal ones as given); undefined: all namespaces (-A). */
  namespaces?: readonly string[];
  /** Whether a namespace is in scope. */
  inScope: (namespace: string) => boolean;
  /** The gateway setting: `namespace/name` or a bare name. */
  gateway: string;
  /** The router: Gateway API Gateways are read only for httproute. */
  router?: 'virtualservice' | 'httproute';
  /** The labels of the gateway Service (the Gateway's selector); undefined until Gateways are read. */
  gatewayServiceLabels?: Record<string, string>;
  /** Whether pods are read: in the annotation modes, or while an API in scope has annotations to clean up. */
  pods: boolean;
}

/** Identifies a watch: the same key means the same requests. */
export function watchKey(w: Watch): string {
  const query = Object.entries(w.query ?? {}).map(([k, v]) => `${k}=${String(v)}`).join('&');
  return `${w.store} ${collectionPath(w.resource, w.namespace)}${query ? `?${query}` : ''}`;
}

export const selectorOf = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',');

const everywhere = () => true;

export function watches(w: WatchInputs): Watch[] {
  const version = (apiVersion?: string) => apiVersion?.split('/')[1];
  const { caps } = w;
  const list: Watch[] = [];
  // Kinds read only in an API's own namespace.
  const perNamespace = (store: StoreName, resource: Resource, query?: Query) => {
    if (w.namespaces === undefined) list.push({ store, resource, query, owns: everywhere });
    else for (const ns of w.namespaces) list.push({ store, resource, namespace: ns, query, owns: (n) => n === ns });
  };

  perNamespace('services', SERVICE);
  if (w.namespaces !== undefined && w.gatewayServiceLabels) {
    // The gateway Service may live in any namespace (a Gateway selects pods cluster-wide),
    // so it is found by its labels, not by caching every Service. The trade-off: a Service
    // whose labels differ from its selector is not seen (it is, with -A).
    list.push({ store: 'services', resource: SERVICE, query: { labelSelector: selectorOf(w.gatewayServiceLabels) }, owns: (n) => !w.inScope(n) });
  }
  // Only slices that belong to a Service: the engine looks them up by that label.
  perNamespace('endpointSlices', ENDPOINT_SLICE, { labelSelector: 'kubernetes.io/service-name' });
  if (caps.exposedApiServed !== false) list.push({ store: 'exposedApis', resource: EXPOSED_API, owns: everywhere });
  if (caps.virtualServiceApiVersion) list.push({ store: 'virtualServices', resource: virtualServiceResource(version(caps.virtualServiceApiVersion)!), owns: everywhere });
  if (caps.gatewayApiVersion) list.push(gatewayWatch('gateways', gatewayResource(version(caps.gatewayApiVersion)!), w));
  // Cluster-wide, as VirtualServices: routes conflict across namespaces, and a router switch leaves some to prune.
  if (caps.httpRouteServed) list.push({ store: 'httpRoutes', resource: HTTP_ROUTE, owns: everywhere });
  if (caps.gatewayApiServed && w.router === 'httproute') list.push(gatewayWatch('gatewayApiGateways', GATEWAY_API_GATEWAY, w));
  if (caps.serviceMonitorServed) perNamespace('serviceMonitors', SERVICE_MONITOR);
  if (caps.componentServed) perNamespace('components', COMPONENT);
  if (w.pods) perNamespace('pods', POD);
  // Cluster-wide: they sit in the gateway workload's namespace, which the scope need not include. All of
  // them (a cluster has few), so one someone else made at our name is seen and never overwritten.
  if (caps.envoyFilterServed) list.push({ store: 'envoyFilters', resource: ENVOY_FILTER, owns: everywhere });
  if (caps.securityPoliciesServed) {
    list.push({ store: 'requestAuthentications', resource: REQUEST_AUTHENTICATION, owns: everywhere }, { store: 'authorizationPolicies', resource: AUTHORIZATION_POLICY, owns: everywhere });
  }
  // Beside the APIs: an MCP API's own, and anyone else's for the same host.
  if (caps.destinationRuleApiVersion) perNamespace('destinationRules', destinationRuleResource(version(caps.destinationRuleApiVersion)!));
  return list;
}

/**
 * With -A every Gateway, as routes of other gateways are judged by what those serve. In a
 * scope, only the configured one: `namespace/name` in its namespace; a bare name resolves
 * in each API's namespace (as Istio does), so every Gateway of that name, cluster-wide.
 * Other gateways' routes are then judged by gateway name.
 */
function gatewayWatch(store: 'gateways' | 'gatewayApiGateways', resource: Resource, w: WatchInputs): Watch {
  if (w.namespaces === undefined) return { store, resource, owns: everywhere };
  const { namespace, name } = parseGatewaySetting(w.gateway, '');
  const query = { fieldSelector: `metadata.name=${name}` };
  return namespace ? { store, resource, namespace, query, owns: (n) => n === namespace } : { store, resource, query, owns: everywhere };
}
