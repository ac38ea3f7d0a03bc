// The policy part of a reconcile: the API's EnvoyFilter at the ingress gateway (rate
// limit, MCP stream timeout), created, updated, adopted and pruned like the other
// children, plus the finalizer that lets us delete it (it cannot carry an ownerReference:
// it lives in the gateway's namespace). Reports every requested feature (policies.ts).

import type { Action, ClusterView, ExposedAPI, KubeObject, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import type { ConditionInput } from './conditions.js';
import { ENVOY_FILTER_API_VERSION, ENVOY_FILTER_KIND, POLICY_FINALIZER } from './constants.js';
import { desiredEnvoyFilter, envoyFilterFor, envoyFilterMatches, mcpIdleTimeout, needsEnvoyFilter, routeName } from './envoyfilter.js';
import { apiNamespace } from './ownership.js';
import { policiesCondition, specFeatures, timeoutFeatures, type PolicyFeature } from './policies.js';
import { describeRate } from './ratelimit.js';

export interface PoliciesPlan {
  actions: Action[];
  /** PoliciesEnforced. */
  condition: ConditionInput;
  features: PolicyFeature[];
  problem?: 'error' | 'conflict' | 'invalid';
}

const hasFinalizer = (api: ExposedAPI): boolean => api.metadata.finalizers?.includes(POLICY_FINALIZER) ?? false;
const key = (o: KubeObject) => `${o.metadata.namespace}/${o.metadata.name}`;

/** Deletes every EnvoyFilter of the API except `keep`, then drops the finalizer when nothing is kept. */
export function policyRemovals(api: ExposedAPI, view: ClusterView, keep?: KubeObject): Action[] {
  const existing = view.capabilities.envoyFilterServed ? view.envoyFiltersOf(apiNamespace(api), api.metadata.name) : [];
  const actions: Action[] = existing
    .filter((f) => keep === undefined || key(f) !== key(keep))
    .map((f) => ({ type: 'delete', apiVersion: ENVOY_FILTER_API_VERSION, kind: ENVOY_FILTER_KIND, namespace: f.metadata.namespace ?? '', name: f.metadata.name }));
  // Executors carry actions out in order: the finalizer goes only after the filters.
  if (keep === undefined && hasFinalizer(api)) actions.push({ type: 'removeFinalizer', finalizer: POLICY_FINALIZER });
  return actions;
}

/** Why the EnvoyFilter cannot be written, if it cannot. */
interface Blocker {
  reason: string;
  message: string;
  problem?: 'error' | 'conflict';
  /** Leave existing filters alone (the obstacle may be passing). */
  keep?: boolean;
}

function placement(view: ClusterView, settings: Settings): { namespace: string; workloadLabels: Record<string, string> } | Blocker {
  const service = view.gatewayService();
  const selector = service?.spec?.selector ?? {};
  if (service === undefined || Object.keys(selector).length === 0) {
    const message = `no ingress gateway Service with a selector found for gateway ${settings.gateway}, so the gateway workload to configure is unknown`;
    return { reason: 'GatewayNotFound', message, problem: 'error', keep: true };
  }
  // The Service's selector picks exactly the gateway pods; the EnvoyFilter must sit in their namespace.
  return { namespace: service.metadata.namespace ?? 'default', workloadLabels: { ...selector } };
}

function enforcedFeatures(api: ExposedAPI, spec: ApiSpec, settings: Settings, filter: KubeObject): PolicyFeature[] {
  const by = `EnvoyFilter ${key(filter)}`;
  const found: PolicyFeature[] = [];
  if (spec.rateLimit) {
    const rate = describeRate(spec.rateLimit);
    found.push({ feature: 'rateLimit', enforced: true, detail: `${rate} on route ${routeName(api)}, by ${by}; the limit holds per gateway replica (n replicas let through up to n times as many)` });
    if (spec.rateLimit.identifier) {
      const why = `the limit is shared by all clients: Envoy's local rate limit cannot keep a bucket per "${spec.rateLimit.identifier}" (that needs a global rate limit service)`;
      found.push({ feature: 'rateLimit.identifier', enforced: false, detail: why });
    }
  }
  if (spec.apiType === 'mcp') {
    const idle = mcpIdleTimeout(settings);
    const what = idle === '0s' ? 'no stream idle timeout' : `a stream idle timeout of ${idle} (API_READ_TIMEOUT)`;
    found.push({ feature: 'apiType mcp', enforced: true, detail: `long-lived streams are not cut: no request timeout on the VirtualService route, ${what} on the route, by ${by}` });
  }
  return found;
}

function blockedFeatures(spec: ApiSpec, blocker: Blocker): PolicyFeature[] {
  const detail = blocker.message;
  return [...(spec.rateLimit ? ['rateLimit'] : []), ...(spec.apiType === 'mcp' ? ['apiType mcp'] : [])].map((feature) => ({ feature, enforced: false, detail }));
}

export function planPolicies(api: ExposedAPI, spec: ApiSpec, view: ClusterView, settings: Settings, routed: boolean): PoliciesPlan {
  const features = specFeatures(api.spec);
  if (spec.apiType === 'mcp') features.push(...timeoutFeatures(settings));
  if (spec.policyIssues) {
    // Nothing is written or removed: the filter in force (the last valid limit) stays until the spec is fixed.
    const message = `invalid, not applied (the limit in force, if any, stays): ${spec.policyIssues.join('; ')}`;
    const all = [{ feature: 'rateLimit', enforced: false, detail: message }, ...features];
    return { actions: [], condition: policiesCondition(all, { reason: 'InvalidPolicy' }), features: all, problem: 'invalid' };
  }
  if (!needsEnvoyFilter(spec)) {
    return { actions: policyRemovals(api, view), condition: policiesCondition(features), features };
  }
  const place = placement(view, settings);
  const blocker: Blocker | undefined = !view.capabilities.envoyFilterServed
    ? { reason: 'EnvoyFilterCRDMissing', message: 'no EnvoyFilter CRD (networking.istio.io/v1alpha3) is served by this cluster; install Istio', problem: 'error' }
    : view.capabilities.envoyFiltersUnreadable
      ? {
          reason: 'EnvoyFiltersForbidden',
          message: 'EnvoyFilters may not be listed, so one could not be written without risking someone else\'s; grant list and watch on envoyfilters (docs/rbac.md)',
          problem: 'error',
          keep: true,
        }
      : !routed
      ? { reason: 'NotRouted', message: 'the API is not routed, so there is no route to configure' }
      : 'reason' in place
        ? place
        : undefined;
  if (blocker !== undefined || 'reason' in place) {
    const b = blocker ?? (place as Blocker);
    const all = [...blockedFeatures(spec, b), ...features];
    const plan: PoliciesPlan = { actions: b.keep ? [] : policyRemovals(api, view), condition: policiesCondition(all, b), features: all };
    if (b.problem) plan.problem = b.problem;
    return plan;
  }

  const desired = desiredEnvoyFilter(api, spec, settings, place);
  const live = view.envoyFilter(place.namespace, desired.metadata.name);
  if (live !== undefined && !envoyFilterFor(live, api)) {
    const message = `EnvoyFilter ${key(desired)} exists and is not managed by this ExposedAPI; delete or rename it`;
    const b: Blocker = { reason: 'EnvoyFilterNotOwned', message, problem: 'conflict' };
    const all = [...blockedFeatures(spec, b), ...features];
    return { actions: [], condition: policiesCondition(all, b), features: all, problem: 'conflict' };
  }
  // The finalizer first: a filter must never exist without the means to delete it.
  const actions: Action[] = hasFinalizer(api) ? [] : [{ type: 'addFinalizer', finalizer: POLICY_FINALIZER }];
  // One written for an earlier incarnation of the API (another uid) is adopted by the update.
  if (live === undefined) actions.push({ type: 'apply', object: desired, change: 'create' });
  else if (!envoyFilterMatches(desired, live)) actions.push({ type: 'apply', object: desired, change: 'update' });
  actions.push(...policyRemovals(api, view, desired));
  const all = [...enforcedFeatures(api, spec, settings, desired), ...features];
  return { actions, condition: policiesCondition(all), features: all };
}
