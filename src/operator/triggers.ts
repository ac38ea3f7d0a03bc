// Which ExposedAPIs to reconcile when an object changes: controller-runtime's "handler"
// step. Reads the stores only; the controller enqueues the keys it returns.
import type { ExposedAPI, KubeObject, Service } from '../reconcile/types.js';
import { controllerOf, OWNER_ANNOTATION, routesOfHTTPRoute, routesOfVirtualService, targetsHost } from '../reconcile/index.js';
import { Store } from '../kube/store.js';
import type { StoreName, Stores, StoreView } from '../kube/view.js';

const keyOf = (api: ExposedAPI) => Store.keyOf(api);
const implementationOf = (api: ExposedAPI) => String(api.spec.implementation ?? '');
const pathOf = (o: KubeObject | undefined) => (o as ExposedAPI | undefined)?.spec?.path;

/** APIs whose implementation is the Service ns/name (the ExposedAPI store's index). */
const byImplementation = (stores: Stores, namespace: string, service: string) => stores.exposedApis.indexed('implementation', `${namespace}/${service}`);

/** The keys of the APIs holding a route whose path overlaps one of `paths` (equal, or a prefix one way or the other). */
const rivalsOf = (view: StoreView, paths: readonly string[]): string[] => {
  const table = view.routes();
  const routes = paths.flatMap((p) => table.relatives(p));
  return [...new Set(routes.filter((r) => r.owner.kind === 'ExposedAPI').map((r) => `${r.owner.namespace}/${r.owner.name}`))];
};

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** The keys of the APIs a change of `object` (in the store `store`, formerly `previous`) can affect. */
export function apiKeysFor(store: StoreName, object: KubeObject, previous: KubeObject | undefined, view: StoreView): string[] {
  const stores = view.stores;
  const ns = object.metadata.namespace ?? '';
  const all = () => stores.exposedApis.list().map(keyOf);
  switch (store) {
    case 'exposedApis': {
      // Routes conflict by path prefix (the same, or one shadowing the other): a change
      // may free or take a route another API wants.
      const paths = [pathOf(object), pathOf(previous)].filter((p): p is string => typeof p === 'string');
      return [Store.keyOf(object), ...rivalsOf(view, paths)];
    }
    case 'services': {
      const gateway = view.gatewayService();
      const isGateway = (s: KubeObject | undefined) => !!s && !!gateway && Store.keyOf(s) === Store.keyOf(gateway);
      // The gateway's address and ports are in every URL.
      if (isGateway(object) || isGateway(previous) || (object.spec as Service['spec'])?.type === 'LoadBalancer') return all();
      return byImplementation(stores, ns, object.metadata.name).map(keyOf);
    }
    case 'endpointSlices': {
      const service = object.metadata.labels?.['kubernetes.io/service-name'];
      return service ? byImplementation(stores, ns, service).map(keyOf) : [];
    }
    case 'gateways':
    case 'gatewayApiGateways':
      return all();
    case 'virtualServices':
    case 'httpRoutes':
    case 'serviceMonitors': {
      const owner = controllerOf(object);
      if (owner?.kind === 'ExposedAPI') return [`${ns}/${owner.name}`];
      // Someone else's VirtualService or HTTPRoute may hold a route one of ours wants.
      const routesOf = store === 'httpRoutes' ? routesOfHTTPRoute : routesOfVirtualService;
      const prefixes = [object, previous].flatMap((o) => (o ? routesOf(o) : [])).map((r) => r.pathPrefix);
      return rivalsOf(view, prefixes);
    }
    case 'envoyFilters':
    case 'requestAuthentications':
    case 'authorizationPolicies': {
      // Edited or deleted by someone else: put back by its API (named by the annotation, as the store indexes it).
      const owner = [object, previous].map((o) => o?.metadata.annotations?.[OWNER_ANNOTATION]).find((a) => a !== undefined);
      return owner ? [owner] : [];
    }
    case 'destinationRules': {
      const owner = controllerOf(object);
      if (owner?.kind === 'ExposedAPI') return [`${ns}/${owner.name}`];
      // Someone else's may now stand in the way of (or free) the MCP APIs of its namespace whose host it covers.
      return stores.exposedApis
        .list(ns)
        .filter((a) => a.spec.apiType === 'mcp' && [object, previous].some((o) => o !== undefined && targetsHost(o, implementationOf(a), ns)))
        .map(keyOf);
    }
    case 'components':
      return stores.exposedApis.indexed('component', `${ns}/${object.metadata.name}`).map(keyOf);
    case 'pods': {
      const labels = [object.metadata.labels, previous?.metadata.labels];
      return stores.exposedApis
        .list(ns)
        .filter((a) => {
          const selector = stores.services.get(ns, implementationOf(a))?.spec?.selector;
          return labels.some((l) => matches(selector, l));
        })
        .map(keyOf);
    }
  }
}
