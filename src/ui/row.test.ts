import { clusterOf } from '../test-support/cluster.js';
import { endpointSlice, exposedApi, NS, service, SETTINGS } from '../test-support/objects.js';
import type { StoreView } from '../kube/view.js';
import type { ExposedAPI } from '../reconcile/types.js';
import { computeRow, lastChangeOf } from './row.js';

const now = new Date('2026-01-02T00:00:00Z');
const rowOf = (view: StoreView, name: string) => computeRow(view.stores.exposedApis.get(NS, name)!, view, view.settings, now);

test('an API routed, with an address and ready endpoints, is ready, and in sync once its children and status are written', async () => {
  const cluster = clusterOf({ apis: [exposedApi('a')], services: [service('impl')], slices: [endpointSlice('impl', 1)], gatewayIp: '192.0.2.1' });
  const view = cluster.view();
  const before = rowOf(view, 'a');
  expect(before).toMatchObject({ key: `${NS}/a`, state: 'ready', ready: true, url: 'https://192.0.2.1/a', routing: 'routed', metrics: '-', inSync: false });
  expect(before.reason).toBeUndefined();
  await cluster.converge('a');
  expect(rowOf(view, 'a').inSync).toBe(true);
});

test('without ready endpoints the API is pending, saying why', () => {
  const view = clusterOf({ apis: [exposedApi('a')], services: [service('impl')], slices: [endpointSlice('impl', 0, 2)], gatewayIp: '192.0.2.1' }).view();
  expect(rowOf(view, 'a')).toMatchObject({ state: 'pending', ready: false, reason: 'Service impl has no ready endpoints' });
});

test('while the gateway has no address there is no URL', () => {
  const view = clusterOf({ apis: [exposedApi('a')], services: [service('impl')], slices: [endpointSlice('impl', 1)], gatewayIp: null }).view();
  const row = rowOf(view, 'a');
  expect(row.url).toBeUndefined();
  expect(row.state).toBe('pending');
  expect(row.reason).toMatch(/has no external address yet/);
});

test('the later of two APIs on one path is in error, in conflict', () => {
  const first = exposedApi('first', { path: '/same' }, { creationTimestamp: '2026-01-01T00:00:00Z' });
  const second = exposedApi('second', { path: '/same' }, { creationTimestamp: '2026-01-01T00:05:00Z' });
  const view = clusterOf({ apis: [first, second], services: [service('impl')], gatewayIp: '192.0.2.1' }).view();
  expect(rowOf(view, 'first').routing).toBe('routed');
  expect(rowOf(view, 'second')).toMatchObject({ state: 'error', routing: 'conflict' });
  expect(rowOf(view, 'second').reason).toMatch(/held by ExposedAPI components\/first/);
});

test('an invalid spec is an error naming the field', () => {
  const view = clusterOf({ apis: [exposedApi('bad', { port: 0 })], gatewayIp: '192.0.2.1' }).view();
  const row = rowOf(view, 'bad');
  expect(row).toMatchObject({ state: 'error', routing: 'invalid' });
  expect(row.reason).toMatch(/spec\.port/);
});

test('metrics APIs show whether their ServiceMonitor can be built', () => {
  const ok = clusterOf({ apis: [exposedApi('m', { apiType: 'prometheus' })], services: [service('impl')], gatewayIp: '192.0.2.1' }).view();
  expect(rowOf(ok, 'm').metrics).toBe('ok');
  const unlabelled = clusterOf({ apis: [exposedApi('m', { apiType: 'prometheus' })], services: [service('impl', { metadata: { name: 'impl', namespace: NS } })], gatewayIp: '192.0.2.1' }).view();
  expect(rowOf(unlabelled, 'm')).toMatchObject({ metrics: 'ServiceNotSelectable', state: 'error' });
});

test('the component is the owner reference of kind Component', () => {
  const owned = exposedApi('a', {}, { ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: 'prodcat', uid: 'c1' }] });
  const view = clusterOf({ apis: [owned, exposedApi('b', { path: '/b' })] }).view(SETTINGS);
  expect(rowOf(view, 'a').component).toBe('prodcat');
  expect(rowOf(view, 'b').component).toBe('-');
});

test('the last change is the newest condition transition, else the creation time, else now', () => {
  const condition = (t: string) => ({ type: 'Ready', status: 'True' as const, reason: 'r', message: 'm', lastTransitionTime: t });
  const api: ExposedAPI = { ...exposedApi('a'), status: { conditions: [condition('2026-01-03T00:00:00Z'), condition('2026-01-05T00:00:00Z')] } };
  expect(lastChangeOf(api, 7)).toBe(Date.parse('2026-01-05T00:00:00Z'));
  expect(lastChangeOf(exposedApi('b'), 7)).toBe(Date.parse('2026-01-01T00:00:00Z'));
  expect(lastChangeOf(exposedApi('c', {}, { creationTimestamp: undefined }), 7)).toBe(7);
});

test('under the httproute router an HTTPRoute waiting for its Gateway is pending, not an error, saying so', async () => {
  const cluster = clusterOf({ apis: [exposedApi('a')], services: [service('impl')], slices: [endpointSlice('impl', 1)], gatewayIp: '192.0.2.1' });
  cluster.capabilities = { ...cluster.capabilities, httpRouteServed: true };
  const settings = { ...SETTINGS, router: 'httproute' as const };
  await cluster.converge('a', settings);
  const view = cluster.view(settings);
  const row = computeRow(view.stores.exposedApis.get(NS, 'a')!, view, settings, now);
  expect(row).toMatchObject({ state: 'pending', routing: 'Pending', ready: false });
  expect(row.reason).toMatch(/once the controller of Gateway components\/gw accepts it/);
});
