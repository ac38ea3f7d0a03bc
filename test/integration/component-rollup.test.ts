// The Component entry mirrors its ExposedAPI, through the watch mode: when the API loses
// its URL (the ingress gateway Service is deleted), the url leaves the entry too.
import type { KubeClient } from '../../src/kube/client.js';
import { startOperator, RunningOperator } from '../../src/operator/run.js';
import { createLogger } from '../../src/runtime/log.js';
import type { Settings } from '../../src/reconcile/types.js';
import { adminClient, createNamespace, createService, deleteNamespace, waitFor } from '../support/cluster.js';
import { components, createApi, createGateway, getApi } from '../support/canvas.js';

let client: KubeClient;
let ns: string;
let settings: Settings;
let operator: RunningOperator | undefined;

beforeAll(() => {
  client = adminClient();
});
beforeEach(async () => {
  ns = await createNamespace(client);
  settings = await createGateway(client, ns, { ip: '203.0.113.20' });
  await createService(client, ns, { name: 'impl' });
});
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
  await deleteNamespace(client, ns);
});

type Entry = Record<string, unknown>;
const entry = async () => (await client.get<{ status?: { coreAPIs?: Entry[] } }>(`${components(ns)}/comp`)).status?.coreAPIs?.[0];

test('the url leaves the Component entry when the API loses it', async () => {
  const component = await client.request<{ metadata: { uid: string } }>('POST', components(ns), {
    body: { apiVersion: 'oda.tmforum.org/v1', kind: 'Component', metadata: { name: 'comp' }, spec: {} },
  });
  const api = await createApi(client, ns, 'member', { developerUI: `/${ns}/member/docs` }, {
    ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: 'comp', uid: component.metadata.uid }],
  });
  // The Component operator's part: the entry, keyed by the API's uid.
  await client.request('PATCH', `${components(ns)}/comp`, {
    contentType: 'application/merge-patch+json',
    body: { status: { coreAPIs: [{ name: 'member', uid: api.metadata.uid }] } },
  });
  const log = createLogger({ level: 'error', format: 'plain' });
  operator = await startOperator({ client: adminClient(), settings, scope: { matches: (n) => n === ns, description: ns } }, { log, standalone: true, leaseNamespace: ns });

  await waitFor('the url in the entry', async () => (await entry())?.url === `https://203.0.113.20/${ns}/member`);
  expect((await entry())?.developerUI).toBe(`https://203.0.113.20/${ns}/member/docs`);

  await client.request('DELETE', `/api/v1/namespaces/${ns}/services/ingressgateway`);
  await waitFor('the API without a url', async () => (await getApi(client, ns, 'member')).status?.apiStatus?.url === undefined);
  await waitFor('the entry without a url', async () => {
    const e = await entry();
    return e !== undefined && !('url' in e) && !('developerUI' in e);
  });
  expect(await entry()).toEqual({ name: 'member', uid: api.metadata.uid, ready: false });
});
