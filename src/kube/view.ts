// The ClusterView the engine reads, answered from stores. Derived data that is costly
// to compute (the gateway Service, the route table) is cached until a store changes.
import type { ClusterView, EndpointSlice, ExposedAPI, KubeObject, Pod, Route, Service, Settings } from '../reconcile/types.js';
import { OWNER_ANNOTATION, parseGatewaySetting, pickGatewayService, routeOfExposedAPI, routesKeptFor, routesOfVirtualService, controlledByAnExposedAPI, withServing } from '../reconcile/index.js';
import type { Discovered } from './discovery.js';
import { Store } from './store.js';

export interface Stores {
  exposedApis: Store<ExposedAPI>;
  services: Store<Service>;
  endpointSlices: Store<EndpointSlice>;
  pods: Store<Pod>;
  virtualServices: Store<KubeObject>;
  serviceMonitors: Store<KubeObject>;
  components: Store<KubeObject>;
  gateways: Store<KubeObject>;
  envoyFilters: Store<KubeObject>;
  requestAuthentications: Store<KubeObject>;
  authorizationPolicies: Store<KubeObject>;
}

/** One of the Stores, by its key ('services', 'exposedApis', ...): a cached collection, not a Kubernetes kind. */
export type StoreName = keyof Stores;

/** The store that holds objects of each kind. */
const STORE_OF_KIND: Record<string, StoreName> = {
  ExposedAPI: 'exposedApis',
  Service: 'services',
  EndpointSlice: 'endpointSlices',
  Pod: 'pods',
  VirtualService: 'virtualServices',
  ServiceMonitor: 'serviceMonitors',
  Component: 'components',
  Gateway: 'gateways',
  EnvoyFilter: 'envoyFilters',
  RequestAuthentication: 'requestAuthentications',
  AuthorizationPolicy: 'authorizationPolicies',
};

export function storeNameOf(kind: string): StoreName {
  const name = STORE_OF_KIND[kind];
  if (!name) throw new Error(`no store for kind ${kind}`);
  return name;
}

/** The store that holds objects of a kind. */
export function storeOf(stores: Stores, kind: string): Store<KubeObject> {
  // ExposedAPI's index reads spec.implementation, which every ExposedAPI written to it has.
  return stores[storeNameOf(kind)] as unknown as Store<KubeObject>;
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export function newStores(): Stores {
  return {
    // Indexed by namespace/implementation: Service and EndpointSlice events find their APIs.
    exposedApis: new Store((api) => `${api.metadata.namespace}/${String(api.spec.implementation ?? '')}`),
    services: new Store(),
    endpointSlices: new Store((s) => {
      const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
      return svc ? `${s.metadata.namespace}/${svc}` : undefined;
    }),
    pods: new Store(),
    virtualServices: new Store(),
    serviceMonitors: new Store(),
    components: new Store(),
    gateways: new Store(),
    // Indexed by the owning API's namespace/name: the filters live in the gateway's namespace.
    envoyFilters: new Store((f) => f.metadata.annotations?.[OWNER_ANNOTATION]),
    requestAuthentications: new Store((f) => f.metadata.annotations?.[OWNER_ANNOTATION]),
    authorizationPolicies: new Store((f) => f.metadata.annotations?.[OWNER_ANNOTATION]),
  };
}

function cached<T>(versions: () => number[], compute: () => T): () => T {
  let key = '';
  let value: T;
  return () => {
    const k = versions().join(',');
    if (k !== key) {
      value = compute();
      key = k;
    }
    return value;
  };
}

export class StoreView implements ClusterView {
  readonly gatewayService: () => Service | undefined;
  readonly routes: () => Route[];

  constructor(
    readonly stores: Stores,
    readonly capabilities: Discovered,
    readonly settings: Settings,
  ) {
    const s = stores;
    this.gatewayService = cached(
      () => [s.gateways.version, s.services.version],
      () => pickGatewayService(this.configuredGateway(), s.services.list()),
    );
    // Routes are recomputed whenever an API or VirtualService changes (every write does),
    // so each object's routes are computed once and remembered by object identity.
    const routesOf = new WeakMap<KubeObject, Route[]>();
    const memo = (o: KubeObject, compute: () => Route[]) => {
      let r = routesOf.get(o);
      if (!r) routesOf.set(o, (r = compute()));
      return r;
    };
    this.routes = cached(
      () => [s.exposedApis.version, s.virtualServices.version],
      () => [
        ...s.exposedApis.list().flatMap((api) => {
          const own = memo(api, () => [routeOfExposedAPI(api, settings) ?? []].flat());
          // Not memoised: whether the route is served, and what an invalid API still holds, depend on its VirtualService too.
          const vs = s.virtualServices.get(api.metadata.namespace ?? '', api.metadata.name);
          return own.length > 0 ? own.map((r) => withServing(r, api, vs)) : routesKeptFor(api, vs);
        }),
        ...s.virtualServices.list().flatMap((vs) => memo(vs, () => (controlledByAnExposedAPI(vs) ? [] : routesOfVirtualService(vs)))),
      ],
    );
  }

  /** The Istio Gateway named by the setting; a bare name is looked up in every namespace, first by namespace order. */
  configuredGateway(): KubeObject | undefined {
    const setting = this.settings.gateway;
    if (setting.includes('/')) {
      const { namespace, name } = parseGatewaySetting(setting, '');
      return this.stores.gateways.get(namespace, name);
    }
    return this.stores.gateways
      .list()
      .filter((g) => g.metadata.name === setting)
      .sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? ''))[0];
  }

  service(namespace: string, name: string): Service | undefined {
    return this.stores.services.get(namespace, name);
  }

  services(namespace: string): Service[] {
    return this.stores.services.list(namespace);
  }

  endpointSlices(namespace: string, serviceName: string): EndpointSlice[] {
    return this.stores.endpointSlices.indexed(`${namespace}/${serviceName}`);
  }

  pods(namespace: string, selector: Record<string, string>): Pod[] {
    const entries = Object.entries(selector);
    return this.stores.pods.list(namespace).filter((p) => entries.every(([k, v]) => p.metadata.labels?.[k] === v));
  }

  virtualService(namespace: string, name: string): KubeObject | undefined {
    return this.stores.virtualServices.get(namespace, name);
  }

  serviceMonitor(namespace: string, name: string): KubeObject | undefined {
    return this.stores.serviceMonitors.get(namespace, name);
  }

  component(namespace: string, name: string): KubeObject | undefined {
    return this.stores.components.get(namespace, name);
  }

  gateway(namespace: string, name: string): KubeObject | undefined {
    return this.stores.gateways.get(namespace, name);
  }

  gatewayChildrenOf(kind: string, namespace: string, name: string): KubeObject[] {
    return storeOf(this.stores, kind).indexed(`${namespace}/${name}`);
  }

  gatewayChild(kind: string, namespace: string, name: string): KubeObject | undefined {
    return storeOf(this.stores, kind).get(namespace, name);
  }
}
