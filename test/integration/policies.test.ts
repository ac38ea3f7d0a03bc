// The policy children against the real API server with the real CRDs: the EnvoyFilter a
// rate limit or an MCP API gets at the ingress gateway (in the gateway's namespace, not the
// API's), created, changed, drifted and repaired, turned off (pruned), adopted, refused,
// deleted with its API through the finalizer; invalid limits reported without touching the
// route; `diff`, `status NAME` and the watch mode. The Envoy configuration inside the filters
// is checked against Envoy's own API by envoyconfig.test.ts.
import type { KubeClient } from '../../src/kube/client.js';
import { runOnce, type RunReport } from '../../src/oneshot/run.js';
import type { ExposedAPI, KubeObject, Settings } from '../../src/reconcile/types.js';
import { POLICY_FINALIZER } from '../../src/reconcile/constants.js';
import { adminClient, createNamespace, createService, deleteNamespace, kubeconfigPath, waitFor } from '../support/cluster.js';
import { condition, createApi, createGateway, exposedApis, getApi, getVs, kubectlOdaApi } from '../support/canvas.js';
import { startWatch, type OperatorProcess } from '../support/operator.js';

let client: KubeClient;
let ns: string;
let gwNs: string;
let settings: Settings;
let operator: OperatorProcess | undefined;

const envoyFilters = (namespace: string) => `/apis/networking.istio.io/v1alpha3/namespaces/${namespace}/envoyfilters`;
type Filter = KubeObject & { spec: { workloadSelector: { labels: Record<string, string> }; configPatches: { applyTo: string; patch: { value: Record<string, unknown> } }[] } };
const filterName = (api: string) => `oda-api-${ns}-${api}`;
const getFilter = (api: string) => client.get<Filter>(`${envoyFilters(gwNs)}/${filterName(api)}`);
const filterGone = async (api: string) => getFilter(api).then(() => false, (err: { status?: number }) => err.status === 404);

const once = (names: string[] = [], dryRun: 'none' | 'server' = 'none'): Promise<RunReport> =>
  runOnce({ client, settings, scope: { matches: (n) => n === ns, literal: [ns], description: ns } }, { names, dryRun });
const outcome = async (name: string) => (await once([name])).apis.find((a) => a.name === name)!;

async function editSpec(name: string, spec: Record<string, unknown>): Promise<void> {
  await client.request('PATCH', `${exposedApis(ns)}/${name}`, { contentType: 'application/merge-patch+json', body: { spec } });
}

beforeAll(() => {
  client = adminClient();
});
beforeEach(async () => {
  ns = await createNamespace(client, 'pol');
  // The gateway, its Service and so its workload live in a namespace of their own, as in a Canvas.
  gwNs = await createNamespace(client, 'polgw');
  settings = await createGateway(client, gwNs, { ip: '203.0.113.20' });
  await createService(client, ns, { name: 'impl' });
});
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
  // The finalizer would hold the namespace: let the operator's deletion run, once.
  const apis = await client.get<{ items: ExposedAPI[] }>(exposedApis(ns));
  for (const api of apis.items) await client.request('DELETE', `${exposedApis(ns)}/${api.metadata.name}`);
  if (apis.items.length > 0) await once();
  await deleteNamespace(client, ns);
  await deleteNamespace(client, gwNs);
});

test('a rate limit: an EnvoyFilter in the gateway namespace on this route only, changed, repaired, pruned', async () => {
  await createApi(client, ns, 'limited', { rateLimit: { enabled: true, limit: '10', interval: 'pm' } });
  expect((await outcome('limited')).outcome).toBe('created');

  const api = await getApi(client, ns, 'limited');
  expect(api.metadata.finalizers).toContain(POLICY_FINALIZER);
  const vs = await getVs(client, ns, 'limited');
  expect((vs.spec.http as { name?: string }[])[0].name).toBe(`${ns}.limited`);
  const filter = await getFilter('limited');
  expect(filter.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'kubectl-oda-api', 'oda.tmforum.org/exposedapi-uid': api.metadata.uid });
  expect(filter.metadata.annotations).toMatchObject({ 'oda.tmforum.org/exposedapi': `${ns}/limited` });
  expect(filter.spec.workloadSelector).toEqual({ labels: { istio: `ingress-${gwNs}` } });
  expect(filter.spec.configPatches.map((p) => p.applyTo)).toEqual(['HTTP_FILTER', 'HTTP_ROUTE']);
  expect(filter.spec.configPatches[1].patch.value).toMatchObject({
    typed_per_filter_config: { [`oda-api.ratelimit.${ns}.limited`]: { token_bucket: { max_tokens: 10, tokens_per_fill: 10, fill_interval: '60s' } } },
  });
  expect(condition(api, 'PoliciesEnforced')).toMatchObject({ status: 'True', reason: 'AllEnforced', message: expect.stringContaining('the limit holds per gateway replica') });

  // Nothing to write when nothing changed.
  const quiet = adminClient();
  await runOnce({ client: quiet, settings, scope: { matches: (n) => n === ns, literal: [ns], description: ns } }, { names: ['limited'], dryRun: 'none' });
  expect(['POST', 'PUT', 'PATCH', 'DELETE'].reduce((n, verb) => n + (quiet.requestCounts[verb] ?? 0), 0)).toBe(0);

  // Changed.
  await editSpec('limited', { rateLimit: { enabled: true, limit: '3', interval: 'ps' } });
  expect((await outcome('limited')).outcome).toBe('updated');
  expect(JSON.stringify((await getFilter('limited')).spec)).toContain('"token_bucket":{"fill_interval":"1s","max_tokens":3,"tokens_per_fill":3}');

  // Drifted (someone else's manager), then deleted: put back each time.
  await client.request('PATCH', `${envoyFilters(gwNs)}/${filterName('limited')}`, {
    contentType: 'application/merge-patch+json',
    query: { fieldManager: 'someone' },
    body: { spec: { configPatches: [] } },
  });
  await once(['limited']);
  expect((await getFilter('limited')).spec.configPatches).toHaveLength(2);
  await client.request('DELETE', `${envoyFilters(gwNs)}/${filterName('limited')}`);
  await once(['limited']);
  expect((await getFilter('limited')).spec.configPatches).toHaveLength(2);

  // Turned off: the filter and the finalizer go, the route stays (unnamed again).
  await editSpec('limited', { rateLimit: { enabled: false } });
  expect((await outcome('limited')).outcome).toBe('updated');
  expect(await filterGone('limited')).toBe(true);
  expect((await getApi(client, ns, 'limited')).metadata.finalizers ?? []).not.toContain(POLICY_FINALIZER);
  expect((((await getVs(client, ns, 'limited')).spec.http as { name?: string }[])[0]).name).toBeUndefined();
});

test.each([
  ['limit 0', { enabled: true, limit: '0' }, 'spec.rateLimit.limit: must be a whole number'],
  ['an unknown interval', { enabled: true, limit: '5', interval: 'ph' }, 'spec.rateLimit.interval: must be ps (per second) or pm (per minute)'],
])('an invalid rate limit (%s) is reported; the route and the limit in force stay', async (_label, rateLimit, text) => {
  await createApi(client, ns, 'typo', { rateLimit: { enabled: true, limit: '5' } });
  await once();
  const before = await getFilter('typo');
  const vsBefore = await getVs(client, ns, 'typo');
  await editSpec('typo', { rateLimit });
  const row = await outcome('typo');
  expect(row.outcome).toBe('invalid');
  expect(row.message).toContain(text);
  const api = await getApi(client, ns, 'typo');
  expect(condition(api, 'PoliciesEnforced')).toMatchObject({ status: 'False', reason: 'InvalidPolicy' });
  expect(condition(api, 'Routed')?.status).toBe('True');
  expect((await getFilter('typo')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  expect((await getVs(client, ns, 'typo')).metadata.resourceVersion).toBe(vsBefore.metadata.resourceVersion);
});

test('an MCP API: no stream idle timeout on its route, no request timeout; diff and status show the filter', async () => {
  await createApi(client, ns, 'tools', { apiType: 'mcp' });
  const preview = await kubectlOdaApi(['diff', '-n', ns, '--gateway', settings.gateway, 'tools']);
  expect(preview.code).toBe(1);
  expect(preview.stdout).toContain(`+++ /merged/networking.istio.io.v1alpha3.EnvoyFilter.${gwNs}.${filterName('tools')}`);
  expect(preview.stdout).toContain('idle_timeout: 0s');

  await once();
  const filter = await getFilter('tools');
  expect(filter.spec.configPatches.map((p) => p.applyTo)).toEqual(['HTTP_ROUTE']);
  expect(filter.spec.configPatches[0].patch.value).toEqual({ route: { idle_timeout: '0s' } });
  expect(((await getVs(client, ns, 'tools')).spec.http as Record<string, unknown>[])[0].timeout).toBeUndefined();

  const status = await kubectlOdaApi(['status', '-n', ns, '--gateway', settings.gateway, 'tools']);
  expect(status.stdout).toMatch(/policy +apiType mcp: enforced: long-lived streams are not cut/);
});

test('quota, OASValidation and template are reported one by one, and status says why', async () => {
  await createApi(client, ns, 'asks', { quota: { identifier: 'ip', limit: '100' }, OASValidation: { requestEnabled: true }, template: 'gold', CORS: { enabled: true } });
  await once();
  const c = condition(await getApi(client, ns, 'asks'), 'PoliciesEnforced')!;
  expect(c).toMatchObject({ status: 'False', reason: 'NotEnforced' });
  expect(c.message).toMatch(/^not enforced: quota \(no standard Istio resource .*\); OASValidation \(Istio has no filter .*\); template \(a template names .*\)\. enforced: CORS \(by the VirtualService's corsPolicy\)$/);
  const status = await kubectlOdaApi(['status', '-n', ns, '--gateway', settings.gateway, 'asks']);
  for (const feature of ['quota', 'OASValidation', 'template']) expect(status.stdout).toMatch(new RegExp(`policy +${feature}: not enforced: `));
  expect(await filterGone('asks')).toBe(true);
});

test('deleting the API deletes its filter in the gateway namespace, then lets the API go', async () => {
  await createApi(client, ns, 'going', { rateLimit: { enabled: true, limit: '5' } });
  await once();
  await getFilter('going');
  await client.request('DELETE', `${exposedApis(ns)}/going`);
  expect((await getApi(client, ns, 'going')).metadata.deletionTimestamp).toBeDefined();
  await once();
  expect(await filterGone('going')).toBe(true);
  await waitFor('the API gone', async () => getApi(client, ns, 'going').then(() => false, () => true));
});

test('adopts a filter left by an earlier API of the same name; refuses one that is not ours', async () => {
  await client.request('POST', envoyFilters(gwNs), {
    query: { fieldManager: 'someone' },
    body: {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'EnvoyFilter',
      metadata: { name: filterName('taken'), annotations: { note: 'hand-made' } },
      spec: { configPatches: [] },
    },
  });
  await createApi(client, ns, 'taken', { rateLimit: { enabled: true, limit: '5' } });
  const refused = await outcome('taken');
  expect(refused.outcome).toBe('conflict');
  expect(condition(await getApi(client, ns, 'taken'), 'PoliciesEnforced')).toMatchObject({ reason: 'EnvoyFilterNotOwned' });
  expect((await getFilter('taken')).spec.configPatches).toEqual([]);

  // Written for an earlier API of this name (its annotation, another uid): taken over in place.
  await client.request('PATCH', `${envoyFilters(gwNs)}/${filterName('taken')}`, {
    contentType: 'application/merge-patch+json',
    query: { fieldManager: 'someone' },
    body: { metadata: { labels: { 'app.kubernetes.io/managed-by': 'kubectl-oda-api', 'oda.tmforum.org/exposedapi-uid': 'gone' }, annotations: { 'oda.tmforum.org/exposedapi': `${ns}/taken` } } },
  });
  const uid = (await getFilter('taken')).metadata.uid;
  expect((await outcome('taken')).outcome).toBe('updated');
  const adopted = await getFilter('taken');
  expect(adopted.metadata.uid).toBe(uid);
  expect(adopted.metadata.labels?.['oda.tmforum.org/exposedapi-uid']).toBe((await getApi(client, ns, 'taken')).metadata.uid);
  expect(adopted.spec.configPatches).toHaveLength(2);
});

test('the watch mode puts back a filter deleted by someone else and prunes it when the limit goes', async () => {
  await createApi(client, ns, 'watched', { rateLimit: { enabled: true, limit: '5' } });
  operator = startWatch(['--standalone', '-n', ns, '--gateway', settings.gateway, '--health-address', 'none'], kubeconfigPath());
  await waitFor('the filter', () => getFilter('watched').catch(() => undefined), 30_000);
  await client.request('DELETE', `${envoyFilters(gwNs)}/${filterName('watched')}`);
  await waitFor('the filter put back', () => getFilter('watched').catch(() => undefined), 30_000);
  await editSpec('watched', { rateLimit: { enabled: false } });
  await waitFor('the filter pruned', () => filterGone('watched'), 30_000);
  await waitFor('the finalizer dropped', async () => !(await getApi(client, ns, 'watched')).metadata.finalizers?.includes(POLICY_FINALIZER), 30_000);
});

test('per-client buckets with --rate-limit-identifiers: the filter keys on the header, and status says so', async () => {
  await createApi(client, ns, 'keyed', { rateLimit: { enabled: true, limit: '20', interval: 'pm', identifier: 'header:X-Api-Key' } });
  const r = await kubectlOdaApi(['reconcile', '-n', ns, '--gateway', settings.gateway, '--rate-limit-identifiers', 'keyed']);
  expect(r.code).toBe(0);
  const config = (await getFilter('keyed')).spec.configPatches[1].patch.value.typed_per_filter_config as Record<string, Record<string, unknown>>;
  expect(config[`oda-api.ratelimit.${ns}.keyed`]).toMatchObject({
    rate_limits: [{ actions: [{ request_headers: { header_name: 'x-api-key', descriptor_key: 'client' } }] }],
    descriptors: [{ entries: [{ key: 'client' }], token_bucket: { max_tokens: 20, tokens_per_fill: 20, fill_interval: '60s' } }],
  });
  const status = await kubectlOdaApi(['status', '-n', ns, '--gateway', settings.gateway, '--rate-limit-identifiers', 'keyed']);
  expect(status.stdout).toMatch(/policy +rateLimit\.identifier: enforced: a bucket per client, by the x-api-key header/);
  // Without the setting the next pass takes the per-client buckets away again, and says why.
  await once(['keyed']);
  expect(JSON.stringify((await getFilter('keyed')).spec)).not.toContain('descriptors');
  expect(condition(await getApi(client, ns, 'keyed'), 'PoliciesEnforced')?.message).toContain('needs Envoy 1.35 or newer at the gateway');
});
