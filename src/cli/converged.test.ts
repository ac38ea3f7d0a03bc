import { ApiError } from '../kube/client.js';
import type { Converged } from '../kube/converge.js';
import type { Condition } from '../reconcile/types.js';
import { reasonOf } from '../kube/converge.js';
import { reportItem } from './converged.js';

const condition = (type: string, status: 'True' | 'False', reason = type, message = `${type} ${status}`): Condition => ({ type, status, reason, message, lastTransitionTime: '2026-01-01T00:00:00Z' });
const converged = (over: Partial<Converged>): Converged => ({
  namespace: 'ns',
  name: 'a',
  outcome: 'updated',
  status: { apiStatus: { url: 'https://x/a' }, implementation: { ready: true }, conditions: [condition('Ready', 'True')] },
  done: [{ type: 'writeStatus', status: {}, subresource: false }, { type: 'event', eventType: 'Normal', reason: 'Ready', message: 'm' }],
  ...over,
});

test('an item says the URL, READY from the Ready condition, and what was done', () => {
  expect(reportItem(converged({}))).toEqual({
    namespace: 'ns',
    name: 'a',
    outcome: 'updated',
    url: 'https://x/a',
    ready: true,
    implementationReady: true,
    message: null,
    actions: ['updated status', 'event Ready'],
    conditions: [condition('Ready', 'True')],
  });
});

test('READY is the Ready condition, not status.implementation.ready', () => {
  const conflict = [condition('Ready', 'False', 'Conflict', 'the route is held by ns/first')];
  const item = reportItem(converged({ outcome: 'conflict', message: 'the route is held by ns/first', status: { implementation: { ready: true }, conditions: conflict } }));
  expect(item).toMatchObject({ url: null, ready: false, implementationReady: true, message: 'the route is held by ns/first' });
});

test('a failure says what failed on one line, with no URL and not ready: the wanted status may not be written', () => {
  const error = new ApiError(500, 'InternalError', 'etcd is down', 'PATCH', '/apis/oda.tmforum.org/v1/namespaces/ns/exposedapis/a');
  const item = reportItem(converged({ outcome: 'error', error }));
  expect(item).toMatchObject({ outcome: 'error', url: null, ready: false, implementationReady: false, message: 'PATCH /apis/oda.tmforum.org/v1/namespaces/ns/exposedapis/a: 500 etcd is down' });
  expect(item.conditions).toEqual([condition('Ready', 'True')]);
  expect(reasonOf(converged({ error: new ApiError(403, 'Forbidden', 'cannot patch pods', 'PATCH', '/api/v1/pods/p') }))).toBe('forbidden: cannot patch pods');
  expect(reasonOf(converged({ error: new Error('servicemonitors: the CRD is not installed') }))).toBe('servicemonitors: the CRD is not installed');
});
