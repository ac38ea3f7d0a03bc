// spec.rateLimit (TM Forum's shape: limit as a string, interval ps|pm) as an Envoy
// local rate limit token bucket. Validation lives here too, so validate.ts and the
// builder agree on what a limit is.

/** The token bucket of one API's limit: `limit` requests per `fillSeconds`. */
export interface RateLimit {
  limit: number;
  fillSeconds: 1 | 60;
  interval: 'ps' | 'pm';
  /** spec.rateLimit.identifier, when set: whose requests share a bucket (see clientKeyOf). */
  identifier?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown): boolean => v === undefined || v === null;

/** The CRD types `limit` as a string ("10"); a number is accepted too. */
function limitOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[0-9]+\s*$/.test(v) ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n >= 1 && n <= 1_000_000_000 ? n : undefined;
}

/** Problems with an enabled spec.rateLimit, each `field: expectation, got value`. */
export function rateLimitProblems(raw: unknown, describe: (v: unknown) => string): string[] {
  if (absent(raw)) return [];
  if (!isRecord(raw)) return [`spec.rateLimit: must be an object, got ${describe(raw)}`];
  const problems: string[] = [];
  if (!absent(raw.enabled) && typeof raw.enabled !== 'boolean') problems.push(`spec.rateLimit.enabled: must be a boolean, got ${describe(raw.enabled)}`);
  if (raw.enabled !== true) return problems;
  if (limitOf(raw.limit) === undefined) {
    problems.push(`spec.rateLimit.limit: must be a whole number of requests from 1 to 1000000000 (e.g. "10"), got ${describe(raw.limit)}`);
  }
  if (!absent(raw.interval) && raw.interval !== 'ps' && raw.interval !== 'pm') {
    problems.push(`spec.rateLimit.interval: must be ps (per second) or pm (per minute), got ${describe(raw.interval)}`);
  }
  if (!absent(raw.identifier) && typeof raw.identifier !== 'string') problems.push(`spec.rateLimit.identifier: must be a string, got ${describe(raw.identifier)}`);
  return problems;
}

/** The limit of a valid, enabled spec.rateLimit; undefined when not enabled (or not valid). */
export function rateLimitOf(raw: unknown): RateLimit | undefined {
  if (!isRecord(raw) || raw.enabled !== true) return undefined;
  const limit = limitOf(raw.limit);
  if (limit === undefined) return undefined;
  const interval = raw.interval === 'pm' ? 'pm' : raw.interval === 'ps' || absent(raw.interval) ? 'ps' : undefined;
  if (interval === undefined) return undefined;
  const identifier = typeof raw.identifier === 'string' && raw.identifier.trim() !== '' ? raw.identifier.trim() : undefined;
  return { limit, interval, fillSeconds: interval === 'pm' ? 60 : 1, ...(identifier ? { identifier } : {}) };
}

export const describeRate = (r: RateLimit): string => `${r.limit} request${r.limit === 1 ? '' : 's'} per ${r.interval === 'pm' ? 'minute' : 'second'}`;

/** What a per-client bucket keys on: the client's address, or a request header's value. */
export type ClientKey = { by: 'address' } | { by: 'header'; header: string };

/** Spellings of "the client's IP address" the identifier may use (case, '-', '_' and spaces aside). */
const ADDRESS = ['ip', 'clientip', 'ipaddress', 'remoteaddress', 'remoteaddr', 'sourceip'];
/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** The key of an identifier: `ip` (and its spellings) or `header:NAME`; undefined for anything else. */
export function clientKeyOf(identifier: string): ClientKey | undefined {
  const header = /^header\s*[:.]\s*(.+)$/i.exec(identifier);
  if (header) return HEADER_NAME.test(header[1]) ? { by: 'header', header: header[1].toLowerCase() } : undefined;
  return ADDRESS.includes(identifier.toLowerCase().replace(/[-_\s]/g, '')) ? { by: 'address' } : undefined;
}

export const describeClientKey = (key: ClientKey): string => (key.by === 'address' ? "the client's address" : `the ${key.header} header`);
