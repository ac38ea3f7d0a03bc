// A reconcile that fails in the watch mode, end to end: converge returns the failure, the
// controller logs it and says it in one Warning Event (not one per retry), the queue
// retries with backoff, and the API converges once the cause is gone.
import { KubeClient } from '../../src/kube/client.js';
import { CLUSTER_RULES, NAMESPACE_RULES } from '../../src/deploy/rbac.js';
import { startOperator, RunningOperator } from '../../src/operator/run.js';
import { createLogger } from '../../src/runtime/log.js';
import { adminClient, createNamespace, createService, deleteNamespace, grantClusterRules, newServiceAccount, waitFor } from '../support/cluster.js';
import { createApi, createGateway, getApi } from '../support/canvas.js';

let client: KubeClient;
let ns: string;
let operator: RunningOperator | undefined;

beforeAll(() => {
  client = adminClient();
});
beforeEach(async () => {
  ns = await createNamespace(client);
});
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
  await deleteNamespace(client, ns);
});

interface EventList {
  items: { type: string; reason: string; message: string; involvedObject: { name: string } }[];
}

test('a forbidden write is logged, said in one Warning Event, retried with backoff, and converges once permitted', async () => {
  const settings = await createGateway(client, ns, { ip: '192.0.2.80' });
  await createService(client, ns, { name: 'impl' });
  // The operator's own rules for a scope that is not plain names (Namespaces followed), except that it may not write VirtualServices yet.
  const rules = [...CLUSTER_RULES, ...NAMESPACE_RULES].map((r) => (r.resources?.includes('virtualservices') ? { ...r, verbs: ['get', 'list', 'watch', 'delete'] } : r));
  const account = await newServiceAccount(client, ns, rules);
  const lines: string[] = [];
  const accountClient = KubeClient.load({ kubeconfig: account.kubeconfig });
  operator = await startOperator({ client: accountClient, settings, scope: { matches: (n) => n === ns, description: ns } }, {
    log: createLogger({ level: 'info', format: 'plain', color: false, stream: { write: (chunk: string) => lines.push(...chunk.trimEnd().split('\n')) } }),
    standalone: true,
    leaseNamespace: ns,
  });
  await createApi(client, ns, 'orders');

  const failures = () => lines.filter((l) => l.includes('reconcile failed, will retry') && l.includes(`api=${ns}/orders `));
  await waitFor('three failed attempts', async () => failures().length >= 3);
  expect(failures()[0]).toMatch(/outcome=error .*reason="?forbidden: /);
  const warnings = async () =>
    (await client.get<EventList>(`/api/v1/namespaces/${ns}/events`)).items.filter((e) => e.involvedObject.name === 'orders' && e.reason === 'ReconcileFailed');
  await waitFor('the Warning Event', async () => (await warnings()).length > 0);
  const [warning, ...more] = await warnings();
  expect(warning).toMatchObject({ type: 'Warning', message: expect.stringMatching(/^forbidden: /) });
  expect(more).toEqual([]);

  await grantClusterRules(client, ns, account.name, [{ apiGroups: ['networking.istio.io'], resources: ['virtualservices'], verbs: ['create', 'patch'] }]);
  await waitFor('routed after a retry', async () => (await getApi(client, ns, 'orders')).status?.apiStatus?.url === `https://192.0.2.80/${ns}/orders`, 30_000);
  await waitFor('the success logged', async () => lines.some((l) => / reconciled /.test(l) && l.includes(`api=${ns}/orders outcome=created `)));
});
