// spec.CORS (TM Forum's shape, CSV strings) to an Istio `corsPolicy`. Defaults are the
// ones documented on the ExposedAPI CRD fields, so an empty `CORS: {enabled: true}`
// behaves as the CRD promises.

import type { CorsSpec } from './spec.js';

const DEFAULT_ORIGINS = '*';
const DEFAULT_METHODS = 'GET, POST, HEAD, OPTIONS';
const DEFAULT_HEADERS =
  'Origin, Accept, X-Requested-With, Content-Type, Access-Control-Request-Method, Access-Control-Request-Headers';
const DEFAULT_MAX_AGE_SECONDS = 1800;

/** Istio's StringMatch, as used by `corsPolicy.allowOrigins`. */
export type OriginMatch = { exact: string } | { regex: string };

export interface CorsPolicy {
  allowOrigins: OriginMatch[];
  allowMethods?: string[];
  allowHeaders?: string[];
  maxAge?: string;
  allowCredentials: boolean;
}

/** Blank or absent CSV means the documented default. */
function csv(value: string | undefined, fallback: string): string[] {
  const items = (value ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return items.length > 0 ? items : csv(fallback, '');
}

const escapeRe2 = (s: string): string => s.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/** `*` alone allows any origin; `*` inside an origin (https://*.example.com) is a wildcard. */
export function originMatch(origin: string): OriginMatch {
  if (!origin.includes('*')) return { exact: origin };
  return { regex: origin.split('*').map(escapeRe2).join('.*') };
}

/** The corsPolicy for an enabled spec.CORS, or undefined when CORS is not enabled. */
export function corsPolicy(cors: CorsSpec | undefined): CorsPolicy | undefined {
  if (cors?.enabled !== true) return undefined;
  const policy: CorsPolicy = {
    allowOrigins: csv(cors.allowOrigins, DEFAULT_ORIGINS).map(originMatch),
    allowCredentials: cors.allowCredentials ?? false,
  };
  const preflight = cors.handlePreflightRequests;
  // With preflight handling switched off there is nothing to answer preflights with.
  if (preflight?.enabled === false) return policy;
  policy.allowMethods = csv(preflight?.allowMethods, DEFAULT_METHODS);
  policy.allowHeaders = csv(preflight?.allowHeaders, DEFAULT_HEADERS);
  const maxAge = preflight?.maxAge ?? DEFAULT_MAX_AGE_SECONDS;
  // Istio rejects durations under 1ms; 0 ("do not cache") is closest to leaving it unset.
  if (maxAge > 0) policy.maxAge = `${maxAge}s`;
  return policy;
}

/** Gateway API's HTTPRoute CORS filter (`filters[].cors`). */
export interface CorsFilter {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  maxAge: number;
  allowCredentials: boolean;
}

/**
 * The HTTPRoute CORS filter for an enabled spec.CORS. Origins are kept as written
 * (`https://*.example.com` is Gateway API's own wildcard form). The filter always answers
 * preflights, so with preflight handling off the defaults answer them; every field is set,
 * as the CRD would otherwise default maxAge and the route would never match.
 */
export function corsFilter(cors: CorsSpec | undefined): CorsFilter | undefined {
  if (cors?.enabled !== true) return undefined;
  const preflight = cors.handlePreflightRequests?.enabled === false ? undefined : cors.handlePreflightRequests;
  return {
    allowOrigins: csv(cors.allowOrigins, DEFAULT_ORIGINS),
    allowMethods: csv(preflight?.allowMethods, DEFAULT_METHODS),
    allowHeaders: csv(preflight?.allowHeaders, DEFAULT_HEADERS),
    maxAge: Math.max(1, preflight?.maxAge ?? DEFAULT_MAX_AGE_SECONDS),
    allowCredentials: cors.allowCredentials ?? false,
  };
}
