// Paths are URI path prefixes, checked by the engine before anything is written: the
// one-shot reconcile reports the bad character and its position, writes no route and no
// URL, and an edit that breaks the path of a working API leaves its route serving.
import type { KubeClient } from '../../src/kube/client.js';
import type { Settings } from '../../src/reconcile/types.js';
import { adminClient, createNamespace, createService, deleteNamespace } from '../support/cluster.js';
import { condition, createApi, createGateway, exposedApis, getApi, getVs, kubectlOdaApi } from '../support/canvas.js';

let client: KubeClient;
let ns: string;
let settings: Settings;

beforeAll(() => {
  client = adminClient();
});
beforeEach(async () => {
  ns = await createNamespace(client);
  settings = await createGateway(client, ns, { ip: '203.0.113.30' });
  await createService(client, ns, { name: 'impl' });
});
afterEach(async () => {
  await deleteNamespace(client, ns);
});

const reconcile = (...names: string[]) => kubectlOdaApi(['reconcile', '-n', ns, '--gateway', settings.gateway, ...names]);
const hasVs = (name: string) => getVs(client, ns, name).then(() => true, () => false);

test.each([
  ['a space', `/PREFIX/with space`, 'a space at character'],
  ['a non-ASCII character', `/PREFIX/café`, 'the non-ASCII character "é" (U+00E9)'],
  ['a query', `/PREFIX/a?b=1`, '"?" at character'],
  ['a bad escape', `/PREFIX/a%zz`, 'is not a percent-escape'],
  ['a dot segment', `/PREFIX/../other`, 'the dot segment ".."'],
  ['the catch-all', '/', 'catch-all'],
])('a path with %s is invalid: no route, no URL, the problem named', async (_label, template, problem) => {
  await createApi(client, ns, 'bad', { path: template.replace('PREFIX', ns) });
  const result = await reconcile('bad');
  expect(result.code).toBe(1);
  expect(result.stdout).toMatch(/invalid/);
  const api = await getApi(client, ns, 'bad');
  expect(condition(api, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
  expect(condition(api, 'Ready')?.message).toContain(`spec.path: must be a URI path: `);
  expect(condition(api, 'Ready')?.message).toContain(problem);
  expect(api.status?.apiStatus?.url).toBeUndefined();
  expect(await hasVs('bad')).toBe(false);
});

test('breaking the path of a working API keeps its route and URL, and says why it is not Ready', async () => {
  await createApi(client, ns, 'working', { path: `/${ns}/v4` });
  expect((await reconcile('working')).code).toBe(0);
  const before = await getVs(client, ns, 'working');

  await client.request('PATCH', `${exposedApis(ns)}/working`, {
    contentType: 'application/merge-patch+json',
    body: { spec: { path: `/${ns}/v5 beta` } },
  });
  expect((await reconcile('working')).code).toBe(1);
  const api = await getApi(client, ns, 'working');
  expect(condition(api, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
  expect(api.status?.apiStatus?.url).toBe(`https://203.0.113.30/${ns}/v4`);
  const after = await getVs(client, ns, 'working');
  expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);

  // The kept route is still held: another API cannot take the path it serves.
  await createApi(client, ns, 'taker', { path: `/${ns}/v4` });
  const result = await reconcile('taker');
  expect(result.code).toBe(1);
  expect(condition(await getApi(client, ns, 'taker'), 'Routed')?.message).toContain(`held by ExposedAPI ${ns}/working`);
});
