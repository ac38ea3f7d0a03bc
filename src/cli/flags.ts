// Flags shared by the commands: scope (namespaces), connection (kubeconfig, context) and
// the operator settings, each defaulting to the Canvas operator's environment variable.
import { Args, Flags } from '@oclif/core';
import { buildSettings, literalNamespaces, namespaceMatcher, parseNamespacePatterns, settingsFromEnv } from '../reconcile/index.js';
import type { Settings } from '../reconcile/types.js';
import type { ClusterContext, Scope } from '../kube/context.js';
import { KubeClient } from '../kube/client.js';
import { UserError } from './errors.js';

const env = settingsFromEnv(process.env);

/** Optional ExposedAPI names after the command (with `static strict = false`, any number). */
export const namesArg = { names: Args.string({ description: 'ExposedAPI names (default: all in scope)' }) };

/** `-o table|json|yaml`, for the commands that report on APIs. */
export const reportFormatFlag = { output: Flags.option({ char: 'o', options: ['table', 'json', 'yaml'] as const, default: 'table' })() };

export const scopeFlags = {
  namespace: Flags.string({
    char: 'n',
    multiple: true,
    // `-n NAMESPACE NAME`, as with kubectl: one value per -n, so NAME stays a name.
    multipleNonGreedy: true,
    description: `Namespaces to serve: comma-separated globs, ! to exclude; repeatable [default: COMPONENT_NAMESPACE or ${env.namespaces.join(',')}]`,
  }),
  'all-namespaces': Flags.boolean({ char: 'A', description: 'Serve every namespace', exclusive: ['namespace'] }),
};

export const connectionFlags = {
  kubeconfig: Flags.string({ description: 'Path to the kubeconfig file (default: KUBECONFIG, then ~/.kube/config)' }),
  context: Flags.string({ description: 'The kubeconfig context to use' }),
};

export const settingsFlags = {
  'metrics-mode': Flags.string({
    description: 'How metrics APIs are scraped: ServiceMonitor, PrometheusAnnotation or DataDogAnnotation',
    env: 'OPENMETRICS_IMPLEMENTATION',
    default: 'ServiceMonitor',
  }),
  'public-hostname': Flags.string({
    description: 'Host for API URLs and VirtualService hosts when an API sets no hostname (IPv4, IPv6 or DNS name)',
    env: 'APIOPERATORISTIO_PUBLICHOSTNAME',
  }),
  gateway: Flags.string({
    description: 'Gateway the APIs are routed through (an Istio Gateway; a Gateway API Gateway with --router httproute): name or namespace/name',
    env: 'APIOPERATORISTIO_COMPONENTGATEWAY',
    default: 'component-gateway',
  }),
  router: Flags.string({
    description: 'What routes each API: virtualservice (Istio VirtualServices, the Canvas default) or httproute (Gateway API HTTPRoutes on a Gateway API Gateway)',
    env: 'APIOPERATORISTIO_ROUTER',
    default: 'virtualservice',
  }),
  'scrape-interval': Flags.string({ description: 'Scrape interval written to ServiceMonitors', default: '15s' }),
  'rate-limit-identifiers': Flags.boolean({
    description: "Keep a rate-limit bucket per client (rateLimit.identifier: ip or header:NAME); the ingress gateways' Envoy must be 1.35 or newer",
    env: 'APIOPERATORISTIO_RATELIMIT_IDENTIFIERS',
    default: false,
  }),
  'jwt-issuer': Flags.string({ description: 'JWT issuer the tokens of apiKeyVerification APIs are checked against (with --jwks-uri)', env: 'APIOPERATORISTIO_JWT_ISSUER' }),
  'jwks-uri': Flags.string({ description: 'JWKS URI of the keys those tokens are signed with (with --jwt-issuer)', env: 'APIOPERATORISTIO_JWKS_URI' }),
};

/** What every command that works on a cluster takes: scope, connection and operator settings. */
export const clusterFlags = { ...scopeFlags, ...connectionFlags, ...settingsFlags };

export interface ScopeFlags {
  namespace?: string[];
  'all-namespaces': boolean;
}

/** The namespace patterns of -n (else COMPONENT_NAMESPACE, else the default), checked; 'all' for -A. */
export function servedNamespaces(flags: ScopeFlags): string[] | 'all' {
  if (flags['all-namespaces']) return 'all';
  const fromFlag = flags.namespace !== undefined;
  const parsed = parseNamespacePatterns(fromFlag ? flags.namespace! : env.namespaces, fromFlag ? '-n' : 'COMPONENT_NAMESPACE');
  if ('error' in parsed) throw new UserError(parsed.error);
  return parsed.patterns;
}

function scopeFrom(flags: ScopeFlags): Scope {
  const patterns = servedNamespaces(flags);
  if (patterns === 'all') return { matches: () => true, all: true, description: 'all namespaces' };
  return { matches: namespaceMatcher(patterns), literal: literalNamespaces(patterns), description: patterns.join(',') };
}

interface SettingsFlags {
  'metrics-mode': string;
  'public-hostname'?: string;
  gateway: string;
  router: string;
  'scrape-interval': string;
  'jwt-issuer'?: string;
  'jwks-uri'?: string;
  'rate-limit-identifiers': boolean;
}

function settingsFrom(flags: SettingsFlags): Settings {
  const built = buildSettings({
    metricsMode: flags['metrics-mode'],
    publicHostname: flags['public-hostname'] || undefined,
    gateway: flags.gateway,
    router: flags.router,
    scrapeInterval: flags['scrape-interval'],
    // Environment only, as the Canvas's Kong and APISIX operators read them (docs/policies.md).
    ...(env.timeouts ? { timeouts: env.timeouts } : {}),
    ...(flags['jwt-issuer'] ? { jwtIssuer: flags['jwt-issuer'] } : {}),
    ...(flags['jwks-uri'] ? { jwksUri: flags['jwks-uri'] } : {}),
    ...(flags['rate-limit-identifiers'] ? { rateLimitIdentifiers: true } : {}),
  });
  if ('errors' in built) throw new UserError(built.errors.join('; '));
  return built.settings;
}

/**
 * The context every cluster command works in, from its flags. Settings and scope first:
 * a usage error is reported before any kubeconfig problem.
 */
export function contextFrom(flags: ScopeFlags & SettingsFlags & { kubeconfig?: string; context?: string }): ClusterContext {
  const settings = settingsFrom(flags);
  const scope = scopeFrom(flags);
  return { settings, scope, client: KubeClient.load({ kubeconfig: flags.kubeconfig, context: flags.context }) };
}
