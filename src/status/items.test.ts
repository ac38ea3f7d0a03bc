import type { ExposedAPI, ExposedAPIStatus } from '../reconcile/types.js';
import { exposedApi } from '../test-support/objects.js';
import { selectApis } from '../kube/load.js';
import { statusItem } from './items.js';

const ready = (status: 'True' | 'False', reason = 'Ready', message = 'ok', observedGeneration = 1) => ({
  type: 'Ready',
  status,
  reason,
  message,
  lastTransitionTime: '2026-01-01T00:00:00Z',
  observedGeneration,
});
const withStatus = (status: ExposedAPIStatus, generation = 1): ExposedAPI => ({ ...exposedApi('a', {}, { generation }), status });

test('an API with a URL, ready and a current status is ready', () => {
  const item = statusItem(withStatus({ apiStatus: { url: 'https://x/a' }, implementation: { ready: true }, conditions: [ready('True')] }));
  expect(item).toMatchObject({ namespace: 'components', name: 'a', url: 'https://x/a', ready: true, implementationReady: true });
  expect(item.reason).toBeUndefined();
});

test('the Ready condition says why an API is not ready', () => {
  const item = statusItem(withStatus({ apiStatus: { url: 'https://x/a' }, implementation: { ready: false }, conditions: [ready('False', 'NoReadyEndpoints', 'Service impl has no ready endpoints')] }));
  expect(item).toMatchObject({ ready: false, implementationReady: false, reason: 'NoReadyEndpoints', message: 'Service impl has no ready endpoints' });
});

test('READY is the Ready condition: ready endpoints behind a route held by another API are not enough', () => {
  const conflict = ready('False', 'Conflict', 'the route is held by ExposedAPI components/first');
  const item = statusItem(withStatus({ apiStatus: { name: 'a' }, implementation: { ready: true }, conditions: [conflict] }));
  expect(item).toMatchObject({ ready: false, implementationReady: true, reason: 'Conflict' });
});

test('no status at all: no operator has reconciled the API', () => {
  expect(statusItem(exposedApi('a'))).toMatchObject({ reason: 'NotReconciled' });
});

test('a status older than the spec is stale, even if it looked ready', () => {
  const item = statusItem(withStatus({ apiStatus: { url: 'https://x/a' }, implementation: { ready: true }, conditions: [ready('True', 'Ready', 'ok', 2)] }, 3));
  expect(item.reason).toBe('StatusStale');
  expect(item.message).toMatch(/generation 2.*generation 3/);
});

test('statuses without conditions (the Python operator\'s) are judged by URL and readiness', () => {
  expect(statusItem(withStatus({ apiStatus: { name: 'a' }, implementation: { ready: true } })).reason).toBe('NoURL');
  expect(statusItem(withStatus({ apiStatus: { url: 'https://x/a' }, implementation: { ready: false } })).reason).toBe('ImplementationNotReady');
  expect(statusItem(withStatus({ apiStatus: { url: 'https://x/a' }, implementation: { ready: true } })).ready).toBe(true);
});

test('selection: scope, names, order, and names that were not found', () => {
  const apis = [exposedApi('b'), exposedApi('a'), { ...exposedApi('a'), metadata: { ...exposedApi('a').metadata, namespace: 'other' } }];
  const inScope = (ns: string) => ns === 'components';
  expect(selectApis(apis, inScope, []).apis.map((a) => a.metadata.name)).toEqual(['a', 'b']);
  const named = selectApis(apis, () => true, ['a', 'zzz']);
  expect(named.apis.map((a) => `${a.metadata.namespace}/${a.metadata.name}`)).toEqual(['components/a', 'other/a']);
  expect(named.missing).toEqual(['zzz']);
});
