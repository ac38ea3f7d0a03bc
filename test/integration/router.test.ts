// The httproute router against the real API server: the HTTPRoute an API gets on a Gateway
// API Gateway, Routed once the Gateway's controller accepts it (the test plays that
// controller, as no Istio runs here), the URL from the Gateway's addresses, drift repaired,
// deletion with its API by garbage collection; and the switch between routers in both
// directions under the running operator, with no moment where the API has no route.
import type { KubeClient } from '../../src/kube/client.js';
import { runOnce } from '../../src/oneshot/run.js';
import type { KubeObject, Settings } from '../../src/reconcile/types.js';
import { adminClient, createNamespace, createService, deleteNamespace, kubeconfigPath, waitFor } from '../support/cluster.js';
import { acceptRoute, condition, createApi, createGateway, createGatewayApiGateway, exposedApis, getApi, httpRoutes, kubectlOdaApi, virtualServices } from '../support/canvas.js';
import { startWatch, type OperatorProcess } from '../support/operator.js';

let client: KubeClient;
let ns: string;
let gwNs: string;
let istio: Settings;
let gatewayApi: Settings;
let operator: OperatorProcess | undefined;

type Route = KubeObject & { spec: { parentRefs: Record<string, unknown>[]; rules: { backendRefs: { port: number }[] }[] } };
const getRoute = (name: string) => client.get<Route>(`${httpRoutes(ns)}/${name}`);
const gone = (path: string) => client.get(path).then(() => false, (err: { status?: number }) => err.status === 404);

const once = (settings: Settings, names: string[] = []) => runOnce({ client, settings, scope: { matches: (n) => n === ns, literal: [ns], description: ns } }, { names, dryRun: 'none' });

beforeAll(() => {
  client = adminClient();
});
beforeEach(async () => {
  ns = await createNamespace(client, 'rt');
  gwNs = await createNamespace(client, 'rtgw');
  istio = await createGateway(client, gwNs, { ip: '203.0.113.30' });
  gatewayApi = { ...istio, router: 'httproute' };
  await createGatewayApiGateway(client, gwNs);
  await createService(client, ns, { name: 'impl' });
});
afterEach(async () => {
  await operator?.stop();
  operator = undefined;
  await deleteNamespace(client, ns);
  await deleteNamespace(client, gwNs);
});

test('an HTTPRoute per API: routed once accepted, URL from the Gateway, drift repaired, deleted with its API', async () => {
  await createApi(client, ns, 'cat', { CORS: { enabled: true } });
  expect((await once(gatewayApi)).apis[0].outcome).toBe('created');
  const api = await getApi(client, ns, 'cat');
  const route = await getRoute('cat');
  expect(route.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ExposedAPI', name: 'cat', uid: api.metadata.uid, controller: true, blockOwnerDeletion: true })]);
  expect(route.spec.parentRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: gwNs, name: 'gw' }]);
  expect(JSON.stringify(route.spec.rules)).toContain('"type":"CORS"');
  expect(await gone(`${virtualServices(ns)}/cat`)).toBe(true);
  expect(condition(api, 'Routed')).toMatchObject({ status: 'False', reason: 'Pending' });
  expect(api.status?.apiStatus?.url).toBeUndefined();

  await acceptRoute(client, ns, 'cat');
  await once(gatewayApi);
  const routed = await getApi(client, ns, 'cat');
  expect(condition(routed, 'Routed')).toMatchObject({ status: 'True', reason: 'Routed' });
  expect(routed.status?.apiStatus).toMatchObject({ url: `https://198.51.100.30:8080/${ns}/cat`, ip: '198.51.100.30', uid: route.metadata.uid });

  expect(condition(routed, 'PoliciesEnforced')?.message).toContain("CORS (by the HTTPRoute's CORS filter)");
  const args = ['-n', ns, '--gateway', gatewayApi.gateway, '--router', 'httproute', 'cat'];
  const status = await kubectlOdaApi(['status', ...args]);
  expect(status.stdout).toMatch(new RegExp(`gateway +Gateway ${gwNs}/gw has address 198\\.51\\.100\\.30`));
  expect(status.stdout).toMatch(new RegExp(`route +HTTPRoute ${ns}/cat matches the desired state`));

  // Nothing written when nothing changed.
  const quiet = adminClient();
  await runOnce({ client: quiet, settings: gatewayApi, scope: { matches: (n) => n === ns, literal: [ns], description: ns } }, { names: [], dryRun: 'none' });
  expect(['POST', 'PUT', 'PATCH', 'DELETE'].reduce((n, verb) => n + (quiet.requestCounts[verb] ?? 0), 0)).toBe(0);

  // Drift: someone points the route elsewhere; then deletes it.
  const drifted = { ...route.spec, rules: [{ ...route.spec.rules[0], backendRefs: [{ group: '', kind: 'Service', name: 'impl', port: 1, weight: 1 }] }] };
  await client.request('PATCH', `${httpRoutes(ns)}/cat`, { contentType: 'application/merge-patch+json', body: { spec: drifted } });
  const preview = await kubectlOdaApi(['diff', ...args]);
  expect(preview.code).toBe(1);
  expect(preview.stdout).toContain(`+++ /merged/gateway.networking.k8s.io.v1.HTTPRoute.${ns}.cat`);
  expect(preview.stdout).toMatch(/-\s+port: 1\n\+\s+port: 8080/);
  await once(gatewayApi);
  expect((await getRoute('cat')).spec.rules[0].backendRefs[0].port).toBe(8080);
  await client.request('DELETE', `${httpRoutes(ns)}/cat`);
  await once(gatewayApi);
  await expect(getRoute('cat')).resolves.toBeDefined();

  // Garbage collection (kube-controller-manager) removes it with its API; the collector discovers new
  // CRDs on a 30 s cycle, so on a fresh control plane this may take that long (and more under load).
  await client.request('DELETE', `${exposedApis(ns)}/cat`);
  await waitFor('the HTTPRoute to be garbage-collected', () => gone(`${httpRoutes(ns)}/cat`), 90_000, 500);
}, 120_000);

/** Every ADDED/MODIFIED/DELETED event of a collection, with its resourceVersion. */
async function record(path: string): Promise<{ events: { type: string; name: string; rv: bigint }[]; stop: () => void }> {
  const events: { type: string; name: string; rv: bigint }[] = [];
  const list = await client.get<{ metadata: { resourceVersion: string } }>(path);
  const controller = await client.watch(path, { resourceVersion: list.metadata.resourceVersion }, (type, object) => {
    const meta = (object as unknown as KubeObject).metadata;
    events.push({ type, name: meta.name, rv: BigInt(meta.resourceVersion!) });
  }, () => undefined);
  return { events, stop: () => controller.abort() };
}

const start = (router: string) =>
  startWatch(['--standalone', '-n', ns, '--gateway', istio.gateway, '--router', router, '--health-address', 'none'], kubeconfigPath());

test('switching routers under the running operator, both ways, never leaves the API without a route', async () => {
  await createApi(client, ns, 'sw');
  operator = start('virtualservice');
  await waitFor('the VirtualService', async () => condition(await getApi(client, ns, 'sw'), 'Routed')?.status === 'True', 30_000);
  // One etcd orders every write: resourceVersions of the two kinds compare (a test's knowledge, not an API promise).
  const vs = await record(virtualServices(ns));
  const hr = await record(httpRoutes(ns));
  try {
    await operator.stop();
    operator = start('httproute');
    await waitFor('the HTTPRoute', () => getRoute('sw').catch(() => undefined), 30_000);
    const waiting = await waitFor('the API to say the VirtualService serves meanwhile', async () => {
      const api = await getApi(client, ns, 'sw');
      return condition(api, 'Routed')?.reason === 'Migrating' ? api : undefined;
    }, 30_000);
    expect(condition(waiting, 'Routed')).toMatchObject({ status: 'True', message: expect.stringContaining(`VirtualService ${ns}/sw serves until the HTTPRoute is ready`) });
    expect(waiting.status?.apiStatus?.url).toBe(`https://203.0.113.30/${ns}/sw`);
    expect(await gone(`${virtualServices(ns)}/sw`)).toBe(false);

    const accepted = BigInt(await acceptRoute(client, ns, 'sw'));
    // Waited for in the watch's own record: a GET may see the deletion before the event arrives.
    const seen = (r: typeof vs, type: string) => () => Promise.resolve(r.events.find((e) => e.type === type && e.name === 'sw'));
    const vsDeleted = await waitFor('the VirtualService to go', seen(vs, 'DELETED'), 30_000);
    expect(vsDeleted.rv).toBeGreaterThan(accepted);
    await waitFor('the API routed by its HTTPRoute', async () => condition(await getApi(client, ns, 'sw'), 'Routed')?.status === 'True', 30_000);

    await operator.stop();
    operator = start('virtualservice');
    const hrDeleted = await waitFor('the HTTPRoute to go', seen(hr, 'DELETED'), 30_000);
    // The recording began after the first VirtualService existed: its one ADDED is the new one.
    const vsAdded = await waitFor('the new VirtualService in the record', seen(vs, 'ADDED'), 30_000);
    expect(hrDeleted.rv).toBeGreaterThan(vsAdded.rv);
    // The status is written after the HTTPRoute's deletion, in the same pass.
    const back = await waitFor('the API routed by its VirtualService again', async () => {
      const api = await getApi(client, ns, 'sw');
      return condition(api, 'Routed')?.message.startsWith(`VirtualService ${ns}/sw routes`) ? api : undefined;
    }, 30_000);
    expect(condition(back, 'Routed')?.status).toBe('True');
    expect(back.status?.apiStatus?.uid).toBe((await client.get<KubeObject>(`${virtualServices(ns)}/sw`)).metadata.uid);
  } finally {
    vs.stop();
    hr.stop();
  }
}, 120_000);

test('a bad --router is one line naming the accepted values', async () => {
  const r = await kubectlOdaApi(['reconcile', '-n', ns, '--router', 'ingress']);
  expect(r.code).toBe(2);
  expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining('router "ingress": must be virtualservice (Istio VirtualServices) or httproute (Gateway API HTTPRoutes)')]);
});

