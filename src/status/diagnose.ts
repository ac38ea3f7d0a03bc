// "Why is my API not ready?": the chain from the ExposedAPI to its URL and readiness,
// link by link (spec, Service, pods, endpoints, gateway address, route, metrics target, policies,
// Component entry, status), each ✓ or ✗ with a fact, and the first broken one named.
import { parentComponentName, parseSpec, planPolicies, reconcile } from '../reconcile/index.js';
import type { ClusterView, ExposedAPI, Settings } from '../reconcile/types.js';
import { statusItem } from './items.js';
import { broken, componentLink, endpointsLink, gatewayLink, metricsLink, ok, podsLink, policyLinks, routeLink, serviceLink, skipped, statusLink, type Link, type PodInfo } from './links.js';

export interface Diagnosis {
  key: string;
  links: Link[];
  /** The last line: the first broken link, or where the API is available. */
  summary: string;
  /** Usable as far as its live status says (URL, ready, current). */
  available: boolean;
}

const LATER_LINKS = ['service', 'pods', 'endpoints', 'gateway', 'route', 'metrics', 'policy', 'component', 'status'];

function linksOf(api: ExposedAPI, view: ClusterView, settings: Settings, pods: readonly PodInfo[] | undefined, now: Date): Link[] {
  const parsed = parseSpec(api);
  if ('issues' in parsed) {
    const invalid = broken('spec', `invalid: ${parsed.issues.map((i) => i.message).join('; ')}`);
    return [invalid, ...LATER_LINKS.map((name) => skipped(name, 'needs a valid spec'))];
  }
  const spec = parsed.spec;
  const ns = api.metadata.namespace ?? '';
  const result = reconcile(api, view, settings, now);
  const routed = result.status.conditions?.some((c) => c.type === 'Routed' && c.status === 'True') ?? false;
  const { features } = planPolicies(api, spec, view, settings, routed);
  return [
    ok('spec', `valid: ${spec.apiType} API at ${spec.path}, served by Service ${spec.implementation} port ${spec.port}`),
    serviceLink(view, ns, spec),
    podsLink(view, ns, spec, pods),
    endpointsLink(view, ns, spec),
    gatewayLink(view, settings, spec, result.namespace),
    routeLink(result, settings),
    metricsLink(spec, settings, result),
    ...policyLinks(features, result),
    componentLink(view, result, parentComponentName(api)),
    statusLink(result),
  ];
}

export function diagnose(api: ExposedAPI, view: ClusterView, settings: Settings, pods: readonly PodInfo[] | undefined, now: Date): Diagnosis {
  const links = linksOf(api, view, settings, pods, now);
  const item = statusItem(api);
  const first = links.find((l) => l.mark === 'broken');
  // The API's own Ready reason often names the consequence of the first broken link.
  const reported = item.reason !== undefined && item.message !== first?.fact ? ` (the API reports ${item.reason}: ${item.message})` : '';
  let summary: string;
  if (first) summary = `first broken link: ${first.name}: ${first.fact}${reported}`;
  else if (item.ready) summary = `ready: ${item.url}`;
  else summary = `not ready: ${item.reason}: ${item.message}`;
  return { key: `${api.metadata.namespace}/${api.metadata.name}`, links, summary, available: item.ready };
}
