// Gateway API facts the httproute router needs, read from a Gateway and an HTTPRoute as
// the API server returns them: which listeners admit a route, the address an API is
// reached at, and whether the Gateway's controller accepted our route. Pure.

import type { KubeObject } from './types.js';
import { GATEWAY_API_GROUP, HTTP_ROUTE_KIND } from './constants.js';
import { parseGatewaySetting, type NamespacedName } from './gateway.js';
import type { GatewayAddress } from './url.js';
import { isRecord } from './validate.js';

export interface ParentRef {
  group: string;
  kind: 'Gateway';
  namespace: string;
  name: string;
}

/** The Gateway an API's HTTPRoute attaches to: the gateway setting, a bare name in the API's namespace (as Gateway API resolves it). */
export function parentRefFor(gatewaySetting: string, routeNamespace: string): ParentRef {
  const { namespace, name } = parseGatewaySetting(gatewaySetting, routeNamespace);
  return { group: GATEWAY_API_GROUP, kind: 'Gateway', namespace, name };
}

export interface GatewayListener {
  name: string;
  port: number;
  protocol: string;
  /** Absent: every host. */
  hostname?: string;
}

const HTTP_PROTOCOLS = ['HTTP', 'HTTPS'];

/**
 * The Gateway's HTTP(S) listeners that admit HTTPRoutes from `routeNamespace`
 * (allowedRoutes: Same by default, All; a Selector cannot be judged without the
 * namespace's labels, so it counts as admitting).
 */
export function admittingListeners(gateway: KubeObject, routeNamespace: string): GatewayListener[] {
  const listeners = isRecord(gateway.spec) && Array.isArray(gateway.spec.listeners) ? gateway.spec.listeners : [];
  return listeners.flatMap((l): GatewayListener[] => {
    if (!isRecord(l) || typeof l.name !== 'string' || typeof l.port !== 'number' || typeof l.protocol !== 'string') return [];
    if (!HTTP_PROTOCOLS.includes(l.protocol)) return [];
    const allowed = isRecord(l.allowedRoutes) ? l.allowedRoutes : {};
    const from = isRecord(allowed.namespaces) && typeof allowed.namespaces.from === 'string' ? allowed.namespaces.from : 'Same';
    if (from === 'Same' && routeNamespace !== gateway.metadata.namespace) return [];
    const kinds = Array.isArray(allowed.kinds) ? allowed.kinds : [];
    if (kinds.length > 0 && !kinds.some((k) => isRecord(k) && k.kind === HTTP_ROUTE_KIND)) return [];
    const listener: GatewayListener = { name: l.name, port: l.port, protocol: l.protocol };
    if (typeof l.hostname === 'string') listener.hostname = l.hostname;
    return [listener];
  });
}

const STANDARD_PORTS = [80, 443];

/**
 * Where a route on this Gateway is reached: the first of the Gateway's `status.addresses`,
 * and the port of the listener it is served on (HTTPS first, as the URL says https), with
 * no suffix for 80 and 443.
 */
export function gatewayApiAddress(gateway: KubeObject, routeNamespace: string): GatewayAddress {
  const status = isRecord(gateway.status) ? gateway.status : {};
  const first = Array.isArray(status.addresses) ? status.addresses.find((a) => isRecord(a) && typeof a.value === 'string' && a.value !== '') : undefined;
  const listeners = admittingListeners(gateway, routeNamespace);
  const listener = listeners.find((l) => l.protocol === 'HTTPS') ?? listeners[0];
  const portSuffix = listener && !STANDARD_PORTS.includes(listener.port) ? `:${listener.port}` : '';
  return isRecord(first) ? { host: first.value as string, portSuffix } : { portSuffix };
}

export type Acceptance = { state: 'accepted' } | { state: 'pending' } | { state: 'rejected'; reason: string; message: string };

const sameParent = (ref: unknown, parent: ParentRef, routeNamespace: string): boolean =>
  isRecord(ref) &&
  ref.name === parent.name &&
  (ref.namespace ?? routeNamespace) === parent.namespace &&
  (ref.kind ?? 'Gateway') === 'Gateway' &&
  (ref.group ?? GATEWAY_API_GROUP) === GATEWAY_API_GROUP;

/**
 * What the Gateway's controller says of the route on `parent` (its `Accepted` condition
 * in status.parents): pending until it says.
 */
export function acceptanceOf(route: KubeObject, parent: ParentRef): Acceptance {
  const status = isRecord(route.status) ? route.status : {};
  const parents = Array.isArray(status.parents) ? status.parents : [];
  const entry = parents.find((p) => isRecord(p) && sameParent(p.parentRef, parent, route.metadata.namespace ?? ''));
  const conditions = isRecord(entry) && Array.isArray(entry.conditions) ? entry.conditions : [];
  const accepted = conditions.find((c) => isRecord(c) && c.type === 'Accepted');
  if (!isRecord(accepted)) return { state: 'pending' };
  // Accepted once stays accepted while the controller looks at a newer generation (the route
  // is attached and serving); a refusal of an older generation may have been fixed since.
  if (accepted.status === 'True') return { state: 'accepted' };
  const generation = route.metadata.generation;
  const stale = typeof accepted.observedGeneration === 'number' && generation !== undefined && accepted.observedGeneration < generation;
  if (accepted.status !== 'False' || stale) return { state: 'pending' };
  return { state: 'rejected', reason: String(accepted.reason ?? 'NotAccepted'), message: String(accepted.message ?? '') };
}

export const describeParent = (p: NamespacedName): string => `${p.namespace}/${p.name}`;
