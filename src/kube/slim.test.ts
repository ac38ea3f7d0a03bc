// Slimming must not change what the engine decides: the same cluster, as the API server
// returns it and as the cache keeps it, gives the same plans in every metrics mode.
import type { KubeObject, MetricsMode, Plan, Settings } from '../reconcile/types.js';
import { gateway, NS, service, endpointSlice, exposedApi } from '../test-support/objects.js';
import { prdApi, prdPod, gatewayService, settings as prdSettings } from '../test-support/product-catalog.js';
import { TestCluster } from '../test-support/cluster.js';
import { ANNOTATION_OWNER, FINALIZER } from '../reconcile/constants.js';
import { SLIM } from './slim.js';
import { storeNameOf } from './view.js';

const slim = (o: KubeObject) => SLIM[storeNameOf(o.kind)](structuredClone(o));

const managedFields = [{ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }];

/** What the API server adds to the fixtures: server fields, kubectl's copy, Pod and Service internals. */
function asServed(o: KubeObject): KubeObject {
  const full = structuredClone(o) as KubeObject & Record<string, Record<string, unknown> | undefined>;
  Object.assign(full.metadata, {
    managedFields,
    resourceVersion: '7',
    annotations: { ...full.metadata.annotations, 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(o) },
  });
  if (o.kind === 'Service') {
    full.spec = { ...full.spec, clusterIP: '10.96.0.9', clusterIPs: ['10.96.0.9'], sessionAffinity: 'None', ipFamilies: ['IPv4'] };
  }
  if (o.kind === 'Pod') {
    const spec = full.spec as { containers: Record<string, unknown>[] };
    spec.containers = spec.containers.map((c) => ({ ...c, image: 'example.invalid/app:1', resources: {}, env: [{ name: 'A', value: 'b' }] }));
    Object.assign(spec, { nodeName: 'node-1', restartPolicy: 'Always', volumes: [{ name: 'token', projected: {} }] });
    full.status = { phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', ready: true }] };
  }
  if (o.kind === 'EndpointSlice') {
    Object.assign(full, { addressType: 'IPv4', ports: [{ name: 'http', port: 8080 }] });
    full.endpoints = (o as { endpoints?: Record<string, unknown>[] }).endpoints?.map((e) => ({ ...e, nodeName: 'node-1', targetRef: { kind: 'Pod', name: 'prd-0' } })) as never;
  }
  return full;
}

async function plansOf(objects: KubeObject[], settings: Settings, name: string): Promise<Plan[]> {
  return new TestCluster(objects, { settings, now: new Date('2026-01-02T00:00:00Z') }).converge(name, settings);
}

async function samePlans(objects: KubeObject[], settings: Settings, name: string): Promise<Plan[]> {
  const served = objects.map(asServed);
  const full = await plansOf(served, settings, name);
  expect(await plansOf(served.map(slim), settings, name)).toEqual(full);
  return full;
}

const modes: MetricsMode[] = ['ServiceMonitor', 'PrometheusAnnotation', 'DataDogAnnotation'];

describe.each(modes)('in mode %s the engine plans the same on slimmed objects', (metricsMode) => {
  const settings = { ...prdSettings, metricsMode };
  const prd = () => {
    const svc = service('prd-svc', { spec: { selector: { app: 'prd' }, ports: [{ name: 'http', port: 8080, targetPort: 'web' }] } });
    return [svc, endpointSlice('prd-svc', 1, 1), prdPod(), prdPod('prd-1'), gatewayService()];
  };

  test('a metrics API behind a Service with pods, routed through the gateway Service', async () => {
    const passes = await samePlans([prdApi({ apiType: 'prometheus', port: 8080, path: '/metrics' }), ...prd()], settings, 'prd-api');
    expect(passes.length).toBeGreaterThan(1);
  });

  test('an API whose pods still carry annotations of an earlier mode', async () => {
    const annotated = { ...prdPod(), metadata: { ...prdPod().metadata, annotations: { [ANNOTATION_OWNER]: 'prd-api', 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9000', 'prometheus.io/path': '/m' } } };
    const api = prdApi({ apiType: 'openapi' }, { finalizers: [FINALIZER] });
    await samePlans([api, ...prd().filter((o) => o.metadata.name !== 'prd-0'), annotated], settings, 'prd-api');
  });
});

test('an Istio Gateway selecting its ingress Service: the same address and routes', async () => {
  const g = gateway('198.51.100.4');
  const settings: Settings = { metricsMode: 'ServiceMonitor', gateway: `${NS}/gw`, scrapeInterval: '15s' };
  const passes = await samePlans([exposedApi('orders'), service('impl'), endpointSlice('impl', 2), g.gateway, g.service], settings, 'orders');
  expect(passes.at(-1)!.status.apiStatus?.url).toContain('198.51.100.4');
});

test('what goes: managedFields and kubectl\'s copy everywhere it is not ours; Pod and Service internals', () => {
  const pod = slim(asServed(prdPod()));
  expect(pod).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'prd-0', namespace: NS, labels: { app: 'prd' }, resourceVersion: '7', annotations: {} }, spec: { containers: [{ name: 'app', ports: [{ name: 'web', containerPort: 9000 }] }] } });
  const svc = slim(asServed(gatewayService()));
  expect(Object.keys(svc.spec as object).sort()).toEqual(['ports', 'type']);
  const api = slim(asServed(prdApi()));
  expect(api.metadata).not.toHaveProperty('managedFields');
  expect(api.metadata.annotations).toHaveProperty(['kubectl.kubernetes.io/last-applied-configuration']);
});
