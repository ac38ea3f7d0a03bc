// The engine's vocabulary: plain JSON shapes of the objects it reads and writes
// (as the API server returns them), the settings, the read-only cluster view it is
// given, and the plan it returns. Nothing here performs I/O.

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface ApiStatus {
  name?: string;
  uid?: string;
  path?: string;
  port?: number;
  implementation?: string;
  url?: string;
  developerUI?: string;
  ip?: string;
}

export interface ExposedAPIStatus {
  apiStatus?: ApiStatus;
  implementation?: { ready: boolean };
  conditions?: Condition[];
  [key: string]: unknown;
}

export interface ExposedAPI extends KubeObject {
  spec: Record<string, unknown>;
  status?: ExposedAPIStatus;
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
}

export interface Service extends KubeObject {
  spec?: { selector?: Record<string, string>; ports?: ServicePort[]; type?: string };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

export interface EndpointSlice extends KubeObject {
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean | null } }[];
}

export interface Container {
  name: string;
  ports?: { name?: string; containerPort: number }[];
}

export interface Pod extends KubeObject {
  spec?: { containers?: Container[] };
}

/** A route some object holds on a gateway: used to find conflicts. */
export interface Route {
  /** Who holds it: an ExposedAPI, or a VirtualService or HTTPRoute not managed by us. */
  owner: {
    kind: 'ExposedAPI' | 'VirtualService' | 'HTTPRoute';
    namespace: string;
    name: string;
    creationTimestamp: string;
    /** A VirtualService serves this route now: it wins a tie in creation time (timestamps have whole seconds). */
    serving?: boolean;
  };
  /** How it is routed: absent for a VirtualService on Istio Gateways; `httproute` for an HTTPRoute on Gateway API Gateways. */
  router?: 'httproute';
  /** `namespace/name` of the Gateways (Istio, or Gateway API for an HTTPRoute). */
  gateways: string[];
  hosts: string[];
  pathPrefix: string;
}

export type MetricsMode = 'ServiceMonitor' | 'PrometheusAnnotation' | 'DataDogAnnotation';

/** What routes each API: an Istio VirtualService (the Canvas's way) or a Gateway API HTTPRoute. */
export type Router = 'virtualservice' | 'httproute';

export interface Settings {
  metricsMode: MetricsMode;
  /** IPv4, IPv6 or DNS name used as the API host when spec.hostname is not set. */
  publicHostname?: string;
  /** `name` or `namespace/name` of the Gateway: an Istio Gateway, or a Gateway API Gateway with the httproute router. */
  gateway: string;
  /** Absent: virtualservice. */
  router?: Router;
  /** Scrape interval for ServiceMonitors. */
  scrapeInterval: string;
  /** The Canvas's API_CONNECT_TIMEOUT, API_READ_TIMEOUT and API_WRITE_TIMEOUT (given in seconds, kept in milliseconds), when set; see docs/policies.md. */
  timeouts?: { connectMs?: number; readMs?: number; writeMs?: number };
  /** Keep a rate-limit bucket per client (rateLimit.identifier): the gateways' Envoy is 1.35 or newer (dynamic descriptors). */
  rateLimitIdentifiers?: boolean;
  /** The JWT issuer and JWKS URI tokens are checked against (apiKeyVerification); unset: not enforced. */
  jwt?: { issuer: string; jwksUri: string };
}

/** What the API server offers, found once by discovery. */
export interface Capabilities {
  /** e.g. `networking.istio.io/v1`; undefined when no VirtualService CRD is served. */
  virtualServiceApiVersion?: string;
  serviceMonitorServed: boolean;
  exposedApiStatusSubresource: boolean;
  /** Set when Istio Gateways may not be read (RBAC): routes go to the configured Gateway unverified. */
  gatewayUnverified?: boolean;
  /** Whether EnvoyFilters (networking.istio.io/v1alpha3) are served: rate limits and MCP stream timeouts need them. */
  envoyFilterServed?: boolean;
  /** Set when EnvoyFilters may not be listed (RBAC, e.g. under the Canvas chart's ClusterRole): none is written, as one of someone else's could not be seen. */
  envoyFiltersUnreadable?: boolean;
  /** Whether RequestAuthentications and AuthorizationPolicies (security.istio.io/v1) are served: apiKeyVerification needs them. */
  securityPoliciesServed?: boolean;
  /** Set when either may not be listed (RBAC): none is written. */
  securityPoliciesUnreadable?: boolean;
  /** Whether HTTPRoutes (gateway.networking.k8s.io/v1) are served: the httproute router needs them. */
  httpRouteServed?: boolean;
  /** Set when HTTPRoutes may not be listed (RBAC): under the httproute router none is written. */
  httpRoutesUnreadable?: boolean;
  /** Whether Gateway API Gateways (gateway.networking.k8s.io/v1) are served: the httproute router reads their addresses and listeners. */
  gatewayApiServed?: boolean;
  /** e.g. `networking.istio.io/v1`, the newest served; undefined when no DestinationRule CRD is served (MCP connect timeouts need one). */
  destinationRuleApiVersion?: string;
  /** Set when DestinationRules may not be listed (RBAC): none is written, as someone else's for the same host could not be seen. */
  destinationRulesUnreadable?: boolean;
}

/**
 * Read-only view of the cluster. The one-shot command fills it from a bounded number of
 * LISTs; the watch runtime and the dashboard answer from informer caches.
 */
export interface ClusterView {
  capabilities: Capabilities;
  /** The ingress gateway Service for the configured gateway, if found. */
  gatewayService(): Service | undefined;
  service(namespace: string, name: string): Service | undefined;
  /** All Services of a namespace (to check a ServiceMonitor selector picks only one). */
  services(namespace: string): Service[];
  endpointSlices(namespace: string, serviceName: string): EndpointSlice[];
  /** Pods in namespace whose labels match every selector entry ({} selects all). */
  pods(namespace: string, selector: Record<string, string>): Pod[];
  virtualService(namespace: string, name: string): KubeObject | undefined;
  httpRoute(namespace: string, name: string): KubeObject | undefined;
  serviceMonitor(namespace: string, name: string): KubeObject | undefined;
  component(namespace: string, name: string): KubeObject | undefined;
  /** An Istio Gateway; undefined when it is not there or Gateways cannot be read (routes are then judged by Gateway name). */
  gateway(namespace: string, name: string): KubeObject | undefined;
  /** A Gateway API Gateway (httproute router); undefined when it is not there or cannot be read. */
  gatewayApiGateway(namespace: string, name: string): KubeObject | undefined;
  /** Every route on any gateway, from all ExposedAPIs and unmanaged VirtualServices in scope. */
  routes(): RouteTable;
  /** The gateway children of `kind` (EnvoyFilter, RequestAuthentication, AuthorizationPolicy) written for the API namespace/name (by their owner annotation), in any namespace. */
  gatewayChildrenOf(kind: string, namespace: string, name: string): KubeObject[];
  /** A gateway child by kind and its own namespace and name. */
  gatewayChild(kind: string, namespace: string, name: string): KubeObject | undefined;
  /** A DestinationRule by namespace and name. */
  destinationRule(namespace: string, name: string): KubeObject | undefined;
  /** Every DestinationRule of a namespace (to find another one for the same host). */
  destinationRules(namespace: string): KubeObject[];
}

/** The routes on the gateways, as the conflict check reads them. */
export interface RouteTable {
  /** The routes whose path prefix is a prefix of `path`, equal to it, or extends it. */
  relatives(path: string): Route[];
}

/** One write the engine wants made. Executors perform these; the engine never does. */
export type Action =
  /** Server-side apply (our field manager, force) of a child: VirtualService, HTTPRoute, ServiceMonitor, EnvoyFilter, DestinationRule, ... */
  | { type: 'apply'; object: KubeObject; change: 'create' | 'update' }
  /** Delete a child we own that is no longer wanted. */
  | { type: 'delete'; apiVersion: string; kind: string; namespace: string; name: string }
  /** Merge-patch a Pod's annotations; a null value removes the key. */
  | { type: 'annotatePod'; namespace: string; name: string; annotations: Record<string, string | null> }
  /** Replace the ExposedAPI's status (to /status when `subresource`, else on the main resource). */
  | { type: 'writeStatus'; status: ExposedAPIStatus; subresource: boolean }
  /**
   * Set url/developerUI/ready on one entry of the parent Component's status list, and
   * remove the keys in `remove` (the API has no url or developerUI now), guarded by a
   * JSON-patch `test` on the entry's uid so a concurrent reorder cannot make us write
   * the wrong entry.
   */
  | {
      type: 'patchComponent';
      namespace: string;
      name: string;
      list: 'coreAPIs' | 'managementAPIs' | 'securityAPIs';
      index: number;
      uid: string;
      entry: { url?: string; developerUI?: string; ready: boolean };
      /** Keys the entry has and the API no longer has; absent when there are none. */
      remove?: ('url' | 'developerUI')[];
    }
  | { type: 'addFinalizer' | 'removeFinalizer'; finalizer: string }
  | { type: 'event'; eventType: 'Normal' | 'Warning'; reason: string; message: string };

/** The engine's judgement of one API: what its plan does, or what stands in the way. */
export type Outcome = 'created' | 'updated' | 'unchanged' | 'invalid' | 'conflict' | 'error' | 'deleted';

/** The engine's answer for one API: its outcome, the status it should have, and the writes that get it there. */
export interface Plan {
  namespace: string;
  name: string;
  outcome: Outcome;
  /** Why the API is invalid, in conflict or in error: the most specific failing condition's message. */
  message?: string;
  /** The status the API should have after the plan is carried out. */
  status: ExposedAPIStatus;
  actions: Action[];
  /** Come back after this many ms even if nothing changes (e.g. Component entry not there yet). */
  requeueAfterMs?: number;
  /**
   * Carry out only this many leading actions (the children and their Events), then plan
   * again: the rest names a route (VirtualService or HTTPRoute) that does not exist yet
   * (the status holds its uid), and would be written twice. `actions` stays the whole difference, for views.
   */
  replanAfter?: number;
}
