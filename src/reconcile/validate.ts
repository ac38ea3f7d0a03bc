// Validation of the ExposedAPI spec. The CRD preserves unknown fields and some clusters
// still serve older schemas, so wrong types do reach us: every problem is reported with
// the field it is in, so the user can fix the spec from the condition message alone.

import type { ExposedAPI } from './types.js';
import { API_TYPES, SEGMENTS, type ApiSpec } from './spec.js';
import { isDns1035Label, isDns1123Subdomain, isHost } from './names.js';
import { pathProblem, type PathRules } from './paths.js';
import { rateLimitOf, rateLimitProblems } from './ratelimit.js';

export interface SpecIssue {
  field: string;
  /** Starts with the field, e.g. `spec.port: must be an integer between 1 and 65535, got "abc" (string)`. */
  message: string;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** How a bad value is shown in a message: strings quoted and typed, so "8080" is not mistaken for 8080. */
function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return `${JSON.stringify(v)} (string)`;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return `${v} (boolean)`;
  return Array.isArray(v) ? 'an array' : 'an object';
}

/** null counts as absent: YAML `key:` with no value arrives as null in preserved fields. */
const absent = (v: unknown): boolean => v === undefined || v === null;

const isString = (v: unknown): v is string => typeof v === 'string';
const isNonEmptyString = (v: unknown): v is string => isString(v) && v.length > 0;
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';

class Issues {
  readonly list: SpecIssue[] = [];

  /** Records `field: expectation, got <value>` unless `ok`. */
  expect(ok: boolean, field: string, expectation: string, value: unknown): void {
    if (!ok) this.list.push({ field, message: `${field}: ${expectation}, got ${describeValue(value)}` });
  }

  /** A URI path prefix, with the problem (character and position) in the message. */
  path(value: unknown, field: string, rules: PathRules): void {
    if (!isString(value) || !value.startsWith('/')) return this.expect(false, field, 'must be a string starting with "/"', value);
    const problem = pathProblem(value, rules);
    if (problem) this.list.push({ field, message: `${field}: must be a URI path: ${problem}, got ${describeValue(value)}` });
  }

  /** Like `expect`, but an absent value is fine. */
  optional(value: unknown, ok: (v: unknown) => boolean, field: string, expectation: string): void {
    if (!absent(value)) this.expect(ok(value), field, expectation, value);
  }
}

export function validateSpec(api: ExposedAPI): SpecIssue[] {
  const spec: unknown = api.spec;
  const issues = new Issues();
  if (!isRecord(spec)) {
    issues.expect(false, 'spec', 'must be an object', spec);
    return issues.list;
  }
  issues.expect(isNonEmptyString(spec.name), 'spec.name', 'must be a non-empty string', spec.name);
  issues.expect(
    (API_TYPES as readonly unknown[]).includes(spec.apiType),
    'spec.apiType',
    `must be one of ${API_TYPES.join(', ')}`,
    spec.apiType,
  );
  issues.expect(
    isString(spec.implementation) && isDns1035Label(spec.implementation),
    'spec.implementation',
    'must be a Service name (DNS-1035 label: lower-case letters, digits and "-", starting with a letter, at most 63 characters)',
    spec.implementation,
  );
  issues.path(spec.path, 'spec.path', { catchAll: false });
  issues.expect(
    Number.isInteger(spec.port) && (spec.port as number) >= 1 && (spec.port as number) <= 65535,
    'spec.port',
    'must be an integer between 1 and 65535',
    spec.port,
  );
  issues.optional(
    spec.hostname,
    (v) => isString(v) && isHost(v),
    'spec.hostname',
    'must be a lower-case DNS name (optionally starting with "*."), an IPv4 or an IPv6 address',
  );
  if (!absent(spec.developerUI)) issues.path(spec.developerUI, 'spec.developerUI', { catchAll: true });
  issues.optional(
    spec.segment,
    (v) => (SEGMENTS as readonly unknown[]).includes(v),
    'spec.segment',
    `must be one of ${SEGMENTS.join(', ')}`,
  );
  validateCors(spec.CORS, issues);
  validateBasicAuth(spec.basicAuth, issues);
  return issues.list;
}

function validateCors(cors: unknown, issues: Issues): void {
  if (absent(cors)) return;
  if (!isRecord(cors)) return issues.expect(false, 'spec.CORS', 'must be an object', cors);
  issues.optional(cors.enabled, isBoolean, 'spec.CORS.enabled', 'must be a boolean');
  issues.optional(cors.allowCredentials, isBoolean, 'spec.CORS.allowCredentials', 'must be a boolean');
  issues.optional(cors.allowOrigins, isString, 'spec.CORS.allowOrigins', 'must be a string (CSV of origins)');
  const preflight = cors.handlePreflightRequests;
  if (absent(preflight)) return;
  const at = 'spec.CORS.handlePreflightRequests';
  if (!isRecord(preflight)) return issues.expect(false, at, 'must be an object', preflight);
  issues.optional(preflight.enabled, isBoolean, `${at}.enabled`, 'must be a boolean');
  issues.optional(preflight.allowHeaders, isString, `${at}.allowHeaders`, 'must be a string (CSV of headers)');
  issues.optional(preflight.allowMethods, isString, `${at}.allowMethods`, 'must be a string (CSV of methods)');
  issues.optional(
    preflight.maxAge,
    (v) => Number.isInteger(v) && (v as number) >= 0,
    `${at}.maxAge`,
    'must be a non-negative integer (seconds)',
  );
}

/** Same shape as a ServiceMonitor endpoint's `basicAuth`, which the Canvas copies it into. */
function validateBasicAuth(auth: unknown, issues: Issues): void {
  if (absent(auth)) return;
  if (!isRecord(auth)) return issues.expect(false, 'spec.basicAuth', 'must be an object with username and password', auth);
  for (const part of ['username', 'password'] as const) {
    const at = `spec.basicAuth.${part}`;
    const ref = auth[part];
    if (!isRecord(ref)) {
      issues.expect(false, at, 'must be an object with the name and key of a Secret', ref);
      continue;
    }
    issues.expect(isString(ref.name) && isDns1123Subdomain(ref.name), `${at}.name`, 'must be a Secret name', ref.name);
    issues.expect(isNonEmptyString(ref.key), `${at}.key`, 'must be a non-empty string', ref.key);
    issues.optional(ref.optional, isBoolean, `${at}.optional`, 'must be a boolean');
  }
}

/** The typed spec when valid, else every issue found. */
export function parseSpec(api: ExposedAPI): { spec: ApiSpec } | { issues: SpecIssue[] } {
  const issues = validateSpec(api);
  if (issues.length > 0) return { issues };
  const raw = api.spec;
  const optional = <T>(v: unknown): T | undefined => (absent(v) ? undefined : (v as T));
  const spec: ApiSpec = {
    name: raw.name as string,
    apiType: raw.apiType as ApiSpec['apiType'],
    implementation: raw.implementation as string,
    path: raw.path as string,
    port: raw.port as number,
  };
  const extras: Partial<ApiSpec> = {
    hostname: optional(raw.hostname),
    developerUI: optional(raw.developerUI),
    segment: optional(raw.segment),
    CORS: optional(raw.CORS),
    basicAuth: optional(raw.basicAuth),
    rateLimit: rateLimitOf(raw.rateLimit),
  };
  // A bad policy is not a bad route: it is reported by PoliciesEnforced (plan-policies.ts), and routing goes on.
  const policyIssues = rateLimitProblems(raw.rateLimit, describeValue);
  if (policyIssues.length > 0) spec.policyIssues = policyIssues;
  for (const [key, value] of Object.entries(extras)) {
    if (value !== undefined) Object.assign(spec, { [key]: value });
  }
  return { spec };
}
