// The httproute router through the engine on the in-memory cluster: the HTTPRoute, Routed
// following the Gateway controller's Accepted condition, the URL from the Gateway's
// addresses and listener, conflicts per listener, the switch between routers with no
// moment without a route, and policies attached to the Gateway by targetRefs.
import type { ExposedAPI, KubeObject, Settings } from './types.js';
import { ENVOY_FILTER_KIND, HTTP_ROUTE_KIND, VIRTUAL_SERVICE_KIND } from './constants.js';
import { condition, ofType } from '../test-support/plans.js';
import { NS, plan, PRD, prdApi, prdCluster, settings as istioSettings } from '../test-support/product-catalog.js';
import { exposedApi } from '../test-support/objects.js';
import type { TestCluster } from '../test-support/cluster.js';
import { reconcile } from './engine.js';

const GW_NS = 'gw-ns';
const settings: Settings = { ...istioSettings, router: 'httproute', gateway: `${GW_NS}/canvas-gw` };
const parentRef = { group: 'gateway.networking.k8s.io', kind: 'Gateway', namespace: GW_NS, name: 'canvas-gw' };

function gatewayApiGateway(listeners: Record<string, unknown>[] = [{ name: 'http', port: 8080, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }]): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'canvas-gw', namespace: GW_NS },
    spec: { gatewayClassName: 'istio', listeners },
    status: { addresses: [{ type: 'IPAddress', value: '198.51.100.9' }] },
  };
}

function cluster(spec: Record<string, unknown> = {}, api: ExposedAPI = prdApi(spec)): TestCluster {
  const c = prdCluster(api);
  c.capabilities = { ...c.capabilities, httpRouteServed: true, gatewayApiServed: true, envoyFilterServed: true };
  c.put(gatewayApiGateway());
  return c;
}

const httpRouteOf = (c: TestCluster, name = PRD) => c.stores.httpRoutes.get(NS, name);
const kinds = (actions: ReturnType<typeof plan>['actions']) => [...ofType(actions, 'apply').map((a) => `${a.object.kind} ${a.change}`), ...ofType(actions, 'delete').map((a) => `${a.kind} delete`)];

/** What the Gateway's controller writes in the HTTPRoute's status. */
function answer(c: TestCluster, status: 'True' | 'False', name = PRD, reason = status === 'True' ? 'Accepted' : 'NotAllowedByListeners'): void {
  const route = httpRouteOf(c, name)!;
  const conditions = [{ type: 'Accepted', status, reason, message: status === 'True' ? '' : 'no listener admits routes from this namespace', observedGeneration: route.metadata.generation, lastTransitionTime: '2025-06-01T00:00:00Z' }];
  c.put({ ...route, status: { parents: [{ parentRef, controllerName: 'istio.io/gateway-controller', conditions }] } });
}

describe('the httproute router', () => {
  it('writes an HTTPRoute on the Gateway, and is routed (with the URL from the Gateway) once the controller accepts it', async () => {
    const c = cluster();
    await c.converge(PRD, settings);
    const route = httpRouteOf(c)!;
    expect(route.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'ExposedAPI', name: PRD, uid: 'api-uid', controller: true })]);
    expect(route.spec).toEqual({
      parentRefs: [parentRef],
      hostnames: [],
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/prd/v4' } }], backendRefs: [{ group: '', kind: 'Service', name: 'prd-svc', port: 8080, weight: 1 }] }],
    });
    expect(c.stores.virtualServices.get(NS, PRD)).toBeUndefined();
    const waiting = plan(c, undefined, settings);
    expect(condition(waiting, 'Routed')).toMatchObject({ status: 'False', reason: 'Pending' });
    expect(waiting.status.apiStatus?.url).toBeUndefined();

    answer(c, 'True');
    await c.converge(PRD, settings);
    const done = plan(c, undefined, settings);
    expect(condition(done, 'Routed')).toMatchObject({ status: 'True', message: expect.stringContaining(`HTTPRoute ${NS}/${PRD} routes * /prd/v4 on gateway ${GW_NS}/canvas-gw to prd-svc:8080`) });
    expect(c.api(PRD).status?.apiStatus).toMatchObject({ url: 'https://198.51.100.9:8080/prd/v4', ip: '198.51.100.9', uid: route.metadata.uid });
    expect(done.actions).toEqual([]);
  });

  it('reports a refusal by the controller, naming its reason', async () => {
    const c = cluster();
    await c.converge(PRD, settings);
    answer(c, 'False');
    const refused = plan(c, undefined, settings);
    expect(condition(refused, 'Routed')).toMatchObject({ status: 'False', reason: 'NotAccepted', message: `the Gateway ${GW_NS}/canvas-gw does not accept HTTPRoute ${NS}/${PRD}: NotAllowedByListeners: no listener admits routes from this namespace` });
    expect(refused.outcome).toBe('error');
  });

  it('takes the port of an HTTPS listener first, with no suffix for 443, and says when the Gateway is missing', async () => {
    const c = cluster();
    c.put(gatewayApiGateway([
      { name: 'http', port: 8080, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
      { name: 'https', port: 443, protocol: 'HTTPS', allowedRoutes: { namespaces: { from: 'All' } } },
    ]));
    await c.converge(PRD, settings);
    answer(c, 'True');
    await c.converge(PRD, settings);
    expect(c.api(PRD).status?.apiStatus?.url).toBe('https://198.51.100.9/prd/v4');
    c.stores.gatewayApiGateways.remove(GW_NS, 'canvas-gw');
    expect(condition(plan(c, undefined, settings), 'Ready')).toMatchObject({ reason: 'GatewayNotFound', message: expect.stringContaining(`no Gateway API Gateway ${GW_NS}/canvas-gw found`) });
  });

  it('carries CORS as the HTTPRoute CORS filter and gives MCP no request timeout; repairs drift', async () => {
    const c = cluster({ apiType: 'mcp', CORS: { enabled: true, allowOrigins: 'https://*.example.com', handlePreflightRequests: { enabled: false } } });
    await c.converge(PRD, settings);
    const rule = (httpRouteOf(c)!.spec as { rules: Record<string, unknown>[] }).rules[0];
    expect(rule.filters).toEqual([
      { type: 'CORS', cors: { allowOrigins: ['https://*.example.com'], allowMethods: ['GET', 'POST', 'HEAD', 'OPTIONS'], allowHeaders: expect.arrayContaining(['Origin', 'Content-Type']), maxAge: 1800, allowCredentials: false } },
    ]);
    expect(rule.timeouts).toEqual({ request: '0s' });
    const live = httpRouteOf(c)!;
    c.put({ ...live, spec: { ...(live.spec as object), hostnames: ['evil.example.com'] } });
    expect(kinds(plan(c, undefined, settings).actions)).toEqual(['HTTPRoute update']);
  });

  it('adopts an HTTPRoute of this API left by an earlier writer (its ownerReference), updating it in place', async () => {
    const c = cluster();
    const owner = { apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', name: PRD, uid: 'api-uid', controller: true };
    c.put({ apiVersion: 'gateway.networking.k8s.io/v1', kind: HTTP_ROUTE_KIND, metadata: { name: PRD, namespace: NS, uid: 'older', ownerReferences: [owner] }, spec: { parentRefs: [{ name: 'kong', namespace: 'components' }], rules: [] } });
    expect(kinds(plan(c, undefined, settings).actions)).toEqual(['HTTPRoute update']);
    await c.converge(PRD, settings);
    expect(httpRouteOf(c)).toMatchObject({ metadata: { uid: 'older' }, spec: { parentRefs: [parentRef] } });
  });

  it('fails only with a clear reason when the HTTPRoute CRD is not served, or the name is taken', async () => {
    const c = cluster();
    c.capabilities = { ...c.capabilities, httpRouteServed: false };
    expect(condition(plan(c, undefined, settings), 'Routed')).toMatchObject({ reason: 'HTTPRouteCRDMissing', message: expect.stringContaining('install the Gateway API CRDs') });
    c.capabilities = { ...c.capabilities, httpRouteServed: true };
    c.put({ apiVersion: 'gateway.networking.k8s.io/v1', kind: HTTP_ROUTE_KIND, metadata: { name: PRD, namespace: NS, uid: 'theirs' }, spec: { parentRefs: [{ name: 'other' }] } });
    const taken = plan(c, undefined, settings);
    expect(condition(taken, 'Routed')).toMatchObject({ reason: 'HTTPRouteNotOwned' });
    expect(ofType(taken.actions, 'apply')).toEqual([]);
  });
});

describe('conflicts on a Gateway API Gateway', () => {
  const rival = (name: string, path: string, created: string) => exposedApi(name, { name, implementation: 'prd-svc', path, port: 8080 }, { uid: `${name}-uid`, creationTimestamp: created });
  const planOf = (c: TestCluster, name: string) => reconcile(c.api(name), c.view(settings), settings, new Date());

  it('the earlier API keeps an equal prefix (a trailing slash is the same prefix); a nested prefix takes nothing from it', () => {
    const c = cluster();
    c.put(rival('same', '/prd/v4/', '2025-02-01T00:00:00Z'), rival('nested', '/prd/v4/admin', '2025-02-01T00:00:00Z'), rival('sibling', '/prd/v4x', '2025-02-01T00:00:00Z'));
    expect(condition(planOf(c, 'same'), 'Routed')).toMatchObject({ reason: 'Conflict', message: expect.stringContaining(`is held by ExposedAPI ${NS}/${PRD}`) });
    expect(condition(planOf(c, 'nested'), 'Routed')?.reason).not.toBe('Conflict');
    expect(condition(planOf(c, 'sibling'), 'Routed')?.reason).not.toBe('Conflict');
  });

  it('an HTTPRoute nobody manages holds its path on the listeners it shares; another listener hostname is no conflict', () => {
    const c = cluster();
    c.put({ apiVersion: 'gateway.networking.k8s.io/v1', kind: HTTP_ROUTE_KIND, metadata: { name: 'legacy', namespace: 'other', creationTimestamp: '2024-01-01T00:00:00Z' }, spec: { parentRefs: [{ name: 'canvas-gw', namespace: GW_NS }], rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/prd/v4' } }] }] } });
    expect(condition(planOf(c, PRD), 'Routed')).toMatchObject({ reason: 'Conflict', message: expect.stringContaining('held by HTTPRoute other/legacy') });
    c.put(gatewayApiGateway([
      { name: 'a', port: 8080, protocol: 'HTTP', hostname: 'a.example.com', allowedRoutes: { namespaces: { from: 'All' } } },
      { name: 'b', port: 8080, protocol: 'HTTP', hostname: 'b.example.com', allowedRoutes: { namespaces: { from: 'All' } } },
    ]));
    const api = c.api(PRD);
    c.put({ ...api, spec: { ...api.spec, hostname: 'a.example.com' } });
    const legacy = c.stores.httpRoutes.get('other', 'legacy')!;
    c.put({ ...legacy, spec: { ...(legacy.spec as object), hostnames: ['b.example.com'] } });
    expect(condition(planOf(c, PRD), 'Routed')?.reason).not.toBe('Conflict');
  });

  it('a route on an Istio Gateway never competes with one on a Gateway API Gateway', () => {
    const c = cluster();
    c.put({ apiVersion: 'networking.istio.io/v1', kind: VIRTUAL_SERVICE_KIND, metadata: { name: 'legacy', namespace: NS, creationTimestamp: '2024-01-01T00:00:00Z' }, spec: { hosts: ['*'], gateways: ['component-gateway'], http: [{ match: [{ uri: { prefix: '/prd' } }] }] } });
    expect(condition(planOf(c, PRD), 'Routed')?.reason).not.toBe('Conflict');
  });
});

describe('switching routers', () => {
  it('virtualservice to httproute: the VirtualService serves until the HTTPRoute is accepted, then goes', async () => {
    const c = cluster();
    await c.converge(PRD, istioSettings);
    const vs = c.stores.virtualServices.get(NS, PRD)!;
    expect(vs).toBeDefined();
    await c.converge(PRD, settings);
    expect(httpRouteOf(c)).toBeDefined();
    expect(c.stores.virtualServices.get(NS, PRD)).toBe(vs);
    const migrating = plan(c, undefined, settings);
    expect(condition(migrating, 'Routed')).toMatchObject({ status: 'True', reason: 'Migrating', message: expect.stringContaining(`VirtualService ${NS}/${PRD} serves until the HTTPRoute is ready`) });
    // The URL and readiness do not blink: still the Istio gateway's, as the VirtualService serves.
    expect(migrating.status.apiStatus).toMatchObject({ url: 'https://203.0.113.7/prd/v4', uid: vs.metadata.uid });
    expect(condition(migrating, 'Ready')?.status).toBe('True');

    answer(c, 'True');
    expect(kinds(plan(c, undefined, settings).actions)).toEqual(['VirtualService delete']);
    await c.converge(PRD, settings);
    expect(c.stores.virtualServices.get(NS, PRD)).toBeUndefined();
    expect(c.api(PRD).status?.apiStatus?.uid).toBe(httpRouteOf(c)!.metadata.uid);
  });

  it('httproute to virtualservice: the HTTPRoute goes only once the VirtualService exists', async () => {
    const c = cluster();
    await c.converge(PRD, settings);
    answer(c, 'True');
    await c.converge(PRD, settings);
    const first = plan(c, undefined, istioSettings);
    expect(kinds(first.actions)).toEqual(['VirtualService create']);
    await c.execute(c.api(PRD), first.actions.slice(0, first.replanAfter));
    expect(httpRouteOf(c)).toBeDefined();
    expect(kinds(plan(c, undefined, istioSettings).actions)).toEqual(['HTTPRoute delete']);
    await c.converge(PRD, istioSettings);
    expect(httpRouteOf(c)).toBeUndefined();
  });
});

describe('policies under the httproute router', () => {
  it('attaches the EnvoyFilter to the Gateway by targetRefs, from its namespace, on the route Istio names <ns>.<name>.0', async () => {
    const c = cluster({ rateLimit: { enabled: true, limit: '10', interval: 'ps' } });
    await c.converge(PRD, settings);
    answer(c, 'True');
    await c.converge(PRD, settings);
    const filter = c.stores.envoyFilters.get(GW_NS, 'oda-api-components-prd-api')!;
    expect(filter.kind ?? ENVOY_FILTER_KIND).toBe(ENVOY_FILTER_KIND);
    expect(filter.spec).toMatchObject({ targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'canvas-gw' }] });
    expect(filter.spec).not.toHaveProperty('workloadSelector');
    expect(JSON.stringify(filter.spec)).toContain('"name":"components.prd-api.0"');
  });
});
