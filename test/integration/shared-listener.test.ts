// Conflicts judged on what the ingress really serves, through the watch mode: Gateways in
// two namespaces, both named component-gateway and selecting the same ingress workload on
// port 80 for every host, are one listener; so are prefixes that shadow one another.
import type { KubeClient } from '../../src/kube/client.js';
import { startOperator, RunningOperator } from '../../src/operator/run.js';
import { createLogger } from '../../src/runtime/log.js';
import type { Settings } from '../../src/reconcile/types.js';
import { adminClient, createNamespace, createService, deleteNamespace, uniqueName, waitFor } from '../support/cluster.js';
import { condition, createApi, exposedApis, getApi, getVs } from '../support/canvas.js';

let client: KubeClient;
let namespaces: string[];
let operator: RunningOperator | undefined;
let workload: string;

/** A Canvas-style `component-gateway` in ns, selecting this test's ingress workload. */
async function componentGateway(ns: string, selector: Record<string, string>): Promise<void> {
  await client.request('POST', `/apis/networking.istio.io/v1/namespaces/${ns}/gateways`, {
    body: {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'component-gateway' },
      spec: { selector, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
    },
  });
}

beforeAll(() => {
  client = adminClient();
});
beforeEach(async () => {
  workload = uniqueName('ingress');
  namespaces = [await createNamespace(client), await createNamespace(client)];
  for (const ns of namespaces) {
    await componentGateway(ns, { istio: workload });
    await createService(client, ns, { name: 'impl' });
  }
});
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
  for (const ns of namespaces) await deleteNamespace(client, ns);
});

const settings: Settings = { metricsMode: 'ServiceMonitor', gateway: 'component-gateway', publicHostname: 'canvas.example.com', scrapeInterval: '15s' };
/** The operator, standalone, serving both namespaces. */
const startOnBoth = () =>
  startOperator(
    { client: adminClient(), settings, scope: { matches: (n) => namespaces.includes(n), description: 'two' } },
    {
      log: createLogger({ level: 'error', format: 'plain' }),
      standalone: true,
      leaseNamespace: namespaces[0],
    },
  );
const routedCondition = async (ns: string, name: string) => condition(await getApi(client, ns, name), 'Routed');
const hasVs = (ns: string, name: string) => getVs(client, ns, name).then(() => true, () => false);

test('two namespaces, one ingress listener: the same path is a conflict, a shadowing prefix too, and both clear when the holder goes', async () => {
  const [a, b] = namespaces;
  operator = await startOnBoth();
  const path = `/${workload}/api`;

  await createApi(client, a, 'first', { path });
  await waitFor('the first API routed', async () => (await routedCondition(a, 'first'))?.status === 'True');

  await createApi(client, b, 'second', { path });
  const second = await waitFor('the same path in the other namespace in conflict', async () => {
    const c = await routedCondition(b, 'second');
    return c?.reason === 'Conflict' && c;
  });
  expect(second.message).toContain(`held by ExposedAPI ${a}/first through gateway ${a}/component-gateway, on the same ingress workload, port and host`);
  expect(condition(await getApi(client, b, 'second'), 'Ready')?.status).toBe('False');
  expect(await hasVs(b, 'second')).toBe(false);

  await createApi(client, b, 'third', { path: `${path}/v2` });
  const third = await waitFor('the longer path shadowed', async () => {
    const c = await routedCondition(b, 'third');
    return c?.reason === 'Conflict' && c;
  });
  expect(third.message).toContain(`the path ${path}/v2 is shadowed by ExposedAPI ${a}/first`);

  // The holder goes: the APIs it blocked are planned again, and the earlier of them wins.
  await client.request('DELETE', `${exposedApis(a)}/first`);
  await waitFor('the second API routed', async () => (await routedCondition(b, 'second'))?.status === 'True');
  await waitFor('the third API shadowed by the second', async () => (await routedCondition(b, 'third'))?.message.includes(`shadowed by ExposedAPI ${b}/second`));
  expect(await hasVs(b, 'second')).toBe(true);
  expect(await hasVs(b, 'third')).toBe(false);
});

test('a Gateway moved to another ingress workload frees the route', async () => {
  const [a, b] = namespaces;
  operator = await startOnBoth();
  const path = `/${workload}/api`;
  await createApi(client, a, 'first', { path });
  await waitFor('the first API routed', async () => (await routedCondition(a, 'first'))?.status === 'True');
  await createApi(client, b, 'second', { path });
  await waitFor('in conflict', async () => (await routedCondition(b, 'second'))?.reason === 'Conflict');

  await client.request('PATCH', `/apis/networking.istio.io/v1/namespaces/${b}/gateways/component-gateway`, {
    contentType: 'application/merge-patch+json',
    body: { spec: { selector: { istio: `${workload}-internal` } } },
  });
  await waitFor('routed on its own listener', async () => (await routedCondition(b, 'second'))?.status === 'True');
});
