// The EnvoyFilter that enforces what a VirtualService cannot say, at the ingress gateway
// and on this API's route only: a local rate limit (spec.rateLimit) and, for MCP APIs,
// no stream idle timeout (long-lived streams). Istio applies an EnvoyFilter with a
// workloadSelector only to workloads in the EnvoyFilter's own namespace (or everywhere
// from the root namespace), so it lives in the gateway workload's namespace; an
// ownerReference cannot cross namespaces, so ownership is a uid label plus the API's
// finalizer (plan-policies.ts). Pure.

import type { ExposedAPI, KubeObject, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import { clientKeyOf, type ClientKey, type RateLimit } from './ratelimit.js';
import { ENVOY_FILTER_API_VERSION, ENVOY_FILTER_KIND, GATEWAY_API_GROUP, MANAGED_BY, MANAGED_BY_LABEL, OWNER_ANNOTATION, OWNER_UID_LABEL } from './constants.js';
import { apiNamespace } from './ownership.js';
import { deepEqual } from './deep-equal.js';
import { isRecord } from './validate.js';

const LOCAL_RATELIMIT_TYPE = 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit';
const MAX_NAME = 253;

/** FNV-1a, 32 bits, as 8 hex digits: a short stable suffix for names that must be cut. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** `oda-api-<namespace>-<name>`, cut with a hash suffix when longer than a name may be: every gateway child of the API has it. */
export function envoyFilterName(api: ExposedAPI): string {
  const full = `oda-api-${apiNamespace(api)}-${api.metadata.name}`;
  if (full.length <= MAX_NAME) return full;
  return `${full.slice(0, MAX_NAME - 9).replace(/[-.]+$/, '')}-${fnv1a(full)}`;
}

/**
 * The name of the API's VirtualService http route, which the EnvoyFilter's route patch
 * matches: `<namespace>.<name>` is unique on the gateway, as API names are per namespace.
 */
export const routeName = (api: ExposedAPI): string => `${apiNamespace(api)}.${api.metadata.name}`;

/** The API's route as Envoy names it: ours for a VirtualService; Istio's `<namespace>.<name>.<rule>` for our one-rule HTTPRoute. */
export const envoyRouteName = (api: ExposedAPI, settings: Pick<Settings, 'router'>): string => (settings.router === 'httproute' ? `${routeName(api)}.0` : routeName(api));

/**
 * Where a gateway child goes and what it applies to: the Istio gateway workload by its
 * pods' labels, or (httproute router) the Gateway API Gateway by name, through targetRefs
 * (which must name a Gateway in the child's own namespace).
 */
export interface Placement {
  namespace: string;
  workloadLabels?: Record<string, string>;
  gateway?: string;
}

/** The spec fields attaching a child: `targetRefs`, or the selector field holding the labels under `labelsKey`. */
export function attachment(where: Placement, selectorField: string, labelsKey: string): Record<string, unknown> {
  if (where.gateway !== undefined) return { targetRefs: [{ group: GATEWAY_API_GROUP, kind: 'Gateway', name: where.gateway }] };
  return { [selectorField]: { [labelsKey]: where.workloadLabels ?? {} } };
}

/** The HTTP filter's instance name: one per API, so each API's bucket is its own (see docs/policies.md). */
export const filterName = (api: ExposedAPI): string => `oda-api.ratelimit.${routeName(api)}`;

const statPrefix = (api: ExposedAPI): string => `oda_api_${routeName(api).replace(/[^A-Za-z0-9_]/g, '_')}`;

/**
 * Whether the API needs an EnvoyFilter: a rate limit, or long-lived MCP streams. An invalid
 * rate limit counts too: its route keeps the name the filter it has now matches, so the
 * limit in force stays until the spec is fixed.
 */
export const needsEnvoyFilter = (spec: ApiSpec): boolean => spec.rateLimit !== undefined || spec.policyIssues !== undefined || spec.apiType === 'mcp';

const percent100 = (runtimeKey: string) => ({ runtime_key: runtimeKey, default_value: { numerator: 100, denominator: 'HUNDRED' } });

/** The most clients one API keeps a bucket for, per gateway replica: Envoy forgets the least recently seen beyond it. */
export const MAX_CLIENT_BUCKETS = 10_000;

/**
 * The per-route LocalRateLimit: a token bucket of `limit` tokens, refilled whole every
 * interval, enabled and enforced on this route. With a client key, one such bucket per
 * client instead: a descriptor with the key's value left out is a wildcard, and Envoy keeps a
 * bucket per value it sees (dynamic descriptors); requests without the key (no such header)
 * share the route's bucket.
 */
export function routeRateLimit(api: ExposedAPI, rate: RateLimit, client?: ClientKey): Record<string, unknown> {
  const prefix = statPrefix(api);
  const bucket = { max_tokens: rate.limit, tokens_per_fill: rate.limit, fill_interval: `${rate.fillSeconds}s` };
  const config = {
    '@type': LOCAL_RATELIMIT_TYPE,
    stat_prefix: prefix,
    token_bucket: bucket,
    filter_enabled: percent100(`${prefix}_enabled`),
    filter_enforced: percent100(`${prefix}_enforced`),
  };
  if (!client) return config;
  const key = client.by === 'address' ? 'remote_address' : 'client';
  const action = client.by === 'address' ? { remote_address: {} } : { request_headers: { header_name: client.header, descriptor_key: key } };
  return {
    ...config,
    rate_limits: [{ actions: [action] }],
    descriptors: [{ entries: [{ key }], token_bucket: bucket }],
    max_dynamic_descriptors: MAX_CLIENT_BUCKETS,
    always_consume_default_token_bucket: false,
  };
}

/** The client key of the API's rate limit, when per-client buckets are on and its identifier names one. */
export const clientKeyFor = (rate: RateLimit, settings: Pick<Settings, 'rateLimitIdentifiers'>): ClientKey | undefined =>
  settings.rateLimitIdentifiers && rate.identifier ? clientKeyOf(rate.identifier) : undefined;

/** Envoy's per-route stream idle timeout for MCP: API_READ_TIMEOUT when set, else 0s (disabled). */
export function mcpIdleTimeout(settings: Pick<Settings, 'timeouts'>): string {
  const ms = settings.timeouts?.readMs;
  return ms === undefined ? '0s' : `${ms / 1000}s`;
}

const gatewayContext = { context: 'GATEWAY' };

export function desiredEnvoyFilter(
  api: ExposedAPI,
  spec: ApiSpec,
  settings: Pick<Settings, 'timeouts' | 'router' | 'rateLimitIdentifiers'>,
  where: Placement,
): KubeObject {
  const patches: unknown[] = [];
  const routeValue: Record<string, unknown> = {};
  if (spec.rateLimit) {
    // Inserted with no bucket and not enabled: it acts only where a route names it (this API's).
    patches.push({
      applyTo: 'HTTP_FILTER',
      match: {
        ...gatewayContext,
        listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } },
      },
      patch: { operation: 'INSERT_BEFORE', value: { name: filterName(api), typed_config: { '@type': LOCAL_RATELIMIT_TYPE, stat_prefix: statPrefix(api) } } },
    });
    routeValue.typed_per_filter_config = { [filterName(api)]: routeRateLimit(api, spec.rateLimit, clientKeyFor(spec.rateLimit, settings)) };
  }
  if (spec.apiType === 'mcp') routeValue.route = { idle_timeout: mcpIdleTimeout(settings) };
  patches.push({
    applyTo: 'HTTP_ROUTE',
    match: { ...gatewayContext, routeConfiguration: { vhost: { route: { name: envoyRouteName(api, settings) } } } },
    patch: { operation: 'MERGE', value: routeValue },
  });
  return {
    apiVersion: ENVOY_FILTER_API_VERSION,
    kind: ENVOY_FILTER_KIND,
    metadata: gatewayChildMetadata(api, where.namespace),
    spec: { ...attachment(where, 'workloadSelector', 'labels'), configPatches: patches },
  };
}

/**
 * Metadata of a child in the gateway's namespace (EnvoyFilter, RequestAuthentication,
 * AuthorizationPolicy): no ownerReference (it cannot cross namespaces), our label, the
 * API's uid and the owner annotation instead.
 */
export function gatewayChildMetadata(api: ExposedAPI, namespace: string): KubeObject['metadata'] {
  const uid = api.metadata.uid;
  return {
    name: envoyFilterName(api),
    namespace,
    labels: { [MANAGED_BY_LABEL]: MANAGED_BY, ...(uid ? { [OWNER_UID_LABEL]: uid } : {}) },
    annotations: { [OWNER_ANNOTATION]: `${apiNamespace(api)}/${api.metadata.name}` },
  };
}

/** Whether a gateway child was written for this API (by its annotation): ours to update, adopt or delete. */
export const envoyFilterFor = (filter: KubeObject, api: ExposedAPI): boolean =>
  filter.metadata.annotations?.[OWNER_ANNOTATION] === `${apiNamespace(api)}/${api.metadata.name}` && filter.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY;

/** The selector's label map: EnvoyFilter `workloadSelector.labels`, security policies' `selector.matchLabels`. */
const SELECTORS: Record<string, string> = { workloadSelector: 'labels', selector: 'matchLabels' };

const present = (live: unknown, desired: unknown): boolean =>
  isRecord(desired) && Object.entries(desired).every(([k, v]) => isRecord(live) && live[k] === v);

/**
 * Whether a live gateway child already is what we would apply. Lists (configPatches,
 * jwtRules, rules) are atomic under server-side apply, so compared whole, and so are plain
 * values; the selector's labels are a map, granular, so only our keys are compared: a key
 * someone else added cannot be taken away by our apply, and comparing it would make every
 * pass write again.
 */
export function envoyFilterMatches(desired: KubeObject, live: KubeObject): boolean {
  if (!present(live.metadata.labels ?? {}, desired.metadata.labels ?? {})) return false;
  const liveSpec = isRecord(live.spec) ? live.spec : {};
  const desiredSpec = isRecord(desired.spec) ? desired.spec : {};
  return Object.entries(desiredSpec).every(([k, v]) => {
    const map = SELECTORS[k];
    if (map === undefined) return deepEqual(liveSpec[k], v);
    const liveSelector = liveSpec[k];
    return isRecord(v) && present(isRecord(liveSelector) ? liveSelector[map] : undefined, v[map]);
  });
}
