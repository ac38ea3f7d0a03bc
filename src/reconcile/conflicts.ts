// Route conflicts. Two routes for the same gateway, host and path prefix would silently
// shadow each other in Istio. The earlier one (creation time, then namespace/name) keeps
// the route; the later one is not routed until the conflict is gone.

import type { ExposedAPI, KubeObject, Route, Settings } from './types.js';
import { EXPOSED_API_KIND } from './constants.js';
import { normaliseGateway } from './gateway.js';
import { apiNamespace, controlledByAnExposedAPI } from './ownership.js';
import { parseSpec, isRecord } from './validate.js';
import { routeHosts } from './virtualservice.js';

/** Istio's reserved gateway name for sidecars: not a gateway route. */
const MESH = 'mesh';

/** The route an ExposedAPI asks for; none while its spec is invalid or it is being deleted. */
export function routeOfExposedAPI(api: ExposedAPI, settings: Settings): Route | undefined {
  if (api.metadata.deletionTimestamp) return undefined;
  const parsed = parseSpec(api);
  if ('issues' in parsed) return undefined;
  const namespace = apiNamespace(api);
  return {
    owner: { kind: EXPOSED_API_KIND, namespace, name: api.metadata.name, creationTimestamp: api.metadata.creationTimestamp ?? '' },
    gateways: [normaliseGateway(settings.gateway, namespace)],
    hosts: routeHosts(parsed.spec, settings),
    pathPrefix: parsed.spec.path,
  };
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** Path prefixes an http route matches: its uri prefixes, or everything when it has no match. */
function prefixesOf(http: unknown): string[] {
  if (!isRecord(http)) return [];
  if (!Array.isArray(http.match) || http.match.length === 0) return ['/'];
  return http.match.flatMap((m) => {
    const uri = isRecord(m) ? m.uri : undefined;
    return isRecord(uri) && typeof uri.prefix === 'string' ? [uri.prefix] : [];
  });
}

/**
 * The gateway routes of a VirtualService not managed by any ExposedAPI (one per path
 * prefix). Managed ones are represented by their ExposedAPI's route instead.
 */
export function routesOfVirtualService(vs: KubeObject): Route[] {
  if (controlledByAnExposedAPI(vs) || !isRecord(vs.spec)) return [];
  const namespace = apiNamespace(vs);
  const gateways = strings(vs.spec.gateways)
    .filter((g) => g !== MESH)
    .map((g) => normaliseGateway(g, namespace));
  if (gateways.length === 0) return [];
  const hosts = strings(vs.spec.hosts);
  const http = Array.isArray(vs.spec.http) ? vs.spec.http : [];
  const prefixes = [...new Set(http.flatMap(prefixesOf))];
  const owner = { kind: 'VirtualService' as const, namespace, name: vs.metadata.name, creationTimestamp: vs.metadata.creationTimestamp ?? '' };
  return prefixes.map((pathPrefix) => ({ owner, gateways, hosts, pathPrefix }));
}

const sameOwner = (a: Route, b: Route): boolean =>
  a.owner.kind === b.owner.kind && a.owner.namespace === b.owner.namespace && a.owner.name === b.owner.name;

const hostsOverlap = (a: string, b: string): boolean => a === '*' || b === '*' || a.toLowerCase() === b.toLowerCase();

/** Same path prefix, a gateway in common and overlapping hosts. */
export function routesOverlap(a: Route, b: Route): boolean {
  if (a.pathPrefix !== b.pathPrefix) return false;
  const gatewaysOfB = new Set(b.gateways.map((g) => normaliseGateway(g, b.owner.namespace)));
  return (
    a.gateways.some((g) => gatewaysOfB.has(normaliseGateway(g, a.owner.namespace))) &&
    a.hosts.some((h) => b.hosts.some((k) => hostsOverlap(h, k)))
  );
}

/** Unparseable or missing timestamps sort last: an object not yet stored is the newest. */
const createdAt = (r: Route): number => {
  const t = Date.parse(r.owner.creationTimestamp);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
};
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Total order on route owners: creation time, then namespace, name and kind. */
export function compareRoutes(a: Route, b: Route): number {
  const ta = createdAt(a);
  const tb = createdAt(b);
  return (
    (ta === tb ? 0 : ta < tb ? -1 : 1) ||
    byText(a.owner.namespace, b.owner.namespace) ||
    byText(a.owner.name, b.owner.name) ||
    byText(a.owner.kind, b.owner.kind)
  );
}

/**
 * The route that keeps the route key `route` asks for, or undefined when `route` may
 * have it. Routes are granted in order, each one unless it overlaps a route already
 * granted; so a route shut out by an earlier one does not block later ones in turn
 * (a later `*` host losing to an earlier `a.example` does not block `b.example`).
 */
export function findConflict(route: Route, all: readonly Route[]): Route | undefined {
  // Only routes on the same path can overlap, directly or through others.
  const others = all.filter((r) => r.pathPrefix === route.pathPrefix && !sameOwner(r, route));
  const contenders = [...others, route].sort(compareRoutes);
  const granted: Route[] = [];
  for (const candidate of contenders) {
    const holder = granted.find((g) => !sameOwner(g, candidate) && routesOverlap(g, candidate));
    if (candidate === route) return holder;
    if (holder === undefined) granted.push(candidate);
  }
  return undefined;
}

export function describeRouteOwner(route: Route): string {
  return `${route.owner.kind} ${route.owner.namespace}/${route.owner.name}`;
}
