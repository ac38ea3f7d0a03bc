// The children we generate must be accepted by the real upstream CRDs (strict field
// validation: no unknown fields, right types, enums and patterns). The CRDs are
// reference data outside the project, found by scripts/reference-crds.mjs (jest.config.js).

import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ExposedAPI, KubeObject, Service, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import { desiredServiceMonitor } from './metrics.js';
import { desiredVirtualService } from './virtualservice.js';
import { desiredEnvoyFilter } from './envoyfilter.js';
import { desiredAuthorizationPolicy, desiredRequestAuthentication } from './jwt.js';
import { desiredDestinationRule } from './destinationrule.js';
import { desiredHTTPRoute } from './httproute.js';

const dir = resolve(process.env.ODA_API_REFERENCE_CRDS_DIR ?? '../shared/reference/crds');

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  oneOf?: Schema[];
  anyOf?: Schema[];
  not?: Schema;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
};

/** The openAPIV3Schema of each served version of a CRD file. */
function schemasOf(file: string): Map<string, Schema> {
  const crd = parseAllDocuments(readFileSync(join(dir, file), 'utf8'))[0].toJS() as {
    spec: { versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
  };
  return new Map(crd.spec.versions.map((v) => [v.name, v.schema.openAPIV3Schema]));
}

/** Constraint-only subschemas (oneOf/anyOf/not of `required`), as the CRDs use them. */
function satisfies(value: unknown, schema: Schema): boolean {
  const obj = (value ?? {}) as Record<string, unknown>;
  if (schema.required && !schema.required.every((k) => k in obj)) return false;
  if (schema.not && satisfies(value, schema.not)) return false;
  if (schema.anyOf && !schema.anyOf.some((s) => satisfies(value, s))) return false;
  if (schema.oneOf && schema.oneOf.filter((s) => satisfies(value, s)).length !== 1) return false;
  return true;
}

/** A structural-schema check, enough for the fields we write. Returns every violation. */
function violations(value: unknown, schema: Schema, path = ''): string[] {
  if (value === null) return schema.nullable ? [] : [`${path}: null`];
  if (schema['x-kubernetes-int-or-string']) {
    return Number.isInteger(value) || typeof value === 'string' ? [] : [`${path}: not int-or-string`];
  }
  const errors: string[] = [];
  if ((schema.oneOf || schema.anyOf || schema.not) && !satisfies(value, schema)) errors.push(`${path}: oneOf/anyOf/not violated`);
  switch (schema.type) {
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: not an object`];
      const obj = value as Record<string, unknown>;
      for (const key of schema.required ?? []) if (!(key in obj)) errors.push(`${path}.${key}: required`);
      for (const [key, v] of Object.entries(obj)) {
        const sub = schema.properties?.[key] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
        if (sub) errors.push(...violations(v, sub, `${path}.${key}`));
        else if (!schema['x-kubernetes-preserve-unknown-fields']) errors.push(`${path}.${key}: unknown field`);
      }
      return errors;
    }
    case 'array':
      if (!Array.isArray(value)) return [`${path}: not an array`];
      return [...errors, ...value.flatMap((v, i) => (schema.items ? violations(v, schema.items, `${path}[${i}]`) : []))];
    case 'string':
      if (typeof value !== 'string') return [`${path}: not a string`];
      if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${value} not in enum`);
      if (schema.pattern && !new RegExp(schema.pattern).test(value)) errors.push(`${path}: ${value} does not match ${schema.pattern}`);
      return errors;
    case 'integer':
      if (!Number.isInteger(value)) return [`${path}: not an integer`];
      if (schema.minimum !== undefined && (value as number) < schema.minimum) errors.push(`${path}: below minimum`);
      if (schema.maximum !== undefined && (value as number) > schema.maximum) errors.push(`${path}: above maximum`);
      return errors;
    case 'boolean':
      return typeof value === 'boolean' ? errors : [`${path}: not a boolean`];
    default:
      return errors;
  }
}

/** The CRD-validated part of an object (metadata is checked by the API server itself). */
const body = (o: KubeObject) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'apiVersion' && k !== 'kind' && k !== 'metadata'));

const api: ExposedAPI = {
  apiVersion: 'oda.tmforum.org/v1',
  kind: 'ExposedAPI',
  metadata: { name: 'prd-api', namespace: 'components', uid: 'u-1', labels: { a: 'b' } },
  spec: {},
};
const settings: Settings = { metricsMode: 'ServiceMonitor', gateway: 'istio-system/gw', scrapeInterval: '1m30s' };
const spec: ApiSpec = { name: 'x', apiType: 'prometheus', implementation: 'prd-svc', path: '/metrics', port: 9090 };
const specs: [string, ApiSpec][] = [
  ['minimal', spec],
  ['CORS with defaults', { ...spec, hostname: '*.example.com', CORS: { enabled: true } }],
  [
    'CORS with every field',
    {
      ...spec,
      CORS: {
        enabled: true,
        allowCredentials: true,
        allowOrigins: 'https://a.example,https://*.b.example',
        handlePreflightRequests: { enabled: true, allowHeaders: 'X-A, X-B', allowMethods: 'GET', maxAge: 60 },
      },
    },
  ],
  ['CORS without preflight', { ...spec, CORS: { enabled: true, handlePreflightRequests: { enabled: false } } }],
  ['basicAuth', { ...spec, basicAuth: { username: { name: 's', key: 'u' }, password: { name: 's', key: 'p', optional: true } } }],
  ['rate limit (a named route)', { ...spec, apiType: 'openapi', rateLimit: { limit: 10, interval: 'pm', fillSeconds: 60, identifier: 'ip' } }],
  ['MCP (a named route)', { ...spec, apiType: 'mcp' }],
];
/** The EnvoyFilter cases: rate limit, MCP, both, and MCP with API_READ_TIMEOUT. */
const filterCases: [string, ApiSpec, Pick<Settings, 'timeouts'>][] = [
  ['rate limit per second', { ...spec, apiType: 'openapi', rateLimit: { limit: 5, interval: 'ps', fillSeconds: 1 } }, {}],
  ['MCP', { ...spec, apiType: 'mcp' }, {}],
  ['MCP with a rate limit and API_READ_TIMEOUT', { ...spec, apiType: 'mcp', rateLimit: { limit: 100, interval: 'pm', fillSeconds: 60 } }, { timeouts: { readMs: 1500 } }],
];

// Missing reference CRDs fail loudly rather than skip: a skipped check proves nothing.
it('finds the upstream CRDs', () => {
  if (!existsSync(dir)) throw new Error(`the upstream CRDs are not at ${dir}: set ODA_API_REFERENCE_CRDS_DIR to a folder holding the upstream Istio and Prometheus CRDs (see CONTRIBUTING.md)`);
});

if (existsSync(dir)) describe(`generated objects validate against the upstream CRDs in ${dir}`, () => {
  const virtualService = schemasOf('istio-virtualservices.yaml');
  const serviceMonitor = schemasOf('prometheus-servicemonitors.yaml').get('v1')!;
  const envoyFilter = schemasOf('istio-envoyfilters.yaml').get('v1alpha3')!;

  const requestAuthentication = schemasOf('istio-requestauthentications.yaml');
  const authorizationPolicy = schemasOf('istio-authorizationpolicies.yaml');
  const place = { namespace: 'istio-ingress', workloadLabels: { istio: 'ingressgateway' } };
  const jwt = { issuer: 'https://idp.example/realms/canvas', jwksUri: 'https://idp.example/certs' };
  for (const version of ['v1', 'v1beta1']) {
    it.each([['Authorization header', {}], ['a named header or parameter', { location: 'x-api-key' }]])(`RequestAuthentication ${version}: %s`, (_label, key) => {
      expect(violations(body(desiredRequestAuthentication(api, jwt, key, place)), requestAuthentication.get(version)!)).toEqual([]);
    });
    it.each([['every host', spec], ['a hostname', { ...spec, hostname: 'api.example.org' }]])(`AuthorizationPolicy ${version}: %s`, (_label, s) => {
      expect(violations(body(desiredAuthorizationPolicy(api, s, settings, place)), authorizationPolicy.get(version)!)).toEqual([]);
    });
  }

  it.each(filterCases)('EnvoyFilter v1alpha3: %s', (_label, s, timeouts) => {
    const filter = desiredEnvoyFilter(api, s, timeouts, { namespace: 'istio-ingress', workloadLabels: { istio: 'ingressgateway' } });
    expect(violations(body(filter), envoyFilter)).toEqual([]);
  });

  // The CRD also checks `duration(self) >= duration('1ms')` (CEL, not run here; the integration
  // suite's run on the upstream CRDs does): the value must be a duration of 1 ms or more.
  const destinationRule = schemasOf('istio-destinationrules.yaml');
  for (const version of ['v1', 'v1beta1', 'v1alpha3']) {
    it.each([[1], [1500], [60000]])(`DestinationRule ${version}: API_CONNECT_TIMEOUT %s ms`, (ms) => {
      const rule = desiredDestinationRule(api, { ...spec, apiType: 'mcp' }, ms, `networking.istio.io/${version}`, 'components');
      expect(violations(body(rule), destinationRule.get(version)!)).toEqual([]);
      const timeout = (rule.spec as { trafficPolicy: { connectionPool: { tcp: { connectTimeout: string } } } }).trafficPolicy.connectionPool.tcp.connectTimeout;
      expect(timeout).toMatch(/^[0-9]+(\.[0-9]+)?s$/);
      expect(Number(timeout.slice(0, -1))).toBeGreaterThanOrEqual(0.001);
    });
  }
  // The httproute router: the HTTPRoute, and the gateway children attached to the Gateway by targetRefs.
  const httpRoute = schemasOf('gateway-api-httproutes.yaml');
  const byGateway: Settings = { ...settings, router: 'httproute', gateway: 'canvas/canvas-gw' };
  for (const version of ['v1', 'v1beta1']) {
    it.each([...specs, ['a hostname that is an IP address (left out)', { ...spec, hostname: '203.0.113.9' }] as [string, ApiSpec]])(`HTTPRoute ${version}: %s`, (_label, s) => {
      expect(violations(body(desiredHTTPRoute(api, s, byGateway)), httpRoute.get(version)!)).toEqual([]);
    });
  }
  const onGateway = { namespace: 'canvas', gateway: 'canvas-gw' };
  it('gateway children attached by targetRefs: EnvoyFilter, RequestAuthentication, AuthorizationPolicy', () => {
    expect(violations(body(desiredEnvoyFilter(api, filterCases[2][1], { ...byGateway, timeouts: { readMs: 1500 } }, onGateway)), envoyFilter)).toEqual([]);
    expect(violations(body(desiredRequestAuthentication(api, jwt, {}, onGateway)), requestAuthentication.get('v1')!)).toEqual([]);
    expect(violations(body(desiredAuthorizationPolicy(api, spec, byGateway, onGateway)), authorizationPolicy.get('v1')!)).toEqual([]);
  });

  it('the checker itself rejects unknown fields, wrong types and bad patterns', () => {
    const bad = { spec: { hosts: 'x', http: [{ corsPolicy: { maxAge: 5, nope: true } }] } };
    expect(violations(bad, virtualService.get('v1')!).sort()).toEqual([
      '.spec.hosts: not an array',
      '.spec.http[0].corsPolicy.maxAge: not a string',
      '.spec.http[0].corsPolicy.nope: unknown field',
    ]);
    expect(violations({ spec: { selector: {}, endpoints: [{ interval: '15 seconds' }] } }, serviceMonitor)).toEqual([expect.stringContaining('interval: 15 seconds does not match')]);
    expect(violations({ spec: { http: [{ corsPolicy: { allowOrigins: [{ exact: 'a', regex: 'b' }] } }] } }, virtualService.get('v1')!)).toHaveLength(1);
    expect(violations({ spec: { rules: [{ matches: [{ path: { type: 'Prefix', value: '/a' } }], filters: [{ type: 'CORS', cors: { maxAge: 0 } }] }] } }, httpRoute.get('v1')!).sort()).toEqual([
      '.spec.rules[0].filters[0].cors.maxAge: below minimum',
      '.spec.rules[0].matches[0].path.type: Prefix not in enum',
    ]);
  });

  for (const version of ['v1', 'v1beta1', 'v1alpha3']) {
    it.each(specs)(`VirtualService ${version}: %s`, (_label, s) => {
      const vs = desiredVirtualService(api, s, settings, `networking.istio.io/${version}`);
      expect(violations(body(vs), virtualService.get(version)!)).toEqual([]);
    });
  }

  const service = (ports: Service['spec']): Service => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'prd-svc', namespace: 'components', labels: { name: 'prd-svc' } },
    spec: ports,
  });
  it.each<[string, ApiSpec, Service]>([
    ...specs.map(([label, s]): [string, ApiSpec, Service] => [`${label}, named port`, s, service({ ports: [{ name: 'metrics', port: 9090 }] })]),
    ['numeric targetPort', spec, service({ ports: [{ port: 9090, targetPort: 9100 }] })],
    ['named targetPort', spec, service({ ports: [{ port: 9090, targetPort: 'prom' }] })],
  ])('ServiceMonitor v1: %s', (_label, s, svc) => {
    const built = desiredServiceMonitor(api, s, svc, [svc], settings);
    if (!('object' in built)) throw new Error(built.problem.message);
    expect(violations(body(built.object), serviceMonitor)).toEqual([]);
  });
});
