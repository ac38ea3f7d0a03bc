// apiKeyVerification at the ingress gateway, with the JWT issuer and JWKS URI the operator
// is configured with: a RequestAuthentication that validates tokens at the gateway workload,
// and an AuthorizationPolicy that denies requests without a valid one on this API's path
// prefix only. Both live in the gateway workload's namespace, like the EnvoyFilter, and are
// owned the same way (envoyfilter.ts gatewayChildMetadata). Pure.

import type { ExposedAPI, KubeObject, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import { AUTHORIZATION_POLICY_KIND, REQUEST_AUTHENTICATION_KIND, SECURITY_API_VERSION } from './constants.js';
import { gatewayChildMetadata } from './envoyfilter.js';
import { isRecord } from './validate.js';
import { routeHosts } from './virtualservice.js';

export interface Jwt {
  issuer: string;
  jwksUri: string;
}

/** spec.apiKeyVerification when enabled: where the token is expected (a header or query parameter name), if said. */
export function apiKeyOf(raw: unknown): { location?: string } | undefined {
  if (!isRecord(raw) || raw.enabled !== true) return undefined;
  const location = typeof raw.location === 'string' && raw.location.trim() !== '' ? raw.location.trim() : undefined;
  return location ? { location } : {};
}

interface Where {
  namespace: string;
  workloadLabels: Record<string, string>;
}

/** Validates tokens of the configured issuer at the gateway; without a location, from `Authorization: Bearer` (Istio's default). */
export function desiredRequestAuthentication(api: ExposedAPI, jwt: Jwt, apiKey: { location?: string }, where: Where): KubeObject {
  const rule: Record<string, unknown> = { issuer: jwt.issuer, jwksUri: jwt.jwksUri, forwardOriginalToken: true };
  if (apiKey.location) {
    rule.fromHeaders = [{ name: apiKey.location }];
    rule.fromParams = [apiKey.location];
  }
  return {
    apiVersion: SECURITY_API_VERSION,
    kind: REQUEST_AUTHENTICATION_KIND,
    metadata: gatewayChildMetadata(api, where.namespace),
    spec: { selector: { matchLabels: where.workloadLabels }, jwtRules: [rule] },
  };
}

/**
 * Denies requests without a valid token (no request principal) on this API's prefix: `<path>*`
 * is Istio's prefix match, the same string prefix as the VirtualService's `uri.prefix`. On the
 * API's own host only when it has one.
 */
export function desiredAuthorizationPolicy(api: ExposedAPI, spec: ApiSpec, settings: Pick<Settings, 'publicHostname'>, where: Where): KubeObject {
  const hosts = routeHosts(spec, settings).filter((h) => h !== '*');
  const operation: Record<string, unknown> = { paths: [`${spec.path}*`] };
  if (hosts.length > 0) operation.hosts = hosts.flatMap((h) => [h, `${h}:*`]);
  return {
    apiVersion: SECURITY_API_VERSION,
    kind: AUTHORIZATION_POLICY_KIND,
    metadata: gatewayChildMetadata(api, where.namespace),
    spec: {
      selector: { matchLabels: where.workloadLabels },
      action: 'DENY',
      rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation }] }],
    },
  };
}
