// The one-shot engine against the real API server: routing, status, readiness, URLs,
// adoption, conflicts, invalid specs, pruning, Component roll-up and request counts.
import { ApiError, KubeClient } from '../../src/kube/client.js';
import { reportItem } from '../../src/cli/converged.js';
import { runOnce, RunReport } from '../../src/oneshot/run.js';
import type { Settings } from '../../src/reconcile/types.js';
import {
  adminClient,
  createNamespace,
  createPod,
  createService,
  deleteNamespace,
  setPodReady,
  waitFor,
} from '../support/cluster.js';
import {
  components,
  condition,
  createApi,
  createGateway,
  getApi,
  getVs,
  serviceMonitors,
  setGatewayAddress,
  virtualServices,
} from '../support/canvas.js';

let client: KubeClient;
let ns: string;
let settings: Settings;

const once = (s: Settings = settings, names: string[] = [], c: KubeClient = client): Promise<RunReport> =>
  runOnce({ client: c, settings: s, scope: { matches: (n) => n === ns, literal: [ns], description: ns } }, { names, dryRun: 'none' });
const row = (report: RunReport, name: string) => report.apis.find((a) => a.name === name)!;
const writes = (c: KubeClient) => ['POST', 'PUT', 'PATCH', 'DELETE'].reduce((n, verb) => n + (c.requestCounts[verb] ?? 0), 0);

beforeAll(() => {
  client = adminClient();
});
beforeEach(async () => {
  ns = await createNamespace(client);
  settings = await createGateway(client, ns, { ip: '203.0.113.10' });
  await createService(client, ns, { name: 'impl' });
});
afterEach(async () => {
  await deleteNamespace(client, ns);
});

test('routes an API: VirtualService owned by the API, URL and status as the Canvas reads them', async () => {
  await createApi(client, ns, 'catalog', { path: `/${ns}/catalog/v4`, developerUI: `/${ns}/catalog/docs` }, { labels: { team: 'a' } });
  const report = await once();
  expect(row(report, 'catalog').outcome).toBe('created');

  const api = await getApi(client, ns, 'catalog');
  const vs = await getVs(client, ns, 'catalog');
  expect(vs.metadata.ownerReferences).toEqual([
    { apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', name: 'catalog', uid: api.metadata.uid, controller: true, blockOwnerDeletion: true },
  ]);
  expect(vs.metadata.labels).toMatchObject({ team: 'a' });
  expect(vs.spec).toMatchObject({
    hosts: ['*'],
    gateways: [`${ns}/gw`],
    http: [{ match: [{ uri: { prefix: `/${ns}/catalog/v4` } }], route: [{ destination: { host: 'impl', port: { number: 8080 } } }] }],
  });
  expect(api.status?.apiStatus).toMatchObject({
    name: 'catalog',
    uid: vs.metadata.uid,
    path: `/${ns}/catalog/v4`,
    port: 8080,
    implementation: 'impl',
    url: `https://203.0.113.10/${ns}/catalog/v4`,
    ip: '203.0.113.10',
  });
  expect(api.status?.apiStatus?.developerUI).toContain(`/${ns}/catalog/docs`);
  expect(api.status?.implementation).toEqual({ ready: false });
  expect(condition(api, 'Routed')?.status).toBe('True');
  expect(condition(api, 'Ready')).toMatchObject({ status: 'False', observedGeneration: api.metadata.generation });
});

test('a second run right after the first makes no write request at all', async () => {
  await createApi(client, ns, 'one');
  await createApi(client, ns, 'two', { apiType: 'prometheus', path: `/${ns}/metrics` });
  await once();
  const second = adminClient();
  const report = await once(settings, [], second);
  expect(report.apis.map((a) => a.outcome)).toEqual(['unchanged', 'unchanged']);
  expect(writes(second)).toBe(0);
  // Reads are bounded by kinds, not by APIs: seven discovery GETs and one LIST per kind (per namespace where
  // read per namespace): ExposedAPIs, EndpointSlices, VirtualServices, Istio Gateways, Services (the namespace's
  // and the gateway's by label), ServiceMonitors, Components, EnvoyFilters, RequestAuthentications,
  // AuthorizationPolicies, HTTPRoutes, DestinationRules.
  expect(second.requestCounts.GET).toBeLessThanOrEqual(20);
  // Three more APIs: not one more read.
  for (const name of ['three', 'four', 'five']) await createApi(client, ns, name);
  await once();
  const third = adminClient();
  await once(settings, [], third);
  expect(third.requestCounts.GET).toBe(second.requestCounts.GET);
  expect(writes(third)).toBe(0);
});

test('readiness follows the EndpointSlices: true when a pod is ready, false again when it is not', async () => {
  await createApi(client, ns, 'svc-api');
  const pod = await createPod(client, ns, { app: 'impl' });
  await setPodReady(client, ns, pod, true);
  await waitFor('ready EndpointSlice', async () => {
    await once();
    return (await getApi(client, ns, 'svc-api')).status?.implementation?.ready === true;
  });
  expect(condition(await getApi(client, ns, 'svc-api'), 'Ready')?.status).toBe('True');

  await setPodReady(client, ns, pod, false);
  await waitFor('not-ready EndpointSlice', async () => {
    await once();
    return (await getApi(client, ns, 'svc-api')).status?.implementation?.ready === false;
  });
  expect(condition(await getApi(client, ns, 'svc-api'), 'Ready')?.status).toBe('False');
});

test('a load balancer address that appears later fills in the URL (IPv6 in brackets, port suffix)', async () => {
  const other = await createNamespace(client);
  try {
    const late = await createGateway(client, other, undefined, 8443);
    await createApi(client, ns, 'late');
    await once(late);
    let api = await getApi(client, ns, 'late');
    expect(api.status?.apiStatus?.url).toBeUndefined();
    expect(condition(api, 'Ready')).toMatchObject({ status: 'False', reason: 'GatewayAddressPending' });

    await setGatewayAddress(client, other, { ip: '2001:db8::1' });
    await once(late);
    api = await getApi(client, ns, 'late');
    expect(api.status?.apiStatus?.url).toBe(`https://[2001:db8::1]:8443/${ns}/late`);
  } finally {
    await deleteNamespace(client, other);
  }
});

test('adopts a VirtualService made by another field manager in place (same uid)', async () => {
  const api = await createApi(client, ns, 'legacy');
  // As the Python operator wrote it: v1alpha3, created by its own field manager.
  const created = await client.request<{ metadata: { uid: string } }>('POST', `/apis/networking.istio.io/v1alpha3/namespaces/${ns}/virtualservices`, {
    query: { fieldManager: 'kopf' },
    body: {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'VirtualService',
      metadata: {
        name: 'legacy',
        ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', name: 'legacy', uid: api.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: { hosts: ['*'], gateways: ['component-gateway'], http: [{ match: [{ uri: { prefix: `/${ns}/legacy` } }], route: [{ destination: { host: 'impl', port: { number: 8080 } } }] }] },
    },
  });
  const report = await once();
  expect(row(report, 'legacy').outcome).toBe('updated');
  const vs = await getVs(client, ns, 'legacy');
  expect(vs.metadata.uid).toBe(created.metadata.uid);
  expect(vs.spec.gateways).toEqual([`${ns}/gw`]);
});

test('a VirtualService deleted by someone else is put back', async () => {
  await createApi(client, ns, 'again');
  await once();
  await client.request('DELETE', `${virtualServices(ns)}/again`);
  const report = await once();
  expect(row(report, 'again').outcome).toBe('created');
  const vs = await getVs(client, ns, 'again');
  expect((await getApi(client, ns, 'again')).status?.apiStatus?.uid).toBe(vs.metadata.uid);
});

test('two namespaces claiming one route: the earlier keeps it, the later gets a Conflict naming it', async () => {
  await createApi(client, ns, 'first', { path: `/${ns}/shared` });
  const other = await createNamespace(client);
  try {
    await new Promise((r) => setTimeout(r, 1100)); // creation timestamps have one-second resolution
    await client.request('POST', `/apis/oda.tmforum.org/v1/namespaces/${other}/exposedapis`, {
      body: { apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', metadata: { name: 'second' }, spec: { name: 'second', apiType: 'openapi', implementation: 'impl', path: `/${ns}/shared`, port: 8080 } },
    });
    const report = await runOnce({ client, settings, scope: { matches: (n) => n === ns || n === other, description: 'two' } }, { names: [], dryRun: 'none' });
    expect(row(report, 'first').outcome).toBe('created');
    expect(row(report, 'second').outcome).toBe('conflict');
    expect(row(report, 'second').message).toContain(`${ns}/first`);
    await expect(client.get(`/apis/networking.istio.io/v1/namespaces/${other}/virtualservices/second`)).rejects.toMatchObject({ status: 404 });
    const loser = await client.get<{ status: { conditions: { type: string; status: string; reason: string }[] } }>(
      `/apis/oda.tmforum.org/v1/namespaces/${other}/exposedapis/second`,
    );
    expect(loser.status.conditions.find((c) => c.type === 'Routed')).toMatchObject({ status: 'False', reason: 'Conflict' });

    // Once the winner is gone, the loser is routed.
    await client.request('DELETE', `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis/first`);
    const after = await runOnce({ client, settings, scope: { matches: (n) => n === other, description: other } }, { names: [], dryRun: 'none' });
    expect(row(after, 'second').outcome).toBe('created');
  } finally {
    await deleteNamespace(client, other);
  }
});

test('an invalid spec gets Ready=False naming the field, a Warning Event, and keeps the working route', async () => {
  await createApi(client, ns, 'typo');
  await once();
  const before = await getVs(client, ns, 'typo');
  await client.request('PATCH', `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis/typo`, {
    contentType: 'application/merge-patch+json',
    body: { spec: { path: 'no-slash' } },
  });
  const report = await once();
  expect(row(report, 'typo').outcome).toBe('invalid');
  const api = await getApi(client, ns, 'typo');
  expect(condition(api, 'Ready')).toMatchObject({ status: 'False', reason: 'InvalidSpec' });
  expect(condition(api, 'Ready')?.message).toContain('spec.path');
  const vs = await getVs(client, ns, 'typo');
  expect(vs.metadata.uid).toBe(before.metadata.uid);
  expect(vs.spec).toEqual(before.spec);
  const events = await client.get<{ items: { reason: string; type: string; involvedObject: { name: string } }[] }>(`/api/v1/namespaces/${ns}/events`);
  expect(events.items.filter((e) => e.involvedObject.name === 'typo' && e.reason === 'InvalidSpec' && e.type === 'Warning')).toHaveLength(1);
});

test('a metrics API gets a ServiceMonitor, deleted again when it switches to openapi', async () => {
  await createApi(client, ns, 'metrics', { apiType: 'prometheus', path: `/${ns}/metrics` });
  await once();
  const sm = await client.get<{ spec: Record<string, unknown> }>(`${serviceMonitors(ns)}/metrics`);
  expect(sm.spec).toEqual({
    selector: { matchLabels: { name: 'impl' } },
    endpoints: [{ path: `/${ns}/metrics`, port: 'http', interval: '15s', scheme: 'http' }],
  });
  await client.request('PATCH', `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis/metrics`, {
    contentType: 'application/merge-patch+json',
    body: { spec: { apiType: 'openapi' } },
  });
  await once();
  await expect(client.get(`${serviceMonitors(ns)}/metrics`)).rejects.toMatchObject({ status: 404 });
  await expect(getVs(client, ns, 'metrics')).resolves.toBeDefined();
});

test('Prometheus annotations go on every selected pod, and come off when the API goes', async () => {
  const annotated = { ...settings, metricsMode: 'PrometheusAnnotation' as const };
  const pods = [await createPod(client, ns, { app: 'impl' }), await createPod(client, ns, { app: 'impl' })];
  await createApi(client, ns, 'scrape', { apiType: 'openmetrics', path: `/${ns}/metrics` });
  await once(annotated);
  for (const pod of pods) {
    const p = await client.get<{ metadata: { annotations: Record<string, string> } }>(`/api/v1/namespaces/${ns}/pods/${pod}`);
    expect(p.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8080', 'prometheus.io/path': `/${ns}/metrics` });
  }
  expect((await getApi(client, ns, 'scrape')).metadata.finalizers).toContain('oda.tmforum.org/api-operator-istio-annotations');

  await client.request('DELETE', `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis/scrape`);
  await once(annotated);
  for (const pod of pods) {
    const p = await client.get<{ metadata: { annotations?: Record<string, string> } }>(`/api/v1/namespaces/${ns}/pods/${pod}`);
    expect(p.metadata.annotations?.['prometheus.io/scrape']).toBeUndefined();
  }
  await expect(getApi(client, ns, 'scrape')).rejects.toBeInstanceOf(ApiError);
});

test('DataDog annotations put an OpenMetrics check on the serving container, and come off when the API goes', async () => {
  const dataDog = { ...settings, metricsMode: 'DataDogAnnotation' as const };
  const pod = await createPod(client, ns, { app: 'impl' });
  await createApi(client, ns, 'dd', { apiType: 'prometheus', path: `/${ns}/metrics` });
  await once(dataDog);
  const annotations = async () => (await client.get<{ metadata: { annotations?: Record<string, string> } }>(`/api/v1/namespaces/${ns}/pods/${pod}`)).metadata.annotations;
  const check = JSON.parse((await annotations())?.['ad.datadoghq.com/app.checks'] ?? 'null');
  expect(check).toEqual({ openmetrics: { instances: [{ openmetrics_endpoint: `http://impl.${ns}.svc.cluster.local:8080/${ns}/metrics`, namespace: ns, metrics: ['.*'] }] } });
  expect((await annotations())?.['prometheus.io/scrape']).toBeUndefined();

  await client.request('DELETE', `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis/dd`);
  await once(dataDog);
  expect((await annotations())?.['ad.datadoghq.com/app.checks']).toBeUndefined();
  await expect(getApi(client, ns, 'dd')).rejects.toBeInstanceOf(ApiError);
});

test('Component roll-up: the entry is updated once the Component operator has added it', async () => {
  const component = await client.request<{ metadata: { uid: string } }>('POST', components(ns), {
    body: { apiVersion: 'oda.tmforum.org/v1', kind: 'Component', metadata: { name: 'prodcat' }, spec: {} },
  });
  const api = await createApi(client, ns, 'rolled', {}, {
    ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: 'prodcat', uid: component.metadata.uid }],
  });
  const first = await once();
  expect(row(first, 'rolled').outcome).toBe('created');

  // The Component operator adds the entry later.
  await client.request('PATCH', `${components(ns)}/prodcat`, {
    contentType: 'application/merge-patch+json',
    body: { status: { coreAPIs: [{ name: 'rolled', uid: api.metadata.uid }] } },
  });
  await once();
  const parent = await client.get<{ status: { coreAPIs: Record<string, unknown>[] } }>(`${components(ns)}/prodcat`);
  expect(parent.status.coreAPIs[0]).toEqual({ name: 'rolled', uid: api.metadata.uid, url: `https://203.0.113.10/${ns}/rolled`, ready: false });
});

test('a dry run writes nothing, and says what a real run would do', async () => {
  await createApi(client, ns, 'planned');
  const counting = adminClient();
  const before = await getApi(client, ns, 'planned');
  const report = await runOnce({ client: counting, settings, scope: { matches: (n) => n === ns, literal: [ns], description: ns } }, { names: [], dryRun: 'server' });
  expect(row(report, 'planned').outcome).toBe('created');
  expect([...report.changes.keys()].sort()).toEqual([`networking.istio.io.v1.VirtualService.${ns}.planned`, `oda.tmforum.org.v1.ExposedAPI.${ns}.planned`]);
  await expect(getVs(client, ns, 'planned')).rejects.toMatchObject({ status: 404 });
  expect((await getApi(client, ns, 'planned')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
  const events = await client.get<{ items: unknown[] }>(`/api/v1/namespaces/${ns}/events`);
  expect(events.items).toHaveLength(0);
});

test('a client dry run plans what a server dry run plans, and sends no write at all', async () => {
  await createApi(client, ns, 'planned');
  const dryRun = async (mode: 'client' | 'server') => {
    const counting = adminClient();
    const report = await runOnce({ client: counting, settings, scope: { matches: (n) => n === ns, literal: [ns], description: ns } }, { names: [], dryRun: mode });
    return { report, writes: writes(counting) };
  };
  const server = await dryRun('server');
  const local = await dryRun('client');
  expect(local.writes).toBe(0);
  // The same row but for when the conditions changed: each run takes its own clock.
  const timeless = (report: RunReport) => {
    const r = reportItem(row(report, 'planned'));
    return { ...r, conditions: r.conditions.map(({ lastTransitionTime: _, ...c }) => c) };
  };
  expect(timeless(local.report)).toEqual(timeless(server.report));
  expect([...local.report.changes.keys()].sort()).toEqual([...server.report.changes.keys()].sort());
});
