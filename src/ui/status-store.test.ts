import { jest } from '@jest/globals';
import type { RowFields } from './row.js';
import { StatusStore, type RowSource } from './status-store.js';

const fields = (name: string, over: Partial<RowFields> = {}): RowFields => ({
  key: `ns/${name}`,
  namespace: 'ns',
  name,
  component: '-',
  type: 'openapi',
  path: `/${name}`,
  ready: false,
  routing: 'routed',
  metrics: '-',
  state: 'pending',
  inSync: true,
  ...over,
});

/** A source whose rows the test edits directly. */
function source(initial: RowFields[]): RowSource & { rows: Map<string, RowFields> } {
  const rows = new Map(initial.map((r) => [r.key, r]));
  return { rows, keys: () => rows.keys(), row: (key) => (rows.has(key) ? { fields: rows.get(key)!, since: 1000 } : undefined) };
}

let clock = 5000;
const options = { throttleMs: 100, now: () => clock };

test('emits once for the first rows, and not again when nothing changed', () => {
  const src = source([fields('a'), fields('b')]);
  const store = new StatusStore(src, options);
  const listener = jest.fn();
  store.subscribe(listener);
  store.invalidate('all');
  expect(store.flush()).toBe(true);
  expect(listener).toHaveBeenCalledTimes(1);
  expect(store.rows().map((r) => r.name).sort()).toEqual(['a', 'b']);
  // First seen: as old as the source says.
  expect(store.get('ns/a')?.changedAt).toBe(1000);

  const snapshot = store.rows();
  store.invalidate(['ns/a', 'ns/b']);
  expect(store.flush()).toBe(false);
  store.invalidate('all');
  expect(store.flush()).toBe(false);
  expect(listener).toHaveBeenCalledTimes(1);
  expect(store.rows()).toBe(snapshot);
  store.dispose();
});

test('a changed row gets a new change time; the others keep theirs', () => {
  const src = source([fields('a'), fields('b')]);
  const store = new StatusStore(src, options);
  store.invalidate('all');
  store.flush();
  clock = 9000;
  src.rows.set('ns/a', fields('a', { ready: true, state: 'ready' }));
  store.invalidate(['ns/a']);
  expect(store.flush()).toBe(true);
  expect(store.get('ns/a')).toMatchObject({ ready: true, changedAt: 9000 });
  expect(store.get('ns/b')?.changedAt).toBe(1000);
  store.dispose();
});

test('only invalidated rows are recomputed', () => {
  const src = source([fields('a'), fields('b')]);
  const store = new StatusStore(src, options);
  store.invalidate('all');
  store.flush();
  const row = jest.spyOn(src, 'row');
  src.rows.set('ns/b', fields('b', { url: 'https://x/b' }));
  store.invalidate(['ns/a']);
  store.flush();
  expect(row.mock.calls.map(([key]) => key)).toEqual(['ns/a']);
  expect(store.get('ns/b')?.url).toBeUndefined();
  store.dispose();
});

test('a row whose API is gone is removed', () => {
  const src = source([fields('a'), fields('b')]);
  const store = new StatusStore(src, options);
  store.invalidate('all');
  store.flush();
  src.rows.delete('ns/a');
  store.invalidate(['ns/a']);
  expect(store.flush()).toBe(true);
  expect(store.rows().map((r) => r.key)).toEqual(['ns/b']);
  store.dispose();
});

test('a burst of invalidations is one recomputation, and the next waits out the throttle', () => {
  jest.useFakeTimers({ now: 0 });
  try {
    const src = source([fields('a')]);
    const store = new StatusStore(src, { throttleMs: 100 });
    const listener = jest.fn();
    store.subscribe(listener);
    for (let i = 0; i < 50; i++) store.invalidate(['ns/a']);
    jest.advanceTimersByTime(1);
    expect(listener).toHaveBeenCalledTimes(1);

    src.rows.set('ns/a', fields('a', { ready: true }));
    store.invalidate(['ns/a']);
    jest.advanceTimersByTime(50);
    expect(listener).toHaveBeenCalledTimes(1);
    jest.advanceTimersByTime(60);
    expect(listener).toHaveBeenCalledTimes(2);
    store.dispose();
  } finally {
    jest.useRealTimers();
  }
});
