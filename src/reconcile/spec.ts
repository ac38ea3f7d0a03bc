// The ExposedAPI spec as the engine uses it once validated. The CRD preserves unknown
// fields, so the raw spec is `Record<string, unknown>`; `parseSpec` (validate.ts)
// is the only way to get one of these.

export const API_TYPES = ['openapi', 'prometheus', 'openmetrics', 'mcp'] as const;
export type ApiType = (typeof API_TYPES)[number];

export const SEGMENTS = ['coreFunction', 'managementFunction', 'securityFunction'] as const;
export type Segment = (typeof SEGMENTS)[number];

export interface CorsSpec {
  enabled?: boolean;
  allowCredentials?: boolean;
  /** CSV of origins. */
  allowOrigins?: string;
  handlePreflightRequests?: {
    enabled?: boolean;
    /** CSV of header names. */
    allowHeaders?: string;
    /** CSV of methods. */
    allowMethods?: string;
    /** Seconds. */
    maxAge?: number;
  };
}

/** A key of a Secret, as the ServiceMonitor `basicAuth` fields expect it. */
export interface SecretKeyRef {
  name: string;
  key: string;
  optional?: boolean;
}

export interface BasicAuthSpec {
  username: SecretKeyRef;
  password: SecretKeyRef;
}

import type { RateLimit } from './ratelimit.js';

export interface ApiSpec {
  name: string;
  apiType: ApiType;
  implementation: string;
  path: string;
  port: number;
  hostname?: string;
  developerUI?: string;
  segment?: Segment;
  CORS?: CorsSpec;
  basicAuth?: BasicAuthSpec;
  /** spec.rateLimit when enabled (validated). */
  rateLimit?: RateLimit;
  /** What is wrong with the policy fields (spec.rateLimit), one message each; the route does not depend on them. */
  policyIssues?: string[];
}
