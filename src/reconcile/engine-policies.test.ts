// The policy children through the engine on the in-memory cluster: the EnvoyFilter at the
// gateway for rate limits and MCP streams, its finalizer, drift, pruning, adoption, and
// the features no standard Istio resource enforces.
import type { ExposedAPI, KubeObject, Settings } from './types.js';
import { ENVOY_FILTER_KIND, OWNER_UID_LABEL, POLICY_FINALIZER } from './constants.js';
import { condition, ofType } from '../test-support/plans.js';
import { gatewayService, plan, PRD, prdApi, prdCluster, settings } from '../test-support/product-catalog.js';
import type { TestCluster } from '../test-support/cluster.js';

const FILTER = 'oda-api-components-prd-api';

/** The product catalog with a gateway Service that selects its pods, and EnvoyFilters served. */
function cluster(spec: Record<string, unknown>, meta: Partial<ExposedAPI['metadata']> = {}): TestCluster {
  const c = prdCluster(prdApi(spec, meta));
  c.capabilities = { ...c.capabilities, envoyFilterServed: true };
  const gw = gatewayService();
  c.put({ ...gw, spec: { ...gw.spec, selector: { istio: 'ingressgateway' } } });
  return c;
}

const filterOf = (c: TestCluster): KubeObject | undefined => c.stores.envoyFilters.get('istio-ingress', FILTER);
const patches = (f: KubeObject | undefined) => (f?.spec as { configPatches: { applyTo: string; patch: { value: Record<string, unknown> } }[] }).configPatches;
const withSpec = (c: TestCluster, spec: Record<string, unknown>) => {
  const api = c.api(PRD);
  c.put({ ...api, spec: { ...api.spec, ...spec }, metadata: { ...api.metadata, generation: (api.metadata.generation ?? 1) + 1 } });
};

describe('reconcile: rate limit', () => {
  it('writes an EnvoyFilter in the gateway workload namespace, on this route only, after the finalizer', async () => {
    const c = cluster({ rateLimit: { enabled: true, limit: '10', interval: 'pm', identifier: 'ip' } });
    const first = plan(c);
    expect(first.actions.map((a) => a.type).slice(0, 3)).toEqual(['apply', 'addFinalizer', 'apply']);
    await c.converge(PRD);
    const f = filterOf(c)!;
    expect(f.metadata.labels).toEqual({ 'app.kubernetes.io/managed-by': 'kubectl-oda-api', [OWNER_UID_LABEL]: 'api-uid' });
    expect(f.metadata.ownerReferences).toBeUndefined();
    expect(f.spec).toMatchObject({ workloadSelector: { labels: { istio: 'ingressgateway' } } });
    const [insert, route] = patches(f);
    expect(insert).toMatchObject({ applyTo: 'HTTP_FILTER', patch: { operation: 'INSERT_BEFORE', value: { name: 'oda-api.ratelimit.components.prd-api' } } });
    expect(route).toMatchObject({ applyTo: 'HTTP_ROUTE', match: { context: 'GATEWAY', routeConfiguration: { vhost: { route: { name: 'components.prd-api' } } } } });
    expect(route.patch.value.typed_per_filter_config).toMatchObject({
      'oda-api.ratelimit.components.prd-api': { token_bucket: { max_tokens: 10, tokens_per_fill: 10, fill_interval: '60s' } },
    });
    const vs = c.stores.virtualServices.get('components', PRD)!;
    expect((vs.spec as { http: { name?: string }[] }).http[0].name).toBe('components.prd-api');
    expect(c.api(PRD).metadata.finalizers).toContain(POLICY_FINALIZER);
    const enforced = condition(plan(c), 'PoliciesEnforced')!;
    expect(enforced).toMatchObject({ status: 'False', reason: 'NotEnforced' });
    expect(enforced.message).toContain('rateLimit.identifier (the limit is shared by all clients');
    expect(enforced.message).toContain('rateLimit (10 requests per minute on route components.prd-api, by EnvoyFilter istio-ingress/oda-api-components-prd-api; the limit holds per gateway replica');
    expect(plan(c).actions).toEqual([]);
  });

  it('updates the bucket on change, repairs drift, and prunes the filter and the finalizer when turned off', async () => {
    const c = cluster({ rateLimit: { enabled: true, limit: '5' } });
    await c.converge(PRD);
    withSpec(c, { rateLimit: { enabled: true, limit: '7', interval: 'ps' } });
    expect(ofType(plan(c).actions, 'apply').map((a) => `${a.object.kind} ${a.change}`)).toEqual(['EnvoyFilter update']);
    await c.converge(PRD);
    expect(JSON.stringify(filterOf(c))).toContain('"max_tokens":7');

    c.put({ ...filterOf(c)!, spec: { workloadSelector: { labels: { istio: 'other' } }, configPatches: [] } });
    expect(ofType(plan(c).actions, 'apply').map((a) => `${a.object.kind} ${a.change}`)).toEqual(['EnvoyFilter update']);
    await c.converge(PRD);
    c.stores.envoyFilters.remove('istio-ingress', FILTER);
    expect(ofType(plan(c).actions, 'apply').map((a) => `${a.object.kind} ${a.change}`)).toEqual(['EnvoyFilter create']);
    await c.converge(PRD);

    withSpec(c, { rateLimit: { enabled: false, limit: '7' } });
    const off = plan(c);
    expect(ofType(off.actions, 'delete')).toEqual([{ type: 'delete', apiVersion: 'networking.istio.io/v1alpha3', kind: ENVOY_FILTER_KIND, namespace: 'istio-ingress', name: FILTER }]);
    const types = off.actions.map((a) => a.type);
    expect(types.indexOf('removeFinalizer')).toBeGreaterThan(types.indexOf('delete'));
    await c.converge(PRD);
    expect(filterOf(c)).toBeUndefined();
    expect(c.api(PRD).metadata.finalizers ?? []).not.toContain(POLICY_FINALIZER);
    expect((c.stores.virtualServices.get('components', PRD)!.spec as { http: { name?: string }[] }).http[0].name).toBeUndefined();
  });

  it.each([
    ['limit 0', { enabled: true, limit: '0' }, 'spec.rateLimit.limit: must be a whole number of requests from 1 to 1000000000'],
    ['an unknown interval', { enabled: true, limit: '5', interval: 'ph' }, 'spec.rateLimit.interval: must be ps (per second) or pm (per minute), got "ph" (string)'],
  ])('reports %s as invalid and keeps the route and the limit in force', async (_label, rateLimit, text) => {
    const c = cluster({ rateLimit: { enabled: true, limit: '5' } });
    await c.converge(PRD);
    const before = structuredClone(filterOf(c));
    withSpec(c, { rateLimit });
    const result = plan(c);
    expect(result.outcome).toBe('invalid');
    expect(ofType(result.actions, 'apply')).toEqual([]);
    expect(ofType(result.actions, 'delete')).toEqual([]);
    expect(condition(result, 'PoliciesEnforced')).toMatchObject({ status: 'False', reason: 'InvalidPolicy', message: expect.stringContaining(text) });
    expect(condition(result, 'Routed')?.status).toBe('True');
    expect(condition(result, 'Ready')?.status).toBe('True');
    await c.converge(PRD);
    expect(filterOf(c)).toEqual(before);
    expect(c.stores.virtualServices.get('components', PRD)).toBeDefined();
  });

  it('adopts a filter written for an earlier API of the same name, and refuses one that is not ours', async () => {
    const c = cluster({ rateLimit: { enabled: true, limit: '5' } });
    await c.converge(PRD);
    const f = filterOf(c)!;
    c.put({ ...f, metadata: { ...f.metadata, labels: { ...f.metadata.labels, [OWNER_UID_LABEL]: 'old-uid' } } });
    expect(ofType(plan(c).actions, 'apply').map((a) => `${a.object.kind} ${a.change}`)).toEqual(['EnvoyFilter update']);
    await c.converge(PRD);
    expect(filterOf(c)!.metadata.labels?.[OWNER_UID_LABEL]).toBe('api-uid');

    c.put({ ...f, metadata: { name: FILTER, namespace: 'istio-ingress' } });
    const result = plan(c);
    expect(result.outcome).toBe('conflict');
    expect(condition(result, 'PoliciesEnforced')).toMatchObject({ reason: 'EnvoyFilterNotOwned' });
  });

  it('fails only the APIs that need the EnvoyFilter CRD, saying so', () => {
    const c = cluster({ rateLimit: { enabled: true, limit: '5' } });
    c.capabilities = { ...c.capabilities, envoyFilterServed: false };
    const result = plan(c);
    expect(result.outcome).toBe('error');
    expect(result.message).toMatch(/^not enforced: rateLimit \(no EnvoyFilter CRD/);
    expect(ofType(result.actions, 'apply').map((a) => a.object.kind)).toEqual(['VirtualService']);
    const other = cluster({});
    other.capabilities = { ...other.capabilities, envoyFilterServed: false };
    expect(plan(other).outcome).toBe('created');
  });

  it('writes nothing when EnvoyFilters may not be read (one of someone else\'s could be there), failing only this API', () => {
    const c = cluster({ rateLimit: { enabled: true, limit: '5' } });
    c.capabilities = { ...c.capabilities, envoyFiltersUnreadable: true };
    const result = plan(c);
    expect(result.outcome).toBe('error');
    expect(ofType(result.actions, 'apply').map((a) => a.object.kind)).toEqual(['VirtualService']);
    expect(condition(result, 'PoliciesEnforced')).toMatchObject({ reason: 'EnvoyFiltersForbidden' });
  });

  it('deletes the filter before letting the API go', async () => {
    const c = cluster({ rateLimit: { enabled: true, limit: '5' } });
    await c.converge(PRD);
    const api = c.api(PRD);
    c.put({ ...api, metadata: { ...api.metadata, deletionTimestamp: '2025-06-01T00:00:00Z' } });
    const result = plan(c);
    expect(result.actions.map((a) => a.type)).toEqual(['delete', 'removeFinalizer']);
  });
});

describe('reconcile: MCP', () => {
  const mcp = (s: Settings = settings) => {
    const c = cluster({ apiType: 'mcp' });
    return { c, s };
  };

  it('turns the stream idle timeout off on the route and sets no request timeout', async () => {
    const { c } = mcp();
    await c.converge(PRD);
    const [route] = patches(filterOf(c));
    expect(route.patch.value).toEqual({ route: { idle_timeout: '0s' } });
    const http = (c.stores.virtualServices.get('components', PRD)!.spec as { http: Record<string, unknown>[] }).http[0];
    expect(http.timeout).toBeUndefined();
    expect(condition(plan(c), 'PoliciesEnforced')).toMatchObject({ status: 'True', message: expect.stringContaining('apiType mcp (long-lived streams are not cut') });
  });

  it('takes the idle timeout from API_READ_TIMEOUT, and says what it cannot apply', async () => {
    const { c } = mcp();
    const s: Settings = { ...settings, timeouts: { readMs: 300000, writeMs: 5000 } };
    await c.converge(PRD, s);
    expect(patches(filterOf(c))[0].patch.value).toEqual({ route: { idle_timeout: '300s' } });
    expect(condition(plan(c, undefined, s), 'PoliciesEnforced')).toMatchObject({ status: 'False', message: expect.stringContaining('API_WRITE_TIMEOUT (Envoy has no per-route write timeout)') });
  });
});

describe('reconcile: API keys', () => {
  const JWT: Settings = { ...settings, jwt: { issuer: 'https://keycloak.example/realms/canvas', jwksUri: 'https://keycloak.example/realms/canvas/protocol/openid-connect/certs' } };
  const keyed = (spec: Record<string, unknown> = {}) => {
    const c = cluster({ apiKeyVerification: { enabled: true }, ...spec });
    c.capabilities = { ...c.capabilities, securityPoliciesServed: true };
    return c;
  };
  const child = (c: TestCluster, store: 'requestAuthentications' | 'authorizationPolicies') => c.stores[store].get('istio-ingress', FILTER);

  it('without an issuer configured: reported not enforced, nothing written', async () => {
    const c = keyed();
    await c.converge(PRD);
    expect(child(c, 'requestAuthentications')).toBeUndefined();
    expect(c.api(PRD).metadata.finalizers ?? []).not.toContain(POLICY_FINALIZER);
    expect(condition(plan(c), 'PoliciesEnforced')).toMatchObject({ status: 'False', reason: 'NotEnforced', message: expect.stringContaining('apiKeyVerification (no JWT issuer and JWKS URI are configured') });
  });

  it('with one: a RequestAuthentication and an AuthorizationPolicy at the gateway, for this path only; pruned when turned off', async () => {
    const c = keyed({ apiKeyVerification: { enabled: true, location: 'x-api-key' } });
    await c.converge(PRD, JWT);
    expect(child(c, 'requestAuthentications')?.spec).toEqual({
      selector: { matchLabels: { istio: 'ingressgateway' } },
      jwtRules: [{ ...JWT.jwt, forwardOriginalToken: true, fromHeaders: [{ name: 'x-api-key' }], fromParams: ['x-api-key'] }],
    });
    expect(child(c, 'authorizationPolicies')?.spec).toEqual({
      selector: { matchLabels: { istio: 'ingressgateway' } },
      action: 'DENY',
      rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/prd/v4*'] } }] }],
    });
    expect(c.api(PRD).metadata.finalizers).toContain(POLICY_FINALIZER);
    expect(condition(plan(c, undefined, JWT), 'PoliciesEnforced')).toMatchObject({ status: 'True', message: expect.stringContaining('a valid JWT of issuer https://keycloak.example/realms/canvas in the x-api-key header or query parameter is required on /prd/v4*') });
    expect(plan(c, undefined, JWT).actions).toEqual([]);

    withSpec(c, { apiKeyVerification: { enabled: false } });
    const off = plan(c, undefined, JWT);
    expect(ofType(off.actions, 'delete').map((a) => a.kind).sort()).toEqual(['AuthorizationPolicy', 'RequestAuthentication']);
    await c.converge(PRD, JWT);
    expect(child(c, 'authorizationPolicies')).toBeUndefined();
    expect(c.api(PRD).metadata.finalizers ?? []).not.toContain(POLICY_FINALIZER);
  });

  it('limits the policy to the API host when it has one, and sits beside a rate limit', async () => {
    const c = keyed({ hostname: 'api.example.org', rateLimit: { enabled: true, limit: '5' } });
    await c.converge(PRD, JWT);
    expect(child(c, 'authorizationPolicies')?.spec).toMatchObject({ rules: [{ to: [{ operation: { paths: ['/prd/v4*'], hosts: ['api.example.org', 'api.example.org:*'] } }] }] });
    expect(filterOf(c)).toBeDefined();
    withSpec(c, { rateLimit: { enabled: false } });
    await c.converge(PRD, JWT);
    expect(filterOf(c)).toBeUndefined();
    expect(child(c, 'requestAuthentications')).toBeDefined();
    expect(c.api(PRD).metadata.finalizers).toContain(POLICY_FINALIZER);
  });

  it('fails only this API when the security CRDs are missing', () => {
    const c = keyed();
    c.capabilities = { ...c.capabilities, securityPoliciesServed: false };
    const result = plan(c, undefined, JWT);
    expect(result.outcome).toBe('error');
    expect(condition(result, 'PoliciesEnforced')).toMatchObject({ reason: 'SecurityPolicyCRDMissing' });
    expect(ofType(result.actions, 'apply').map((a) => a.object.kind)).toEqual(['VirtualService']);
  });
});

describe('reconcile: a rate limit per client (rateLimit.identifier)', () => {
  const routeConfig = (c: TestCluster) => patches(filterOf(c))[1].patch.value.typed_per_filter_config as Record<string, Record<string, unknown>>;
  const perClient: Settings = { ...settings, rateLimitIdentifiers: true };

  it.each([
    ['ip', { remote_address: {} }, 'remote_address', "by the client's address"],
    ['Client-IP', { remote_address: {} }, 'remote_address', "by the client's address"],
    ['header:X-Api-Key', { request_headers: { header_name: 'x-api-key', descriptor_key: 'client' } }, 'client', 'by the x-api-key header'],
  ])('%s: one bucket per client, by a wildcard descriptor', async (identifier, action, key, by) => {
    const c = cluster({ rateLimit: { enabled: true, limit: '10', interval: 'ps', identifier } });
    await c.converge(PRD, perClient);
    const config = routeConfig(c)['oda-api.ratelimit.components.prd-api'];
    const bucket = { max_tokens: 10, tokens_per_fill: 10, fill_interval: '1s' };
    expect(config).toMatchObject({ token_bucket: bucket, rate_limits: [{ actions: [action] }], descriptors: [{ entries: [{ key }], token_bucket: bucket }], max_dynamic_descriptors: 10000, always_consume_default_token_bucket: false });
    const enforced = condition(plan(c, undefined, perClient), 'PoliciesEnforced')!;
    expect(enforced).toMatchObject({ status: 'True' });
    expect(enforced.message).toContain(`rateLimit.identifier (a bucket per client, ${by} (up to 10000 clients per gateway replica`);
  });

  it('an identifier that names no key is reported (the limit stays shared); without the setting, said how to turn it on', async () => {
    const c = cluster({ rateLimit: { enabled: true, limit: '10', identifier: 'consumer' } });
    await c.converge(PRD, perClient);
    expect(routeConfig(c)['oda-api.ratelimit.components.prd-api']).not.toHaveProperty('descriptors');
    expect(condition(plan(c, undefined, perClient), 'PoliciesEnforced')!.message).toContain('rateLimit.identifier ("consumer" names no client key: use ip (the client\'s address) or header:NAME');
    const off = cluster({ rateLimit: { enabled: true, limit: '10', identifier: 'ip' } });
    await off.converge(PRD);
    expect(routeConfig(off)['oda-api.ratelimit.components.prd-api']).not.toHaveProperty('descriptors');
    expect(condition(plan(off), 'PoliciesEnforced')!.message).toContain('--rate-limit-identifiers (APIOPERATORISTIO_RATELIMIT_IDENTIFIERS=true)');
  });
});
