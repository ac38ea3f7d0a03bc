// The ClusterView the engine reads, answered from stores. Derived data that is costly
// to compute is kept: the gateway Service until a store changes, the route table
// updated for the objects that changed.
import type { ClusterView, EndpointSlice, ExposedAPI, KubeObject, Pod, RouteTable, Service, Settings } from '../reconcile/types.js';
import { GATEWAY_API_GROUP, OWNER_ANNOTATION, parseGatewaySetting, pickGatewayService, RouteIndex, routesHeld } from '../reconcile/index.js';
import type { Discovered } from './discovery.js';
import { Store } from './store.js';

export interface Stores {
  exposedApis: Store<ExposedAPI, 'implementation' | 'component'>;
  services: Store<Service>;
  endpointSlices: Store<EndpointSlice, 'service'>;
  pods: Store<Pod>;
  virtualServices: Store<KubeObject>;
  serviceMonitors: Store<KubeObject>;
  components: Store<KubeObject>;
  gateways: Store<KubeObject>;
  envoyFilters: Store<KubeObject, 'owner'>;
  requestAuthentications: Store<KubeObject, 'owner'>;
  authorizationPolicies: Store<KubeObject, 'owner'>;
  destinationRules: Store<KubeObject>;
  httpRoutes: Store<KubeObject>;
  /** Gateway API Gateways (the httproute router); `gateways` holds Istio's. */
  gatewayApiGateways: Store<KubeObject>;
}

/** The stores of the children written at the gateway, by kind. */
const GATEWAY_CHILD_STORES = {
  EnvoyFilter: 'envoyFilters',
  RequestAuthentication: 'requestAuthentications',
  AuthorizationPolicy: 'authorizationPolicies',
} as const satisfies Record<string, StoreName>;

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
  DestinationRule: 'destinationRules',
  HTTPRoute: 'httpRoutes',
};

/** The store of a kind; `apiVersion` tells a Gateway API Gateway from an Istio one. */
export function storeNameOf(kind: string, apiVersion = ''): StoreName {
  if (kind === 'Gateway' && apiVersion.startsWith(`${GATEWAY_API_GROUP}/`)) return 'gatewayApiGateways';
  const name = STORE_OF_KIND[kind];
  if (!name) throw new Error(`no store for kind ${kind}`);
  return name;
}

/** The store that holds objects of a kind. */
export function storeOf(stores: Stores, kind: string, apiVersion?: string): Store<KubeObject> {
  // ExposedAPI's index reads spec.implementation, which every ExposedAPI written to it has.
  return stores[storeNameOf(kind, apiVersion)] as unknown as Store<KubeObject>;
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

const ownerOfGatewayChild = (o: KubeObject): string[] => {
  const owner = o.metadata.annotations?.[OWNER_ANNOTATION];
  return owner ? [owner] : [];
};

export function newStores(): Stores {
  return {
    exposedApis: new Store({
      // Service and EndpointSlice events find their APIs by namespace/implementation,
      implementation: (api) => [`${api.metadata.namespace}/${String(api.spec.implementation ?? '')}`],
      // and Component events by namespace/component (the APIs a Component owns).
      component: (api) =>
        (api.metadata.ownerReferences ?? []).filter((r) => r.kind === 'Component').map((r) => `${api.metadata.namespace}/${r.name}`),
    }),
    services: new Store(),
    endpointSlices: new Store({
      service: (s) => {
        const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
        return svc ? [`${s.metadata.namespace}/${svc}`] : [];
      },
    }),
    pods: new Store(),
    virtualServices: new Store(),
    serviceMonitors: new Store(),
    components: new Store(),
    gateways: new Store(),
    // Indexed by the owning API's namespace/name: they live in the gateway's namespace.
    envoyFilters: new Store({ owner: ownerOfGatewayChild }),
    requestAuthentications: new Store({ owner: ownerOfGatewayChild }),
    authorizationPolicies: new Store({ owner: ownerOfGatewayChild }),
    destinationRules: new Store(),
    httpRoutes: new Store(),
    gatewayApiGateways: new Store(),
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
  private routeIndex?: RouteIndex;
  /** namespace/name of the ExposedAPIs, VirtualServices and HTTPRoutes changed since the route table was last read. */
  private readonly changedRoutes = new Set<string>();

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
  }

  /** The route table, brought up to date with the APIs and route objects changed since it was last read. */
  routes(): RouteTable {
    if (!this.routeIndex) {
      this.routeIndex = new RouteIndex();
      // Subscribed on first use: a view never asked for routes (a lookup of the gateway) leaves the stores alone.
      const mark = (namespace: string, name: string) => this.changedRoutes.add(`${namespace}/${name}`);
      this.stores.exposedApis.onChange(mark);
      this.stores.virtualServices.onChange(mark);
      this.stores.httpRoutes.onChange(mark);
      const { exposedApis, virtualServices, httpRoutes } = this.stores;
      for (const o of [...exposedApis.list(), ...virtualServices.list(), ...httpRoutes.list()]) mark(o.metadata.namespace ?? '', o.metadata.name);
    }
    for (const key of this.changedRoutes) {
      const [namespace, name] = key.split('/');
      const api = this.stores.exposedApis.get(namespace, name);
      const objects = { virtualService: this.stores.virtualServices.get(namespace, name), httpRoute: this.stores.httpRoutes.get(namespace, name) };
      this.routeIndex.set(key, routesHeld(api, objects, this.settings));
    }
    this.changedRoutes.clear();
    return this.routeIndex;
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
    return this.stores.endpointSlices.indexed('service', `${namespace}/${serviceName}`);
  }

  pods(namespace: string, selector: Record<string, string>): Pod[] {
    const entries = Object.entries(selector);
    return this.stores.pods.list(namespace).filter((p) => entries.every(([k, v]) => p.metadata.labels?.[k] === v));
  }

  virtualService(namespace: string, name: string): KubeObject | undefined {
    return this.stores.virtualServices.get(namespace, name);
  }

  httpRoute(namespace: string, name: string): KubeObject | undefined {
    return this.stores.httpRoutes.get(namespace, name);
  }

  gatewayApiGateway(namespace: string, name: string): KubeObject | undefined {
    return this.stores.gatewayApiGateways.get(namespace, name);
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
    const store = GATEWAY_CHILD_STORES[kind as keyof typeof GATEWAY_CHILD_STORES];
    if (!store) throw new Error(`${kind} is not written at the gateway`);
    return this.stores[store].indexed('owner', `${namespace}/${name}`);
  }

  gatewayChild(kind: string, namespace: string, name: string): KubeObject | undefined {
    return storeOf(this.stores, kind).get(namespace, name);
  }

  destinationRule(namespace: string, name: string): KubeObject | undefined {
    return this.stores.destinationRules.get(namespace, name);
  }

  destinationRules(namespace: string): KubeObject[] {
    return this.stores.destinationRules.list(namespace);
  }
}
