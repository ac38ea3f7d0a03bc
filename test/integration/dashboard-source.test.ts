// What feeds the dashboard, against the real API server: read-only it runs on the cluster
// cache alone (no controller, no write of any kind); with --operator the same rows come
// from the operator's cache and its controller writes. The second test shows the first
// one's measure (the client's request counts) does see writes.
import type { KubeClient } from '../../src/kube/client.js';
import type { Settings } from '../../src/reconcile/types.js';
import { createLogger } from '../../src/runtime/log.js';
import { followSource, LiveSource, startLiveSource, viewSource } from '../../src/ui/source.js';
import { StatusStore } from '../../src/ui/status-store.js';
import { adminClient, createNamespace, createService, deleteNamespace, waitFor } from '../support/cluster.js';
import { createApi, createGateway, getApi, setGatewayAddress } from '../support/canvas.js';

const ADDRESS = '203.0.113.47';
const quiet = createLogger({ level: 'error', format: 'plain' });

let admin: KubeClient;
let ns: string;
let settings: Settings;
let source: LiveSource | undefined;
let unfollow: (() => void) | undefined;
let statusStore: StatusStore | undefined;

beforeAll(() => {
  admin = adminClient();
});
beforeEach(async () => {
  ns = await createNamespace(admin);
  settings = await createGateway(admin, ns);
  await setGatewayAddress(admin, ns, { ip: ADDRESS });
  await createService(admin, ns, { name: 'impl' });
  await createApi(admin, ns, 'orders');
});
afterEach(async () => {
  unfollow?.();
  statusStore?.dispose();
  await source?.stop();
  source = undefined;
  await deleteNamespace(admin, ns);
});

/** Starts the dashboard's live source on its own client (so its requests are its own) and follows it into a status store. */
async function dashboardRows(operator: boolean): Promise<{ client: KubeClient; rows: StatusStore }> {
  const client = adminClient();
  const scope = { matches: (n: string) => n === ns, literal: [ns], description: ns };
  source = await startLiveSource({ client, settings, scope }, { operator }, quiet);
  const rows = new StatusStore(viewSource(source.cache.view, settings, scope.matches), { throttleMs: 0 });
  unfollow = followSource(source, rows);
  statusStore = rows;
  return { client, rows };
}

const urlOf = (rows: StatusStore, name: string) => rows.get(`${ns}/${name}`)?.url;

test('read-only: rows from the cache alone, following the cluster, without a controller or any write', async () => {
  const { client, rows } = await dashboardRows(false);
  expect(source!.controller).toBeUndefined();
  await waitFor('the row computed from the cache', async () => urlOf(rows, 'orders') === `https://${ADDRESS}/${ns}/orders`);

  await createApi(admin, ns, 'payments');
  await waitFor('a row for the API created since', async () => urlOf(rows, 'payments') === `https://${ADDRESS}/${ns}/payments`);

  expect(Object.keys(client.requestCounts).sort()).toEqual(['GET', 'WATCH']);
  expect((await getApi(admin, ns, 'orders')).status).toBeUndefined();
  expect((await getApi(admin, ns, 'payments')).metadata.finalizers).toBeUndefined();
});

test('with --operator: the operator cache feeds the rows and its controller writes', async () => {
  const { client, rows } = await dashboardRows(true);
  expect(source!.controller).toBeDefined();
  await waitFor('the status written', async () => (await getApi(admin, ns, 'orders')).status?.apiStatus?.url === `https://${ADDRESS}/${ns}/orders`);
  await waitFor('the row in sync', async () => rows.get(`${ns}/orders`)?.inSync === true);
  expect(client.requestCounts.PATCH).toBeGreaterThan(0);
});
