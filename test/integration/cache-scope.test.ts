// The cluster cache keeps only what the engine reads, where it reads it, against the real
// API server: a scope of plain namespaces is watched namespace by namespace (only the
// route table's kinds and the gateway's own objects, narrowed by selectors, cluster-wide),
// a namespace matching a glob is served from when it appears until it goes, and objects
// of namespaces out of scope are not cached.
import { ClusterCache } from '../../src/cache/cache.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { Scope } from '../../src/kube/context.js';
import type { Settings } from '../../src/reconcile/types.js';
import { startOperator, RunningOperator } from '../../src/operator/run.js';
import { createLogger } from '../../src/runtime/log.js';
import { adminClient, createNamespace, createPod, createService, deleteNamespace, uniqueName, waitFor } from '../support/cluster.js';
import { createApi, createGateway, getApi } from '../support/canvas.js';
import { FINALIZER } from '../../src/reconcile/index.js';

const quiet = createLogger({ level: 'error', format: 'plain' });
let admin: KubeClient;
let namespaces: string[] = [];
let cache: ClusterCache | undefined;
let operator: RunningOperator | undefined;

beforeAll(() => {
  admin = adminClient();
});
afterEach(async () => {
  await cache?.stop();
  await operator?.stop();
  cache = operator = undefined;
  for (const ns of namespaces) await deleteNamespace(admin, ns);
  namespaces = [];
});

const namespace = async (prefix?: string) => {
  const ns = await createNamespace(admin, prefix);
  namespaces.push(ns);
  return ns;
};
const literal = (...ns: string[]): Scope => ({ matches: (n) => ns.includes(n), literal: ns, description: ns.join(',') });

/** A client that notes the path and query of every LIST (GET of a collection) and WATCH it sends. */
function recordingClient(): { client: KubeClient; reads: string[] } {
  const client = adminClient();
  const reads: string[] = [];
  const note = (verb: string, path: string, query?: Record<string, unknown>) => {
    const selectors = Object.entries(query ?? {}).filter(([k, v]) => k.endsWith('Selector') && v !== undefined);
    reads.push(`${verb} ${path}${selectors.length ? `?${selectors.map(([k, v]) => `${k}=${String(v)}`).join('&')}` : ''}`);
  };
  const get = client.get.bind(client);
  const watch = client.watch.bind(client);
  client.get = ((path: string, query?: Record<string, unknown>) => (note('GET', path, query), get(path, query as never))) as typeof client.get;
  client.watch = ((path, query, onEvent, onDone) => (note('WATCH', path, query), watch(path, query, onEvent, onDone))) as typeof client.watch;
  return { client, reads };
}

const COLLECTION = /\/(services|pods|endpointslices|gateways|exposedapis|virtualservices|servicemonitors|components|namespaces|customresourcedefinitions)(\?|$)/;

test('plain namespaces: no cluster-wide LIST or WATCH but the CRDs, the route table and selector-narrowed gateway reads', async () => {
  const [a, b, canvas] = [await namespace(), await namespace(), await namespace('canvas')];
  const settings = await createGateway(admin, canvas, { ip: '192.0.2.90' });
  const { client, reads } = recordingClient();
  cache = new ClusterCache({ client, settings: { ...settings, metricsMode: 'PrometheusAnnotation' }, scope: literal(a, b) }, { log: quiet });
  await cache.start();

  const collections = reads.filter((r) => COLLECTION.test(r));
  const clusterWide = [...new Set(collections.filter((r) => !r.includes('/namespaces/') && !r.includes('/customresourcedefinitions')))].sort();
  expect(clusterWide).toEqual([
    'GET /api/v1/services?labelSelector=istio=ingress-' + canvas,
    'GET /apis/networking.istio.io/v1/virtualservices',
    'GET /apis/oda.tmforum.org/v1/exposedapis',
    'WATCH /api/v1/services?labelSelector=istio=ingress-' + canvas,
    'WATCH /apis/networking.istio.io/v1/virtualservices',
    'WATCH /apis/oda.tmforum.org/v1/exposedapis',
  ]);
  // Every kind read per API namespace, in each namespace of the scope; the Gateway by name in its own.
  for (const ns of [a, b]) {
    for (const kind of ['/api/v1/namespaces/NS/services', '/api/v1/namespaces/NS/pods', '/apis/discovery.k8s.io/v1/namespaces/NS/endpointslices?labelSelector=kubernetes.io/service-name']) {
      expect(reads).toContain(`WATCH ${kind.replace('NS', ns)}`);
    }
  }
  expect(reads).toContain(`WATCH /apis/networking.istio.io/v1/namespaces/${canvas}/gateways?fieldSelector=metadata.name=gw`);
  expect(cache.view.gatewayService()?.metadata).toMatchObject({ namespace: canvas, name: 'ingressgateway' });
});

test('Services, EndpointSlices and Pods of a namespace out of scope are not cached; in ServiceMonitor mode no pods at all', async () => {
  const [inside, outside] = [await namespace(), await namespace()];
  const settings = await createGateway(admin, inside);
  for (const ns of [inside, outside]) {
    await createService(admin, ns, { name: 'impl' });
    await createPod(admin, ns, { app: 'impl' });
  }
  await createService(admin, outside, { name: 'other' });
  cache = new ClusterCache({ client: adminClient(), settings, scope: literal(inside) }, { log: quiet });
  await cache.start();
  const { stores } = cache;
  await waitFor('the EndpointSlice of impl', async () => stores.endpointSlices.list(inside).length > 0);

  expect(stores.services.list(outside)).toEqual([]);
  expect(stores.endpointSlices.list(outside)).toEqual([]);
  expect(stores.services.list(inside).map((s) => s.metadata.name).sort()).toEqual(['impl', 'ingressgateway']);
  expect(stores.pods.size).toBe(0);
  // Slimmed as decoded: no managedFields.
  expect(stores.services.get(inside, 'impl')?.metadata).not.toHaveProperty('managedFields');
});

test('a namespace matching a glob created after the start is served, and its objects dropped when it is deleted', async () => {
  const prefix = uniqueName('glob');
  const settings: Settings = await createGateway(admin, await namespace(), { ip: '192.0.2.91' });
  const scope: Scope = { matches: (n) => n.startsWith(`${prefix}-`), description: `${prefix}-*` };
  operator = await startOperator({ client: adminClient(), settings, scope }, { log: quiet, standalone: true, leaseNamespace: namespaces[0] });
  const stores = operator.cache.stores;
  const watchesBefore = operator.cache.watchCount;

  const later = await createNamespace(admin, prefix);
  await createService(admin, later, { name: 'impl' });
  await createApi(admin, later, 'orders');
  await waitFor('the API in the new namespace routed', async () => (await getApi(admin, later, 'orders')).status?.apiStatus?.url);
  await waitFor('its Service cached', async () => stores.services.get(later, 'impl'));
  expect(operator.cache.watchCount).toBeGreaterThan(watchesBefore);
  // What the operator wrote (the VirtualService apply, the status patch) is kept slimmed too,
  // though the API server answered each write with its managedFields.
  for (const written of [stores.virtualServices.get(later, 'orders'), stores.exposedApis.get(later, 'orders')]) {
    expect(written?.metadata.uid).toBeDefined();
    expect(written?.metadata).not.toHaveProperty('managedFields');
  }

  await deleteNamespace(admin, later);
  await waitFor('its objects dropped', async () => stores.services.list(later).length === 0 && stores.endpointSlices.list(later).length === 0 && stores.components.list(later).length === 0);
  // Its watches stop with it.
  await waitFor('its watches stopped', async () => operator!.cache.watchCount === watchesBefore);
}, 60_000);

test('all namespaces (-A): each kind watched cluster-wide, every Service and EndpointSlice of a Service cached', async () => {
  const [a, b] = [await namespace(), await namespace()];
  const settings = await createGateway(admin, a);
  await createService(admin, b, { name: 'impl' });
  const { client, reads } = recordingClient();
  cache = new ClusterCache({ client, settings, scope: { matches: () => true, all: true, description: 'all namespaces' } }, { log: quiet });
  await cache.start();
  await waitFor('the EndpointSlice of impl', async () => cache!.stores.endpointSlices.list(b).length > 0);
  expect(cache.stores.services.list(b).map((s) => s.metadata.name)).toEqual(['impl']);
  expect(reads.filter((r) => r.startsWith('WATCH') && r.includes('/namespaces/'))).toEqual([]);
});

test('the gateway Service is followed to where a changed Gateway selector points, outside the scope too', async () => {
  const [inside, canvas, ingress] = [await namespace(), await namespace('canvas'), await namespace('ingress')];
  const settings = await createGateway(admin, canvas, { ip: '192.0.2.92' });
  const moved = { istio: uniqueName('moved') };
  await admin.request('POST', `/api/v1/namespaces/${ingress}/services`, {
    body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'moved', labels: moved }, spec: { type: 'LoadBalancer', selector: moved, ports: [{ name: 'http2', port: 80 }] } },
  });
  cache = new ClusterCache({ client: adminClient(), settings, scope: literal(inside) }, { log: quiet });
  await cache.start();
  expect(cache.view.gatewayService()?.metadata.namespace).toBe(canvas);
  expect(cache.stores.services.list(ingress)).toEqual([]);

  await admin.request('PATCH', `/apis/networking.istio.io/v1/namespaces/${canvas}/gateways/gw`, { contentType: 'application/merge-patch+json', body: { spec: { selector: moved } } });
  await waitFor('the gateway Service in the ingress namespace', async () => cache!.view.gatewayService()?.metadata.namespace === ingress);
  // Only the Service the new selector names is cached there, and the old one is forgotten.
  expect(cache.stores.services.list(canvas)).toEqual([]);
  expect(cache.stores.services.list(ingress).map((s) => s.metadata.name)).toEqual(['moved']);
});

test('ServiceMonitor mode: pods are watched only while an API in scope holds annotations to clean up', async () => {
  const ns = await namespace();
  const settings = await createGateway(admin, ns);
  await createService(admin, ns, { name: 'impl' });
  await createPod(admin, ns, { app: 'impl' });
  await createApi(admin, ns, 'orders');
  cache = new ClusterCache({ client: adminClient(), settings, scope: literal(ns) }, { log: quiet });
  await cache.start();
  const watches = cache.watchCount;
  expect(cache.stores.pods.size).toBe(0);

  const finalizers = (list: string[]) =>
    admin.request('PATCH', `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis/orders`, { contentType: 'application/merge-patch+json', body: { metadata: { finalizers: list } } });
  await finalizers([FINALIZER]);
  await waitFor('the pods watched', async () => cache!.stores.pods.list(ns).length === 1);
  expect(cache.watchCount).toBe(watches + 1);
  await finalizers([]);
  await waitFor('the pods forgotten', async () => cache!.stores.pods.size === 0 && cache!.watchCount === watches);
});
