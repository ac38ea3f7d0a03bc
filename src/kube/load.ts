// Fills the stores for a one-shot run with one LIST per kind (per namespace when the
// scope names plain namespaces), whatever the number of APIs: never a GET per API.
import type { ExposedAPI, KubeObject, MetricsMode, Settings } from '../reconcile/types.js';
import { FINALIZER } from '../reconcile/index.js';
import { ApiError, KubeClient } from './client.js';
import type { ClusterContext, Scope } from './context.js';
import { discover, type Discovered } from './discovery.js';
import {
  collectionPath,
  COMPONENT,
  ENDPOINT_SLICE,
  EXPOSED_API,
  gatewayResource,
  POD,
  Resource,
  SERVICE,
  SERVICE_MONITOR,
  virtualServiceResource,
} from './resources.js';
import { newStores, StoreView, Stores } from './view.js';
import { Store } from './store.js';
import { naturalCompare } from '../runtime/natural-order.js';

/** Kinds that could not be read, with the reason; APIs that need them fail with it. */
export type Unreadable = Map<string, string>;

export interface Loaded {
  stores: Stores;
  unreadable: Unreadable;
}

async function list(client: KubeClient, r: Resource, namespaces: (string | undefined)[]): Promise<KubeObject[]> {
  const lists = await Promise.all(
    namespaces.map((ns) => client.get<{ items: KubeObject[] }>(collectionPath(r, ns)).then((l) => l.items)),
  );
  const items = lists.flat();
  // Lists leave out apiVersion/kind on items; the engine and the diff want them.
  const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
  for (const item of items) Object.assign(item, { apiVersion, kind: r.kind });
  return items;
}

/** The ExposedAPIs in scope with one LIST (one per namespace when the scope names them). */
export async function listExposedApis(client: KubeClient, scope: Scope): Promise<ExposedAPI[]> {
  const items = (await list(client, EXPOSED_API, scope.literal ?? [undefined])) as ExposedAPI[];
  return items.filter((a) => scope.matches(a.metadata.namespace ?? ''));
}

export async function loadStores(client: KubeClient, caps: Discovered, metricsMode: MetricsMode, scope: Scope): Promise<Loaded> {
  const stores = newStores();
  const unreadable: Unreadable = new Map();
  const inScope = scope.literal ?? [undefined];

  const fill = async <T extends KubeObject>(store: Store<T>, r: Resource, namespaces: (string | undefined)[], filter = false) => {
    try {
      const items = (await list(client, r, namespaces)) as T[];
      store.replace(filter ? items.filter((o) => scope.matches(o.metadata.namespace ?? '')) : items);
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 403) throw err;
      unreadable.set(r.plural, `cannot list ${r.plural}: ${err.message}`);
    }
  };

  const tasks: Promise<void>[] = [
    // All ExposedAPIs and VirtualServices, whatever the scope: routes conflict across namespaces.
    fill(stores.exposedApis, EXPOSED_API, [undefined]),
    fill(stores.services, SERVICE, [undefined]),
    fill(stores.endpointSlices, ENDPOINT_SLICE, inScope, true),
  ];
  if (caps.virtualServiceApiVersion) {
    tasks.push(fill(stores.virtualServices, virtualServiceResource(caps.virtualServiceApiVersion.split('/')[1]), [undefined]));
  }
  if (caps.gatewayApiVersion) tasks.push(fill(stores.gateways, gatewayResource(caps.gatewayApiVersion.split('/')[1]), [undefined]));
  // Listed in every metrics mode: ServiceMonitors left from the ServiceMonitor mode are pruned.
  if (caps.serviceMonitorServed) tasks.push(fill(stores.serviceMonitors, SERVICE_MONITOR, inScope, true));
  if (caps.componentServed) tasks.push(fill(stores.components, COMPONENT, inScope, true));
  await Promise.all(tasks);
  // Pods matter in the annotation modes, and wherever an API still holds the finalizer
  // for annotations it put on pods earlier (so they can be removed).
  const annotated = stores.exposedApis.list().some((a) => scope.matches(a.metadata.namespace!) && a.metadata.finalizers?.includes(FINALIZER));
  if (metricsMode !== 'ServiceMonitor' || annotated) await fill(stores.pods, POD, inScope, true);

  if (unreadable.has(EXPOSED_API.plural)) {
    // Without the APIs there is nothing to do: let the caller report it as a whole-run error.
    throw new ApiError(403, 'Forbidden', unreadable.get(EXPOSED_API.plural)!, 'GET', collectionPath(EXPOSED_API));
  }
  return { stores, unreadable };
}

/** A view of the cluster from one LIST per kind, for one-shot commands (reconcile, status, snapshots). */
export async function loadView({ client, settings, scope }: ClusterContext): Promise<{ view: StoreView; unreadable: Unreadable }> {
  const caps = await discover(client);
  const { stores, unreadable } = await loadStores(client, caps, settings.metricsMode, scope);
  // Gateways are optional knowledge: unreadable, routes go to the configured name unverified.
  const gatewayUnverified = unreadable.has(GATEWAYS) || undefined;
  return { view: new StoreView(stores, { ...caps, gatewayUnverified }, settings), unreadable };
}

const GATEWAYS = 'gateways';

/** What the run could not verify, one line each, for the user (the APIs still converge). */
export function unverified(unreadable: Unreadable, settings: Settings): string[] {
  const gateways = unreadable.get(GATEWAYS);
  return gateways ? [`cannot read Istio Gateways, so gateway ${settings.gateway} could not be verified (${gateways})`] : [];
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
