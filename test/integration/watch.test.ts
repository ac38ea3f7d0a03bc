// The long-running operator against the real API server: it reacts to every input
// within moments, from watch caches. Each test runs its own operator in-process, scoped
// to its own namespace and gateway, so tests stay independent.
import type { KubeClient } from '../../src/kube/client.js';
import { startOperator, RunningOperator } from '../../src/operator/run.js';
import { createLogger } from '../../src/runtime/log.js';
import type { Settings } from '../../src/reconcile/types.js';
import { adminClient, createNamespace, createPod, createService, deleteNamespace, setPodReady, uniqueName, waitFor } from '../support/cluster.js';
import { components, condition, createApi, createGateway, getApi, getVs, setGatewayAddress, virtualServices } from '../support/canvas.js';

let client: KubeClient;
let ns: string;
let settings: Settings;
let operator: RunningOperator | undefined;

const quiet = createLogger({ level: 'error', format: 'plain' });

async function operate(s: Settings = settings, matches: (n: string) => boolean = (n) => n === ns): Promise<RunningOperator> {
  operator = await startOperator({ client: adminClient(), settings: s, scope: { matches, description: ns } }, { log: quiet, standalone: true, leaseNamespace: ns });
  return operator;
}

beforeAll(() => {
  client = adminClient();
});
beforeEach(async () => {
  ns = await createNamespace(client);
  settings = await createGateway(client, ns);
  await createService(client, ns, { name: 'impl' });
});
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
  await deleteNamespace(client, ns);
});

const routed = (name: string) => async () => (await getApi(client, ns, name)).status?.apiStatus?.uid !== undefined;

test('an ExposedAPI created while the operator runs is routed, and its URL arrives with the gateway address', async () => {
  await operate();
  await createApi(client, ns, 'early');
  await waitFor('VirtualService and status', routed('early'));
  let api = await getApi(client, ns, 'early');
  expect(api.status?.apiStatus?.url).toBeUndefined();
  expect(condition(api, 'Ready')?.reason).toBe('GatewayAddressPending');

  await setGatewayAddress(client, ns, { hostname: 'canvas.example.com' });
  await waitFor('the URL', async () => (await getApi(client, ns, 'early')).status?.apiStatus?.url === `https://canvas.example.com/${ns}/early`);
  api = await getApi(client, ns, 'early');
  expect(api.status?.apiStatus?.ip).toBe('canvas.example.com');
});

test('readiness follows the pods both ways, from EndpointSlice events', async () => {
  await operate();
  await createApi(client, ns, 'ready');
  await waitFor('routed', routed('ready'));
  const pod = await createPod(client, ns, { app: 'impl' });
  await setPodReady(client, ns, pod, true);
  await waitFor('ready=true', async () => (await getApi(client, ns, 'ready')).status?.implementation?.ready === true, 10_000);
  await setPodReady(client, ns, pod, false);
  await waitFor('ready=false', async () => (await getApi(client, ns, 'ready')).status?.implementation?.ready === false, 10_000);
});

test('children edited or deleted by someone else are put back', async () => {
  await operate();
  await createApi(client, ns, 'kept');
  await waitFor('routed', routed('kept'));
  const original = await getVs(client, ns, 'kept');
  await client.request('PATCH', `${virtualServices(ns)}/kept`, {
    contentType: 'application/merge-patch+json',
    body: { spec: { hosts: ['hijacked.example.com'] } },
  });
  await waitFor('the edit undone', async () => JSON.stringify((await getVs(client, ns, 'kept')).spec.hosts) === JSON.stringify(original.spec.hosts));
  await client.request('DELETE', `${virtualServices(ns)}/kept`);
  await waitFor('recreated', async () => {
    const vs = await getVs(client, ns, 'kept').catch(() => undefined);
    return vs && vs.metadata.uid !== original.metadata.uid;
  });
  await waitFor('status names the new uid', async () => (await getApi(client, ns, 'kept')).status?.apiStatus?.uid !== original.metadata.uid);
});

test('namespaces matching the globs are picked up live', async () => {
  const prefix = uniqueName('glob');
  await operate(settings, (n) => n.startsWith(`${prefix}-`) || n === ns);
  const late = `${prefix}-late`;
  await client.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: late } } });
  try {
    await createApi(client, late, 'newcomer');
    await waitFor('the API in the new namespace routed', async () => getVs(client, late, 'newcomer').then(() => true, () => false));
  } finally {
    await deleteNamespace(client, late);
  }
});

test('the Component roll-up completes when the Component operator adds the entry', async () => {
  const component = await client.request<{ metadata: { uid: string } }>('POST', components(ns), {
    body: { apiVersion: 'oda.tmforum.org/v1', kind: 'Component', metadata: { name: 'comp' }, spec: {} },
  });
  await operate();
  const api = await createApi(client, ns, 'member', {}, {
    ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: 'comp', uid: component.metadata.uid }],
  });
  await waitFor('routed', routed('member'));
  await client.request('PATCH', `${components(ns)}/comp`, {
    contentType: 'application/merge-patch+json',
    body: { status: { coreAPIs: [{ name: 'member', uid: api.metadata.uid }] } },
  });
  await waitFor('the entry rolled up', async () => {
    const c = await client.get<{ status: { coreAPIs: { ready?: boolean }[] } }>(`${components(ns)}/comp`);
    return c.status.coreAPIs[0].ready === false;
  });
});

test('in the Prometheus annotation mode, pods created later are annotated', async () => {
  await operate({ ...settings, metricsMode: 'PrometheusAnnotation' });
  await createApi(client, ns, 'scraped', { apiType: 'prometheus', path: `/${ns}/metrics` });
  await waitFor('routed', routed('scraped'));
  const pod = await createPod(client, ns, { app: 'impl' });
  await waitFor('the new pod annotated', async () => {
    const p = await client.get<{ metadata: { annotations?: Record<string, string> } }>(`/api/v1/namespaces/${ns}/pods/${pod}`);
    return p.metadata.annotations?.['prometheus.io/path'] === `/${ns}/metrics`;
  });
});

test('an ExposedAPI deleted while being reconciled leaves nothing behind to retry', async () => {
  const running = await operate();
  const results: string[] = [];
  running.controller.onResult((key, r) => results.push(`${key} ${r.outcome}`));
  await createApi(client, ns, 'fleeting');
  await client.request('DELETE', `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis/fleeting`);
  await createApi(client, ns, 'after');
  await waitFor('the next API routed', routed('after'));
  await new Promise((r) => setTimeout(r, 1000));
  // Whatever happened to the fleeting API, it is not being retried.
  const fleeting = results.filter((r) => r.startsWith(`${ns}/fleeting`));
  expect(fleeting.filter((r) => r.endsWith('error'))).toEqual([]);
  expect(await running.controller.inScope().map((a) => a.metadata.name)).toEqual(['after']);
});

test('an API deleted while being reconciled logs outcome=deleted, never an error or a retry', async () => {
  const lines: string[] = [];
  operator = await startOperator({ client: adminClient(), settings, scope: { matches: (n) => n === ns, description: ns } }, {
    log: createLogger({ level: 'info', format: 'plain', stream: { write: (chunk: string) => lines.push(...chunk.trimEnd().split('\n')) } }),
    standalone: true,
    leaseNamespace: ns,
  });
  // Deleted right after being created: the reconcile its creation started finds the object gone.
  const names = Array.from({ length: 8 }, (_, i) => `gone-${i}`);
  for (const name of names) {
    await createApi(client, ns, name);
    await client.request('DELETE', `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis/${name}`);
  }
  await createApi(client, ns, 'after');
  await waitFor('the next API routed', routed('after'));
  await waitFor('every deleted API gone from the cache', async () => operator!.controller.inScope().length === 1);
  // A moment for any retry of a deleted API to show up.
  await new Promise((r) => setTimeout(r, 1500));
  const aboutGone = lines.filter((l) => names.some((name) => l.includes(`api=${ns}/${name} `)));
  expect(aboutGone.filter((l) => /outcome=error|WARN|ERROR/.test(l))).toEqual([]);
  expect(aboutGone.filter((l) => !/ reconciled .* outcome=(created|deleted) /.test(l))).toEqual([]);
});
