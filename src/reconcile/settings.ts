// Settings: each flag defaults to the Canvas operator's environment variable, so the
// operator drops into the Canvas Helm chart unchanged. Validators return one line
// naming the setting and the accepted forms, for the CLI to print as is.

import type { MetricsMode, Router, Settings } from './types.js';
import { parseMetricsMode } from './metrics.js';
import { isDns1123Label, isDns1123Subdomain, isHost } from './names.js';

/** Raw setting values as strings, before validation. */
export interface RawSettings {
  /** As given: checked by parseNamespacePatterns when used. */
  namespaces: string[];
  metricsMode: string;
  publicHostname?: string;
  gateway: string;
  /** `virtualservice` or `httproute`; absent: virtualservice. */
  router?: string;
  logLevel: string;
  scrapeInterval: string;
  /** API_CONNECT_TIMEOUT, API_READ_TIMEOUT, API_WRITE_TIMEOUT as given (seconds, as the Canvas's Kong and APISIX operators read them). */
  timeouts?: { connect?: string; read?: string; write?: string };
  /** APIOPERATORISTIO_JWT_ISSUER and APIOPERATORISTIO_JWKS_URI (or the flags): apiKeyVerification's tokens. */
  jwtIssuer?: string;
  jwksUri?: string;
  /** APIOPERATORISTIO_RATELIMIT_IDENTIFIERS (or the flag): per-client rate-limit buckets. */
  rateLimitIdentifiers?: boolean;
}

export const DEFAULTS = {
  namespaces: ['components'],
  metricsMode: 'ServiceMonitor',
  gateway: 'component-gateway',
  router: 'virtualservice',
  logLevel: 'info',
  scrapeInterval: '15s',
} as const;

/**
 * The defaults for the flags, from the Canvas environment variables. Empty counts as unset
 * (Helm writes ""), except COMPONENT_NAMESPACE: set but empty, it is kept for the scope
 * check to refuse, as an unset variable in a script must not mean "every namespace".
 */
export function settingsFromEnv(env: Record<string, string | undefined>): RawSettings {
  const get = (key: string): string | undefined => {
    const value = env[key]?.trim();
    return value ? value : undefined;
  };
  const publicHostname = get('APIOPERATORISTIO_PUBLICHOSTNAME');
  const timeouts = Object.fromEntries(
    (['connect', 'read', 'write'] as const).flatMap((k) => {
      const v = get(`API_${k.toUpperCase()}_TIMEOUT`);
      return v === undefined ? [] : [[k, v]];
    }),
  );
  return {
    namespaces: env.COMPONENT_NAMESPACE !== undefined ? [env.COMPONENT_NAMESPACE] : [...DEFAULTS.namespaces],
    metricsMode: get('OPENMETRICS_IMPLEMENTATION') ?? DEFAULTS.metricsMode,
    ...(publicHostname ? { publicHostname } : {}),
    gateway: get('APIOPERATORISTIO_COMPONENTGATEWAY') ?? DEFAULTS.gateway,
    ...(get('APIOPERATORISTIO_ROUTER') ? { router: get('APIOPERATORISTIO_ROUTER') } : {}),
    logLevel: get('LOGGING') ?? DEFAULTS.logLevel,
    scrapeInterval: DEFAULTS.scrapeInterval,
    ...(Object.keys(timeouts).length > 0 ? { timeouts } : {}),
    ...(get('APIOPERATORISTIO_JWT_ISSUER') ? { jwtIssuer: get('APIOPERATORISTIO_JWT_ISSUER') } : {}),
    ...(get('APIOPERATORISTIO_JWKS_URI') ? { jwksUri: get('APIOPERATORISTIO_JWKS_URI') } : {}),
  };
}

/** Both or neither; an issuer without spaces, a JWKS URI over http(s). */
export function jwtError(issuer: string | undefined, jwksUri: string | undefined): string | undefined {
  if (issuer === undefined && jwksUri === undefined) return undefined;
  if (issuer === undefined || jwksUri === undefined) return 'JWT issuer and JWKS URI: set both (--jwt-issuer and --jwks-uri) or neither';
  if (/\s/.test(issuer)) return `JWT issuer "${issuer}": must not contain spaces`;
  return /^https?:\/\/[^\s/]+(\/\S*)?$/.test(jwksUri) ? undefined : `JWKS URI "${jwksUri}": must be an http or https URL`;
}

/** A timeout variable: seconds, as the Canvas's Kong and APISIX operators read it ("60", "0.5"); 0 or more, to the millisecond. */
const SECONDS = /^[0-9]{1,7}(\.[0-9]{1,3})?$/;

export function timeoutError(variable: string, value: string): string | undefined {
  return SECONDS.test(value) ? undefined : `${variable} "${value}": must be a number of seconds, such as 60 or 0.5`;
}

const milliseconds = (seconds: string): number => Math.round(Number(seconds) * 1000);

const ROUTERS: readonly Router[] = ['virtualservice', 'httproute'];

export function routerError(value: string): string | undefined {
  return (ROUTERS as readonly string[]).includes(value) ? undefined : `router "${value}": must be virtualservice (Istio VirtualServices) or httproute (Gateway API HTTPRoutes)`;
}

export function metricsModeError(value: string): string | undefined {
  return parseMetricsMode(value)
    ? undefined
    : `metrics mode "${value}": must be ServiceMonitor, PrometheusAnnotation or DataDogAnnotation`;
}

export function publicHostnameError(value: string): string | undefined {
  // A wildcard makes no URL, so unlike spec.hostname it is refused here.
  return isHost(value) && !value.startsWith('*')
    ? undefined
    : `public hostname "${value}": must be an IPv4 address, an IPv6 address or a lower-case DNS name`;
}

export function gatewayError(value: string): string | undefined {
  const parts = value.split('/');
  const ok =
    (parts.length === 1 && isDns1123Subdomain(parts[0])) ||
    (parts.length === 2 && isDns1123Label(parts[0]) && isDns1123Subdomain(parts[1]));
  return ok ? undefined : `gateway "${value}": must be a Gateway name or namespace/name`;
}

/** Prometheus durations, as the ServiceMonitor CRD accepts them (e.g. 30s, 1m30s). */
const DURATION = /^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$/;

export function scrapeIntervalError(value: string): string | undefined {
  return value !== '' && DURATION.test(value) && /[1-9]/.test(value)
    ? undefined
    : `scrape interval "${value}": must be a non-zero Prometheus duration such as 15s or 1m30s`;
}

/** Engine settings from raw values, or every problem found. */
export function buildSettings(raw: Omit<RawSettings, 'namespaces' | 'logLevel'>): { settings: Settings } | { errors: string[] } {
  const errors = [
    metricsModeError(raw.metricsMode),
    raw.publicHostname === undefined ? undefined : publicHostnameError(raw.publicHostname),
    gatewayError(raw.gateway),
    raw.router === undefined ? undefined : routerError(raw.router),
    scrapeIntervalError(raw.scrapeInterval),
    jwtError(raw.jwtIssuer, raw.jwksUri),
    ...Object.entries(raw.timeouts ?? {}).map(([k, v]) => (v === undefined ? undefined : timeoutError(`API_${k.toUpperCase()}_TIMEOUT`, v))),
  ].filter((e): e is string => e !== undefined);
  if (errors.length > 0) return { errors };
  const settings: Settings = {
    metricsMode: parseMetricsMode(raw.metricsMode) as MetricsMode,
    gateway: raw.gateway,
    scrapeInterval: raw.scrapeInterval,
  };
  if (raw.publicHostname !== undefined) settings.publicHostname = raw.publicHostname;
  if (raw.router === 'httproute') settings.router = 'httproute';
  if (raw.rateLimitIdentifiers) settings.rateLimitIdentifiers = true;
  if (raw.jwtIssuer !== undefined && raw.jwksUri !== undefined) settings.jwt = { issuer: raw.jwtIssuer, jwksUri: raw.jwksUri };
  const t = raw.timeouts;
  if (t && Object.values(t).some((v) => v !== undefined)) {
    settings.timeouts = {
      ...(t.connect !== undefined ? { connectMs: milliseconds(t.connect) } : {}),
      ...(t.read !== undefined ? { readMs: milliseconds(t.read) } : {}),
      ...(t.write !== undefined ? { writeMs: milliseconds(t.write) } : {}),
    };
  }
  return { settings };
}
