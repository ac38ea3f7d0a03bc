// The links of the "why is my API not ready?" chain, each judged from the cluster view,
// the engine's result on it and (for pods) a targeted read. Pure.
import {
  AUTHORIZATION_POLICY_KIND,
  componentEntryState,
  DESTINATION_RULE_KIND,
  ENVOY_FILTER_KIND,
  HTTP_ROUTE_KIND,
  ingressFor,
  REQUEST_AUTHENTICATION_KIND,
  VIRTUAL_SERVICE_KIND,
  isMetricsApi,
  plannedChild,
  podsToAnnotate,
  statusDiffers,
  type ApiSpec,
} from '../reconcile/index.js';
import type { ClusterView, Condition, EndpointSlice, Plan, Settings } from '../reconcile/types.js';
import type { PolicyFeature } from '../reconcile/index.js';

export type Mark = 'ok' | 'broken' | 'skipped';

export interface Link {
  name: string;
  mark: Mark;
  fact: string;
}

/** A Pod as far as readiness goes. */
export interface PodInfo {
  metadata: { name: string; deletionTimestamp?: string };
  status?: { conditions?: { type: string; status: string }[] };
}

export const ok = (name: string, fact: string): Link => ({ name, mark: 'ok', fact });
export const broken = (name: string, fact: string): Link => ({ name, mark: 'broken', fact });
export const skipped = (name: string, fact: string): Link => ({ name, mark: 'skipped', fact });

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const condition = (result: Plan, type: string): Condition | undefined => result.status.conditions?.find((c) => c.type === type);

export function serviceLink(view: ClusterView, ns: string, spec: ApiSpec): Link {
  const service = view.service(ns, spec.implementation);
  if (!service) return broken('service', `Service ${spec.implementation} not found in namespace ${ns}`);
  const ports = service.spec?.ports ?? [];
  const port = ports.find((p) => p.port === spec.port);
  if (!port) return broken('service', `Service ${spec.implementation} has no port ${spec.port} (it has ${ports.map((p) => p.port).join(', ') || 'none'})`);
  return ok('service', `Service ${spec.implementation} exists with port ${spec.port}${port.name ? ` (${port.name})` : ''}`);
}

/** `pods` is undefined when they could not be read (or there is no selector to read them by). */
export function podsLink(view: ClusterView, ns: string, spec: ApiSpec, pods: readonly PodInfo[] | undefined): Link {
  const service = view.service(ns, spec.implementation);
  if (!service) return skipped('pods', 'no Service to select them');
  const selector = Object.entries(service.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  if (!selector) return skipped('pods', `Service ${spec.implementation} has no selector: its endpoints are managed by hand`);
  if (!pods) return skipped('pods', 'pods could not be read');
  const live = pods.filter((p) => !p.metadata.deletionTimestamp);
  const ready = live.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
  if (live.length === 0) return broken('pods', `no pods match ${selector}`);
  const fact = `${plural(live.length, 'pod')} ${live.length === 1 ? 'matches' : 'match'} ${selector}, ${ready === 0 ? 'none' : ready} ready`;
  return ready === 0 ? broken('pods', fact) : ok('pods', fact);
}

const isReady = (e: NonNullable<EndpointSlice['endpoints']>[number]) => e.conditions?.ready !== false;

export function endpointsLink(view: ClusterView, ns: string, spec: ApiSpec): Link {
  const slices = view.endpointSlices(ns, spec.implementation);
  const endpoints = slices.flatMap((s) => s.endpoints ?? []);
  const ready = endpoints.filter(isReady).length;
  const where = `${plural(endpoints.length, 'endpoint')} in ${plural(slices.length, 'EndpointSlice')}`;
  if (ready === 0) return broken('endpoints', `Service ${spec.implementation} has no ready endpoints (${where})`);
  return ok('endpoints', `${ready} ready of ${where}`);
}

export function gatewayLink(view: ClusterView, settings: Settings, spec: ApiSpec, namespace: string): Link {
  if (spec.hostname) return ok('gateway', `host ${spec.hostname} from spec.hostname`);
  if (settings.publicHostname) return ok('gateway', `host ${settings.publicHostname} from the public hostname setting`);
  const ingress = ingressFor(namespace, view, settings);
  if ('missing' in ingress) return broken('gateway', ingress.missing);
  const host = ingress.address.host;
  if (host === undefined) return broken('gateway', `${ingress.what} has no external address yet`);
  return ok('gateway', `${ingress.what} has address ${host}`);
}

/** A child against the engine's plan: missing, differing or matching. */
function childLink(link: string, kind: string, result: Plan): Link {
  const what = `${kind} ${result.namespace}/${result.name}`;
  const planned = plannedChild(result.actions, kind);
  if (planned === 'missing') return broken(link, `${what} does not exist yet (no operator has reconciled this API)`);
  if (planned === 'differs') return broken(link, `${what} differs from the desired state`);
  return ok(link, `${what} matches the desired state`);
}

export function routeLink(result: Plan, settings: Settings): Link {
  const routed = condition(result, 'Routed');
  if (routed?.status === 'False') return broken('route', routed.message);
  return childLink('route', settings.router === 'httproute' ? HTTP_ROUTE_KIND : VIRTUAL_SERVICE_KIND, result);
}

export function metricsLink(spec: ApiSpec, settings: Settings, result: Plan): Link {
  if (!isMetricsApi(spec.apiType)) return skipped('metrics', 'not a metrics API');
  const configured = condition(result, 'MetricsConfigured');
  if (configured?.status === 'False') return broken('metrics', configured.message);
  if (settings.metricsMode === 'ServiceMonitor') return childLink('metrics', 'ServiceMonitor', result);
  const pods = podsToAnnotate(result.actions);
  if (pods > 0) return broken('metrics', `${plural(pods, 'pod')} lack the ${settings.metricsMode} scrape annotations`);
  return ok('metrics', configured?.message ?? 'pods are annotated');
}

export function componentLink(view: ClusterView, result: Plan, parent: string | undefined): Link {
  if (parent === undefined) return skipped('component', 'not part of a Component');
  if (!view.component(result.namespace, parent)) return broken('component', `Component ${parent} not found`);
  const entry = componentEntryState(result);
  if (entry === 'differs') return broken('component', `the entry in Component ${parent} does not show this API's URL and readiness yet`);
  if (entry === 'missing') return broken('component', `Component ${parent} has no entry for this API yet (the Component operator adds it)`);
  return ok('component', `Component ${parent} lists this API with its URL and readiness`);
}

export function statusLink(result: Plan): Link {
  if (statusDiffers(result)) return broken('status', 'the status differs from the desired state (no operator has caught up)');
  return ok('status', 'the status is up to date');
}

/**
 * One `policy` link per requested feature (policies.ts): enforced (and by what), not
 * enforceable (skipped, with why: no operator could fix it), or blocked (broken); then the
 * policy children (at the gateway, and the DestinationRule) against the plan.
 */
export function policyLinks(features: readonly PolicyFeature[], result: Plan): Link[] {
  if (features.length === 0) return [skipped('policy', 'none requested (rateLimit, apiKeyVerification, quota, OASValidation, template, CORS, apiType mcp)')];
  const links = features.map((f) => {
    const fact = `${f.feature}: ${f.enforced ? 'enforced' : 'not enforced'}: ${f.detail}`;
    return f.enforced ? ok('policy', fact) : f.byDesign ? skipped('policy', fact) : broken('policy', fact);
  });
  for (const kind of [ENVOY_FILTER_KIND, REQUEST_AUTHENTICATION_KIND, AUTHORIZATION_POLICY_KIND, DESTINATION_RULE_KIND]) {
    const planned = plannedChild(result.actions, kind);
    if (planned === 'missing') links.push(broken('policy', `the ${kind} does not exist yet (no operator has reconciled this API)`));
    if (planned === 'differs') links.push(broken('policy', `the ${kind} differs from the desired state`));
    if (planned === 'unwanted') links.push(broken('policy', `a ${kind} of this API is no longer wanted and not yet deleted`));
  }
  return links;
}
