// An MCP API's DestinationRule against the real API server: API_CONNECT_TIMEOUT as the
// connect timeout to its implementation's host, created (server-side apply, our field
// manager, owned by the API), left alone when it matches, changed with the variable, drifted
// and repaired, pruned when the variable goes or the API stops being MCP, collected with its
// API; someone else's for the same host or at our name reported and untouched; `diff`,
// `status NAME` and the watch mode; no right to list them, or no CRD at all, failing only the
// MCP APIs that need one. With ODA_API_TEST_CRDS_DIR the upstream CRD validates what we write.
import { copyFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeClient } from '../../src/kube/client.js';
import { runOnce, type RunReport } from '../../src/oneshot/run.js';
import type { ExposedAPI, KubeObject, Settings } from '../../src/reconcile/types.js';
import { FIELD_MANAGER } from '../../src/reconcile/constants.js';
import { adminClient, createNamespace, createService, deleteNamespace, kubeconfigPath, serviceAccountWithRules, usePrivateControlPlane, waitFor } from '../support/cluster.js';
import { condition, createApi, createGateway, exposedApis, getApi, kubectlOdaApi } from '../support/canvas.js';
import { startWatch, type OperatorProcess } from '../support/operator.js';

let client: KubeClient;
let ns: string;
let gwNs: string;
let settings: Settings;
let operator: OperatorProcess | undefined;

type Rule = KubeObject & { spec: { host: string; trafficPolicy?: { connectionPool?: { tcp?: { connectTimeout?: string } }; loadBalancer?: unknown } } };
const rules = (namespace: string) => `/apis/networking.istio.io/v1/namespaces/${namespace}/destinationrules`;
const getRule = (name: string, namespace = ns) => client.get<Rule & { metadata: { managedFields?: { manager: string; operation: string }[] } }>(`${rules(namespace)}/${name}`);
const ruleGone = (name: string) => getRule(name).then(() => false, (err: { status?: number }) => err.status === 404);
const timeoutOf = async (name: string) => (await getRule(name)).spec.trafficPolicy?.connectionPool?.tcp?.connectTimeout;
const host = () => `impl.${ns}.svc.cluster.local`;

const withConnect = (ms?: number): Settings => ({ ...settings, ...(ms === undefined ? {} : { timeouts: { connectMs: ms } }) });
const once = (s: Settings, names: string[] = [], c: KubeClient = client): Promise<RunReport> =>
  runOnce({ client: c, settings: s, scope: { matches: (n) => n === ns, literal: [ns], description: ns } }, { names, dryRun: 'none' });
const outcome = async (name: string, s: Settings) => (await once(s, [name])).apis.find((a) => a.name === name)!;
const writes = (c: KubeClient) => ['POST', 'PUT', 'PATCH', 'DELETE'].reduce((n, verb) => n + (c.requestCounts[verb] ?? 0), 0);

/** A failed wait says what the operator logged. */
const withLog = async <T>(op: OperatorProcess, work: Promise<T>): Promise<T> => {
  try {
    return await work;
  } catch (err) {
    throw new Error(`${(err as Error).message}\noperator log:\n${op.output().slice(-6000)}`);
  }
};

async function editSpec(name: string, spec: Record<string, unknown>): Promise<void> {
  await client.request('PATCH', `${exposedApis(ns)}/${name}`, { contentType: 'application/merge-patch+json', body: { spec } });
}

async function foreignRule(name: string, ruleHost: string): Promise<Rule> {
  return client.request<Rule>('POST', rules(ns), {
    query: { fieldManager: 'someone' },
    body: { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name }, spec: { host: ruleHost, trafficPolicy: { connectionPool: { tcp: { connectTimeout: '3s' } } } } },
  });
}

describe('on a cluster with Istio', () => {
  beforeAll(() => {
    client = adminClient();
  });
  beforeEach(async () => {
    ns = await createNamespace(client, 'mcp');
    gwNs = await createNamespace(client, 'mcpgw');
    settings = await createGateway(client, gwNs, { ip: '203.0.113.30' });
    await createService(client, ns, { name: 'impl' });
  });
  afterEach(async () => {
    await operator?.stop();
    operator = undefined;
    // The EnvoyFilter's finalizer would hold the namespace: let the operator's deletion run, once.
    const apis = await client.get<{ items: ExposedAPI[] }>(exposedApis(ns));
    for (const api of apis.items) await client.request('DELETE', `${exposedApis(ns)}/${api.metadata.name}`);
    if (apis.items.length > 0) await once(settings);
    await deleteNamespace(client, ns);
    await deleteNamespace(client, gwNs);
  });

  test('created with our field manager and owned by the API, quiet when it matches, changed, drifted and repaired, pruned', async () => {
    await createApi(client, ns, 'tools', { apiType: 'mcp' });
    expect((await outcome('tools', withConnect(5000))).outcome).toBe('created');
    const api = await getApi(client, ns, 'tools');
    const rule = await getRule('tools');
    expect(rule.spec).toEqual({ host: host(), trafficPolicy: { connectionPool: { tcp: { connectTimeout: '5s' } } } });
    expect(rule.metadata.ownerReferences).toEqual([{ apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', name: 'tools', uid: api.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    expect(rule.metadata.managedFields?.map((f) => `${f.manager} ${f.operation}`)).toEqual([`${FIELD_MANAGER} Apply`]);
    expect(condition(api, 'PoliciesEnforced')).toMatchObject({ status: 'True', message: expect.stringContaining(`API_CONNECT_TIMEOUT (a connect timeout of 5s to ${host()}, by DestinationRule ${ns}/tools)`) });

    // Nothing to write when nothing changed, even with another manager's field beside ours.
    await client.request('PATCH', `${rules(ns)}/tools`, {
      contentType: 'application/merge-patch+json',
      query: { fieldManager: 'someone' },
      body: { spec: { trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } } },
    });
    const quiet = adminClient();
    await once(withConnect(5000), ['tools'], quiet);
    expect(writes(quiet)).toBe(0);

    // The variable changed (the next run, or a restarted operator, reads the new value).
    expect((await outcome('tools', withConnect(7500))).outcome).toBe('updated');
    expect(await timeoutOf('tools')).toBe('7.5s');
    expect((await getRule('tools')).spec.trafficPolicy?.loadBalancer).toEqual({ simple: 'ROUND_ROBIN' });

    // Drifted by someone else's manager, then deleted: put back each time.
    await client.request('PATCH', `${rules(ns)}/tools`, {
      contentType: 'application/merge-patch+json',
      query: { fieldManager: 'someone' },
      body: { spec: { trafficPolicy: { connectionPool: { tcp: { connectTimeout: '1s' } } } } },
    });
    expect((await outcome('tools', withConnect(7500))).outcome).toBe('updated');
    expect(await timeoutOf('tools')).toBe('7.5s');
    await client.request('DELETE', `${rules(ns)}/tools`);
    expect((await outcome('tools', withConnect(7500))).outcome).toBe('created');
    expect(await timeoutOf('tools')).toBe('7.5s');

    // The variable unset: pruned. Set again, then the API stops being MCP: pruned.
    expect((await outcome('tools', withConnect())).outcome).toBe('updated');
    expect(await ruleGone('tools')).toBe(true);
    await once(withConnect(5000));
    expect(await timeoutOf('tools')).toBe('5s');
    await editSpec('tools', { apiType: 'openapi' });
    await once(withConnect(5000));
    expect(await ruleGone('tools')).toBe(true);
    expect(condition(await getApi(client, ns, 'tools'), 'PoliciesEnforced')?.message ?? '').not.toContain('API_CONNECT_TIMEOUT');
  });

  test('diff shows the rule to be written; status NAME names it; it goes with its API (garbage collection)', async () => {
    await createApi(client, ns, 'tools', { apiType: 'mcp' });
    const env = { API_CONNECT_TIMEOUT: '9' };
    const preview = await kubectlOdaApi(['diff', '-n', ns, '--gateway', settings.gateway, 'tools'], env);
    expect(preview.code).toBe(1);
    expect(preview.stdout).toContain(`+++ /merged/networking.istio.io.v1.DestinationRule.${ns}.tools`);
    expect(preview.stdout).toContain('connectTimeout: 9s');
    expect(await ruleGone('tools')).toBe(true);

    await once(withConnect(9000));
    const status = await kubectlOdaApi(['status', '-n', ns, '--gateway', settings.gateway, 'tools'], env);
    expect(status.stdout).toMatch(new RegExp(`policy +API_CONNECT_TIMEOUT: enforced: a connect timeout of 9s to ${host().replace(/\./g, '\\.')}, by DestinationRule ${ns}/tools`));
    await client.request('PATCH', `${rules(ns)}/tools`, {
      contentType: 'application/merge-patch+json',
      query: { fieldManager: 'someone' },
      body: { spec: { host: 'elsewhere' } },
    });
    const drifted = await kubectlOdaApi(['status', '-n', ns, '--gateway', settings.gateway, 'tools'], env);
    expect(drifted.stdout).toMatch(/policy +the DestinationRule differs from the desired state/);

    // Its API deleted (the EnvoyFilter's finalizer let go by a run): the garbage collector takes the rule.
    await client.request('DELETE', `${exposedApis(ns)}/tools`);
    await once(withConnect(9000));
    await waitFor('the rule collected with its API', () => ruleGone('tools'), 90_000, 500);
  }, 120_000);

  test("someone else's rule for the same host, or at our name, is reported and left untouched", async () => {
    const theirs = await foreignRule('theirs', 'impl');
    await createApi(client, ns, 'tools', { apiType: 'mcp' });
    const refused = await outcome('tools', withConnect(5000));
    expect(refused.outcome).toBe('conflict');
    expect(refused.message).toContain(`API_CONNECT_TIMEOUT (DestinationRule ${ns}/theirs, not managed by an ExposedAPI, already applies to ${host()}`);
    expect(condition(await getApi(client, ns, 'tools'), 'PoliciesEnforced')).toMatchObject({ status: 'False', reason: 'DestinationRuleConflict' });
    expect(await ruleGone('tools')).toBe(true);
    expect((await getRule('theirs')).metadata.resourceVersion).toBe(theirs.metadata.resourceVersion);

    // Gone: ours is written.
    await client.request('DELETE', `${rules(ns)}/theirs`);
    expect((await outcome('tools', withConnect(5000))).outcome).toBe('created');
    expect(await timeoutOf('tools')).toBe('5s');

    // At our name, not ours.
    const taken = await foreignRule('taken', 'other');
    await createApi(client, ns, 'taken', { apiType: 'mcp' });
    const row = await outcome('taken', withConnect(5000));
    expect(row.outcome).toBe('conflict');
    expect(condition(await getApi(client, ns, 'taken'), 'PoliciesEnforced')).toMatchObject({ reason: 'DestinationRuleNotOwned', message: expect.stringContaining(`DestinationRule ${ns}/taken exists and is not managed by this ExposedAPI`) });
    expect((await getRule('taken')).metadata.resourceVersion).toBe(taken.metadata.resourceVersion);
  });

  test('the watch mode writes it, puts it back when deleted, and takes a new value after a restart', async () => {
    await createApi(client, ns, 'watched', { apiType: 'mcp' });
    const args = ['--standalone', '-n', ns, '--gateway', settings.gateway, '--health-address', 'none'];
    operator = startWatch(args, kubeconfigPath(), { API_CONNECT_TIMEOUT: '5' });
    await withLog(operator, waitFor('the rule', () => getRule('watched').catch(() => undefined), 30_000));
    await client.request('DELETE', `${rules(ns)}/watched`);
    await withLog(operator, waitFor('the rule put back', () => getRule('watched').catch(() => undefined), 30_000));
    await operator.stop();
    operator = startWatch(args, kubeconfigPath(), { API_CONNECT_TIMEOUT: '8' });
    await withLog(operator, waitFor('the new connect timeout', async () => (await timeoutOf('watched').catch(() => undefined)) === '8s', 30_000));
    await editSpec('watched', { apiType: 'openapi' });
    await withLog(operator, waitFor('the rule pruned', () => ruleGone('watched'), 30_000));
  }, 90_000);

  test('no right to list DestinationRules fails only the MCP APIs that need one, writing none', async () => {
    await createApi(client, ns, 'plain');
    await createApi(client, ns, 'tools', { apiType: 'mcp' });
    // Everything the one-shot needs, but DestinationRules.
    const kubeconfig = await serviceAccountWithRules(client, ns, [
      { apiGroups: ['oda.tmforum.org'], resources: ['exposedapis', 'components'], verbs: ['get', 'list', 'patch'] },
      { apiGroups: ['networking.istio.io'], resources: ['virtualservices', 'gateways', 'envoyfilters'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
      { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors'], verbs: ['list'] },
      { apiGroups: [''], resources: ['services', 'pods'], verbs: ['get', 'list'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ]);
    const r = await kubectlOdaApi(['reconcile', '-n', ns, '--gateway', settings.gateway, '-o', 'json'], { KUBECONFIG: kubeconfig, API_CONNECT_TIMEOUT: '5' });
    expect(r.code).toBe(1);
    const items = JSON.parse(r.stdout).items as { name: string; outcome: string; conditions: { type: string; reason: string; message: string }[] }[];
    expect(items.find((i) => i.name === 'plain')).toMatchObject({ outcome: 'created' });
    const tools = items.find((i) => i.name === 'tools')!;
    expect(tools.outcome).toBe('error');
    expect(tools.conditions.find((c) => c.type === 'PoliciesEnforced')).toMatchObject({ reason: 'DestinationRulesForbidden', message: expect.stringContaining('DestinationRules may not be listed') });
    expect(await ruleGone('tools')).toBe(true);
  });
});

const projectCrds = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'crds');

describe('on a cluster without the DestinationRule CRD', () => {
  const privateCp = usePrivateControlPlane(false);

  test('only the MCP APIs with a connect timeout fail, naming the CRD; their route and filter, and the other APIs, are fine', async () => {
    const cp = privateCp();
    const { installCrds } = await import('../../scripts/cluster.mjs');
    const dir = mkdtempSync(join(tmpdir(), 'oda-api-crds-'));
    for (const f of readdirSync(projectCrds).filter((f) => f !== 'istio-destinationrules.yaml')) copyFileSync(join(projectCrds, f), join(dir, f));
    installCrds(cp.kubeconfig, dir);
    const space = await createNamespace(cp.client);
    const gw = await createGateway(cp.client, space, { ip: '192.0.2.9' });
    await createService(cp.client, space, { name: 'impl' });
    await createApi(cp.client, space, 'plain');
    await createApi(cp.client, space, 'tools', { apiType: 'mcp' });

    const run = (env: Record<string, string>) => kubectlOdaApi(['reconcile', '-n', space, '--gateway', gw.gateway, '-o', 'json'], { KUBECONFIG: cp.kubeconfig, ...env });
    const r = await run({ API_CONNECT_TIMEOUT: '5' });
    expect(r.code).toBe(1);
    const items = JSON.parse(r.stdout).items as { name: string; outcome: string; message: string | null; conditions: { type: string; reason: string }[] }[];
    expect(items.find((i) => i.name === 'plain')).toMatchObject({ outcome: 'created' });
    const tools = items.find((i) => i.name === 'tools')!;
    expect(tools.outcome).toBe('error');
    expect(tools.message).toContain('API_CONNECT_TIMEOUT (no DestinationRule CRD (networking.istio.io) is served by this cluster; install Istio)');
    expect(tools.conditions.find((c) => c.type === 'PoliciesEnforced')).toMatchObject({ reason: 'DestinationRuleCRDMissing' });
    await expect(cp.client.get(`/apis/networking.istio.io/v1/namespaces/${space}/virtualservices/tools`)).resolves.toBeDefined();
    await expect(cp.client.get(`/apis/networking.istio.io/v1alpha3/namespaces/${space}/envoyfilters/oda-api-${space}-tools`)).resolves.toBeDefined();

    // Without the variable, the MCP API needs no rule and converges.
    expect((await run({})).code).toBe(0);
  }, 90_000);
});
