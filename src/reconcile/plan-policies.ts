// The policy part of a reconcile: the API's children at the ingress gateway, in the gateway
// workload's namespace: an EnvoyFilter (rate limit, MCP stream timeout) and, for
// apiKeyVerification with a JWT issuer configured, a RequestAuthentication and an
// AuthorizationPolicy; and, in the API's namespace, an MCP API's DestinationRule
// (plan-destinationrule.ts). Created, updated, adopted and pruned like the other children, plus
// the finalizer that lets us delete them (they cannot carry an ownerReference: they live in
// another namespace). Reports every requested feature (policies.ts).

import type { Action, ClusterView, ExposedAPI, KubeObject, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import type { ConditionInput } from './conditions.js';
import { AUTHORIZATION_POLICY_KIND, ENVOY_FILTER_API_VERSION, ENVOY_FILTER_KIND, POLICY_FINALIZER, REQUEST_AUTHENTICATION_KIND, SECURITY_API_VERSION } from './constants.js';
import { desiredEnvoyFilter, envoyFilterFor, envoyFilterMatches, envoyRouteName, MAX_CLIENT_BUCKETS, mcpIdleTimeout, needsEnvoyFilter, type Placement } from './envoyfilter.js';
import { parentRefFor } from './gateway-api.js';
import { apiKeyOf, desiredAuthorizationPolicy, desiredRequestAuthentication, routedPaths } from './jwt.js';
import { apiNamespace } from './ownership.js';
import { planDestinationRule } from './plan-destinationrule.js';
import { policiesCondition, specFeatures, timeoutFeatures, type PolicyFeature } from './policies.js';
import { clientKeyOf, describeClientKey, describeRate } from './ratelimit.js';

export interface PoliciesPlan {
  actions: Action[];
  /** PoliciesEnforced. */
  condition: ConditionInput;
  features: PolicyFeature[];
  problem?: 'error' | 'conflict' | 'invalid';
}

/** The kinds of gateway children, with the version we write and whether the view may hold them. */
const KINDS = [
  { kind: ENVOY_FILTER_KIND, apiVersion: ENVOY_FILTER_API_VERSION, readable: (v: ClusterView) => !!v.capabilities.envoyFilterServed && !v.capabilities.envoyFiltersUnreadable },
  { kind: REQUEST_AUTHENTICATION_KIND, apiVersion: SECURITY_API_VERSION, readable: (v: ClusterView) => !!v.capabilities.securityPoliciesServed && !v.capabilities.securityPoliciesUnreadable },
  { kind: AUTHORIZATION_POLICY_KIND, apiVersion: SECURITY_API_VERSION, readable: (v: ClusterView) => !!v.capabilities.securityPoliciesServed && !v.capabilities.securityPoliciesUnreadable },
];

const hasFinalizer = (api: ExposedAPI): boolean => api.metadata.finalizers?.includes(POLICY_FINALIZER) ?? false;
const key = (o: KubeObject) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
const where = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

/** The API's gateway children as they exist now, of every kind the view can see. */
const existingChildren = (api: ExposedAPI, view: ClusterView): KubeObject[] =>
  KINDS.filter((k) => k.readable(view)).flatMap((k) => view.gatewayChildrenOf(k.kind, apiNamespace(api), api.metadata.name).map((o) => ({ ...o, kind: k.kind })));

/**
 * Deletes every gateway child of the API except those in `keep` (and those of kinds in
 * `untouched`), then drops the finalizer when nothing is kept.
 */
export function policyRemovals(api: ExposedAPI, view: ClusterView, keep: readonly KubeObject[] = [], untouched: ReadonlySet<string> = new Set()): Action[] {
  const kept = new Set(keep.map(key));
  const actions: Action[] = existingChildren(api, view)
    .filter((o) => !kept.has(key(o)) && !untouched.has(o.kind))
    .map((o) => ({ type: 'delete', apiVersion: KINDS.find((k) => k.kind === o.kind)!.apiVersion, kind: o.kind, namespace: o.metadata.namespace ?? '', name: o.metadata.name }));
  // Executors carry actions out in order: the finalizer goes only after the children.
  if (keep.length === 0 && untouched.size === 0 && hasFinalizer(api)) actions.push({ type: 'removeFinalizer', finalizer: POLICY_FINALIZER });
  return actions;
}

/** Why a group of children cannot be written, if it cannot. */
interface Blocker {
  reason: string;
  message: string;
  problem?: 'error' | 'conflict';
  /** Leave existing children of these kinds alone (the obstacle may be passing, or they cannot be seen). */
  keep?: boolean;
}

type Where = Placement;

/**
 * What stands in the way of a group's kinds: their CRD is not served (an error until Istio is
 * installed), or they may not be listed (existing ones are left alone: ours cannot be told apart).
 */
function kindsBlocker(served: boolean | undefined, unreadable: boolean | undefined, missing: [string, string], forbidden: [string, string]): Blocker | undefined {
  if (!served) return { reason: missing[0], message: missing[1], problem: 'error' };
  if (unreadable) return { reason: forbidden[0], message: forbidden[1], problem: 'error', keep: true };
  return undefined;
}

function placement(api: ExposedAPI, view: ClusterView, settings: Settings): Where | Blocker {
  if (settings.router === 'httproute') {
    // Attached to the Gateway by targetRefs, from its own namespace.
    const parent = parentRefFor(settings.gateway, apiNamespace(api));
    return { namespace: parent.namespace, gateway: parent.name };
  }
  const service = view.gatewayService();
  const selector = service?.spec?.selector ?? {};
  if (service === undefined || Object.keys(selector).length === 0) {
    const message = `no ingress gateway Service with a selector found for gateway ${settings.gateway}, so the gateway workload to configure is unknown`;
    return { reason: 'GatewayNotFound', message, problem: 'error', keep: true };
  }
  // The Service's selector picks exactly the gateway pods; the children must sit in their namespace.
  return { namespace: service.metadata.namespace ?? 'default', workloadLabels: { ...selector } };
}

/** A group: the features it enforces, the kinds it writes, and what stands in the way. */
interface Group {
  features: string[];
  kinds: string[];
  blocker?: Blocker;
  build: (place: Where) => KubeObject[];
  enforced: (objects: KubeObject[]) => PolicyFeature[];
}

function envoyFilterGroup(api: ExposedAPI, spec: ApiSpec, view: ClusterView, settings: Settings): Group | undefined {
  if (!needsEnvoyFilter(spec)) return undefined;
  const caps = view.capabilities;
  const blocker = kindsBlocker(
    caps.envoyFilterServed,
    caps.envoyFiltersUnreadable,
    ['EnvoyFilterCRDMissing', 'no EnvoyFilter CRD (networking.istio.io/v1alpha3) is served by this cluster; install Istio'],
    ['EnvoyFiltersForbidden', "EnvoyFilters may not be listed, so one could not be written without risking someone else's; grant list and watch on envoyfilters (docs/rbac.md)"],
  );
  return {
    features: [...(spec.rateLimit ? ['rateLimit'] : []), ...(spec.apiType === 'mcp' ? ['apiType mcp'] : [])],
    kinds: [ENVOY_FILTER_KIND],
    ...(blocker ? { blocker } : {}),
    build: (place) => [desiredEnvoyFilter(api, spec, settings, place)],
    enforced: ([filter]) => {
      const by = `EnvoyFilter ${where(filter)}`;
      const found: PolicyFeature[] = [];
      if (spec.rateLimit) {
        const rate = describeRate(spec.rateLimit);
        found.push({ feature: 'rateLimit', enforced: true, detail: `${rate} on route ${envoyRouteName(api, settings)}, by ${by}; the limit holds per gateway replica (n replicas let through up to n times as many)` });
        if (spec.rateLimit.identifier) found.push(identifierFeature(spec.rateLimit.identifier, settings, by));
      }
      if (spec.apiType === 'mcp') {
        const idle = mcpIdleTimeout(settings);
        const what = idle === '0s' ? 'no stream idle timeout' : `a stream idle timeout of ${idle} (API_READ_TIMEOUT)`;
        found.push({ feature: 'apiType mcp', enforced: true, detail: `long-lived streams are not cut: no request timeout on the ${settings.router === 'httproute' ? "HTTPRoute's rule" : 'VirtualService route'}, ${what} on the route, by ${by}` });
      }
      return found;
    },
  };
}

function apiKeyGroup(api: ExposedAPI, spec: ApiSpec, view: ClusterView, settings: Settings): Group | undefined {
  const apiKey = apiKeyOf(api.spec.apiKeyVerification);
  const jwt = settings.jwt;
  if (apiKey === undefined || jwt === undefined) return undefined;
  const caps = view.capabilities;
  const blocker = kindsBlocker(
    caps.securityPoliciesServed,
    caps.securityPoliciesUnreadable,
    ['SecurityPolicyCRDMissing', 'no RequestAuthentication or AuthorizationPolicy CRD (security.istio.io/v1) is served by this cluster; install Istio'],
    ['SecurityPoliciesForbidden', "RequestAuthentications or AuthorizationPolicies may not be listed, so none could be written without risking someone else's; grant list and watch on them (docs/rbac.md)"],
  );
  return {
    features: ['apiKeyVerification'],
    kinds: [REQUEST_AUTHENTICATION_KIND, AUTHORIZATION_POLICY_KIND],
    ...(blocker ? { blocker } : {}),
    build: (place) => [desiredRequestAuthentication(api, jwt, apiKey, place), desiredAuthorizationPolicy(api, spec, settings, place)],
    enforced: ([authn, authz]) => {
      const from = apiKey.location ? `the ${apiKey.location} header or query parameter` : 'the Authorization header (Bearer)';
      const detail = `a valid JWT of issuer ${jwt.issuer} in ${from} is required on ${routedPaths(spec.path, settings).join(' and ')} (only), by RequestAuthentication ${where(authn)} and AuthorizationPolicy ${where(authz)}; an invalid token is refused at the gateway whatever the path`;
      return [{ feature: 'apiKeyVerification', enforced: true, detail }];
    },
  };
}

/** rateLimit.identifier: a bucket per client when enabled and the identifier names a key; else why the limit is shared. */
function identifierFeature(identifier: string, settings: Settings, by: string): PolicyFeature {
  const feature = 'rateLimit.identifier';
  if (!settings.rateLimitIdentifiers) {
    const detail = `the limit is shared by all clients: a bucket per "${identifier}" needs Envoy 1.35 or newer at the gateway (dynamic descriptors); say so with --rate-limit-identifiers (APIOPERATORISTIO_RATELIMIT_IDENTIFIERS=true)`;
    return { feature, enforced: false, detail, byDesign: true };
  }
  const key = clientKeyOf(identifier);
  if (!key) return { feature, enforced: false, detail: `"${identifier}" names no client key: use ip (the client's address) or header:NAME; the limit is shared by all clients` };
  const detail = `a bucket per client, by ${describeClientKey(key)} (up to ${MAX_CLIENT_BUCKETS} clients per gateway replica, the least recently seen forgotten beyond), by ${by}`;
  return { feature, enforced: true, detail };
}

const blockedFeatures = (group: Group, blocker: Blocker): PolicyFeature[] => group.features.map((feature) => ({ feature, enforced: false, detail: blocker.message }));

export function planPolicies(api: ExposedAPI, spec: ApiSpec, view: ClusterView, settings: Settings, routed: boolean): PoliciesPlan {
  // Requested but not configured: reported, nothing written.
  const features = specFeatures(api.spec, settings).filter((f) => !(f.feature === 'apiKeyVerification' && settings.jwt !== undefined));
  if (spec.apiType === 'mcp') features.push(...timeoutFeatures(settings));
  // The DestinationRule stands apart from the gateway's children: its own namespace, owner and blockers.
  const rule = planDestinationRule(api, spec, view, settings);
  features.push(...rule.features);
  if (spec.policyIssues) {
    // Nothing at the gateway is written or removed: what is in force (the last valid limit) stays until the spec is fixed.
    const message = `invalid, not applied (the limit in force, if any, stays): ${spec.policyIssues.join('; ')}`;
    const all = [{ feature: 'rateLimit', enforced: false, detail: message }, ...features];
    return { actions: rule.actions, condition: policiesCondition(all, { reason: 'InvalidPolicy' }), features: all, problem: 'invalid' };
  }
  const groups = [envoyFilterGroup(api, spec, view, settings), apiKeyGroup(api, spec, view, settings)].filter((g): g is Group => g !== undefined);
  if (groups.length === 0) {
    const plan: PoliciesPlan = { actions: [...rule.actions, ...policyRemovals(api, view)], condition: policiesCondition(features, rule.blocker), features };
    if (rule.blocker) plan.problem = rule.blocker.problem;
    return plan;
  }

  const place = placement(api, view, settings);
  const notRouted: Blocker = { reason: 'NotRouted', message: 'the API is not routed, so there is no route to configure' };
  const wanted: KubeObject[] = [];
  const untouched = new Set<string>();
  const reported: PolicyFeature[] = [];
  let first: Blocker | undefined;
  for (const group of groups) {
    const blocker = group.blocker ?? (!routed ? notRouted : 'reason' in place ? place : undefined);
    if (blocker !== undefined) {
      first ??= blocker;
      reported.push(...blockedFeatures(group, blocker));
      if (blocker.keep) group.kinds.forEach((k) => untouched.add(k));
      continue;
    }
    const objects = group.build(place as Where);
    const taken = objects.find((o) => {
      const live = view.gatewayChild(o.kind, o.metadata.namespace ?? '', o.metadata.name);
      return live !== undefined && !envoyFilterFor(live, api);
    });
    if (taken) {
      const b: Blocker = { reason: `${taken.kind}NotOwned`, message: `${taken.kind} ${where(taken)} exists and is not managed by this ExposedAPI; delete or rename it`, problem: 'conflict', keep: true };
      first ??= b;
      reported.push(...blockedFeatures(group, b));
      group.kinds.forEach((k) => untouched.add(k));
      continue;
    }
    wanted.push(...objects);
    reported.push(...group.enforced(objects));
  }

  // The finalizer first: a child must never exist without the means to delete it.
  const actions: Action[] = wanted.length > 0 && !hasFinalizer(api) ? [{ type: 'addFinalizer', finalizer: POLICY_FINALIZER }] : [];
  for (const desired of wanted) {
    // One written for an earlier incarnation of the API (another uid) is adopted by the update.
    const live = view.gatewayChild(desired.kind, desired.metadata.namespace ?? '', desired.metadata.name);
    if (live === undefined) actions.push({ type: 'apply', object: desired, change: 'create' });
    else if (!envoyFilterMatches(desired, live)) actions.push({ type: 'apply', object: desired, change: 'update' });
  }
  actions.push(...policyRemovals(api, view, wanted, untouched), ...rule.actions);
  first ??= rule.blocker;
  const all = [...reported, ...features];
  const plan: PoliciesPlan = { actions, condition: policiesCondition(all, first), features: all };
  if (first?.problem) plan.problem = first.problem;
  return plan;
}

