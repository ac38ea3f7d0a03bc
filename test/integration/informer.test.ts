// The informer against a real API server: events, bookmarks and the watchdog on the
// run's shared cluster; an API server restart on a control plane of this file's own.
import { KubeClient, type Query, type WatchHandler } from '../../src/kube/client.js';
import { Store } from '../../src/kube/store.js';
import { Informer, type EventType, type RestartReason } from '../../src/runtime/informer.js';
import { adminClient, createNamespace, deleteNamespace, usePrivateControlPlane, waitFor } from '../support/cluster.js';

const configMaps = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;

async function createConfigMap(client: KubeClient, ns: string, name: string, data: Record<string, string> = {}): Promise<string> {
  const created = await client.request<{ metadata: { resourceVersion: string } }>('POST', configMaps(ns), {
    body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data },
  });
  return created.metadata.resourceVersion;
}

const updateConfigMap = (client: KubeClient, ns: string, name: string, data: Record<string, string>) =>
  client.request('PATCH', `${configMaps(ns)}/${name}`, { contentType: 'application/merge-patch+json', body: { data } });

const deleteConfigMap = (client: KubeClient, ns: string, name: string) => client.request('DELETE', `${configMaps(ns)}/${name}`);

interface Seen {
  type: EventType;
  name: string;
  rv?: string;
}

/** Starts an informer on ns's ConfigMaps and records what its handlers see. */
function informerOn(client: KubeClient, ns: string, options: Partial<ConstructorParameters<typeof Informer>[0]> = {}) {
  const store = new Store();
  const informer = new Informer({ client, path: configMaps(ns), store, name: `configmaps in ${ns}`, ...options });
  const seen: Seen[] = [];
  informer.on((type, o) => seen.push({ type, name: o.metadata.name, rv: o.metadata.resourceVersion }));
  informer.start();
  return { informer, store, seen };
}

// Resource versions are opaque to clients; comparing them as numbers is only for these
// tests, which know the API server serves etcd revisions.
const atLeast = (rv: string | undefined, than: string) => rv !== undefined && BigInt(rv) >= BigInt(than);

describe('on the shared cluster', () => {
  let client: KubeClient;
  let ns: string;
  let informer: Informer | undefined;

  beforeAll(() => {
    client = adminClient();
  });
  beforeEach(async () => {
    ns = await createNamespace(client);
  });
  afterEach(async () => {
    await informer?.stop();
    informer = undefined;
    await deleteNamespace(client, ns);
  });

  test('sees objects listed at start, then create, update and delete, keeping the store current', async () => {
    await createConfigMap(client, ns, 'existing');
    const started = informerOn(client, ns);
    informer = started.informer;
    const { store, seen } = started;
    await informer.synced;
    expect(store.get(ns, 'existing')).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });

    await createConfigMap(client, ns, 'a', { v: '1' });
    await updateConfigMap(client, ns, 'a', { v: '2' });
    await deleteConfigMap(client, ns, 'a');
    await waitFor('the deletion', async () => seen.some((s) => s.type === 'deleted'));
    expect(seen.map((s) => [s.type, s.name])).toEqual([
      ['added', 'existing'],
      ['added', 'a'],
      ['updated', 'a'],
      ['deleted', 'a'],
    ]);
    expect(store.list().map((o) => o.metadata.name)).toEqual(['existing']);
    expect(informer.healthy()).toBe(true);
  });

  test('bookmarks advance the resourceVersion a renewed watch resumes from, without a relist', async () => {
    const recording = new RecordingClient(client.config);
    // The API server sends bookmarks in the last seconds before a watch's timeout.
    const started = informerOn(recording, ns, { timeoutSeconds: 4 });
    informer = started.informer;
    await informer.synced;
    // A write elsewhere moves the collection's resourceVersion on; only a bookmark can tell this quiet namespace's watch.
    const other = await createNamespace(client);
    let written = '';
    try {
      written = await createConfigMap(client, other, 'elsewhere');
      await waitFor('a bookmark past the write', async () => recording.bookmarks.some((rv) => atLeast(rv, written)), 30_000);
      await waitFor('a watch resumed from a bookmark', async () => recording.watchQueries.some((q) => atLeast(String(q.resourceVersion), written)), 30_000);
    } finally {
      await deleteNamespace(client, other);
    }
    expect(atLeast(informer.resourceVersion, written)).toBe(true);
    expect(started.seen).toEqual([]);
    expect(informer.relists).toBe(0);
    expect(informer.restarts).toBe(0);
  }, 60_000);

  test('the watchdog restarts a silent watch, and the informer still sees later changes', async () => {
    const reasons: RestartReason[] = [];
    const started = informerOn(client, ns, { silenceMs: 1000, timeoutSeconds: 120, backoff: { baseMs: 50, maxMs: 200 }, onRestart: (reason) => reasons.push(reason) });
    informer = started.informer;
    await informer.synced;
    await waitFor('two silent restarts', async () => informer!.restarts >= 2);
    expect(reasons.slice(0, 2)).toEqual(['silent', 'silent']);

    await createConfigMap(client, ns, 'later');
    await waitFor('the object created after the restarts', async () => started.store.get(ns, 'later'));
    expect(started.seen.map((s) => [s.type, s.name])).toEqual([['added', 'later']]);
  });

  test('stop() ends the watch: later changes are not seen and no more requests are made', async () => {
    const watchesBefore = client.requestCounts.WATCH ?? 0;
    const started = informerOn(client, ns);
    informer = started.informer;
    await informer.synced;
    await waitFor('the watch', async () => (client.requestCounts.WATCH ?? 0) > watchesBefore);
    await informer.stop();
    const watches = client.requestCounts.WATCH;
    await createConfigMap(client, ns, 'after-stop');
    // Give a still-running watch ample time to deliver the event it must not get.
    await new Promise((r) => setTimeout(r, 1000));
    expect(started.seen).toEqual([]);
    expect(started.store.size).toBe(0);
    expect(client.requestCounts.WATCH).toBe(watches);
  });
});

describe('across an API server restart', () => {
  const privateCp = usePrivateControlPlane(false);

  test('recovers, relists on 410 and reports exactly what changed while it was cut off', async () => {
    const cp = privateCp();
    const admin = cp.client;
    const ns = await createNamespace(admin);
    const other = await createNamespace(admin);
    for (const name of ['same', 'changed', 'gone']) await createConfigMap(admin, ns, name, { v: '1' });

    const gated = new GatedClient(admin.config);
    const reasons: RestartReason[] = [];
    const onRestart = (reason: RestartReason) => {
      reasons.push(reason);
      gated.hold();
    };
    const { informer, store, seen } = informerOn(gated, ns, { backoff: { baseMs: 100, maxMs: 1000 }, onRestart });
    try {
      await informer.synced;
      // Moves the revision past what the informer has seen, so resuming after the restart meets 410 Gone.
      await createConfigMap(admin, other, 'elsewhere');
      await cp.restartApiServer();

      // The informer noticed the restart; its next request waits while things change behind its back.
      await waitFor('the informer to notice the restart', async () => gated.holding, 30_000);
      await updateConfigMap(admin, ns, 'changed', { v: '2' });
      await deleteConfigMap(admin, ns, 'gone');
      await createConfigMap(admin, ns, 'fresh');
      seen.length = 0;
      gated.release();

      await waitFor('the store to catch up', async () => store.get(ns, 'fresh') && !store.get(ns, 'gone'), 30_000);
      expect(seen.map((s) => [s.type, s.name]).sort()).toEqual([
        ['added', 'fresh'],
        ['deleted', 'gone'],
        ['updated', 'changed'],
      ]);
      expect(store.get(ns, 'changed')?.data).toEqual({ v: '2' });
      expect(informer.relists).toBe(1);
      expect(reasons).toContain('gone');

      await createConfigMap(admin, ns, 'later');
      await waitFor('an object created after the recovery', async () => seen.some((s) => s.name === 'later'));
      expect(seen.filter((s) => s.name === 'same')).toEqual([]);
      expect(informer.healthy()).toBe(true);
    } finally {
      await informer.stop();
    }
  }, 90_000);
});

/** Records the watches the informer makes and the bookmarks they receive. */
class RecordingClient extends KubeClient {
  readonly watchQueries: Query[] = [];
  readonly bookmarks: string[] = [];

  override watch(path: string, query: Query, onEvent: WatchHandler, onDone: (err?: unknown) => void): Promise<AbortController> {
    this.watchQueries.push(query);
    const record: WatchHandler = (type, object) => {
      if (type === 'BOOKMARK') this.bookmarks.push((object.metadata as { resourceVersion: string }).resourceVersion);
      onEvent(type, object);
    };
    return super.watch(path, query, record, onDone);
  }
}

/** Holds the informer's requests (from the first hold() until release()) while the test changes things. */
class GatedClient extends KubeClient {
  private gate: Promise<void> | undefined;
  private open = () => {};

  get holding(): boolean {
    return this.gate !== undefined;
  }

  hold(): void {
    this.gate ??= new Promise((resolve) => (this.open = resolve));
  }

  release(): void {
    this.open();
  }

  override async get<T = Record<string, unknown>>(path: string, query?: Query): Promise<T> {
    await this.gate;
    return super.get<T>(path, query);
  }

  override async watch(path: string, query: Query, onEvent: WatchHandler, onDone: (err?: unknown) => void): Promise<AbortController> {
    await this.gate;
    return super.watch(path, query, onEvent, onDone);
  }
}
