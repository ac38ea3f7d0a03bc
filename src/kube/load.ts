// Fills the stores for a one-shot run with one LIST per kind (per namespace when the
// scope names plain namespaces), whatever the number of APIs: never a GET per API. Reads
// what the cluster cache watches (cache/watched.ts), slimmed the same way (slim.ts).
import type { ExposedAPI, KubeObject, Settings } from '../reconcile/types.js';
import { FINALIZER, gatewayServiceLabels, parseGatewaySetting } from '../reconcile/index.js';
import { ApiError, KubeClient } from './client.js';
import type { ClusterContext, Scope } from './context.js';
import { discover, type Discovered } from './discovery.js';
import {
  collectionPath,
  COMPONENT,
  destinationRuleResource,
  ENDPOINT_SLICE,
  AUTHORIZATION_POLICY,
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
  virtualServiceResource,
} from './resources.js';
import { SLIM } from './slim.js';
import { newStores, StoreName, StoreView, Stores } from './view.js';
import { Store } from './store.js';
import { naturalCompare } from '../runtime/natural-order.js';

/** Kinds that could not be read (by resourceKey), with the reason; APIs that need them fail with it. */
export type Unreadable = Map<string, string>;

/** `plural.group` (`plural` for the core group): Istio's and Gateway API's `gateways` are different kinds. */
export const resourceKey = (r: Resource): string => (r.group ? `${r.plural}.${r.group}` : r.plural);

export interface Loaded {
  stores: Stores;
  unreadable: Unreadable;
}

type Query = Record<string, string>;

async function list(client: KubeClient, r: Resource, namespaces: (string | undefined)[], query?: Query): Promise<KubeObject[]> {
  const lists = await Promise.all(
    namespaces.map((ns) => client.get<{ items: KubeObject[] }>(collectionPath(r, ns), query).then((l) => l.items)),
  );
  const items = lists.flat();
  // Lists leave out apiVersion/kind on items; the engine and the diff want them.
  const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
  for (const item of items) Object.assign(item, { apiVersion, kind: r.kind });
  return items;
}

const labelSelector = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .sort()
    .join(',');

/** The ExposedAPIs in scope with one LIST (one per namespace when the scope names them). */
export async function listExposedApis(client: KubeClient, scope: Scope): Promise<ExposedAPI[]> {
  const items = (await list(client, EXPOSED_API, scope.literal ?? [undefined])) as ExposedAPI[];
  return items.filter((a) => scope.matches(a.metadata.namespace ?? ''));
}

export async function loadStores(client: KubeClient, caps: Discovered, settings: Settings, scope: Scope): Promise<Loaded> {
  const stores = newStores();
  const unreadable: Unreadable = new Map();
  const inScope = scope.literal ?? [undefined];

  // Only ever adds: the LISTs run at once, and two of them fill the Services (the namespaces',
  // and the gateway's by label), finishing in either order.
  const fill = async (name: StoreName, r: Resource, namespaces: (string | undefined)[], o: { filter?: boolean; query?: Query } = {}) => {
    try {
      const items = (await list(client, r, namespaces, o.query)).map(SLIM[name]);
      const kept = o.filter ? items.filter((i) => scope.matches(i.metadata.namespace ?? '')) : items;
      const store = stores[name] as Store;
      for (const item of kept) store.upsert(item);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 403) throw err;
      unreadable.set(resourceKey(r), `cannot list ${r.plural}: ${err.message}`);
    }
  };

  const tasks: Promise<void>[] = [
    // All ExposedAPIs and VirtualServices, whatever the scope: routes conflict across namespaces.
    fill('exposedApis', EXPOSED_API, [undefined]),
    // Only slices that belong to a Service: the engine looks them up by that label.
    fill('endpointSlices', ENDPOINT_SLICE, inScope, { filter: true, query: { labelSelector: 'kubernetes.io/service-name' } }),
  ];
  if (caps.virtualServiceApiVersion) {
    tasks.push(fill('virtualServices', virtualServiceResource(caps.virtualServiceApiVersion.split('/')[1]), [undefined]));
  }
  const gateways = caps.gatewayApiVersion ? fill('gateways', gatewayResource(caps.gatewayApiVersion.split('/')[1]), ...gatewaysWhere(scope, settings.gateway)) : Promise.resolve();
  // As the cache watches them (cache/watched.ts): every HTTPRoute; Gateway API Gateways for the httproute router.
  if (caps.httpRouteServed) tasks.push(fill('httpRoutes', HTTP_ROUTE, [undefined]));
  if (caps.gatewayApiServed && settings.router === 'httproute') tasks.push(fill('gatewayApiGateways', GATEWAY_API_GATEWAY, ...gatewaysWhere(scope, settings.gateway)));
  if (scope.literal) {
    // Services of the namespaces, and the gateway Service (it may live anywhere) by its
    // labels, once the Gateway says them; not every Service of the cluster.
    tasks.push(fill('services', SERVICE, inScope));
    const gatewayServices = gateways.then(() => {
      const labels = gatewayServiceLabels(new StoreView(stores, caps, settings).configuredGateway());
      return fill('services', SERVICE, [undefined], { query: { labelSelector: labelSelector(labels) } });
    });
    tasks.push(gatewayServices);
  } else {
    tasks.push(gateways, fill('services', SERVICE, [undefined]));
  }
  // Listed in every metrics mode: ServiceMonitors left from the ServiceMonitor mode are pruned.
  if (caps.serviceMonitorServed) tasks.push(fill('serviceMonitors', SERVICE_MONITOR, inScope, { filter: true }));
  if (caps.componentServed) tasks.push(fill('components', COMPONENT, inScope, { filter: true }));
  // Cluster-wide, as the cache watches them (cache/watched.ts): they live in the gateway workload's namespace.
  if (caps.envoyFilterServed) tasks.push(fill('envoyFilters', ENVOY_FILTER, [undefined]));
  if (caps.securityPoliciesServed) {
    tasks.push(fill('requestAuthentications', REQUEST_AUTHENTICATION, [undefined]), fill('authorizationPolicies', AUTHORIZATION_POLICY, [undefined]));
  }
  // In the APIs' namespaces, as the cache watches them: an MCP API's sits beside it.
  if (caps.destinationRuleApiVersion) tasks.push(fill('destinationRules', destinationRuleResource(caps.destinationRuleApiVersion.split('/')[1]), inScope, { filter: true }));
  await Promise.all(tasks);
  // Pods matter in the annotation modes, and wherever an API still holds the finalizer
  // for annotations it put on pods earlier (so they can be removed).
  const annotated = stores.exposedApis.list().some((a) => scope.matches(a.metadata.namespace!) && a.metadata.finalizers?.includes(FINALIZER));
  if (settings.metricsMode !== 'ServiceMonitor' || annotated) await fill('pods', POD, inScope, { filter: true });

  if (unreadable.has(resourceKey(EXPOSED_API))) {
    // Without the APIs there is nothing to do: let the caller report it as a whole-run error.
    throw new ApiError(403, 'Forbidden', unreadable.get(resourceKey(EXPOSED_API))!, 'GET', collectionPath(EXPOSED_API));
  }
  return { stores, unreadable };
}

/** In a scope of plain namespaces, only the configured Gateway (see cache/watched.ts); else every Gateway, as the cache does. */
function gatewaysWhere(scope: Scope, gateway: string): [(string | undefined)[], { query?: Query }] {
  if (!scope.literal) return [[undefined], {}];
  const { namespace, name } = parseGatewaySetting(gateway, '');
  return [[namespace || undefined], { query: { fieldSelector: `metadata.name=${name}` } }];
}

/** A view of the cluster from one LIST per kind, for one-shot commands (reconcile, status, snapshots). */
export async function loadView({ client, settings, scope }: ClusterContext): Promise<{ view: StoreView; unreadable: Unreadable }> {
  const caps = await discover(client);
  const { stores, unreadable } = await loadStores(client, caps, settings, scope);
  // Gateways are optional knowledge: unreadable, routes go to the configured name unverified.
  const gatewayUnverified = unreadable.has(ISTIO_GATEWAYS) || undefined;
  // Unreadable EnvoyFilters fail only the APIs that need one (plan-policies.ts).
  const envoyFiltersUnreadable = unreadable.has(resourceKey(ENVOY_FILTER)) || undefined;
  const securityPoliciesUnreadable = unreadable.has(resourceKey(REQUEST_AUTHENTICATION)) || unreadable.has(resourceKey(AUTHORIZATION_POLICY)) || undefined;
  const httpRoutesUnreadable = unreadable.has(resourceKey(HTTP_ROUTE)) || undefined;
  const destinationRulesUnreadable = unreadable.has(resourceKey(destinationRuleResource(caps.destinationRuleApiVersion?.split('/')[1] ?? 'v1'))) || undefined;
  const capabilities = { ...caps, gatewayUnverified, envoyFiltersUnreadable, securityPoliciesUnreadable, httpRoutesUnreadable, destinationRulesUnreadable };
  return { view: new StoreView(stores, capabilities, settings), unreadable };
}

const ISTIO_GATEWAYS = 'gateways.networking.istio.io';

/** What the run could not verify, one line each, for the user (the APIs still converge). */
export function unverified(unreadable: Unreadable, settings: Settings): string[] {
  const gateways = unreadable.get(ISTIO_GATEWAYS);
  const gatewayApi = unreadable.get(resourceKey(GATEWAY_API_GATEWAY));
  const httpRoutes = unreadable.get(resourceKey(HTTP_ROUTE));
  return [
    ...(gateways && settings.router !== 'httproute' ? [`cannot read Istio Gateways, so gateway ${settings.gateway} could not be verified (${gateways})`] : []),
    ...(gatewayApi ? [`cannot read Gateway API Gateways, so the address of gateway ${settings.gateway} is unknown (${gatewayApi})`] : []),
    // Under the httproute router the APIs fail instead, saying so.
    ...(httpRoutes && settings.router !== 'httproute' ? [`cannot read HTTPRoutes, so any an earlier --router httproute left are not pruned (${httpRoutes})`] : []),
  ];
}

export interface Selection {
  apis: ExposedAPI[];
  /** Names asked for that are in no namespace in scope. */
  missing: string[];
}

/** APIs in scope, only those named when names are given, sorted naturally by namespace, then name. */
export function selectApis(all: readonly ExposedAPI[], inScope: (namespace: string) => boolean, names: readonly string[]): Selection {
  const scoped = all.filter((a) => inScope(a.metadata.namespace ?? ''));
  const apis = names.length ? scoped.filter((a) => names.includes(a.metadata.name)) : [...scoped];
  apis.sort((a, b) => naturalCompare(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || naturalCompare(a.metadata.name, b.metadata.name));
  return { apis, missing: names.filter((n) => !apis.some((a) => a.metadata.name === n)) };
}
