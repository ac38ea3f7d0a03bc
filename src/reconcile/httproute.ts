// The HTTPRoute routing an ExposedAPI through a Gateway API Gateway (the httproute router):
// what the VirtualService says, in Gateway API terms. One rule, unnamed, so Istio names its
// Envoy route `<namespace>.<name>.0` (the EnvoyFilter's route patch matches that name).

import type { ExposedAPI, KubeObject, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import { HTTP_ROUTE_API_VERSION, HTTP_ROUTE_KIND } from './constants.js';
import { corsFilter } from './cors.js';
import { parentRefFor } from './gateway-api.js';
import { isIPv4, isIPv6 } from './names.js';
import { apiNamespace, childMetadata } from './ownership.js';
import { routeHosts } from './virtualservice.js';

/**
 * The route's hostnames: the API's host when it is a DNS name. Gateway API takes no IP
 * addresses and no lone `*`; none means every host the listener serves (as `*` does for a
 * VirtualService). Written as an empty list rather than left out, so a hostname someone
 * adds is drift we see and put right.
 */
export function routeHostnames(spec: Pick<ApiSpec, 'hostname'>, settings: Pick<Settings, 'publicHostname'>): string[] {
  return routeHosts(spec, settings).filter((h) => h !== '*' && !isIPv4(h) && !isIPv6(h));
}

export function desiredHTTPRoute(api: ExposedAPI, spec: ApiSpec, settings: Settings): KubeObject {
  const cors = corsFilter(spec.CORS);
  const rule: Record<string, unknown> = {
    matches: [{ path: { type: 'PathPrefix', value: spec.path } }],
    // Every field the CRD would default is said, so the live route compares equal.
    backendRefs: [{ group: '', kind: 'Service', name: spec.implementation, port: spec.port, weight: 1 }],
  };
  if (cors) rule.filters = [{ type: 'CORS', cors }];
  // Long-lived MCP streams: no request timeout ("0s" disables it, per Gateway API).
  if (spec.apiType === 'mcp') rule.timeouts = { request: '0s' };
  return {
    apiVersion: HTTP_ROUTE_API_VERSION,
    kind: HTTP_ROUTE_KIND,
    metadata: childMetadata(api),
    spec: {
      parentRefs: [parentRefFor(settings.gateway, apiNamespace(api))],
      hostnames: routeHostnames(spec, settings),
      rules: [rule],
    },
  };
}
