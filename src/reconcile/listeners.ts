// What a route is really served on. Istio merges every Gateway that selects the same
// ingress workload into one listener per port, whatever the Gateway objects are called
// and wherever they live; so two routes compete when their Gateways select the same
// workload (same selector labels), on the same port, for overlapping hosts. A Gateway we
// cannot read (not there, or no permission to read Gateways), or one without a selector
// or servers, is judged by its name. A Gateway API Gateway (the httproute router) is its
// own workload: its routes compete on its listeners that admit them.

import type { KubeObject, Route } from './types.js';
import { admittingListeners } from './gateway-api.js';
import { parseGatewaySetting } from './gateway.js';
import { isRecord } from './validate.js';

export interface Listener {
  /**
   * `workload:<selector>` for an Istio Gateway we could read, else `gateway:<namespace>/<name>`;
   * `gatewayapi:<namespace>/<name>` for a Gateway API Gateway.
   */
  workload: string;
  /** The Gateway server's port; absent when judged by the Gateway's name. */
  port?: number;
  /** The route's hosts served there, narrowed to the server's hosts. */
  hosts: string[];
}

/** A Gateway by namespace and name: an Istio one, or a Gateway API one for `httproute` routes. */
export type GatewayLookup = (namespace: string, name: string, router?: Route['router']) => KubeObject | undefined;

const lower = (h: string) => h.toLowerCase();
const isWildcard = (h: string) => h === '*' || h.startsWith('*.');

/** Whether two host patterns (`*`, `*.example.com`, `api.example.com`) match a host in common. */
export function hostsOverlap(a: string, b: string): boolean {
  const [x, y] = [lower(a), lower(b)];
  if (x === '*' || y === '*' || x === y) return true;
  if (x.startsWith('*.') && y.endsWith(x.slice(1))) return true;
  return y.startsWith('*.') && x.endsWith(y.slice(1));
}

/** The hosts matched by both patterns, as the narrower pattern; undefined when none. */
export function hostIntersection(a: string, b: string): string | undefined {
  if (!hostsOverlap(a, b)) return undefined;
  if (isWildcard(a) !== isWildcard(b)) return isWildcard(a) ? b : a;
  return a.length >= b.length ? a : b;
}

interface Server {
  port: number;
  hosts: string[];
}

function serversOf(gateway: KubeObject): Server[] {
  const servers = isRecord(gateway.spec) && Array.isArray(gateway.spec.servers) ? gateway.spec.servers : [];
  return servers.flatMap((s) => {
    if (!isRecord(s) || !isRecord(s.port) || typeof s.port.number !== 'number' || !Array.isArray(s.hosts)) return [];
    return [{ port: s.port.number, hosts: s.hosts.filter((h): h is string => typeof h === 'string') }];
  });
}

/** The Gateway's selector as one comparable string; undefined when it has none. */
function workloadOf(gateway: KubeObject): string | undefined {
  const selector = isRecord(gateway.spec) ? gateway.spec.selector : undefined;
  if (!isRecord(selector)) return undefined;
  const labels = Object.entries(selector).filter((e): e is [string, string] => typeof e[1] === 'string');
  if (labels.length === 0) return undefined;
  return labels.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`).join(',');
}

/**
 * The host a server offers to VirtualServices of `routeNamespace`: server hosts may be
 * `namespace/host`, where `*` is any namespace and `.` the Gateway's own.
 */
function serverHost(host: string, gatewayNamespace: string, routeNamespace: string): string | undefined {
  const slash = host.indexOf('/');
  if (slash < 0) return host;
  const ns = host.slice(0, slash);
  const allowed = ns === '*' || (ns === '.' ? gatewayNamespace : ns) === routeNamespace;
  return allowed ? host.slice(slash + 1) : undefined;
}

/**
 * The listeners of a Gateway API Gateway an HTTPRoute is served on; judged by the
 * Gateway's name when it cannot be read or admits the route nowhere (then no one is served there).
 */
function gatewayApiListeners(route: Route, gateway: GatewayLookup): Listener[] {
  return route.gateways.flatMap((ref): Listener[] => {
    const { namespace, name } = parseGatewaySetting(ref, route.owner.namespace);
    const workload = `gatewayapi:${namespace}/${name}`;
    const object = gateway(namespace, name, 'httproute');
    if (!object) return [{ workload, hosts: route.hosts }];
    return admittingListeners(object, route.owner.namespace).flatMap((l) => {
      const hosts = route.hosts.flatMap((h) => hostIntersection(h, l.hostname ?? '*') ?? []);
      return hosts.length > 0 ? [{ workload, port: l.port, hosts }] : [];
    });
  });
}

/** Every listener `route` is served on. */
export function listenersOf(route: Route, gateway: GatewayLookup): Listener[] {
  if (route.router === 'httproute') return gatewayApiListeners(route, gateway);
  return route.gateways.flatMap((ref): Listener[] => {
    const { namespace, name } = parseGatewaySetting(ref, route.owner.namespace);
    const object = gateway(namespace, name);
    const workload = object && workloadOf(object);
    const servers = object ? serversOf(object) : [];
    // What it serves cannot be told: judge by name rather than miss a conflict.
    if (workload === undefined || servers.length === 0) return [{ workload: `gateway:${namespace}/${name}`, hosts: route.hosts }];
    return servers.flatMap((server) => {
      const offered = server.hosts.flatMap((h) => serverHost(h, namespace, route.owner.namespace) ?? []);
      const hosts = route.hosts.flatMap((h) => offered.flatMap((s) => hostIntersection(h, s) ?? []));
      return hosts.length > 0 ? [{ workload: `workload:${workload}`, port: server.port, hosts }] : [];
    });
  });
}

/** Whether two sets of listeners share one: same workload and port, overlapping hosts. */
export function listenersOverlap(a: readonly Listener[], b: readonly Listener[]): boolean {
  return a.some((x) =>
    b.some((y) => x.workload === y.workload && x.port === y.port && x.hosts.some((h) => y.hosts.some((k) => hostsOverlap(h, k)))),
  );
}
