// Names shared by the engine and the I/O layers. Changing any of these changes what
// is written to clusters, so they live in one place.

/** Field manager for every server-side apply, so ownership of our fields is stable. */
export const FIELD_MANAGER = 'kubectl-oda-api';

/**
 * Finalizer held while pods carry our metrics annotations: pods are not owned by the
 * ExposedAPI, so garbage collection cannot clean them up for us.
 */
export const FINALIZER = 'oda.tmforum.org/api-operator-istio-annotations';

/** Put on every pod we annotate (value: the ExposedAPI name), so removal finds exactly our pods. */
export const ANNOTATION_OWNER = 'oda.tmforum.org/metrics-exposedapi';

export const ODA_GROUP = 'oda.tmforum.org';
export const EXPOSED_API_KIND = 'ExposedAPI';
export const COMPONENT_KIND = 'Component';

export const ISTIO_GROUP = 'networking.istio.io';
export const VIRTUAL_SERVICE_KIND = 'VirtualService';

export const SERVICE_MONITOR_API_VERSION = 'monitoring.coreos.com/v1';
export const SERVICE_MONITOR_KIND = 'ServiceMonitor';

/** How long to wait before looking again for a parent Component entry that is not there yet. */
export const COMPONENT_RETRY_MS = 5000;

/** EnvoyFilters are served only as v1alpha3 (Istio has no other version of them). */
export const ENVOY_FILTER_API_VERSION = 'networking.istio.io/v1alpha3';
export const ENVOY_FILTER_KIND = 'EnvoyFilter';

/**
 * Held while the API has an EnvoyFilter: it lives in the gateway workload's namespace,
 * where an ownerReference to the API cannot point (owners must share the namespace), so
 * garbage collection cannot remove it for us.
 */
export const POLICY_FINALIZER = 'oda.tmforum.org/api-operator-istio-policies';

/** On every EnvoyFilter we write: the watch selects by it, the owner check reads the uid. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'kubectl-oda-api';
export const OWNER_UID_LABEL = 'oda.tmforum.org/exposedapi-uid';
/** `namespace/name` of the owning ExposedAPI (names can be longer than a label value may be). */
export const OWNER_ANNOTATION = 'oda.tmforum.org/exposedapi';

/** Istio's security policies at the gateway (apiKeyVerification): v1 of both kinds. */
export const SECURITY_API_VERSION = 'security.istio.io/v1';
export const REQUEST_AUTHENTICATION_KIND = 'RequestAuthentication';
export const AUTHORIZATION_POLICY_KIND = 'AuthorizationPolicy';

/** Gateway API (the httproute router): HTTPRoutes we write, Gateways we read; both v1. */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';
export const HTTP_ROUTE_API_VERSION = 'gateway.networking.k8s.io/v1';
export const HTTP_ROUTE_KIND = 'HTTPRoute';

/** The MCP API's connect timeout (API_CONNECT_TIMEOUT) to its implementation: same name and namespace as the API, owned by it. */
export const DESTINATION_RULE_KIND = 'DestinationRule';
