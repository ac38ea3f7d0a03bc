import { jest } from '@jest/globals';
// The operator's Store and objects: what the informer is given in production.
import { Store } from '../kube/store.js';
import type { KubeObject } from '../reconcile/types.js';
import { Informer, type EventType, type InformerOptions, type ListWatchClient, type Query, type RestartReason } from './informer.js';

const PATH = '/api/v1/namespaces/ns/configmaps';

interface ListPage {
  apiVersion: string;
  kind: string;
  metadata: { resourceVersion: string; continue?: string };
  items: unknown[];
}

interface FakeWatch {
  query: Query;
  event: (type: string, object: unknown) => void;
  done: (err?: unknown) => void;
  controller: AbortController;
}

/** Items as a LIST returns them: without apiVersion and kind. */
const item = (name: string, rv: string, data: Record<string, string> = {}) => ({ metadata: { name, namespace: 'ns', resourceVersion: rv }, data });
const object = (name: string, rv: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', ...item(name, rv) });
const page = (rv: string, items: unknown[], cont?: string): ListPage => ({
  apiVersion: 'v1',
  kind: 'ConfigMapList',
  metadata: { resourceVersion: rv, continue: cont },
  items,
});

/** Plays the API server: LIST answers come from `lists` (the last one repeats), watches are driven by the test. */
class FakeClient {
  lists: (ListPage | Error | Promise<ListPage>)[] = [];
  listQueries: Query[] = [];
  watches: FakeWatch[] = [];
  /** When set, watch requests fail with it the way client-node reports it: done(err) before resolving. */
  refuse: Error | undefined;

  get = async <R>(path: string, query?: Query): Promise<R> => {
    expect(path).toBe(PATH);
    this.listQueries.push(query ?? {});
    const next = this.lists.length > 1 ? this.lists.shift()! : this.lists[0];
    if (next instanceof Error) throw next;
    return (await next) as R;
  };

  watch = async (path: string, query: Query, onEvent: Parameters<ListWatchClient['watch']>[2], onDone: (err?: unknown) => void): Promise<AbortController> => {
    expect(path).toBe(PATH);
    const controller = new AbortController();
    if (this.refuse) {
      controller.abort();
      onDone(this.refuse);
      return controller;
    }
    this.watches.push({ query, event: (type, o) => onEvent(type, o as Record<string, unknown>), done: onDone, controller });
    return controller;
  };

  get current(): FakeWatch {
    return this.watches[this.watches.length - 1];
  }
}

interface Seen {
  type: EventType;
  name: string;
  rv?: string;
  previousRv?: string;
}

let client: FakeClient;
let store: Store;
let informer: Informer<KubeObject>;
let seen: Seen[];
let restartReasons: RestartReason[];

function makeInformer(options: Partial<InformerOptions<KubeObject>> = {}): Informer<KubeObject> {
  informer = new Informer({
    client,
    path: PATH,
    store,
    name: 'configmaps',
    backoff: { baseMs: 1, maxMs: 1 },
    onRestart: (reason) => restartReasons.push(reason),
    ...options,
  });
  informer.on((type, o, previous) =>
    seen.push({ type, name: o.metadata.name, rv: o.metadata.resourceVersion, previousRv: previous?.metadata.resourceVersion }),
  );
  return informer;
}

/** Waits (real time) until cond holds; the condition, not the time, is what tests assert. */
async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await new Promise((r) => setTimeout(r, 1));
  if (!cond()) throw new Error(`never happened: ${what}`);
}

/** Lets promise callbacks run without moving fake time. */
const flush = () => jest.advanceTimersByTimeAsync(0);

beforeEach(() => {
  client = new FakeClient();
  store = new Store();
  seen = [];
  restartReasons = [];
});

afterEach(async () => {
  await informer?.stop();
  jest.useRealTimers();
});

test('lists, fills the store with apiVersion and kind, reports each object added, then watches from the list', async () => {
  client.lists = [page('10', [item('a', '5'), item('b', '7')])];
  makeInformer({ timeoutSeconds: 100 });
  expect(informer.hasSynced()).toBe(false);
  informer.start();
  await informer.synced;
  expect(informer.hasSynced()).toBe(true);
  expect(store.get('ns', 'a')).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { resourceVersion: '5' } });
  expect(seen).toEqual([
    { type: 'added', name: 'a', rv: '5', previousRv: undefined },
    { type: 'added', name: 'b', rv: '7', previousRv: undefined },
  ]);
  await until('a watch', () => client.watches.length === 1);
  const query = client.current.query;
  expect(query).toMatchObject({ resourceVersion: '10', allowWatchBookmarks: true });
  expect(query.timeoutSeconds).toBeGreaterThanOrEqual(100);
  expect(query.timeoutSeconds).toBeLessThanOrEqual(120);
  expect(informer.resourceVersion).toBe('10');
});

test('pages through a long list with continue tokens', async () => {
  client.lists = [page('10', [item('a', '5')], 'next-page'), page('10', [item('b', '6')])];
  makeInformer();
  informer.start();
  await informer.synced;
  expect(client.listQueries.map((q) => q.continue)).toEqual([undefined, 'next-page']);
  expect(store.list().map((o) => o.metadata.name)).toEqual(['a', 'b']);
});

test('watch events keep the store current; unchanged versions and unknown deletions are not reported', async () => {
  client.lists = [page('10', [item('a', '5')])];
  makeInformer();
  informer.start();
  await until('a watch', () => client.watches.length === 1);
  seen.length = 0;
  const w = client.current;
  w.event('ADDED', object('b', '11'));
  w.event('MODIFIED', object('a', '12'));
  w.event('MODIFIED', object('a', '12'));
  w.event('DELETED', object('b', '13'));
  w.event('DELETED', object('never-seen', '14'));
  expect(seen).toEqual([
    { type: 'added', name: 'b', rv: '11', previousRv: undefined },
    { type: 'updated', name: 'a', rv: '12', previousRv: '5' },
    { type: 'deleted', name: 'b', rv: '13', previousRv: '11' },
  ]);
  expect(store.list().map((o) => [o.metadata.name, o.metadata.resourceVersion])).toEqual([['a', '12']]);
  expect(informer.resourceVersion).toBe('14');
});

test('bookmarks advance the resourceVersion the next watch resumes from, without events or a relist', async () => {
  client.lists = [page('10', [])];
  makeInformer();
  informer.start();
  await until('a watch', () => client.watches.length === 1);
  client.current.event('BOOKMARK', { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: '42' } });
  expect(informer.resourceVersion).toBe('42');
  client.current.done(null);
  await until('a second watch', () => client.watches.length === 2);
  expect(client.current.query.resourceVersion).toBe('42');
  expect(seen).toEqual([]);
  expect(client.listQueries).toHaveLength(1);
  expect(informer.restarts).toBe(0);
});

test('a watch the server ends normally is resumed at once and is not a restart', async () => {
  jest.useFakeTimers();
  client.lists = [page('10', [])];
  makeInformer({ backoff: { baseMs: 60_000, maxMs: 60_000 } });
  informer.start();
  await flush();
  jest.advanceTimersByTime(5000);
  client.current.done(null);
  await flush();
  expect(client.watches).toHaveLength(2);
  // client-node ends a quiet watch after 30 s of inactivity: a renewal too.
  jest.advanceTimersByTime(30_000);
  client.current.done(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  await flush();
  expect(client.watches).toHaveLength(3);
  expect(client.current.query.resourceVersion).toBe('10');
  expect(informer.restarts).toBe(0);
});

test('a watch closing at once without any event is a failure, as in client-go', async () => {
  client.lists = [page('10', [])];
  makeInformer();
  informer.start();
  await until('a watch', () => client.watches.length === 1);
  client.current.done(null);
  await until('a second watch', () => client.watches.length === 2);
  expect(restartReasons).toEqual(['error']);
});

test('a 410 ERROR event relists and reports only real differences', async () => {
  client.lists = [page('10', [item('same', '1'), item('changed', '2'), item('gone', '3')])];
  makeInformer();
  informer.start();
  await until('a watch', () => client.watches.length === 1);
  seen.length = 0;
  client.lists = [page('20', [item('same', '1'), item('changed', '15'), item('new', '16')])];
  client.current.event('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version: 10 (19)' });
  await until('a watch after the relist', () => client.watches.length === 2);
  expect(seen).toEqual([
    { type: 'deleted', name: 'gone', rv: '3', previousRv: '3' },
    { type: 'updated', name: 'changed', rv: '15', previousRv: '2' },
    { type: 'added', name: 'new', rv: '16', previousRv: undefined },
  ]);
  expect(store.list().map((o) => o.metadata.name).sort()).toEqual(['changed', 'new', 'same']);
  expect(client.current.query.resourceVersion).toBe('20');
  expect(client.watches[0].controller.signal.aborted).toBe(true);
  expect(informer.relists).toBe(1);
  expect(informer.restarts).toBe(1);
  expect(restartReasons).toEqual(['gone']);
});

test('an HTTP 410 answer to the watch request relists too', async () => {
  client.lists = [page('10', [])];
  makeInformer();
  informer.start();
  await until('a watch', () => client.watches.length === 1);
  client.lists = [page('20', [item('new', '16')])];
  client.current.done(Object.assign(new Error('Gone'), { statusCode: 410 }));
  await until('the relisted object', () => store.size === 1);
  expect(informer.relists).toBe(1);
  expect(restartReasons).toEqual(['gone']);
});

test('other ERROR events resume from the last resourceVersion without a relist', async () => {
  client.lists = [page('10', [])];
  makeInformer();
  informer.start();
  await until('a watch', () => client.watches.length === 1);
  client.current.event('ERROR', { kind: 'Status', code: 500, message: 'etcd hiccup' });
  await until('a second watch', () => client.watches.length === 2);
  expect(client.current.query.resourceVersion).toBe('10');
  expect(informer.relists).toBe(0);
  expect(restartReasons).toEqual(['error']);
});

test('errors back off exponentially, never give up, and progress resets the delay', async () => {
  jest.useFakeTimers();
  client.lists = [page('10', [])];
  const errors: unknown[] = [];
  makeInformer({
    backoff: { baseMs: 100, maxMs: 400, jitter: 0 },
    onRestart: (_reason, error) => errors.push(error),
  });
  informer.start();
  await flush();
  expect(client.watches).toHaveLength(1);

  const refused = new TypeError('fetch failed');
  client.refuse = refused;
  client.current.done(new Error('socket hang up'));
  // Attempts after 100, 200, 400 and (capped) 400 ms: none of them a moment early.
  let attempts = 0;
  for (const delay of [100, 200, 400, 400]) {
    await jest.advanceTimersByTimeAsync(delay - 1);
    expect(errors).toHaveLength(1 + attempts);
    await jest.advanceTimersByTimeAsync(1);
    attempts++;
    expect(errors).toHaveLength(1 + attempts);
  }
  expect(errors.slice(1).every((e) => e === refused)).toBe(true);
  expect(informer.restarts).toBe(5);

  client.refuse = undefined;
  await jest.advanceTimersByTimeAsync(400);
  expect(client.watches).toHaveLength(2);
  client.current.event('ADDED', object('a', '11'));
  client.current.done(new Error('socket hang up'));
  await jest.advanceTimersByTimeAsync(99);
  expect(client.watches).toHaveLength(2);
  await jest.advanceTimersByTimeAsync(1);
  expect(client.watches).toHaveLength(3);
  expect(client.current.query.resourceVersion).toBe('11');
});

test('a failing first LIST is retried until it succeeds; synced waits for it', async () => {
  client.lists = [new Error('connection refused'), new Error('connection refused'), page('10', [item('a', '5')])];
  makeInformer();
  let synced = false;
  void informer.synced.then(() => (synced = true));
  informer.start();
  await until('synced', () => synced);
  expect(client.listQueries).toHaveLength(3);
  expect(restartReasons).toEqual(['error', 'error']);
  expect(informer.relists).toBe(0);
  expect(seen.map((s) => s.name)).toEqual(['a']);
});

test('the watchdog restarts a watch that stays silent; events and bookmarks keep it quiet', async () => {
  jest.useFakeTimers();
  client.lists = [page('10', [])];
  makeInformer({ silenceMs: 1000 });
  informer.start();
  await flush();
  await jest.advanceTimersByTimeAsync(900);
  client.current.event('BOOKMARK', { metadata: { resourceVersion: '11' } });
  await jest.advanceTimersByTimeAsync(900);
  client.current.event('ADDED', object('a', '12'));
  await jest.advanceTimersByTimeAsync(900);
  expect(client.watches).toHaveLength(1);
  expect(informer.restarts).toBe(0);

  await jest.advanceTimersByTimeAsync(100);
  expect(client.watches[0].controller.signal.aborted).toBe(true);
  expect(restartReasons).toEqual(['silent']);
  await jest.advanceTimersByTimeAsync(1);
  expect(client.watches).toHaveLength(2);
  expect(client.current.query.resourceVersion).toBe('12');
});

test('healthy() is false when a connected watch is silent too long or reconnecting fails too long', async () => {
  client.lists = [page('10', [])];
  makeInformer({ silenceMs: 10_000, unhealthyAfterMs: 60_000, backoff: { baseMs: 1, maxMs: 1 } });
  informer.start();
  await until('a watch', () => informer.healthy() && client.watches.length === 1);
  const now = Date.now();
  expect(informer.healthy(now + 5_000)).toBe(true);
  expect(informer.healthy(now + 11_000)).toBe(false);

  client.refuse = new TypeError('fetch failed');
  client.current.done(new Error('socket hang up'));
  await until('a few failed reconnects', () => informer.restarts >= 3);
  expect(informer.healthy(Date.now() + 30_000)).toBe(true);
  expect(informer.healthy(Date.now() + 61_000)).toBe(false);

  client.refuse = undefined;
  await until('a watch again', () => client.watches.length === 2);
  expect(informer.healthy()).toBe(true);
});

test('stop() aborts the watch and resolves at once, also during a backoff or a hanging LIST', async () => {
  client.lists = [page('10', [])];
  makeInformer();
  informer.start();
  await until('a watch', () => client.watches.length === 1);
  await informer.stop();
  expect(client.current.controller.signal.aborted).toBe(true);

  jest.useFakeTimers();
  client = new FakeClient();
  client.lists = [new Error('refused')];
  makeInformer({ backoff: { baseMs: 60_000, maxMs: 60_000 } });
  informer.start();
  await flush();
  expect(informer.restarts).toBe(1);
  await informer.stop();

  let answer!: (list: ListPage) => void;
  client = new FakeClient();
  client.lists = [new Promise<ListPage>((resolve) => (answer = resolve))];
  store = new Store();
  makeInformer();
  informer.start();
  await informer.stop();
  answer(page('10', [item('late', '1')]));
  await flush();
  expect(store.size).toBe(0);
  expect(client.watches).toHaveLength(0);
});

test('a throwing handler neither breaks the informer nor keeps events from other handlers', async () => {
  client.lists = [page('10', [item('a', '5')])];
  const handlerErrors: unknown[] = [];
  makeInformer({ onHandlerError: (e) => handlerErrors.push(e) });
  const boom = new Error('handler bug');
  informer.on(() => {
    throw boom;
  });
  informer.start();
  await until('a watch', () => client.watches.length === 1);
  client.current.event('ADDED', object('b', '11'));
  expect(seen.map((s) => s.name)).toEqual(['a', 'b']);
  expect(handlerErrors).toEqual([boom, boom]);
  expect(store.size).toBe(2);
});

test('unsubscribed handlers get no more events', async () => {
  client.lists = [page('10', [])];
  makeInformer();
  const late: string[] = [];
  const off = informer.on((_type, o) => late.push(o.metadata.name));
  informer.start();
  await until('a watch', () => client.watches.length === 1);
  client.current.event('ADDED', object('a', '11'));
  off();
  client.current.event('ADDED', object('b', '12'));
  expect(late).toEqual(['a']);
  expect(seen.map((s) => s.name)).toEqual(['a', 'b']);
});

describe('a LIST that RBAC refuses (403)', () => {
  const refused = () => Object.assign(new Error('configmaps is forbidden: User "u" cannot list resource "configmaps"'), { status: 403 });

  test('is reported once, retried quietly, and reported allowed once granted; the informer stays live', async () => {
    const forbidden: string[] = [];
    let permitted = 0;
    client.lists = [refused(), refused(), refused(), page('10', [item('a', '5')])];
    makeInformer({ onForbidden: (m) => forbidden.push(m), onPermitted: () => permitted++ });
    informer.start();
    await until('refused twice', () => client.listQueries.length >= 2);
    expect(informer.forbidden()).toContain('cannot list resource "configmaps"');
    expect(informer.hasSynced()).toBe(false);
    expect(informer.healthy(Date.now() + 3_600_000)).toBe(true); // a refusal is an answer
    expect(informer.lastHeard()).toBeGreaterThan(0);
    await informer.synced;
    expect(forbidden).toHaveLength(1);
    expect(restartReasons).toEqual([]); // quiet: no restart reported for a refusal
    expect(permitted).toBe(1);
    expect(informer.forbidden()).toBeUndefined();
    expect(store.get('ns', 'a')).toBeDefined();
  });

  test('counts as synced, with an empty store, for an optional kind', async () => {
    client.lists = [refused()];
    makeInformer({ optional: true });
    informer.start();
    await informer.synced;
    expect(informer.hasSynced()).toBe(true);
    expect(informer.forbidden()).toBeDefined();
    expect(store.size).toBe(0);
  });
});

test('passes its extra query (a fieldSelector) to LIST and WATCH', async () => {
  client.lists = [page('10', [])];
  makeInformer({ query: { fieldSelector: 'metadata.name=a' } });
  informer.start();
  await until('a watch', () => client.watches.length === 1);
  expect(client.listQueries[0]).toMatchObject({ fieldSelector: 'metadata.name=a' });
  expect(client.current.query).toMatchObject({ fieldSelector: 'metadata.name=a' });
});
