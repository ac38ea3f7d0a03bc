// The operator's RBAC for each way of naming its scope. Exactly the verbs it uses; a test
// pins every rule. Where the namespaces are plain names, every write and the reads of one
// namespace are granted by a Role there; the ClusterRole keeps only reads that span the cluster.
// A glob can match namespaces created later, which no Role can follow: then the ClusterRole.
import type { V1PolicyRule } from '@kubernetes/client-node';
import { literalNamespaces, parseGatewaySetting } from '../reconcile/index.js';
import { CRD_NAMES } from '../kube/crds.js';

const READ = ['get', 'list', 'watch'];

/** What the operator reads and writes in each namespace it serves (some reads also span the cluster: CLUSTER_READ_RULES). */
export const SCOPE_RULES: V1PolicyRule[] = [
  // Inputs. patch: status on the main resource when the CRD has no status subresource, and the finalizer.
  { apiGroups: ['oda.tmforum.org'], resources: ['exposedapis', 'components'], verbs: [...READ, 'patch'] },
  { apiGroups: ['oda.tmforum.org'], resources: ['exposedapis/status', 'components/status'], verbs: ['patch'] },
  // Children, written by server-side apply (create for a new object) and deleted when no longer wanted.
  { apiGroups: ['networking.istio.io'], resources: ['virtualservices'], verbs: [...READ, 'create', 'patch', 'delete'] },
  // The httproute router's children; under either router the other's are read and pruned after a switch.
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: [...READ, 'create', 'patch', 'delete'] },
  { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors'], verbs: [...READ, 'create', 'patch', 'delete'] },
  // An MCP API's connect timeout, beside it; read in its namespace only (someone else's for the same host is sought there).
  { apiGroups: ['networking.istio.io'], resources: ['destinationrules'], verbs: [...READ, 'create', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['services'], verbs: READ },
  // patch: metrics annotations in the PrometheusAnnotation and DataDogAnnotation modes.
  { apiGroups: [''], resources: ['pods'], verbs: [...READ, 'patch'] },
  // patch: a repeated Event is folded into the existing one (its count), as client-go's recorder does.
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
];

/**
 * Read cluster-wide whatever the scope: routes conflict across namespaces on a shared gateway
 * (every ExposedAPI and VirtualService), and the gateway's Service may live in any namespace
 * (found by the labels the Gateway selects pods with; RBAC cannot restrict by label).
 */
export const CLUSTER_READ_RULES: V1PolicyRule[] = [
  { apiGroups: ['oda.tmforum.org'], resources: ['exposedapis'], verbs: READ },
  { apiGroups: ['networking.istio.io'], resources: ['virtualservices'], verbs: READ },
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: READ },
  { apiGroups: [''], resources: ['services'], verbs: READ },
];

/**
 * The APIs' gateway children (EnvoyFilters for rate limits and MCP stream timeouts;
 * RequestAuthentications and AuthorizationPolicies for API keys) live in the gateway
 * workload's namespace, found at run time from the gateway Service. Read cluster-wide (all of
 * them, so one someone else made at our name is seen and left alone; no get is needed);
 * written, with plain namespace names, by a Role in the namespace the gateway workload is said to run in.
 */
const GATEWAY_CHILDREN: [group: string, resources: string[]][] = [
  ['networking.istio.io', ['envoyfilters']],
  ['security.istio.io', ['requestauthentications', 'authorizationpolicies']],
];
const childRules = (verbs: string[]): V1PolicyRule[] => GATEWAY_CHILDREN.map(([group, resources]) => ({ apiGroups: [group], resources, verbs }));
export const POLICY_READ_RULES: V1PolicyRule[] = childRules(['list', 'watch']);
export const POLICY_WRITE_RULES: V1PolicyRule[] = childRules(['create', 'patch', 'delete']);
/** Both: the ClusterRole of -A and globs. */
export const POLICY_RULES: V1PolicyRule[] = childRules(['list', 'watch', 'create', 'patch', 'delete']);

/**
 * Where the gateway workload (the ingress pods the Gateway selects) is taken to run when not
 * said: the Gateway's own namespace when the setting names one, else Istio's default.
 */
export function defaultWorkloadNamespace(gateway: string): string {
  const { namespace } = parseGatewaySetting(gateway, '');
  return namespace || 'istio-system';
}

/** Every Gateway, Istio's and Gateway API's (the httproute router): routes through other gateways are judged by what those serve. */
export const GATEWAY_RULE: V1PolicyRule = { apiGroups: ['networking.istio.io', 'gateway.networking.k8s.io'], resources: ['gateways'], verbs: READ };

/** Only the configured Gateway, read with a metadata.name field selector, which lets resourceNames restrict a list and a watch. */
export const gatewayRules = (name: string): V1PolicyRule[] => [{ ...GATEWAY_RULE, resourceNames: [name] }];

/** The CRDs it follows (installed, removed, versions changed while it runs), by name only: cluster-scoped. */
export const CRD_RULES: V1PolicyRule[] = [
  { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], resourceNames: Object.values(CRD_NAMES), verbs: ['list', 'watch'] },
];

/** With globs, the operator follows Namespaces as they come and go, to watch those that match. */
export const NAMESPACE_RULES: V1PolicyRule[] = [{ apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] }];

/** Everything, cluster-wide: the ClusterRole of -A (globs add NAMESPACE_RULES). */
export const CLUSTER_RULES: V1PolicyRule[] = [...SCOPE_RULES, GATEWAY_RULE, ...CRD_RULES, ...POLICY_RULES];

/** In the operator's namespace only, for the Lease of that name. resourceNames cannot restrict create, so that rule stands apart. */
export const leaseRules = (leaseName: string): V1PolicyRule[] => [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [leaseName], verbs: ['get', 'update'] },
];

/** The namespaces served, as -n takes them (comma-separated globs, `!` to leave out), or every namespace (-A). */
export type Served = string[] | 'all';

export interface Rbac {
  clusterRules: V1PolicyRule[];
  /** Rules of the one Role in each namespace, namespaces sorted. */
  roles: [namespace: string, rules: V1PolicyRule[]][];
}

/**
 * The RBAC for serving `served` through `gateway` (name or namespace/name), with the Lease
 * `leaseName` in `operatorNamespace`, writing EnvoyFilters in `workloadNamespace` (the Gateway's namespace under
 * the httproute router). A bare gateway name resolves in each route's own
 * namespace (as Istio resolves it), so the Gateway of that name is read in every namespace.
 */
export function rbacFor(served: Served, gateway: string, operatorNamespace: string, leaseName: string, workloadNamespace = defaultWorkloadNamespace(gateway), router = 'virtualservice'): Rbac {
  const literal = served === 'all' ? undefined : literalNamespaces(served);
  const roles = new Map<string, V1PolicyRule[]>([[operatorNamespace, leaseRules(leaseName)]]);
  const grant = (namespace: string, rules: V1PolicyRule[]) => roles.set(namespace, [...(roles.get(namespace) ?? []), ...rules]);
  let clusterRules = served === 'all' ? CLUSTER_RULES : [...CLUSTER_RULES, ...NAMESPACE_RULES];
  if (literal) {
    const { namespace, name } = parseGatewaySetting(gateway, '');
    clusterRules = [...CLUSTER_READ_RULES, ...(namespace ? [] : gatewayRules(name)), ...CRD_RULES, ...POLICY_READ_RULES];
    for (const ns of literal) grant(ns, SCOPE_RULES);
    if (namespace) grant(namespace, gatewayRules(name));
    // The httproute router attaches them to the Gateway from its namespace: a bare name is in each API's.
    if (router === 'httproute' && !namespace) for (const ns of literal) grant(ns, POLICY_WRITE_RULES);
    else grant(router === 'httproute' ? namespace : workloadNamespace, POLICY_WRITE_RULES);
  }
  return { clusterRules, roles: [...roles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
}
