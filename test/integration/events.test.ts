// Events against the real API server: one Normal Event per reconcile that changed
// something, saying all of it; nothing on a reconcile that changed nothing; and a
// reconcile never depends on Events (an operator that may not create them still routes).
import { KubeClient } from '../../src/kube/client.js';
import { CLUSTER_RULES } from '../../src/deploy/rbac.js';
import { apiServerEvents, EventRecorder } from '../../src/kube/event-recorder.js';
import { runOnce } from '../../src/oneshot/run.js';
import { startOperator, RunningOperator } from '../../src/operator/run.js';
import type { Settings } from '../../src/reconcile/types.js';
import { createLogger } from '../../src/runtime/log.js';
import { adminClient, createNamespace, createPod, createService, deleteNamespace, newServiceAccount, readyEndpoints, setPodReady, waitFor } from '../support/cluster.js';
import { condition, createApi, createGateway, getApi } from '../support/canvas.js';

let client: KubeClient;
let ns: string;
let settings: Settings;
let operator: RunningOperator | undefined;

interface EventList {
  items: { type: string; reason: string; message: string; count: number; involvedObject: { name: string } }[];
}
const eventsOf = async (name: string) => (await client.get<EventList>(`/api/v1/namespaces/${ns}/events`)).items.filter((e) => e.involvedObject.name === name);
const scope = () => ({ matches: (n: string) => n === ns, literal: [ns], description: ns });

beforeAll(() => {
  client = adminClient();
});
beforeEach(async () => {
  ns = await createNamespace(client);
  settings = await createGateway(client, ns, { ip: '192.0.2.90' });
});
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
  await deleteNamespace(client, ns);
});

test('a new API gets one Normal Event saying what was created and that it is ready; a run with nothing to do adds none', async () => {
  await createService(client, ns, { name: 'impl' });
  await setPodReady(client, ns, await createPod(client, ns, { app: 'impl' }), true);
  await waitFor('a ready endpoint', async () => (await readyEndpoints(client, ns, 'impl')).ready > 0);
  await createApi(client, ns, 'orders');
  await runOnce({ client, settings, scope: scope() }, { names: [], dryRun: 'none' });

  const [event, ...more] = await eventsOf('orders');
  expect(more).toEqual([]);
  expect(event).toMatchObject({ type: 'Normal', reason: 'Reconciled', count: 1 });
  expect(event.message).toBe(`created VirtualService ${ns}/orders; the API is available at https://192.0.2.90/${ns}/orders`);

  await runOnce({ client, settings, scope: scope() }, { names: [], dryRun: 'none' });
  expect(await eventsOf('orders')).toHaveLength(1);
});

test('the same Event again is one Event on the API server whose count grows', async () => {
  const api = await createApi(client, ns, 'orders');
  const recorder = new EventRecorder(apiServerEvents(client));
  const warning = { type: 'event', eventType: 'Warning', reason: 'ReconcileFailed', message: 'forbidden: virtualservices' } as const;
  for (let i = 0; i < 3; i++) recorder.record(api, warning);
  await recorder.flush();
  const [event, ...more] = await eventsOf('orders');
  expect(more).toEqual([]);
  expect(event).toMatchObject({ type: 'Warning', reason: 'ReconcileFailed', message: 'forbidden: virtualservices', count: 3 });
});

test('an operator that may not create Events routes and writes statuses all the same', async () => {
  await createService(client, ns, { name: 'impl' });
  const rules = CLUSTER_RULES.filter((r) => !r.resources?.includes('events'));
  expect(rules.length).toBeLessThan(CLUSTER_RULES.length);
  const account = await newServiceAccount(client, ns, rules);
  const lines: string[] = [];
  operator = await startOperator({ client: KubeClient.load({ kubeconfig: account.kubeconfig }), settings, scope: scope() }, {
    log: createLogger({ level: 'info', format: 'plain', color: false, stream: { write: (chunk: string) => lines.push(...chunk.trimEnd().split('\n')) } }),
    standalone: true,
    leaseNamespace: ns,
  });
  const names = ['a', 'b', 'c'];
  for (const name of names) await createApi(client, ns, name);
  for (const name of names) {
    await waitFor(`${name} routed`, async () => condition(await getApi(client, ns, name), 'Routed')?.status === 'True');
  }
  expect(lines.filter((l) => l.includes('reconcile failed'))).toEqual([]);
  for (const name of names) expect(await eventsOf(name)).toEqual([]);
});
