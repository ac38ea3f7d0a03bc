// An MCP API's DestinationRule through the engine on the in-memory cluster: created with
// API_CONNECT_TIMEOUT, changed, drifted and repaired, pruned, adopted; someone else's (at our
// name or for the same host) left alone and reported; a missing CRD or no right to list them
// failing only the MCP APIs that need one.
import type { ExposedAPI, KubeObject, Settings } from './types.js';
import { condition, ofType } from '../test-support/plans.js';
import { gatewayService, plan, PRD, prdApi, prdCluster, settings } from '../test-support/product-catalog.js';
import type { TestCluster } from '../test-support/cluster.js';

const V1 = 'networking.istio.io/v1';
const HOST = 'prd-svc.components.svc.cluster.local';
const withConnect = (ms: number): Settings => ({ ...settings, timeouts: { connectMs: ms } });

function cluster(spec: Record<string, unknown> = { apiType: 'mcp' }, meta: Partial<ExposedAPI['metadata']> = {}): TestCluster {
  const c = prdCluster(prdApi(spec, meta));
  c.capabilities = { ...c.capabilities, envoyFilterServed: true, destinationRuleApiVersion: V1 };
  const gw = gatewayService();
  c.put({ ...gw, spec: { ...gw.spec, selector: { istio: 'ingressgateway' } } });
  return c;
}

const ruleOf = (c: TestCluster, name = PRD): KubeObject | undefined => c.stores.destinationRules.get('components', name);
const timeoutOf = (r: KubeObject | undefined) => (r?.spec as { trafficPolicy: { connectionPool: { tcp: { connectTimeout: string } } } }).trafficPolicy.connectionPool.tcp.connectTimeout;
const applies = (c: TestCluster, s: Settings) => ofType(plan(c, undefined, s).actions, 'apply').filter((a) => a.object.kind === 'DestinationRule').map((a) => a.change);
const deletes = (c: TestCluster, s: Settings) => ofType(plan(c, undefined, s).actions, 'delete').filter((a) => a.kind === 'DestinationRule');
const foreign = (name: string, host: string): KubeObject => ({ apiVersion: V1, kind: 'DestinationRule', metadata: { name, namespace: 'components', uid: `${name}-uid` }, spec: { host } });

describe('reconcile: the MCP DestinationRule', () => {
  it('is written for the implementation host, owned by the API, and reported', async () => {
    const c = cluster();
    const s = withConnect(5000);
    await c.converge(PRD, s);
    const rule = ruleOf(c)!;
    expect(rule.apiVersion).toBe(V1);
    expect(rule.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ExposedAPI', name: PRD, uid: 'api-uid', controller: true })]);
    expect(rule.metadata.labels).toEqual({ 'oda.tmforum.org/componentName': 'prd' });
    expect(rule.spec).toEqual({ host: HOST, trafficPolicy: { connectionPool: { tcp: { connectTimeout: '5s' } } } });
    const enforced = condition(plan(c, undefined, s), 'PoliciesEnforced')!;
    expect(enforced).toMatchObject({ status: 'True', reason: 'AllEnforced' });
    expect(enforced.message).toContain(`API_CONNECT_TIMEOUT (a connect timeout of 5s to ${HOST}, by DestinationRule components/${PRD})`);
    expect(plan(c, undefined, s).actions).toEqual([]);
  });

  it('follows a changed timeout, repairs drift, and goes when the variable is unset or the API stops being MCP', async () => {
    const c = cluster();
    await c.converge(PRD, withConnect(5000));
    expect(applies(c, withConnect(7000))).toEqual(['update']);
    await c.converge(PRD, withConnect(7000));
    expect(timeoutOf(ruleOf(c))).toBe('7s');

    const drifted = structuredClone(ruleOf(c)!);
    (drifted.spec as Record<string, unknown>).trafficPolicy = { connectionPool: { tcp: { connectTimeout: '1s' } } };
    c.put(drifted);
    expect(applies(c, withConnect(7000))).toEqual(['update']);
    await c.converge(PRD, withConnect(7000));
    expect(timeoutOf(ruleOf(c))).toBe('7s');

    expect(deletes(c, settings)).toHaveLength(1);
    await c.converge(PRD, settings);
    expect(ruleOf(c)).toBeUndefined();

    await c.converge(PRD, withConnect(7000));
    const api = c.api(PRD);
    c.put({ ...api, spec: { ...api.spec, apiType: 'openapi' } });
    await c.converge(PRD, withConnect(7000));
    expect(ruleOf(c)).toBeUndefined();
  });

  it('is not written for other API types', async () => {
    const c = cluster({});
    await c.converge(PRD, withConnect(5000));
    expect(ruleOf(c)).toBeUndefined();
    expect(condition(plan(c, undefined, withConnect(5000)), 'PoliciesEnforced')?.message ?? '').not.toContain('API_CONNECT_TIMEOUT');
  });

  it('adopts a rule of its own that differs (written by an earlier run)', async () => {
    const c = cluster();
    await c.converge(PRD, withConnect(5000));
    const old = structuredClone(ruleOf(c)!);
    old.metadata.labels = {};
    c.put(old);
    expect(applies(c, withConnect(5000))).toEqual(['update']);
  });

  it("leaves someone else's at our name alone and says so", () => {
    const c = cluster();
    c.put(foreign(PRD, HOST));
    const result = plan(c, undefined, withConnect(5000));
    expect(result.outcome).toBe('conflict');
    expect(ofType(result.actions, 'apply').some((a) => a.object.kind === 'DestinationRule')).toBe(false);
    expect(deletes(c, withConnect(5000))).toEqual([]);
    expect(condition(result, 'PoliciesEnforced')).toMatchObject({ status: 'False', reason: 'DestinationRuleNotOwned', message: expect.stringContaining(`API_CONNECT_TIMEOUT (DestinationRule components/${PRD} exists and is not managed by this ExposedAPI`) });
  });

  it.each([['prd-svc'], [HOST], ['*.components.svc.cluster.local']])("writes nothing beside someone else's for the same host (%s), and takes ours away", async (host) => {
    const c = cluster();
    await c.converge(PRD, withConnect(5000));
    c.put(foreign('theirs', host));
    const result = plan(c, undefined, withConnect(5000));
    expect(result.outcome).toBe('conflict');
    expect(deletes(c, withConnect(5000)).map((a) => a.name)).toEqual([PRD]);
    expect(condition(result, 'PoliciesEnforced')).toMatchObject({ reason: 'DestinationRuleConflict', message: expect.stringContaining('API_CONNECT_TIMEOUT (DestinationRule components/theirs, not managed by an ExposedAPI, already applies to') });
    await c.converge(PRD, withConnect(5000));
    expect(ruleOf(c, 'theirs')).toBeDefined();
    expect(ruleOf(c)).toBeUndefined();
  });

  it('shares the host with another MCP API of the same implementation (same timeout, written by us)', async () => {
    const c = cluster();
    const other = prdApi({ apiType: 'mcp', path: '/other' }, { uid: 'other-uid' });
    c.put({ ...other, metadata: { ...other.metadata, name: 'other' } });
    await c.converge(PRD, withConnect(5000));
    await c.converge('other', withConnect(5000));
    expect(ruleOf(c)).toBeDefined();
    expect(ruleOf(c, 'other')).toBeDefined();
  });

  it('without the CRD, fails only the MCP APIs that need it, naming the CRD', () => {
    const c = cluster();
    c.capabilities = { ...c.capabilities, destinationRuleApiVersion: undefined };
    const result = plan(c, undefined, withConnect(5000));
    expect(result.outcome).toBe('error');
    expect(condition(result, 'PoliciesEnforced')).toMatchObject({ reason: 'DestinationRuleCRDMissing', message: expect.stringContaining('API_CONNECT_TIMEOUT (no DestinationRule CRD (networking.istio.io) is served') });
    expect(ofType(result.actions, 'apply').map((a) => a.object.kind)).toEqual(['VirtualService', 'EnvoyFilter']);
    const plain = cluster({});
    plain.capabilities = { ...plain.capabilities, destinationRuleApiVersion: undefined };
    expect(plan(plain, undefined, withConnect(5000)).outcome).toBe('created');
    const noTimeout = cluster();
    noTimeout.capabilities = { ...noTimeout.capabilities, destinationRuleApiVersion: undefined };
    expect(plan(noTimeout).outcome).toBe('created');
  });

  it('when they may not be listed, writes and deletes none, failing only the MCP APIs that need one', async () => {
    const c = cluster();
    await c.converge(PRD, withConnect(5000));
    c.capabilities = { ...c.capabilities, destinationRulesUnreadable: true };
    const result = plan(c, undefined, withConnect(9000));
    expect(result.outcome).toBe('error');
    expect(condition(result, 'PoliciesEnforced')).toMatchObject({ reason: 'DestinationRulesForbidden' });
    expect(applies(c, withConnect(9000))).toEqual([]);
    expect(deletes(c, settings)).toEqual([]);
  });

  it('reports a connect timeout of 0 as not applicable, writing nothing', async () => {
    const c = cluster();
    await c.converge(PRD, withConnect(0));
    expect(ruleOf(c)).toBeUndefined();
    expect(condition(plan(c, undefined, withConnect(0)), 'PoliciesEnforced')).toMatchObject({ reason: 'NotEnforced', message: expect.stringContaining("API_CONNECT_TIMEOUT (0 cannot be a DestinationRule's connect timeout") });
  });

  it('stays apart from an invalid rate limit: the rule is still kept right', async () => {
    const c = cluster();
    await c.converge(PRD, withConnect(5000));
    const api = c.api(PRD);
    c.put({ ...api, spec: { ...api.spec, rateLimit: { enabled: true, limit: '0' } } });
    const result = plan(c, undefined, withConnect(6000));
    expect(result.outcome).toBe('invalid');
    expect(applies(c, withConnect(6000))).toEqual(['update']);
  });
});
