// Route conflicts. Two routes on the same listener (ingress workload, port, host) whose
// path prefixes overlap would silently shadow each other in Istio, which merges them and
// tries them in an order the user does not control. The earlier one (creation time, then
// the one already served, then namespace/name) keeps the route; the later one is not routed until the conflict is gone.
// HTTPRoutes (the httproute router) compete only with HTTPRoutes, on a Gateway API Gateway's
// listeners, and only for the same path prefix: Gateway API sends each request to the
// longest matching prefix, so a nested prefix shadows nothing there.

import type { ExposedAPI, KubeObject, Route, RouteTable, Settings } from './types.js';
import { EXPOSED_API_KIND, GATEWAY_API_GROUP, HTTP_ROUTE_KIND } from './constants.js';
import { normaliseGateway } from './gateway.js';
import { parentRefFor } from './gateway-api.js';
import { routeHostnames } from './httproute.js';
import { listenersOf, listenersOverlap, type GatewayLookup, type Listener } from './listeners.js';
import { apiNamespace, controlledBy, controlledByAnExposedAPI } from './ownership.js';
import { parseSpec, isRecord } from './validate.js';
import { routeHosts } from './virtualservice.js';

/** Istio's reserved gateway name for sidecars: not a gateway route. */
const MESH = 'mesh';

/** The API's route marked as served when its own route object (VirtualService or HTTPRoute) already serves that path. */
export function withServing(route: Route, api: ExposedAPI, child: KubeObject | undefined): Route {
  const serving = child !== undefined && controlledBy(child, api) && routesServed(child, route.owner).some((r) => r.pathPrefix === route.pathPrefix);
  return serving ? { ...route, owner: { ...route.owner, serving } } : route;
}

/** The route an ExposedAPI asks for; none while its spec is invalid or it is being deleted. */
export function routeOfExposedAPI(api: ExposedAPI, settings: Settings): Route | undefined {
  if (api.metadata.deletionTimestamp) return undefined;
  const parsed = parseSpec(api);
  if ('issues' in parsed) return undefined;
  const namespace = apiNamespace(api);
  const owner = { kind: EXPOSED_API_KIND, namespace, name: api.metadata.name, creationTimestamp: api.metadata.creationTimestamp ?? '' } as const;
  if (settings.router === 'httproute') {
    const parent = parentRefFor(settings.gateway, namespace);
    const hostnames = routeHostnames(parsed.spec, settings);
    return { owner, router: 'httproute', gateways: [`${parent.namespace}/${parent.name}`], hosts: hostnames.length > 0 ? hostnames : ['*'], pathPrefix: parsed.spec.path };
  }
  return { owner, gateways: [normaliseGateway(settings.gateway, namespace)], hosts: routeHosts(parsed.spec, settings), pathPrefix: parsed.spec.path };
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
  if (controlledByAnExposedAPI(vs)) return [];
  const owner = { kind: 'VirtualService' as const, namespace: apiNamespace(vs), name: vs.metadata.name, creationTimestamp: vs.metadata.creationTimestamp ?? '', serving: true };
  return virtualServiceRoutes(vs, owner);
}

/** The gateway routes of an HTTPRoute not managed by any ExposedAPI (one per path prefix). */
export function routesOfHTTPRoute(route: KubeObject): Route[] {
  if (controlledByAnExposedAPI(route)) return [];
  const owner = { kind: HTTP_ROUTE_KIND, namespace: apiNamespace(route), name: route.metadata.name, creationTimestamp: route.metadata.creationTimestamp ?? '', serving: true } as const;
  return routesServed(route, owner);
}

/**
 * The routes an ExposedAPI's own route object serves while its spec does not say them: the
 * last valid path while the spec is invalid (a typo does not cut traffic), or the old
 * router's object while the new one is not ready (a router switch leaves no gap). Nobody
 * else may take them meanwhile.
 */
export function routesKeptFor(api: ExposedAPI, child: KubeObject | undefined): Route[] {
  if (child === undefined || !controlledBy(child, api) || api.metadata.deletionTimestamp) return [];
  const owner = { kind: 'ExposedAPI' as const, namespace: apiNamespace(api), name: api.metadata.name, creationTimestamp: api.metadata.creationTimestamp ?? '', serving: true };
  return routesServed(child, owner);
}

/** The route objects that may sit under one namespace/name. */
export interface RouteObjects {
  virtualService?: KubeObject;
  httpRoute?: KubeObject;
}

/**
 * The routes held under one namespace/name: those of its ExposedAPI (asked for, plus those
 * its route objects keep serving) and those of a VirtualService or HTTPRoute there that no ExposedAPI manages.
 */
export function routesHeld(api: ExposedAPI | undefined, objects: RouteObjects, settings: Settings): Route[] {
  const held: Route[] = [];
  const { virtualService, httpRoute } = objects;
  if (api) {
    const asked = routeOfExposedAPI(api, settings);
    const [current, previous] = settings.router === 'httproute' ? [httpRoute, virtualService] : [virtualService, httpRoute];
    if (asked) held.push(withServing(asked, api, current), ...routesKeptFor(api, previous));
    else held.push(...routesKeptFor(api, current), ...routesKeptFor(api, previous));
  }
  if (virtualService) held.push(...routesOfVirtualService(virtualService));
  if (httpRoute) held.push(...routesOfHTTPRoute(httpRoute));
  return held;
}

function routesServed(child: KubeObject, owner: Route['owner']): Route[] {
  return child.kind === HTTP_ROUTE_KIND ? httpRouteRoutes(child, owner) : virtualServiceRoutes(child, owner);
}

const PATH_PREFIX = 'PathPrefix';

/** An HTTPRoute's path prefixes on Gateway API Gateways (defaults as the CRD fills them). Exact and regular-expression matches take precedence over prefixes, so they take no prefix's requests. */
function httpRouteRoutes(route: KubeObject, owner: Route['owner']): Route[] {
  if (!isRecord(route.spec)) return [];
  const namespace = apiNamespace(route);
  const parents = Array.isArray(route.spec.parentRefs) ? route.spec.parentRefs : [];
  const gateways = parents.flatMap((p) => {
    if (!isRecord(p) || typeof p.name !== 'string' || (p.kind ?? 'Gateway') !== 'Gateway' || (p.group ?? GATEWAY_API_GROUP) !== GATEWAY_API_GROUP) return [];
    return [`${typeof p.namespace === 'string' ? p.namespace : namespace}/${p.name}`];
  });
  if (gateways.length === 0) return [];
  const hostnames = strings(route.spec.hostnames);
  const rules = Array.isArray(route.spec.rules) ? route.spec.rules : [{}];
  const prefixes = rules.flatMap((rule) => {
    const matches = isRecord(rule) && Array.isArray(rule.matches) && rule.matches.length > 0 ? rule.matches : [{}];
    return matches.flatMap((m) => {
      const path = isRecord(m) && isRecord(m.path) ? m.path : {};
      if ((path.type ?? PATH_PREFIX) !== PATH_PREFIX) return [];
      return [typeof path.value === 'string' ? path.value : '/'];
    });
  });
  return [...new Set(prefixes)].map((pathPrefix) => ({ owner, router: 'httproute' as const, gateways, hosts: hostnames.length > 0 ? hostnames : ['*'], pathPrefix }));
}

function virtualServiceRoutes(vs: KubeObject, owner: Route['owner']): Route[] {
  if (!isRecord(vs.spec)) return [];
  const namespace = apiNamespace(vs);
  const gateways = strings(vs.spec.gateways)
    .filter((g) => g !== MESH)
    .map((g) => normaliseGateway(g, namespace));
  if (gateways.length === 0) return [];
  const hosts = strings(vs.spec.hosts);
  const http = Array.isArray(vs.spec.http) ? vs.spec.http : [];
  const prefixes = [...new Set(http.flatMap(prefixesOf))];
  return prefixes.map((pathPrefix) => ({ owner, gateways, hosts, pathPrefix }));
}

const sameOwner = (a: Route, b: Route): boolean =>
  a.owner.kind === b.owner.kind && a.owner.namespace === b.owner.namespace && a.owner.name === b.owner.name;

/** Istio's `uri.prefix` is a string prefix: `/a` also takes `/a/b` and `/ab`. */
export const prefixesOverlap = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);

/** Gateway API's PathPrefix ignores a trailing slash: `/a` and `/a/` are one prefix. */
const gatewayApiPrefix = (p: string): string => (p.length > 1 ? p.replace(/\/+$/, '') || '/' : p);

/** Whether two routes' paths compete for requests, by their routers' matching rules (the file's header). */
export function pathsCompete(a: Route, b: Route): boolean {
  if ((a.router === 'httproute') !== (b.router === 'httproute')) return false;
  if (a.router === 'httproute') return gatewayApiPrefix(a.pathPrefix) === gatewayApiPrefix(b.pathPrefix);
  return prefixesOverlap(a.pathPrefix, b.pathPrefix);
}

/** Without a way to read Gateways, routes are judged by the Gateways' names. */
const byName: GatewayLookup = () => undefined;

/**
 * Whether two routes compete for requests: path prefixes where one takes (some of) the
 * other's requests, on a listener they share (same ingress workload, port and host).
 */
export function routesOverlap(a: Route, b: Route, gateway: GatewayLookup = byName): boolean {
  return pathsCompete(a, b) && listenersOverlap(listenersOf(a, gateway), listenersOf(b, gateway));
}

/** Unparseable or missing timestamps sort last: an object not yet stored is the newest. */
const createdAt = (r: Route): number => {
  const t = Date.parse(r.owner.creationTimestamp);
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
};
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Total order on route owners: creation time, then the one already served (two APIs created
 * in the same second must not swap a live route), then namespace, name and kind.
 */
export function compareRoutes(a: Route, b: Route): number {
  const ta = createdAt(a);
  const tb = createdAt(b);
  return (
    (ta === tb ? 0 : ta < tb ? -1 : 1) ||
    Number(b.owner.serving === true) - Number(a.owner.serving === true) ||
    byText(a.owner.namespace, b.owner.namespace) ||
    byText(a.owner.name, b.owner.name) ||
    byText(a.owner.kind, b.owner.kind)
  );
}

/**
 * The route that keeps what `route` asks for, or undefined when `route` may have it.
 * Routes are granted in order (creation time, then namespace/name), each one unless it
 * overlaps a route already granted; so a route shut out by an earlier one does not block
 * later ones in turn (a later `*` host losing to an earlier `a.example` does not block
 * `b.example`). Only the routes linked to `route` through overlaps can matter, so the
 * order is played out on those alone.
 */
export function findConflict(route: Route, table: RouteTable, gateway: GatewayLookup = byName): Route | undefined {
  const listeners = new Map<Route, Listener[]>();
  const listenersOfRoute = (r: Route) => {
    let l = listeners.get(r);
    if (!l) listeners.set(r, (l = listenersOf(r, gateway)));
    return l;
  };
  const overlap = (a: Route, b: Route) =>
    !sameOwner(a, b) && pathsCompete(a, b) && listenersOverlap(listenersOfRoute(a), listenersOfRoute(b));

  const linked = new Set<Route>([route]);
  const pending = [route];
  for (let r = pending.pop(); r !== undefined; r = pending.pop()) {
    for (const other of table.relatives(r.pathPrefix)) {
      if (linked.has(other) || sameOwner(other, route) || !overlap(r, other)) continue;
      linked.add(other);
      pending.push(other);
    }
  }
  const granted: Route[] = [];
  for (const candidate of [...linked].sort(compareRoutes)) {
    const holder = granted.find((g) => overlap(g, candidate));
    if (candidate === route) return holder;
    if (holder === undefined) granted.push(candidate);
  }
  return undefined;
}

export function describeRouteOwner(route: Route): string {
  return `${route.owner.kind} ${route.owner.namespace}/${route.owner.name}`;
}
