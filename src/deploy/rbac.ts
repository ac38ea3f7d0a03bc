// The operator's RBAC for each way of naming its scope. Exactly the verbs it uses; a test
// pins every rule. Where the namespaces are plain names, everything namespaced is granted by
// a Role in each namespace it reads or writes; only what is cluster-scoped needs a ClusterRole.
// A glob can match namespaces created later, which no Role can follow: then the ClusterRole.
import type { V1PolicyRule } from '@kubernetes/client-node';
import { literalNamespaces, parseGatewaySetting } from '../reconcile/index.js';
import { CRD_NAMES } from '../kube/crds.js';

const READ = ['get', 'list', 'watch'];

/** What the operator reads and writes in each namespace it serves. */
export const SCOPE_RULES: V1PolicyRule[] = [
  // Inputs. patch: status on the main resource when the CRD has no status subresource, and the finalizer.
  { apiGroups: ['oda.tmforum.org'], resources: ['exposedapis', 'components'], verbs: [...READ, 'patch'] },
  { apiGroups: ['oda.tmforum.org'], resources: ['exposedapis/status', 'components/status'], verbs: ['patch'] },
  // Children, written by server-side apply (create for a new object) and deleted when no longer wanted.
  { apiGroups: ['networking.istio.io'], resources: ['virtualservices'], verbs: [...READ, 'create', 'patch', 'delete'] },
  { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors'], verbs: [...READ, 'create', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['services'], verbs: READ },
  // patch: metrics annotations in the PrometheusAnnotation and DataDogAnnotation modes.
  { apiGroups: [''], resources: ['pods'], verbs: [...READ, 'patch'] },
  // patch: a repeated Event is folded into the existing one (its count), as client-go's recorder does.
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
];

/** In the Istio Gateway's namespace: the Gateway, and the ingress Service in front of its pods. */
export const GATEWAY_RULES: V1PolicyRule[] = [
  { apiGroups: ['networking.istio.io'], resources: ['gateways'], verbs: READ },
  { apiGroups: [''], resources: ['services'], verbs: READ },
];

/** The CRDs it follows (installed, removed, versions changed while it runs), by name only: cluster-scoped. */
export const CRD_RULES: V1PolicyRule[] = [
  { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], resourceNames: Object.values(CRD_NAMES), verbs: ['list', 'watch'] },
];

/** With globs, the operator follows Namespaces as they come and go, to watch those that match. */
export const NAMESPACE_RULES: V1PolicyRule[] = [{ apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] }];

/** Everything, cluster-wide: the ClusterRole of -A (globs add NAMESPACE_RULES). */
export const CLUSTER_RULES: V1PolicyRule[] = [...SCOPE_RULES, GATEWAY_RULES[0], ...CRD_RULES];

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

const sameRule = (a: V1PolicyRule, b: V1PolicyRule) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The RBAC for serving `served` through `gateway` (name or namespace/name), with the Lease in
 * `operatorNamespace` (named `leaseName`). A bare gateway name resolves in each VirtualService's own namespace (as
 * Istio resolves it), so the Gateway and its Service are read in every namespace served.
 */
export function rbacFor(served: Served, gateway: string, operatorNamespace: string, leaseName: string): Rbac {
  const literal = served === 'all' ? undefined : literalNamespaces(served);
  const roles = new Map<string, V1PolicyRule[]>([[operatorNamespace, leaseRules(leaseName)]]);
  const grant = (namespace: string, rules: V1PolicyRule[]) => {
    const held = roles.get(namespace) ?? [];
    roles.set(namespace, [...held, ...rules.filter((r) => !held.some((h) => sameRule(h, r)))]);
  };
  let clusterRules = served === 'all' ? CLUSTER_RULES : [...CLUSTER_RULES, ...NAMESPACE_RULES];
  if (literal) {
    clusterRules = CRD_RULES;
    for (const namespace of literal) grant(namespace, SCOPE_RULES);
    const gatewayNamespaces = gateway.includes('/') ? [parseGatewaySetting(gateway, '').namespace] : literal;
    for (const namespace of gatewayNamespaces) grant(namespace, GATEWAY_RULES);
  }
  return { clusterRules, roles: [...roles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
}
