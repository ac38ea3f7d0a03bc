// The Envoy configuration our EnvoyFilters carry, checked against Envoy's own API: no Envoy
// runs here, so the Go check in test/envoyconfig unmarshals every patch value strictly into
// the Envoy message it patches (go-control-plane's protos) and runs the protos' validation
// rules on each LocalRateLimit. The filters are the ones the engine builds, for every shape.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiSpec } from '../../src/reconcile/spec.js';
import type { ExposedAPI, Settings } from '../../src/reconcile/types.js';
import { desiredEnvoyFilter } from '../../src/reconcile/envoyfilter.js';
// @ts-expect-error: a plain ES module of the Go check's build, without types.
import { envoyConfigCheck, runEnvoyConfigCheck } from '../envoyconfig/build.mjs';

const api: ExposedAPI = { apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', metadata: { name: 'prd-api', namespace: 'components', uid: 'u-1' }, spec: {} };
const base: ApiSpec = { name: 'prd', apiType: 'openapi', implementation: 'prd-svc', path: '/prd/v4', port: 8080 };
const cases: [string, ApiSpec, Pick<Settings, 'timeouts' | 'router' | 'rateLimitIdentifiers'>][] = [
  ['ratelimit-ps', { ...base, rateLimit: { limit: 1, interval: 'ps', fillSeconds: 1 } }, {}],
  ['ratelimit-pm-identifier', { ...base, rateLimit: { limit: 1_000_000_000, interval: 'pm', fillSeconds: 60, identifier: 'ip' } }, {}],
  ['ratelimit-per-client-address', { ...base, rateLimit: { limit: 10, interval: 'ps', fillSeconds: 1, identifier: 'client-ip' } }, { rateLimitIdentifiers: true }],
  ['ratelimit-per-client-header-httproute', { ...base, rateLimit: { limit: 10, interval: 'pm', fillSeconds: 60, identifier: 'header:X-Api-Key' } }, { rateLimitIdentifiers: true, router: 'httproute' }],
  ['mcp', { ...base, apiType: 'mcp' }, {}],
  ['mcp-read-timeout-ratelimit', { ...base, apiType: 'mcp', rateLimit: { limit: 50, interval: 'ps', fillSeconds: 1 } }, { timeouts: { readMs: 1500 } }],
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'oda-api-envoyconfig-'));
  envoyConfigCheck(); // the first build compiles go-control-plane's protos: about a minute
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('every EnvoyFilter shape the engine writes is valid Envoy configuration', () => {
  const good = join(dir, 'good');
  mkdirSync(good);
  for (const [name, spec, settings] of cases) {
    const filter = desiredEnvoyFilter(api, spec, settings, { namespace: 'istio-ingress', workloadLabels: { istio: 'ingressgateway' } });
    writeFileSync(join(good, `${name}.json`), JSON.stringify(filter.spec));
  }
  const { code, output } = runEnvoyConfigCheck(good);
  expect(output).toContain('--- PASS: TestGeneratedEnvoyFilters');
  expect(code).toBe(0);
});

test('the check is not vacuous: a misspelt field, a bad type URL, an empty stat_prefix and a descriptor key no action makes fail', () => {
  const filter = desiredEnvoyFilter(api, { ...base, apiType: 'mcp', rateLimit: { limit: 5, interval: 'ps', fillSeconds: 1 } }, {}, { namespace: 'istio-ingress', workloadLabels: { istio: 'ingressgateway' } });
  const text = JSON.stringify(filter.spec);
  const bad = join(dir, 'bad');
  mkdirSync(bad);
  writeFileSync(join(bad, 'misspelt.json'), text.replace('"idle_timeout"', '"idle_timeuot"'));
  writeFileSync(join(bad, 'type-url.json'), text.replace('local_ratelimit.v3.LocalRateLimit', 'local_ratelimit.v3.LocalRateLimiter'));
  writeFileSync(join(bad, 'stat-prefix.json'), text.replace(/"stat_prefix":"[^"]*","token_bucket"/, '"stat_prefix":"","token_bucket"'));
  const perClient = desiredEnvoyFilter(api, { ...base, rateLimit: { limit: 5, interval: 'ps', fillSeconds: 1, identifier: 'ip' } }, { rateLimitIdentifiers: true }, { namespace: 'istio-ingress', workloadLabels: { istio: 'ingressgateway' } });
  writeFileSync(join(bad, 'descriptor-key.json'), JSON.stringify(perClient.spec).replace('"entries":[{"key":"remote_address"}]', '"entries":[{"key":"remote_adress"}]'));
  const { code, output } = runEnvoyConfigCheck(bad);
  expect(code).not.toBe(0);
  expect(output).toContain('descriptor key "remote_adress" is produced by no rate_limits action');
  expect(output).toContain('misspelt.json: configPatches[1] HTTP_ROUTE: not a Route: proto');
  expect(output).toContain('unknown field "idle_timeuot"');
  expect(output).toMatch(/type-url\.json: configPatches\[0\] HTTP_FILTER: not an HttpFilter: .*LocalRateLimiter/);
  expect(output).toContain('stat-prefix.json: configPatches[1] HTTP_ROUTE typed_per_filter_config[oda-api.ratelimit.components.prd-api]: invalid LocalRateLimit.StatPrefix');
});
