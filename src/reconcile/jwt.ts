// apiKeyVerification at the ingress gateway, with the JWT issuer and JWKS URI the operator
// is configured with: a RequestAuthentication that validates tokens at the gateway workload,
// and an AuthorizationPolicy that denies requests without a valid one on this API's path
// prefix only. Both live in the gateway workload's namespace, like the EnvoyFilter, and are
// owned the same way (envoyfilter.ts gatewayChildMetadata). Pure.

import type { ExposedAPI, KubeObject, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import { AUTHORIZATION_POLICY_KIND, REQUEST_AUTHENTICATION_KIND, SECURITY_API_VERSION } from './constants.js';
import { attachment, gatewayChildMetadata, type Placement } from './envoyfilter.js';
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

/** Validates tokens of the configured issuer at the gateway; without a location, from `Authorization: Bearer` (Istio's default). */
export function desiredRequestAuthentication(api: ExposedAPI, jwt: Jwt, apiKey: { location?: string }, where: Placement): KubeObject {
  const rule: Record<string, unknown> = { issuer: jwt.issuer, jwksUri: jwt.jwksUri, forwardOriginalToken: true };
  if (apiKey.location) {
    rule.fromHeaders = [{ name: apiKey.location }];
    rule.fromParams = [apiKey.location];
  }
  return {
    apiVersion: SECURITY_API_VERSION,
    kind: REQUEST_AUTHENTICATION_KIND,
    metadata: gatewayChildMetadata(api, where.namespace),
    spec: { ...attachment(where, 'selector', 'matchLabels'), jwtRules: [rule] },
  };
}

/**
 * The paths the API's route takes, as AuthorizationPolicy paths (`x*` is a prefix match): the
 * VirtualService's `uri.prefix` is a string prefix; Gateway API's PathPrefix matches whole
 * path segments, so `/a` takes `/a` and `/a/...` but not `/ab`.
 */
export function routedPaths(path: string, settings: Pick<Settings, 'router'>): string[] {
  if (settings.router !== 'httproute') return [`${path}*`];
  const base = path.replace(/\/+$/, '');
  return base === '' ? ['/*'] : [base, `${base}/*`];
}

/**
 * Denies requests without a valid token (no request principal) on this API's paths only.
 * On the API's own host only when it has one.
 */
export function desiredAuthorizationPolicy(api: ExposedAPI, spec: ApiSpec, settings: Pick<Settings, 'publicHostname' | 'router'>, where: Placement): KubeObject {
  const hosts = routeHosts(spec, settings).filter((h) => h !== '*');
  const operation: Record<string, unknown> = { paths: routedPaths(spec.path, settings) };
  if (hosts.length > 0) operation.hosts = hosts.flatMap((h) => [h, `${h}:*`]);
  return {
    apiVersion: SECURITY_API_VERSION,
    kind: AUTHORIZATION_POLICY_KIND,
    metadata: gatewayChildMetadata(api, where.namespace),
    spec: {
      ...attachment(where, 'selector', 'matchLabels'),
      action: 'DENY',
      rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation }] }],
    },
  };
}
