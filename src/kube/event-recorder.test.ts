import type { EventAction, ExposedAPI } from '../reconcile/index.js';
import { ApiError } from './client.js';
import { EventRecorder, type DropReason, type EventSink } from './event-recorder.js';

const api = (name = 'orders'): ExposedAPI =>
  ({ apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', metadata: { namespace: 'components', name, uid: `uid-${name}` }, spec: {} }) as ExposedAPI;
const normal = (message = 'created VirtualService components/orders'): EventAction => ({ type: 'event', eventType: 'Normal', reason: 'Reconciled', message });

/** A sink that remembers every write; `hold` keeps creates waiting until released. */
function fakeSink(o: { hold?: boolean; patchFails?: ApiError } = {}) {
  const created: { namespace: string; event: Record<string, unknown> }[] = [];
  const patched: { name: string; count: number }[] = [];
  const waiting: (() => void)[] = [];
  const sink: EventSink = {
    async create(namespace, event) {
      if (o.hold) await new Promise<void>((resolve) => waiting.push(resolve));
      created.push({ namespace, event: event as Record<string, unknown> });
      return `event-${created.length}`;
    },
    async patch(_namespace, name, series) {
      if (o.patchFails) throw o.patchFails;
      patched.push({ name, count: series.count });
    },
  };
  return { sink, created, patched, release: () => waiting.splice(0).forEach((r) => r()) };
}

test('the same Event again is one Event whose count grows (a series), not another Event', async () => {
  const { sink, created, patched } = fakeSink();
  const recorder = new EventRecorder(sink);
  for (let i = 0; i < 3; i++) recorder.record(api(), normal());
  await recorder.flush();
  expect(created).toHaveLength(1);
  expect(created[0].event).toMatchObject({ type: 'Normal', reason: 'Reconciled', count: 1, involvedObject: { kind: 'ExposedAPI', name: 'orders', uid: 'uid-orders' } });
  expect(patched).toEqual([
    { name: 'event-1', count: 2 },
    { name: 'event-1', count: 3 },
  ]);
});

test('another message, type or object starts its own Event', async () => {
  const { sink, created, patched } = fakeSink();
  const recorder = new EventRecorder(sink);
  recorder.record(api(), normal('a'));
  recorder.record(api(), normal('b'));
  recorder.record(api(), { ...normal('a'), eventType: 'Warning' });
  recorder.record(api('billing'), normal('a'));
  await recorder.flush();
  expect(created).toHaveLength(4);
  expect(patched).toEqual([]);
});

test('a series whose Event has expired starts again with a new Event', async () => {
  const { sink, created } = fakeSink({ patchFails: new ApiError(404, 'NotFound', 'gone', 'PATCH', '/events/x') });
  const recorder = new EventRecorder(sink);
  recorder.record(api(), normal());
  await recorder.flush();
  recorder.record(api(), normal());
  await recorder.flush();
  expect(created.map((c) => c.event.count)).toEqual([1, 2]);
});

test('beyond its buffer it drops Events at once, without waiting for the API server', async () => {
  const { sink, created, release } = fakeSink({ hold: true });
  const drops: DropReason[] = [];
  const recorder = new EventRecorder(sink, { maxPending: 2, concurrency: 1, onDrop: (r) => drops.push(r) });
  const started = performance.now();
  for (let i = 0; i < 6; i++) recorder.record(api(), normal(`change ${i}`));
  expect(performance.now() - started).toBeLessThan(50);
  // One in flight, two waiting, the other three dropped.
  expect(drops).toEqual(['bufferFull', 'bufferFull', 'bufferFull']);
  await recorder.flush(20); // the deadline ends the wait while the API server still holds the first
  expect(created).toHaveLength(0);
  release();
  await new Promise((resolve) => setImmediate(resolve));
  release();
  await new Promise((resolve) => setImmediate(resolve));
  release();
  await recorder.flush();
  expect(created.map((c) => c.event.message)).toEqual(['change 0', 'change 1', 'change 2']);
});

test('an object gets `burst` Events at once, then one more per refill period', async () => {
  const { sink, created } = fakeSink();
  const drops: DropReason[] = [];
  const recorder = new EventRecorder(sink, { burst: 3, refillMs: 60_000, onDrop: (r) => drops.push(r) });
  for (let i = 0; i < 5; i++) recorder.record(api(), normal(`change ${i}`));
  recorder.record(api('billing'), normal());
  await recorder.flush();
  expect(created.map((c) => `${(c.event.involvedObject as { name: string }).name}: ${c.event.message}`)).toEqual([
    'orders: change 0',
    'orders: change 1',
    'orders: change 2',
    'billing: created VirtualService components/orders',
  ]);
  expect(drops).toEqual(['rateLimited', 'rateLimited']);
});

test('an Event the API server refuses fails nothing: record does not throw and flush ends', async () => {
  const sink: EventSink = {
    create: () => Promise.reject(new ApiError(403, 'Forbidden', 'events is forbidden', 'POST', '/events')),
    patch: () => Promise.reject(new Error('unused')),
  };
  const recorder = new EventRecorder(sink);
  expect(() => recorder.record(api(), normal())).not.toThrow();
  await expect(recorder.flush()).resolves.toBeUndefined();
});
