// The DestinationRule of an MCP API: the connect timeout (API_CONNECT_TIMEOUT) of the
// connections Envoy opens to the implementation Service. Istio sets connect timeouts per
// destination host, not per route, so only a DestinationRule for that host can carry it
// (docs/policies.md says why no idle timeout is set). Same name and namespace as the API,
// owned by it (garbage collection), labelled like the VirtualService.

import type { ExposedAPI, KubeObject, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import { DESTINATION_RULE_KIND } from './constants.js';
import { childMetadata } from './ownership.js';
import { childMatches } from './match.js';
import { deepEqual } from './deep-equal.js';
import { isRecord } from './validate.js';

/** The implementation Service's host as Istio names it: a DestinationRule applies to exactly this host. */
export const implementationHost = (implementation: string, namespace: string): string => `${implementation}.${namespace}.svc.cluster.local`;

/** Milliseconds as a protobuf duration (`60s`, `1.5s`), the form Istio's duration fields take everywhere. */
export const durationOf = (ms: number): string => `${ms / 1000}s`;

/** The connect timeout an API's DestinationRule sets: MCP APIs only, API_CONNECT_TIMEOUT of 1 ms or more (the CRD's floor). */
export function mcpConnectTimeoutMs(spec: Pick<ApiSpec, 'apiType'>, settings: Pick<Settings, 'timeouts'>): number | undefined {
  const ms = spec.apiType === 'mcp' ? settings.timeouts?.connectMs : undefined;
  return ms !== undefined && ms >= 1 ? ms : undefined;
}

export function desiredDestinationRule(api: ExposedAPI, spec: ApiSpec, connectMs: number, apiVersion: string, namespace: string): KubeObject {
  return {
    apiVersion,
    kind: DESTINATION_RULE_KIND,
    metadata: childMetadata(api),
    spec: {
      host: implementationHost(spec.implementation, namespace),
      trafficPolicy: { connectionPool: { tcp: { connectTimeout: durationOf(connectMs) } } },
    },
  };
}

/**
 * Whether a DestinationRule in `namespace` applies to the implementation's host: the same
 * host written short (resolved in the rule's own namespace, as Istio does), partly or fully
 * qualified, or a wildcard that covers it. A wildcard counts: ours, being more specific,
 * would shadow it for this host (its TLS or load balancing settings would stop applying).
 */
export function targetsHost(rule: KubeObject, implementation: string, namespace: string): boolean {
  const host = isRecord(rule.spec) ? rule.spec.host : undefined;
  if (typeof host !== 'string') return false;
  const fqdn = implementationHost(implementation, namespace);
  if (host === '*') return true;
  if (host.startsWith('*.')) return fqdn.endsWith(host.slice(1));
  if (!host.includes('.')) return host === implementation;
  const qualified = `${implementation}.${namespace}`;
  return host === qualified || host === `${qualified}.svc` || host.startsWith(`${qualified}.svc.`);
}

/** Every field of `desired` is in `live` with the same value: objects compared key by key (server-side apply merges them), the rest whole. */
function contains(live: unknown, desired: unknown): boolean {
  if (!isRecord(desired) || Array.isArray(desired)) return deepEqual(live, desired);
  return isRecord(live) && Object.entries(desired).every(([k, v]) => contains(live[k], v));
}

/**
 * Whether a live DestinationRule already is what we would apply. Its trafficPolicy is a
 * tree of structs that server-side apply merges field by field, so a field another manager
 * added (a load balancer, say) stays after our apply: only our fields are compared, or every
 * pass would write again.
 */
export const destinationRuleMatches = (desired: KubeObject, live: KubeObject): boolean =>
  childMatches({ ...desired, spec: {} }, live) && contains(live.spec, desired.spec);
