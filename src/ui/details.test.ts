import type { StoreView } from '../kube/view.js';
import type { Settings } from '../reconcile/types.js';
import { clusterOf } from '../test-support/cluster.js';
import { endpointSlice, exposedApi, NS, service, SETTINGS } from '../test-support/objects.js';
import { detailsFor } from './details.js';

const now = new Date('2026-01-02T00:00:00Z');
const setup = () => clusterOf({ apis: [exposedApi('a', { apiType: 'prometheus' })], services: [service('impl')], slices: [endpointSlice('impl', 1)], gatewayIp: '192.0.2.1' });
const children = (view: StoreView) =>
  Object.fromEntries(detailsFor(view.stores.exposedApis.get(NS, 'a')!, view, view.settings, now).children.map((c) => [c.what, c.state]));

test('children not there yet are missing, and the status differs', () => {
  expect(children(setup().view())).toEqual({
    'VirtualService components/a': 'missing',
    'ServiceMonitor components/a': 'missing',
    'ExposedAPI status': 'differs',
  });
});

test('once written they match; a child edited by someone else differs', async () => {
  const cluster = setup();
  const view = cluster.view();
  await cluster.converge('a');
  expect(children(view)).toEqual({ 'VirtualService components/a': 'matches', 'ServiceMonitor components/a': 'matches', 'ExposedAPI status': 'matches' });
  const vs = view.stores.virtualServices.get(NS, 'a')!;
  view.stores.virtualServices.upsert({ ...vs, spec: { ...(vs.spec as object), hosts: ['elsewhere.example'] } });
  expect(children(view)['VirtualService components/a']).toBe('differs');
});

test('the details carry the URL and the conditions the engine computes', () => {
  const view = setup().view();
  const d = detailsFor(view.stores.exposedApis.get(NS, 'a')!, view, view.settings, now);
  expect(d.url).toBe('https://192.0.2.1/a');
  expect(d.conditions.map((c) => c.type)).toEqual(['Ready', 'Routed', 'ImplementationReady', 'MetricsConfigured', 'PoliciesEnforced']);
});

test('an API of a Component shows its entry, missing until the Component operator adds it', () => {
  const owned = exposedApi('c', {}, { ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: 'comp', uid: 'cu' }] });
  const component = { apiVersion: 'oda.tmforum.org/v1', kind: 'Component', metadata: { name: 'comp', namespace: NS }, status: { coreAPIs: [] } };
  const view = clusterOf({ apis: [owned], services: [service('impl')], components: [component], gatewayIp: '192.0.2.1' }).view();
  const line = detailsFor(owned, view, view.settings, now).children.find((c) => c.what.startsWith('Component'));
  expect(line).toEqual({ what: `Component ${NS}/comp entry`, state: 'missing' });
});

test('a rate-limited API lists its EnvoyFilter in the gateway namespace: missing, then matching, then unwanted', async () => {
  const cluster = clusterOf({ apis: [exposedApi('r', { rateLimit: { enabled: true, limit: '5' } })], services: [service('impl')], gatewayIp: '192.0.2.1' });
  cluster.capabilities = { ...cluster.capabilities, envoyFilterServed: true };
  const lines = () => {
    const view = cluster.view();
    return Object.fromEntries(detailsFor(cluster.api('r'), view, view.settings, now).children.map((c) => [c.what, c.state]));
  };
  const what = `EnvoyFilter ${NS}/oda-api-${NS}-r`;
  expect(lines()[what]).toBe('missing');
  await cluster.converge('r');
  expect(lines()[what]).toBe('matches');
  const api = cluster.api('r');
  cluster.put({ ...api, spec: { ...api.spec, rateLimit: { enabled: false } } });
  expect(lines()[what]).toBe('unwanted');
});

test('an MCP API with a connect timeout lists its DestinationRule: missing, matching, differing, then unwanted', async () => {
  const settings: Settings = { ...SETTINGS, timeouts: { connectMs: 5000 } };
  const cluster = clusterOf({ apis: [exposedApi('m', { apiType: 'mcp' })], services: [service('impl')], gatewayIp: '192.0.2.1' }, { settings });
  cluster.capabilities = { ...cluster.capabilities, envoyFilterServed: true, destinationRuleApiVersion: 'networking.istio.io/v1' };
  const lines = (s = settings) => {
    const view = cluster.view(s);
    return Object.fromEntries(detailsFor(cluster.api('m'), view, s, now).children.map((c) => [c.what, c.state]));
  };
  const what = `DestinationRule ${NS}/m`;
  expect(lines()[what]).toBe('missing');
  await cluster.converge('m');
  expect(lines()[what]).toBe('matches');
  const rule = cluster.stores.destinationRules.get(NS, 'm')!;
  cluster.put({ ...rule, spec: { ...(rule.spec as object), host: 'elsewhere' } });
  expect(lines()[what]).toBe('differs');
  expect(lines({ ...settings, timeouts: {} })[what]).toBe('unwanted');
});

test("someone else's DestinationRule at the API's name is not shown as the API's", () => {
  const settings = { ...SETTINGS, timeouts: { connectMs: 5000 } };
  const cluster = clusterOf({ apis: [exposedApi('m', { apiType: 'mcp' })], services: [service('impl')], gatewayIp: '192.0.2.1' }, { settings });
  cluster.capabilities = { ...cluster.capabilities, envoyFilterServed: true, destinationRuleApiVersion: 'networking.istio.io/v1' };
  cluster.put({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'm', namespace: NS }, spec: { host: 'impl' } });
  const view = cluster.view();
  expect(detailsFor(cluster.api('m'), view, settings, now).children.map((c) => c.what)).not.toContain(`DestinationRule ${NS}/m`);
});

test('under the httproute router the HTTPRoute is listed (missing, then matching); a VirtualService left from the other router is unwanted once it goes', async () => {
  const cluster = setup();
  await cluster.converge('a');
  cluster.capabilities = { ...cluster.capabilities, httpRouteServed: true, gatewayApiServed: true };
  const settings = { ...cluster.settings, router: 'httproute' as const };
  const view = cluster.view(settings);
  const lines = () => Object.fromEntries(detailsFor(view.stores.exposedApis.get(NS, 'a')!, view, settings, now).children.map((c) => [c.what, c.state]));
  expect(lines()).toMatchObject({ 'VirtualService components/a': 'matches', 'HTTPRoute components/a': 'missing' });
  await cluster.converge('a', settings);
  const route = view.stores.httpRoutes.get(NS, 'a')!;
  const parentRef = (route.spec as { parentRefs: unknown[] }).parentRefs[0];
  view.stores.httpRoutes.upsert({ ...route, status: { parents: [{ parentRef, controllerName: 'x', conditions: [{ type: 'Accepted', status: 'True' }] }] } });
  expect(lines()).toMatchObject({ 'VirtualService components/a': 'unwanted', 'HTTPRoute components/a': 'matches' });
});
