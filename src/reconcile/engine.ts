// The reconcile engine: from one ExposedAPI and a read-only view of the cluster, the
// plan of writes that brings the cluster in line, and the status the API should have
// once they are made. Pure: every entry point (one-shot, dry-run, watch, dashboard)
// shares it and differs only in where the view comes from and whether plans are run.

import type { Action, ClusterView, Condition, ExposedAPI, ExposedAPIStatus, Outcome, Plan, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import type { SpecIssue } from './validate.js';
import { FINALIZER, HTTP_ROUTE_KIND, POLICY_FINALIZER, VIRTUAL_SERVICE_KIND } from './constants.js';
import { implementationCondition, readyCondition } from './api-conditions.js';
import { componentRollup } from './component.js';
import { conditionsFor, conditionsWith, transitionEvents, type ConditionInput } from './conditions.js';
import { childEvents } from './events.js';
import { annotatedPods, annotationRemovals, planMetrics } from './plan-metrics.js';
import { planPolicies, policyRemovals } from './plan-policies.js';
import { planRouting } from './plan-routing.js';
import { apiNamespace } from './ownership.js';
import { implementationReady } from './readiness.js';
import { desiredApiStatus, desiredStatus, statusChanged } from './status.js';
import { addressOf, ingressFor } from './ingress.js';
import { buildUrl } from './url.js';
import { parseSpec } from './validate.js';

/** A plan before it is named after its API. */
type Unnamed = Omit<Plan, 'namespace' | 'name'>;

export function reconcile(api: ExposedAPI, view: ClusterView, settings: Settings, now: Date): Plan {
  const target = { namespace: apiNamespace(api), name: api.metadata.name };
  if (api.metadata.deletionTimestamp) return { ...target, ...planDeletion(api, view) };
  const parsed = parseSpec(api);
  if ('issues' in parsed) return { ...target, ...planInvalid(api, parsed.issues, view, now) };
  return { ...target, ...planValid(api, parsed.spec, view, settings, now) };
}

/** Children go with the API through garbage collection; pod annotations and the gateway's policy objects need us. */
function planDeletion(api: ExposedAPI, view: ClusterView): Unnamed {
  const actions = annotationRemovals(api, annotatedPods(api, view));
  if (api.metadata.finalizers?.includes(FINALIZER)) actions.push({ type: 'removeFinalizer', finalizer: FINALIZER });
  if (api.metadata.finalizers?.includes(POLICY_FINALIZER)) actions.push(...policyRemovals(api, view));
  return { outcome: 'deleted', status: api.status ?? {}, actions };
}

/** Nothing serving traffic is torn down because of a typo: children stay as they are. */
function planInvalid(api: ExposedAPI, issues: SpecIssue[], view: ClusterView, now: Date): Unnamed {
  const previous = api.status?.conditions;
  const message = issues.map((i) => i.message).join('; ');
  const ready: ConditionInput = { type: 'Ready', status: 'False', reason: 'InvalidSpec', message };
  const conditions = conditionsWith(previous, ready, api.metadata.generation, now);
  const status = desiredStatus(api.status, undefined, undefined, conditions);
  const actions: Action[] = [...transitionEvents(previous, conditions)];
  actions.push(...statusWrite(api, status, view.capabilities.exposedApiStatusSubresource));
  return { outcome: 'invalid', message, status, actions };
}

function planValid(api: ExposedAPI, spec: ApiSpec, view: ClusterView, settings: Settings, now: Date): Unnamed {
  const namespace = apiNamespace(api);
  const routing = planRouting(api, spec, view, settings);
  const metrics = planMetrics(api, spec, view, settings);
  const isRouted = routing.condition.status === 'True';
  const policies = planPolicies(api, spec, view, settings, isRouted);

  // Mid-switch, the old router's object still serves: its ingress gives the URL.
  const ingress = ingressFor(namespace, view, routing.servedBy ? { ...settings, router: routing.servedBy } : settings);
  const address = buildUrl(spec, settings, addressOf(ingress));
  // An API that is not routed has no URL of its own.
  const reachable = isRouted ? address : { ...(address.ip === undefined ? {} : { ip: address.ip }) };
  const service = view.service(namespace, spec.implementation);
  const ready = service !== undefined && implementationReady(view.endpointSlices(namespace, spec.implementation));
  const implementation = implementationCondition(service, spec.implementation, namespace, ready);

  const inputs: ConditionInput[] = [
    readyCondition(routing.condition, reachable, ingress, implementation),
    routing.condition,
    implementation,
    ...(metrics.condition ? [metrics.condition] : []),
    policies.condition,
  ];
  const previous = api.status?.conditions;
  const conditions = conditionsFor(previous, inputs, api.metadata.generation, now);
  const apiStatus = desiredApiStatus(api, spec, reachable, isRouted ? routing.routeUid : undefined);
  const status = desiredStatus(api.status, apiStatus, ready, conditions);

  const childActions = [...routing.actions, ...metrics.actions, ...policies.actions];
  const childWrites: Action[] = [...childActions, ...childEvents(childActions)];
  const actions: Action[] = [...childWrites, ...statusWrite(api, status, view.capabilities.exposedApiStatusSubresource)];
  actions.push(...transitionEvents(previous, conditions));
  const rollup = componentRollup(api, spec.segment, { url: reachable.url, developerUI: reachable.developerUI, ready: isReady(status) }, view);
  if (rollup.action) actions.push(rollup.action);

  const problem = routing.problem ?? metrics.problem ?? policies.problem;
  const plan: Unnamed = { outcome: outcomeOf(problem, actions), status, actions };
  if (problem) plan.message = mostSpecificFailure(conditions);
  if (rollup.requeueAfterMs !== undefined) plan.requeueAfterMs = rollup.requeueAfterMs;
  if (createsRoute(routing.actions) && actions.length > childWrites.length) plan.replanAfter = childWrites.length;
  return plan;
}

const ROUTE_KINDS = [VIRTUAL_SERVICE_KIND, HTTP_ROUTE_KIND];
const createsRoute = (actions: readonly Action[]) => actions.some((a) => a.type === 'apply' && a.change === 'create' && ROUTE_KINDS.includes(a.object.kind));

/**
 * The status write, when the status changed. Without a status subresource (the Canvas CRD
 * today) the write itself bumps metadata.generation by one, so the conditions we write
 * name that next generation; otherwise observedGeneration would always lag one behind and
 * every pass would find the status stale and write again.
 */
function statusWrite(api: ExposedAPI, status: ExposedAPIStatus, subresource: boolean): Action[] {
  if (!statusChanged(api.status, status)) return [];
  const generation = api.metadata.generation;
  if (subresource || generation === undefined) return [{ type: 'writeStatus', status, subresource }];
  const conditions = status.conditions?.map((c) => (c.observedGeneration === generation ? { ...c, observedGeneration: generation + 1 } : c));
  return [{ type: 'writeStatus', status: { ...status, ...(conditions ? { conditions } : {}) }, subresource }];
}

/**
 * READY, wherever it is shown: the API's Ready condition is True (it is routed, has a URL
 * and its implementation has ready endpoints). docs/commands.md documents it once.
 */
export const isReady = (status: ExposedAPIStatus | undefined): boolean => status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

/** The most specific failing condition's message: routing and metrics say more than Ready. */
function mostSpecificFailure(conditions: readonly Condition[]): string | undefined {
  return ['Routed', 'MetricsConfigured', 'PoliciesEnforced', 'Ready'].map((type) => conditions.find((c) => c.type === type && c.status === 'False')).find(Boolean)?.message;
}

function outcomeOf(problem: 'conflict' | 'error' | 'invalid' | undefined, actions: readonly Action[]): Outcome {
  if (problem) return problem;
  if (actions.some((a) => a.type === 'apply' && a.change === 'create')) return 'created';
  return actions.some((a) => a.type !== 'event') ? 'updated' : 'unchanged';
}
