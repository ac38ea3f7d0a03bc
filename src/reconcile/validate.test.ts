import fc from 'fast-check';
import type { ExposedAPI } from './types.js';
import { parseSpec, validateSpec } from './validate.js';

const valid = { name: 'productcatalog', apiType: 'openapi', implementation: 'prd-svc', path: '/prd/v4', port: 8080 };
const api = (spec: unknown): ExposedAPI => ({
  apiVersion: 'oda.tmforum.org/v1',
  kind: 'ExposedAPI',
  metadata: { name: 'prd', namespace: 'components' },
  spec: spec as Record<string, unknown>,
});
const messages = (spec: unknown) => validateSpec(api(spec)).map((i) => i.message);

describe('validateSpec', () => {
  it('accepts a minimal spec', () => {
    expect(validateSpec(api(valid))).toEqual([]);
  });

  it('accepts every optional field', () => {
    const full = {
      ...valid,
      hostname: '*.example.com',
      developerUI: '/prd/v4/docs',
      segment: 'managementFunction',
      CORS: { enabled: true, allowCredentials: false, allowOrigins: '*', handlePreflightRequests: { enabled: true, allowHeaders: 'X', allowMethods: 'GET', maxAge: 0 } },
      basicAuth: { username: { name: 'creds', key: 'u' }, password: { name: 'creds', key: 'p', optional: false } },
      rateLimit: { enabled: true },
      unknownField: 42,
    };
    expect(validateSpec(api(full))).toEqual([]);
  });

  it('treats null optional fields as absent', () => {
    expect(validateSpec(api({ ...valid, hostname: null, developerUI: null, CORS: null }))).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['port as a string', { port: '8080' }, 'spec.port: must be an integer between 1 and 65535, got "8080" (string)'],
    ['port not a number', { port: 'abc' }, 'spec.port: must be an integer between 1 and 65535, got "abc" (string)'],
    ['port 0', { port: 0 }, 'spec.port: must be an integer between 1 and 65535, got 0'],
    ['port too big', { port: 65536 }, 'spec.port: must be an integer between 1 and 65535, got 65536'],
    ['port fractional', { port: 80.5 }, 'spec.port: must be an integer between 1 and 65535, got 80.5'],
    ['port missing', { port: undefined }, 'spec.port: must be an integer between 1 and 65535, got nothing'],
    ['relative path', { path: 'prd/v4' }, 'spec.path: must be a string starting with "/", got "prd/v4" (string)'],
    [
      'path with a space',
      { path: '/bad/with space' },
      'spec.path: must be a URI path: a space at character 10 is not allowed; percent-encode it as %20, got "/bad/with space" (string)',
    ],
    ['catch-all path', { path: '/' }, 'spec.path: must be a URI path: "/" alone is a catch-all'],
    ['developerUI with a query', { developerUI: '/docs?x' }, 'spec.developerUI: must be a URI path: "?" at character 6 starts a query'],
    ['unknown apiType', { apiType: 'graphql' }, 'spec.apiType: must be one of openapi, prometheus, openmetrics, mcp, got "graphql" (string)'],
    ['implementation with a dot', { implementation: 'prd.svc' }, 'spec.implementation: must be a Service name'],
    ['implementation starting with a digit', { implementation: '1prd' }, 'spec.implementation: must be a Service name'],
    ['empty name', { name: '' }, 'spec.name: must be a non-empty string, got "" (string)'],
    ['name a number', { name: 5 }, 'spec.name: must be a non-empty string, got 5'],
    ['bad hostname', { hostname: 'api_example.com' }, 'spec.hostname: must be a lower-case DNS name'],
    ['hostname with a port', { hostname: 'api.example.com:8443' }, 'spec.hostname: must be'],
    ['hostname a list', { hostname: ['a.b'] }, 'spec.hostname: must be a lower-case DNS name (optionally starting with "*."), an IPv4 or an IPv6 address, got an array'],
    ['developerUI relative', { developerUI: 'docs' }, 'spec.developerUI: must be a string starting with "/"'],
    ['unknown segment', { segment: 'core' }, 'spec.segment: must be one of coreFunction, managementFunction, securityFunction'],
    ['CORS not an object', { CORS: true }, 'spec.CORS: must be an object, got true (boolean)'],
    ['CORS enabled as string', { CORS: { enabled: 'true' } }, 'spec.CORS.enabled: must be a boolean, got "true" (string)'],
    ['CORS origins as a list', { CORS: { allowOrigins: ['*'] } }, 'spec.CORS.allowOrigins: must be a string (CSV of origins), got an array'],
    ['CORS negative maxAge', { CORS: { handlePreflightRequests: { maxAge: -1 } } }, 'spec.CORS.handlePreflightRequests.maxAge: must be a non-negative integer'],
    ['CORS methods as a list', { CORS: { handlePreflightRequests: { allowMethods: ['GET'] } } }, 'spec.CORS.handlePreflightRequests.allowMethods: must be a string'],
    ['basicAuth a string', { basicAuth: 'user:pass' }, 'spec.basicAuth: must be an object with username and password'],
    ['basicAuth without password', { basicAuth: { username: { name: 's', key: 'u' } } }, 'spec.basicAuth.password: must be an object'],
    ['basicAuth key missing', { basicAuth: { username: { name: 's' }, password: { name: 's', key: 'p' } } }, 'spec.basicAuth.username.key: must be a non-empty string, got nothing'],
  ])('%s', (_label, change, expected) => {
    const found = messages({ ...valid, ...change });
    expect(found).toHaveLength(1);
    expect(found[0].startsWith(expected)).toBe(true);
  });

  it('names the field of each issue', () => {
    const issues = validateSpec(api({ ...valid, port: 'x', path: 'y' }));
    expect(issues.map((i) => i.field)).toEqual(['spec.path', 'spec.port']);
    for (const issue of issues) expect(issue.message.startsWith(`${issue.field}: `)).toBe(true);
  });

  it.each([undefined, null, 'text', []])('rejects a spec that is not an object: %j', (spec) => {
    expect(validateSpec(api(spec))).toEqual([{ field: 'spec', message: expect.stringMatching(/^spec: must be an object, got /) }]);
  });

  it('accepts every port in range and no integer outside it', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100000, max: 200000 }), (port) => {
        expect(validateSpec(api({ ...valid, port })).length === 0).toBe(port >= 1 && port <= 65535);
      }),
    );
  });

  it('rejects any port given as a string', () => {
    fc.assert(fc.property(fc.string(), (port) => expect(messages({ ...valid, port })).toHaveLength(1)));
  });
});

describe('parseSpec', () => {
  it('returns the typed spec with only known fields', () => {
    expect(parseSpec(api({ ...valid, hostname: 'a.example', rateLimit: { enabled: true }, developerUI: null }))).toEqual({
      // A policy problem is not a routing problem: reported by PoliciesEnforced, the spec stays usable.
      spec: { ...valid, hostname: 'a.example', policyIssues: ['spec.rateLimit.limit: must be a whole number of requests from 1 to 1000000000 (e.g. "10"), got nothing'] },
    });
  });

  it('returns the issues of an invalid spec', () => {
    expect(parseSpec(api({ ...valid, port: 'x' }))).toEqual({ issues: [expect.objectContaining({ field: 'spec.port' })] });
  });
});
