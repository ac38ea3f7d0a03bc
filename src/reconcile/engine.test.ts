import fc from 'fast-check';
import type {
  Action,
  Capabilities,
  ClusterView,
  EndpointSlice,
  ExposedAPI,
  KubeObject,
  Pod,
  Plan,
  Route,
  Service,
  Settings,
} from './types.js';
import { reconcile } from './engine.js';
import { routeOfExposedAPI, routesOfVirtualService } from './conflicts.js';
import { ANNOTATION_OWNER, FINALIZER } from './constants.js';

// ---- a small in-memory cluster: the view the engine reads, and an executor for its plans

interface World {
  api: ExposedAPI;
  otherApis: ExposedAPI[];
  services: Service[];
  slices: EndpointSlice[];
  pods: Pod[];
  virtualServices: KubeObject[];
  serviceMonitors: KubeObject[];
  components: KubeObject[];
  gatewayService?: Service;
  /** Istio Gateways; none readable unless a test adds them. */
  gateways?: KubeObject[];
  capabilities: Capabilities;
}

const NS = 'components';
const settings: Settings = { metricsMode: 'ServiceMonitor', gateway: 'component-gateway', scrapeInterval: '15s' };
const now = new Date('2025-06-01T00:00:00.000Z');
const later = new Date('2025-06-01T01:00:00.000Z');

function exposedApi(spec: Record<string, unknown> = {}, meta: Partial<ExposedAPI['metadata']> = {}): ExposedAPI {
  return {
    apiVersion: 'oda.tmforum.org/v1',
    kind: 'ExposedAPI',
    metadata: {
      name: 'prd-api',
      namespace: NS,
      uid: 'api-uid',
      generation: 1,
      creationTimestamp: '2025-01-02T00:00:00Z',
      labels: { 'oda.tmforum.org/componentName': 'prd' },
      ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: 'prd', uid: 'comp-uid', controller: true }],
      ...meta,
    },
    spec: { name: 'productcatalog', apiType: 'openapi', implementation: 'prd-svc', path: '/prd/v4', port: 8080, ...spec },
  };
}

function world(over: Partial<World> = {}): World {
  return {
    api: exposedApi(),
    otherApis: [],
    services: [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'prd-svc', namespace: NS, labels: { name: 'prd-svc' } },
        spec: { selector: { app: 'prd' }, ports: [{ name: 'http', port: 8080, targetPort: 'web' }] },
      },
    ],
    slices: [
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: 'prd-svc-x', namespace: NS, labels: { 'kubernetes.io/service-name': 'prd-svc' } },
        endpoints: [{ addresses: ['10.0.0.9'], conditions: { ready: true } }],
      },
    ],
    pods: [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'prd-0', namespace: NS, labels: { app: 'prd' } },
        spec: { containers: [{ name: 'app', ports: [{ name: 'web', containerPort: 9000 }] }] },
      },
    ],
    virtualServices: [],
    serviceMonitors: [],
    components: [
      {
        apiVersion: 'oda.tmforum.org/v1',
        kind: 'Component',
        metadata: { name: 'prd', namespace: NS },
        status: { coreAPIs: [{ uid: 'api-uid', name: 'prd-api' }] },
      },
    ],
    gatewayService: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istio-ingressgateway', namespace: 'istio-ingress' },
      spec: { type: 'LoadBalancer', ports: [{ name: 'http2', port: 80 }] },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } },
    },
    capabilities: { virtualServiceApiVersion: 'networking.istio.io/v1', serviceMonitorServed: true, exposedApiStatusSubresource: false },
    ...over,
  };
}

const inNs = <T extends KubeObject>(list: T[], ns: string, name: string) =>
  list.find((o) => o.metadata.namespace === ns && o.metadata.name === name);

function viewOf(w: World, s: Settings = settings): ClusterView {
  return {
    capabilities: w.capabilities,
    gatewayService: () => w.gatewayService,
    service: (ns, name) => inNs(w.services, ns, name),
    services: (ns) => w.services.filter((x) => x.metadata.namespace === ns),
    endpointSlices: (ns, svc) =>
      w.slices.filter((x) => x.metadata.namespace === ns && x.metadata.labels?.['kubernetes.io/service-name'] === svc),
    pods: (ns, selector) =>
      w.pods.filter((p) => p.metadata.namespace === ns && Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v)),
    virtualService: (ns, name) => inNs(w.virtualServices, ns, name),
    serviceMonitor: (ns, name) => inNs(w.serviceMonitors, ns, name),
    component: (ns, name) => inNs(w.components, ns, name),
    gateway: (ns, name) => inNs(w.gateways ?? [], ns, name),
    routes: (): Route[] => [
      ...[w.api, ...w.otherApis].flatMap((a) => routeOfExposedAPI(a, s) ?? []),
      ...w.virtualServices.flatMap(routesOfVirtualService),
    ],
  };
}

let serial = 0;
/** Carries a plan out the way the executors do (server-side apply, merge patches). */
function execute(w: World, actions: readonly Action[]): void {
  const listOf = (kind: string) => (kind === 'VirtualService' ? w.virtualServices : w.serviceMonitors);
  for (const action of actions) {
    switch (action.type) {
      case 'apply': {
        const list = listOf(action.object.kind);
        const { namespace = '', name } = action.object.metadata;
        const live = inNs(list, namespace, name);
        const uid = live?.metadata.uid ?? `uid-${++serial}`;
        const stored = structuredClone({
          ...action.object,
          metadata: { ...live?.metadata, ...action.object.metadata, uid, resourceVersion: String(++serial), creationTimestamp: '2025-06-01T00:00:00Z' },
        });
        list.splice(0, list.length, ...list.filter((o) => o !== live), stored);
        break;
      }
      case 'delete': {
        const list = listOf(action.kind);
        list.splice(0, list.length, ...list.filter((o) => !(o.metadata.namespace === action.namespace && o.metadata.name === action.name)));
        break;
      }
      case 'annotatePod': {
        const pod = inNs(w.pods, action.namespace, action.name)!;
        const annotations = { ...pod.metadata.annotations };
        for (const [k, v] of Object.entries(action.annotations)) {
          if (v === null) delete annotations[k];
          else annotations[k] = v;
        }
        pod.metadata.annotations = annotations;
        break;
      }
      case 'writeStatus': {
        // As the API server does: on the main resource, a status change bumps the generation.
        const generation = (w.api.metadata.generation ?? 0) + (action.subresource ? 0 : 1);
        w.api = { ...w.api, metadata: { ...w.api.metadata, generation }, status: structuredClone(action.status) };
        break;
      }
      case 'addFinalizer':
        w.api = { ...w.api, metadata: { ...w.api.metadata, finalizers: [...(w.api.metadata.finalizers ?? []), action.finalizer] } };
        break;
      case 'removeFinalizer':
        w.api = { ...w.api, metadata: { ...w.api.metadata, finalizers: w.api.metadata.finalizers?.filter((f) => f !== action.finalizer) } };
        break;
      case 'patchComponent': {
        const status = inNs(w.components, action.namespace, action.name)!.status as Record<string, Record<string, unknown>[]>;
        Object.assign(status[action.list][action.index], action.entry);
        for (const key of action.remove ?? []) delete status[action.list][action.index][key];
        break;
      }
      case 'event':
        break;
    }
  }
}

/** Reconciles and executes until nothing is left to do; returns every pass. */
function converge(w: World, s: Settings = settings, at: Date = now): Plan[] {
  const passes: Plan[] = [];
  for (let i = 0; i < 5; i++) {
    const result = reconcile(w.api, viewOf(w, s), s, at);
    passes.push(result);
    if (result.actions.length === 0) return passes;
    execute(w, result.actions.slice(0, result.replanAfter));
  }
  throw new Error(`no convergence: ${JSON.stringify(passes.at(-1)?.actions)}`);
}

const ofType = <T extends Action['type']>(actions: readonly Action[], type: T) =>
  actions.filter((a): a is Extract<Action, { type: T }> => a.type === type);
const events = (r: Plan) => ofType(r.actions, 'event').map((e) => `${e.eventType} ${e.reason}`);
/** The Events a pass carries out (the rest of its plan waits for the next pass). */
const eventsDone = (r: Plan) => events({ ...r, actions: r.actions.slice(0, r.replanAfter) });
const condition = (r: Plan, type: string) => r.status.conditions?.find((c) => c.type === type);

// ---- tests

describe('reconcile: a new API', () => {
  const w = world();
  const first = reconcile(w.api, viewOf(w), settings, now);

  it('creates the VirtualService and reports it', () => {
    expect(first.outcome).toBe('created');
    expect(ofType(first.actions, 'apply')).toEqual([expect.objectContaining({ change: 'create', object: expect.objectContaining({ kind: 'VirtualService' }) })]);
    expect(events(first)).toEqual(['Normal Created', 'Normal Ready']);
  });

  it('writes the Canvas status fields and conditions, on the main resource without a status subresource', () => {
    const [write] = ofType(first.actions, 'writeStatus');
    expect(write.subresource).toBe(false);
    expect(write.status.apiStatus).toEqual({
      name: 'prd-api',
      path: '/prd/v4',
      port: 8080,
      implementation: 'prd-svc',
      url: 'https://203.0.113.7/prd/v4',
      ip: '203.0.113.7',
    });
    expect(write.status.implementation).toEqual({ ready: true });
    expect(write.status.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'Ready=True',
      'Routed=True',
      'ImplementationReady=True',
      'PoliciesEnforced=True',
    ]);
    // Generation 1 now; the write itself makes it 2 (no status subresource), so that is what was observed.
    expect(write.status.conditions?.every((c) => c.observedGeneration === 2 && c.lastTransitionTime === now.toISOString())).toBe(true);
  });

  it('rolls url and readiness up into the Component entry', () => {
    expect(ofType(first.actions, 'patchComponent')).toEqual([
      expect.objectContaining({ list: 'coreAPIs', index: 0, uid: 'api-uid', entry: { url: 'https://203.0.113.7/prd/v4', ready: true } }),
    ]);
  });

  it('creates the VirtualService before the rest, which names its uid: the status is written once', () => {
    expect(first.actions.slice(0, first.replanAfter).map((a) => a.type)).toEqual(['apply', 'event']);
    const passes = converge(world());
    expect(passes.map((p) => p.outcome)).toEqual(['created', 'updated', 'unchanged']);
    expect(passes.flatMap((p) => ofType(p.actions.slice(0, p.replanAfter), 'writeStatus'))).toHaveLength(1);
    expect(ofType(passes[1].actions, 'writeStatus')[0].status.apiStatus?.uid).toMatch(/^uid-/);
    expect(passes.flatMap(eventsDone)).toEqual(['Normal Created', 'Normal Ready']);
  });

  it('leaves nothing for later once the VirtualService exists', () => {
    expect(converge(world()).slice(1).every((p) => p.replanAfter === undefined)).toBe(true);
  });
});

describe('reconcile: existing children', () => {
  it('puts back a VirtualService edited by someone else', () => {
    const w = world();
    converge(w);
    const http = (w.virtualServices[0].spec as { http: { route: { destination: { port: { number: number } } }[] }[] }).http;
    http[0].route[0].destination.port.number = 9999;
    const result = reconcile(w.api, viewOf(w), settings, later);
    expect(result.outcome).toBe('updated');
    expect(ofType(result.actions, 'apply')).toEqual([expect.objectContaining({ change: 'update' })]);
    expect(events(result)).toEqual(['Normal Updated']);
  });

  it('recreates a deleted VirtualService', () => {
    const w = world();
    converge(w);
    w.virtualServices = [];
    expect(reconcile(w.api, viewOf(w), settings, later).outcome).toBe('created');
  });

  it('adopts a VirtualService made by the Python operator without rewriting an equal spec', () => {
    const w = world();
    converge(w);
    const vs = w.virtualServices[0];
    vs.metadata.ownerReferences = [{ apiVersion: 'oda.tmforum.org/v1beta4', kind: 'ExposedAPI', name: 'prd-api', uid: 'api-uid', controller: true, blockOwnerDeletion: true }];
    const result = reconcile(w.api, viewOf(w), settings, later);
    // Only the ownerReference apiVersion differs: that is a real difference, applied in place.
    expect(ofType(result.actions, 'apply').map((a) => a.change)).toEqual(['update']);
  });

  it('keeps status keys it does not manage, and the transition times of unchanged conditions', () => {
    const w = world();
    w.api = { ...w.api, status: { deployment_status: 'Complete' } };
    converge(w);
    w.slices = [];
    const result = reconcile(w.api, viewOf(w), settings, later);
    expect(result.status.deployment_status).toBe('Complete');
    expect(result.status.implementation).toEqual({ ready: false });
    expect(condition(result, 'Routed')?.lastTransitionTime).toBe(now.toISOString());
    expect(condition(result, 'ImplementationReady')).toMatchObject({ status: 'False', reason: 'NoReadyEndpoints', lastTransitionTime: later.toISOString() });
    expect(condition(result, 'Ready')).toMatchObject({ status: 'False', reason: 'NoReadyEndpoints' });
    expect(ofType(result.actions, 'patchComponent')[0].entry.ready).toBe(false);
  });

  it('writes status to /status when the CRD has that subresource', () => {
    const w = world();
    w.capabilities = { ...w.capabilities, exposedApiStatusSubresource: true };
    expect(ofType(reconcile(w.api, viewOf(w), settings, now).actions, 'writeStatus')[0].subresource).toBe(true);
  });
});

describe('reconcile: addresses', () => {
  it('reports a pending gateway address, and fills the url in when it arrives', () => {
    const w = world();
    w.gatewayService = { ...w.gatewayService!, status: {} };
    const pending = converge(w).at(-1)!;
    expect(pending.status.apiStatus).not.toHaveProperty('url');
    expect(condition(pending, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'GatewayAddressPending',
      message: 'the ingress gateway Service istio-ingress/istio-ingressgateway has no external address yet',
    });
    w.gatewayService = world().gatewayService;
    const filled = reconcile(w.api, viewOf(w), settings, later);
    expect(filled.status.apiStatus?.url).toBe('https://203.0.113.7/prd/v4');
    expect(events(filled)).toEqual(['Normal Ready']);
  });

  it('names a missing gateway', () => {
    const result = reconcile(world().api, viewOf(world({ gatewayService: undefined })), settings, now);
    expect(condition(result, 'Ready')).toMatchObject({ reason: 'GatewayNotFound', message: expect.stringContaining('component-gateway') });
    expect(events(result)).toContain('Warning GatewayNotFound');
  });

  it('uses the API hostname, with the gateway port and developerUI', () => {
    const w = world({ api: exposedApi({ hostname: 'api.example.com', developerUI: '/prd/v4/docs' }) });
    w.gatewayService!.spec!.ports = [{ name: 'http2', port: 8080 }];
    const result = reconcile(w.api, viewOf(w), settings, now);
    expect(result.status.apiStatus).toMatchObject({
      url: 'https://api.example.com:8080/prd/v4',
      developerUI: 'https://api.example.com:8080/prd/v4/docs',
    });
    expect(ofType(result.actions, 'apply')[0].object.spec).toMatchObject({ hosts: ['api.example.com'] });
    expect(ofType(result.actions, 'patchComponent')[0].entry.developerUI).toBe('https://api.example.com:8080/prd/v4/docs');
  });
});

describe('reconcile: invalid spec', () => {
  it('touches no child, keeps apiStatus, and warns once', () => {
    const w = world();
    converge(w);
    const before = structuredClone({ vs: w.virtualServices, apiStatus: w.api.status?.apiStatus });
    const generation = w.api.metadata.generation!;
    w.api = { ...w.api, metadata: { ...w.api.metadata, generation: generation + 1 }, spec: { ...w.api.spec, port: '8080' } };
    const first = reconcile(w.api, viewOf(w), settings, later);
    expect(first.outcome).toBe('invalid');
    expect(first.actions.map((a) => a.type)).toEqual(['event', 'writeStatus']);
    expect(events(first)).toEqual(['Warning InvalidSpec']);
    expect(condition(first, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
      message: 'spec.port: must be an integer between 1 and 65535, got "8080" (string)',
      observedGeneration: generation + 1,
    });
    expect(condition(first, 'Routed')).toMatchObject({ status: 'True', observedGeneration: generation });
    expect(first.status.apiStatus).toEqual(before.apiStatus);
    execute(w, first.actions);
    const second = reconcile(w.api, viewOf(w), settings, later);
    expect(second).toMatchObject({ outcome: 'invalid', actions: [] });
    expect(w.virtualServices).toEqual(before.vs);
  });
});

describe('reconcile: conflicts', () => {
  const older = exposedApi({}, { name: 'older-api', uid: 'older', creationTimestamp: '2025-01-01T00:00:00Z' });

  it('yields to an earlier API with the same route, naming it, and removes its own VirtualService', () => {
    const w = world();
    converge(w);
    w.otherApis = [older];
    const result = reconcile(w.api, viewOf(w), settings, later);
    expect(result.outcome).toBe('conflict');
    expect(ofType(result.actions, 'delete')).toEqual([
      { type: 'delete', apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', namespace: NS, name: 'prd-api' },
    ]);
    expect(condition(result, 'Routed')).toMatchObject({ status: 'False', reason: 'Conflict', message: expect.stringContaining('ExposedAPI components/older-api') });
    expect(condition(result, 'Ready')).toMatchObject({ status: 'False', reason: 'Conflict' });
    expect(events(result)).toEqual(['Normal Deleted', 'Warning Conflict']);
    expect(result.status.apiStatus).not.toHaveProperty('url');
    expect(result.status.apiStatus).not.toHaveProperty('uid');
    expect(ofType(result.actions, 'patchComponent')[0].entry).toEqual({ ready: false });
  });

  it('is routed again once the conflict is gone', () => {
    const w = world({ otherApis: [older] });
    converge(w);
    w.otherApis = [];
    const result = reconcile(w.api, viewOf(w), settings, later);
    expect(result.outcome).toBe('created');
    expect(events(result)).toEqual(['Normal Created', 'Normal Ready', 'Normal Routed']);
  });

  it('keeps its route against a later API', () => {
    const newer = exposedApi({}, { name: 'newer', uid: 'newer', creationTimestamp: '2025-03-01T00:00:00Z' });
    expect(reconcile(world().api, viewOf(world({ otherApis: [newer] })), settings, now).outcome).toBe('created');
  });

  it('yields to an unmanaged VirtualService on the same gateway, host and path', () => {
    const unmanaged: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'hand-made', namespace: NS, creationTimestamp: '2024-01-01T00:00:00Z' },
      spec: { hosts: ['*'], gateways: ['component-gateway'], http: [{ match: [{ uri: { prefix: '/prd/v4' } }] }] },
    };
    const result = reconcile(world().api, viewOf(world({ virtualServices: [unmanaged] })), settings, now);
    expect(condition(result, 'Routed')?.message).toContain('VirtualService components/hand-made');
  });

  it('never overwrites a same-named VirtualService it does not own', () => {
    const foreign: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'prd-api', namespace: NS, creationTimestamp: '2025-05-01T00:00:00Z' },
      spec: { hosts: ['other.example'], gateways: ['component-gateway'], http: [] },
    };
    const result = reconcile(world().api, viewOf(world({ virtualServices: [foreign] })), settings, now);
    expect(result.outcome).toBe('conflict');
    expect(ofType(result.actions, 'apply')).toEqual([]);
    expect(condition(result, 'Routed')).toMatchObject({ reason: 'VirtualServiceNotOwned' });
  });
});

describe('reconcile: missing CRDs and Component', () => {
  it('reports a cluster without Istio as an error', () => {
    const w = world();
    w.capabilities = { ...w.capabilities, virtualServiceApiVersion: undefined };
    const result = reconcile(w.api, viewOf(w), settings, now);
    expect(result.outcome).toBe('error');
    expect(ofType(result.actions, 'apply')).toEqual([]);
    expect(condition(result, 'Routed')).toMatchObject({ status: 'False', reason: 'VirtualServiceCRDMissing' });
    expect(events(result)).toContain('Warning VirtualServiceCRDMissing');
  });

  it('routes to the configured Gateway when Gateways may not be read, saying it could not be verified', () => {
    const w = world();
    w.capabilities = { ...w.capabilities, gatewayUnverified: true };
    const result = reconcile(w.api, viewOf(w), settings, now);
    expect(ofType(result.actions, 'apply')).toHaveLength(1);
    expect(condition(result, 'Routed')).toMatchObject({ status: 'True', message: expect.stringContaining('the Gateway could not be verified') });
  });

  it('comes back later while the Component entry is missing', () => {
    const result = reconcile(world().api, viewOf(world({ components: [] })), settings, now);
    expect(result.requeueAfterMs).toBe(5000);
    expect(result.outcome).toBe('created');
  });
});

describe('reconcile: policies', () => {
  it('reports features it cannot enforce, once', () => {
    const w = world({ api: exposedApi({ rateLimit: { enabled: true, limit: '5' }, quota: { limit: '100' } }) });
    const passes = converge(w);
    const first = passes[0];
    expect(condition(first, 'PoliciesEnforced')).toMatchObject({
      status: 'False',
      reason: 'NotEnforced',
      message: 'rateLimit, quota not enforced by the Istio operator',
    });
    expect(events(first)).toContain('Warning NotEnforced');
    expect(passes.flatMap(eventsDone).filter((e) => e === 'Warning NotEnforced')).toHaveLength(1);
    expect(condition(first, 'Ready')?.status).toBe('True');
  });
});

describe('reconcile: metrics through a ServiceMonitor', () => {
  const metricsApi = () => exposedApi({ apiType: 'prometheus', path: '/metrics' });

  it('creates a ServiceMonitor next to the VirtualService', () => {
    const w = world({ api: metricsApi() });
    const result = converge(w)[0];
    expect(ofType(result.actions, 'apply').map((a) => a.object.kind)).toEqual(['VirtualService', 'ServiceMonitor']);
    expect(condition(result, 'MetricsConfigured')).toMatchObject({ status: 'True', reason: 'ServiceMonitorConfigured' });
    expect(w.serviceMonitors[0].spec).toEqual({
      selector: { matchLabels: { name: 'prd-svc' } },
      endpoints: [{ port: 'http', path: '/metrics', interval: '15s', scheme: 'http' }],
    });
  });

  it('deletes the ServiceMonitor when the API is no longer a metrics API', () => {
    const w = world({ api: metricsApi() });
    converge(w);
    w.api = { ...w.api, spec: { ...w.api.spec, apiType: 'openapi' } };
    const result = reconcile(w.api, viewOf(w), settings, later);
    expect(ofType(result.actions, 'delete')).toEqual([
      { type: 'delete', apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', namespace: NS, name: 'prd-api' },
    ]);
    expect(condition(result, 'MetricsConfigured')).toBeUndefined();
  });

  it('fails this API only when ServiceMonitors are not served', () => {
    const w = world({ api: metricsApi() });
    w.capabilities = { ...w.capabilities, serviceMonitorServed: false };
    const result = reconcile(w.api, viewOf(w), settings, now);
    expect(result.outcome).toBe('error');
    expect(ofType(result.actions, 'apply').map((a) => a.object.kind)).toEqual(['VirtualService']);
    expect(condition(result, 'MetricsConfigured')).toMatchObject({ status: 'False', reason: 'ServiceMonitorCRDMissing' });
  });

  it('explains when no selector can pick the Service alone', () => {
    const w = world({ api: metricsApi() });
    w.services = [
      { ...w.services[0], metadata: { name: 'prd-svc', namespace: NS, labels: { app: 'prd' } } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'prd-web', namespace: NS, labels: { app: 'prd' } } },
    ];
    const result = reconcile(w.api, viewOf(w), settings, now);
    expect(condition(result, 'MetricsConfigured')).toMatchObject({ status: 'False', reason: 'ServiceNotSelectable', message: expect.stringContaining('prd-web') });
  });
});

describe('reconcile: metrics through pod annotations', () => {
  const metricsApi = () => exposedApi({ apiType: 'openmetrics', path: '/metrics' });
  const prometheus: Settings = { ...settings, metricsMode: 'PrometheusAnnotation' };

  it('adds the finalizer before annotating every selected pod', () => {
    const w = world({ api: metricsApi() });
    w.pods.push({ ...structuredClone(w.pods[0]), metadata: { name: 'prd-1', namespace: NS, labels: { app: 'prd' } } });
    w.pods.push({ ...structuredClone(w.pods[0]), metadata: { name: 'unrelated', namespace: NS, labels: { app: 'web' } } });
    const result = reconcile(w.api, viewOf(w, prometheus), prometheus, now);
    const types = result.actions.map((a) => a.type);
    expect(types.indexOf('addFinalizer')).toBeLessThan(types.indexOf('annotatePod'));
    expect(ofType(result.actions, 'annotatePod')).toEqual(
      ['prd-0', 'prd-1'].map((name) => ({
        type: 'annotatePod',
        namespace: NS,
        name,
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9000', 'prometheus.io/path': '/metrics', [ANNOTATION_OWNER]: 'prd-api' },
      })),
    );
    expect(events(result)).toContain('Normal PodsAnnotated');
    expect(ofType(result.actions, 'apply').map((a) => a.object.kind)).toEqual(['VirtualService']);
  });

  it('annotates pods created later, and converges', () => {
    const w = world({ api: metricsApi() });
    converge(w, prometheus);
    w.pods.push({ ...structuredClone(w.pods[0]), metadata: { name: 'prd-new', namespace: NS, labels: { app: 'prd' } } });
    const result = reconcile(w.api, viewOf(w, prometheus), prometheus, later);
    expect(ofType(result.actions, 'annotatePod').map((a) => a.name)).toEqual(['prd-new']);
  });

  it('moves from annotations to a ServiceMonitor: annotations off, then the finalizer', () => {
    const w = world({ api: metricsApi() });
    converge(w, prometheus);
    expect(w.api.metadata.finalizers).toEqual([FINALIZER]);
    const result = reconcile(w.api, viewOf(w), settings, later);
    const types = result.actions.map((a) => a.type);
    expect(ofType(result.actions, 'annotatePod')[0].annotations).toEqual({
      'prometheus.io/scrape': null,
      'prometheus.io/port': null,
      'prometheus.io/path': null,
      [ANNOTATION_OWNER]: null,
    });
    expect(types.indexOf('annotatePod')).toBeLessThan(types.indexOf('removeFinalizer'));
    expect(ofType(result.actions, 'apply').map((a) => a.object.kind)).toEqual(['ServiceMonitor']);
  });

  it('switches DataDog for Prometheus annotations on the same pods', () => {
    const w = world({ api: metricsApi() });
    converge(w, prometheus);
    const datadog: Settings = { ...settings, metricsMode: 'DataDogAnnotation' };
    converge(w, datadog);
    expect(Object.keys(w.pods[0].metadata.annotations ?? {}).sort()).toEqual(['ad.datadoghq.com/app.checks', ANNOTATION_OWNER]);
  });

  it('leaves pods annotated for another API alone', () => {
    const w = world({ api: metricsApi() });
    w.pods[0].metadata.annotations = { [ANNOTATION_OWNER]: 'someone-else' };
    const result = reconcile(w.api, viewOf(w, prometheus), prometheus, now);
    expect(ofType(result.actions, 'annotatePod')).toEqual([]);
    expect(condition(result, 'MetricsConfigured')).toMatchObject({ status: 'False', reason: 'PodsAnnotatedByAnotherAPI' });
  });

  it('cleans up on deletion and lets the API go', () => {
    const w = world({ api: metricsApi() });
    converge(w, prometheus);
    w.api = { ...w.api, metadata: { ...w.api.metadata, deletionTimestamp: '2025-06-02T00:00:00Z' } };
    const result = reconcile(w.api, viewOf(w, prometheus), prometheus, later);
    expect(result.outcome).toBe('deleted');
    expect(result.actions.map((a) => a.type)).toEqual(['annotatePod', 'removeFinalizer']);
    execute(w, result.actions);
    expect(w.pods[0].metadata.annotations).toEqual({});
  });

  it('does nothing but report on deletion without our finalizer', () => {
    const w = world();
    w.api = { ...w.api, metadata: { ...w.api.metadata, deletionTimestamp: '2025-06-02T00:00:00Z' } };
    expect(reconcile(w.api, viewOf(w), settings, now)).toMatchObject({ outcome: 'deleted', actions: [] });
  });
});

describe('reconcile: properties', () => {
  const scenario = fc.record({
    apiType: fc.constantFrom('openapi', 'prometheus', 'openmetrics', 'mcp'),
    mode: fc.constantFrom<Settings['metricsMode']>('ServiceMonitor', 'PrometheusAnnotation', 'DataDogAnnotation'),
    hostname: fc.option(fc.constantFrom('api.example.com', '2001:db8::1'), { nil: undefined }),
    cors: fc.boolean(),
    ready: fc.boolean(),
    address: fc.boolean(),
    component: fc.boolean(),
    monitors: fc.boolean(),
  });

  it('converges within a few passes, and the converged state writes nothing', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const spec: Record<string, unknown> = { apiType: s.apiType, ...(s.hostname ? { hostname: s.hostname } : {}), ...(s.cors ? { CORS: { enabled: true } } : {}) };
        const w = world({ api: exposedApi(spec) });
        if (!s.ready) w.slices = [];
        if (!s.address) w.gatewayService = { ...w.gatewayService!, status: {} };
        if (!s.component) w.components = [];
        w.capabilities = { ...w.capabilities, serviceMonitorServed: s.monitors };
        const mode: Settings = { ...settings, metricsMode: s.mode };
        const passes = converge(w, mode);
        const last = passes.at(-1)!;
        expect(passes.length).toBeLessThanOrEqual(3);
        expect(['unchanged', 'error']).toContain(last.outcome);
        expect(last.status.implementation).toEqual({ ready: s.ready });
        expect(last.status.apiStatus?.url !== undefined).toBe(s.address || s.hostname !== undefined);
        expect(last.requeueAfterMs).toBe(s.component ? undefined : 5000);
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: the same input gives the same plan', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const w = world({ api: exposedApi({ apiType: s.apiType }) });
        const mode: Settings = { ...settings, metricsMode: s.mode };
        expect(reconcile(w.api, viewOf(w, mode), mode, now)).toEqual(reconcile(structuredClone(w.api), viewOf(w, mode), mode, now));
      }),
    );
  });
});

describe('reconcile: gateways of other namespaces', () => {
  it('does not conflict with the same path behind another namespace’s gateway of the same short name', () => {
    const elsewhere = exposedApi({}, { name: 'older-api', namespace: 'other', uid: 'older', creationTimestamp: '2025-01-01T00:00:00Z' });
    expect(reconcile(world().api, viewOf(world({ otherApis: [elsewhere] })), settings, now).outcome).toBe('created');
  });

  it('conflicts across namespaces when the gateway is named with its namespace', () => {
    const shared: Settings = { ...settings, gateway: 'istio-system/public' };
    const elsewhere = exposedApi({}, { name: 'older-api', namespace: 'other', uid: 'older', creationTimestamp: '2025-01-01T00:00:00Z' });
    expect(reconcile(world().api, viewOf(world({ otherApis: [elsewhere] }), shared), shared, now).outcome).toBe('conflict');
  });
});
