// The elector against an in-memory Lease store with the API server's optimistic
// concurrency (create 409, update 409 on a stale resourceVersion). Timing assertions
// only bound from below, using timestamps the store records, so load cannot fail them.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, ConnectionError, type RequestOptions } from '../kube/client.js';
import { LeaderElector, microTime, type LeaderElectorOptions, LeaseForbiddenError } from './leader.js';

const NS = 'operators';
const NAME = 'oda-api';
const PATH = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases/${NAME}`;
const COLLECTION = `/apis/coordination.k8s.io/v1/namespaces/${NS}/leases`;

interface Spec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}
interface StoredLease {
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec: Spec;
}
interface Write {
  by: string;
  at: number;
  spec: Spec;
}

class FakeLeaseStore {
  lease?: StoredLease;
  readonly writes: Write[] = [];
  private version = 0;

  /** A client for one replica; `broken` makes its requests fail as during a network partition. */
  clientFor(name: string) {
    const client = {
      broken: undefined as undefined | Error,
      request: async <T>(method: string, path: string, options: RequestOptions = {}): Promise<T> => {
        await new Promise((r) => setImmediate(r)); // let replicas interleave as with real I/O
        if (client.broken) throw client.broken;
        return this.handle(name, method, path, options.body as StoredLease) as T;
      },
    };
    return client;
  }

  /** A write by a replica that isn't an elector (e.g. one with a skewed clock). */
  put(by: string, spec: Spec): void {
    this.store(by, { metadata: { name: NAME, namespace: NS }, spec });
  }

  private handle(by: string, method: string, path: string, body: StoredLease): StoredLease {
    const fail = (status: number, reason: string) => {
      throw new ApiError(status, reason, `${reason} (fake)`, method, path);
    };
    if (method === 'GET' && path === PATH) return this.lease ? structuredClone(this.lease) : fail(404, 'NotFound');
    if (method === 'POST' && path === COLLECTION) return this.lease ? fail(409, 'AlreadyExists') : this.store(by, body);
    if (method === 'PUT' && path === PATH) {
      if (!this.lease) return fail(404, 'NotFound');
      if (body.metadata.resourceVersion !== this.lease.metadata.resourceVersion) return fail(409, 'Conflict');
      return this.store(by, body);
    }
    return fail(400, 'BadRequest');
  }

  private store(by: string, body: StoredLease): StoredLease {
    this.version += 1;
    this.lease = structuredClone({ ...body, metadata: { ...body.metadata, resourceVersion: String(this.version) } });
    this.writes.push({ by, at: performance.now(), spec: structuredClone(body.spec) });
    return structuredClone(this.lease);
  }
}

// Lease 1 s (the smallest a Lease can hold), so standbys wait ≥ 1 s after the last change.
const FAST = { leaseDurationMs: 1000, renewDeadlineMs: 600, retryPeriodMs: 100 };

interface Replica {
  elector: LeaderElector;
  client: ReturnType<FakeLeaseStore['clientFor']>;
  events: { kind: 'started' | 'stopped'; at: number }[];
  running: Promise<void>;
}

let store: FakeLeaseStore;
let replicas: Replica[];
/** How many replicas believe they lead right now, and the most ever at once. */
let leaders: number;
let maxLeaders: number;

beforeEach(() => {
  store = new FakeLeaseStore();
  replicas = [];
  leaders = 0;
  maxLeaders = 0;
});
afterEach(async () => {
  await Promise.all(replicas.map((r) => r.elector.stop({ release: false })));
});

function start(identity: string, options: Partial<LeaderElectorOptions> = {}): Replica {
  const client = store.clientFor(identity);
  const events: Replica['events'] = [];
  const elector = new LeaderElector({
    client,
    namespace: NS,
    name: NAME,
    identity,
    ...FAST,
    onStartedLeading: () => {
      events.push({ kind: 'started', at: performance.now() });
      maxLeaders = Math.max(maxLeaders, ++leaders);
    },
    onStoppedLeading: () => {
      events.push({ kind: 'stopped', at: performance.now() });
      leaders -= 1;
    },
    ...options,
  });
  const running = elector.run();
  running.catch(() => undefined); // asserted where a test expects it
  const replica = { elector, client, events, running };
  replicas.push(replica);
  return replica;
}

async function until(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

const leader = () => replicas.filter((r) => r.elector.isLeader());
const lastWriteBy = (identity: string) => store.writes.filter((w) => w.by === identity).at(-1)!;
const firstWriteBy = (identity: string) => store.writes.find((w) => w.by === identity)!;

it('creates the Lease when absent, leads and keeps renewing it', async () => {
  const a = start('a');
  await until('a to lead', () => a.elector.isLeader());
  const first = structuredClone(store.lease!.spec);
  expect(first).toEqual({
    holderIdentity: 'a',
    leaseDurationSeconds: 1,
    acquireTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/),
    renewTime: first.acquireTime,
    leaseTransitions: 0,
  });
  await until('a renewal', () => store.lease!.spec.renewTime !== first.renewTime);
  expect(store.lease!.spec).toMatchObject({ holderIdentity: 'a', acquireTime: first.acquireTime, leaseTransitions: 0 });
  expect(a.events.map((e) => e.kind)).toEqual(['started']);
});

it('lets exactly one of several replicas lead, never two at once', async () => {
  const all = ['a', 'b', 'c'].map((id) => start(id));
  await until('a leader', () => leader().length === 1);
  await sleep(1500); // several renewals, and more than a lease duration of standbys watching
  await until('exactly one leader', () => leader().length === 1);
  expect(maxLeaders).toBe(1);
  expect(store.lease!.spec.holderIdentity).toBe(['a', 'b', 'c'][all.indexOf(leader()[0])]);
  expect(all.flatMap((r) => r.events)).toHaveLength(1);
});

it('replaces a crashed leader (no release) only once the lease has not changed for its duration', async () => {
  const a = start('a');
  await until('a to lead', () => a.elector.isLeader());
  const [b, c] = [start('b'), start('c')];
  await sleep(300);
  await a.elector.stop({ release: false });
  expect(a.events.map((e) => e.kind)).toEqual(['started', 'stopped']);
  const crashedAt = lastWriteBy('a').at;

  await until('a standby to take over', () => leader().length === 1);
  const successor = leader()[0] === b ? 'b' : 'c';
  const takeover = firstWriteBy(successor);
  expect(takeover.at - crashedAt).toBeGreaterThanOrEqual(990);
  expect(takeover.spec).toMatchObject({ holderIdentity: successor, leaseTransitions: 1 });
  expect(takeover.spec.acquireTime).not.toBe(store.writes[0].spec.acquireTime);
  expect(store.writes.filter((w) => w.by === 'a' && w.at > crashedAt)).toEqual([]);
  expect([b, c].flatMap((r) => r.events).map((e) => e.kind)).toEqual(['started']);
  expect(maxLeaders).toBe(1);
});

it('hands over at once on a clean stop with release', async () => {
  const slow = { leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 100 };
  const a = start('a', slow);
  await until('a to lead', () => a.elector.isLeader());
  const b = start('b', slow);
  await sleep(300);
  await a.elector.stop();
  expect(lastWriteBy('a').spec).toEqual({
    leaseDurationSeconds: 1,
    acquireTime: expect.any(String),
    renewTime: expect.any(String),
    leaseTransitions: 0,
  });
  // Well under the 30 s a standby would otherwise wait.
  await until('b to lead', () => b.elector.isLeader(), 10_000);
  expect(store.lease!.spec).toMatchObject({ holderIdentity: 'b', leaseDurationSeconds: 30, leaseTransitions: 1 });
});

it('steps down when renewals fail for the renew deadline, before a standby can take over', async () => {
  const a = start('a');
  await until('a to lead', () => a.elector.isLeader());
  const b = start('b');
  await sleep(300);
  a.client.broken = new ConnectionError('cannot reach the cluster');
  await until('b to lead', () => b.elector.isLeader());
  expect(a.elector.isLeader()).toBe(false);
  const aStopped = a.events.find((e) => e.kind === 'stopped')!;
  const bStarted = b.events.find((e) => e.kind === 'started')!;
  expect(aStopped.at).toBeLessThan(bStarted.at);
  expect(maxLeaders).toBe(1);

  // Back on the network, a sees b renewing and stays a standby.
  a.client.broken = undefined;
  await sleep(1500);
  expect(a.elector.isLeader()).toBe(false);
  expect(store.lease!.spec.holderIdentity).toBe('b');
  expect(a.events.map((e) => e.kind)).toEqual(['started', 'stopped']);
});

it('keeps trying through transient errors and leads once the API server answers', async () => {
  const a = start('a');
  a.client.broken = new ApiError(500, 'InternalError', 'etcd unavailable', 'GET', PATH);
  await sleep(500);
  expect(a.elector.isLeader()).toBe(false);
  a.client.broken = undefined;
  await until('a to lead', () => a.elector.isLeader());
});

it.each([
  ['far in the past', '2000-01-01T00:00:00.000000Z'],
  ['far in the future', '2100-01-01T00:00:00.000000Z'],
])('judges expiry by its own observations, not a remote renewTime %s', async (_, renewTime) => {
  // A holder with a skewed clock, renewing (changing the record) every 200 ms.
  let renewals = 0;
  const renew = () => store.put('skewed', { holderIdentity: 'skewed', leaseDurationSeconds: 1, renewTime, leaseTransitions: renewals++ });
  renew();
  const timer = setInterval(renew, 200);
  const a = start('a');
  try {
    await sleep(2500);
    expect(a.elector.isLeader()).toBe(false);
  } finally {
    clearInterval(timer);
  }
  const lastRenewal = store.writes.at(-1)!.at;
  await until('a to take over', () => a.elector.isLeader());
  expect(firstWriteBy('a').at - lastRenewal).toBeGreaterThanOrEqual(990);
});

it('reports a forbidden Lease as a clear error and never leads', async () => {
  const a = start('a');
  a.client.broken = new ApiError(403, 'Forbidden', 'leases.coordination.k8s.io "oda-api" is forbidden: User "x" cannot get resource "leases"', 'GET', PATH);
  const error = await a.running.then(
    () => undefined,
    (err) => err,
  );
  expect(error).toBeInstanceOf(LeaseForbiddenError);
  expect(error.message).toBe(
    'leader election on lease operators/oda-api is forbidden (403): leases.coordination.k8s.io "oda-api" is forbidden: User "x" cannot get resource "leases"; ' +
      'grant get, create and update on leases.coordination.k8s.io in namespace operators, or run with --standalone',
  );
  expect(a.elector.isLeader()).toBe(false);
  expect(a.events).toEqual([]);
  expect(store.writes).toEqual([]);
});

it('steps down (awaiting the caller) and rejects when RBAC is revoked while leading', async () => {
  let drained = false;
  const a = start('a', {
    onStoppedLeading: async () => {
      await sleep(50);
      drained = true;
    },
  });
  await until('a to lead', () => a.elector.isLeader());
  a.client.broken = new ApiError(403, 'Forbidden', 'forbidden', 'GET', PATH);
  await expect(a.running).rejects.toThrow(LeaseForbiddenError);
  expect(drained).toBe(true);
  expect(a.elector.isLeader()).toBe(false);
});

it('awaits onStoppedLeading before releasing, so the next leader never overlaps the draining one', async () => {
  let drainedAt = 0;
  const a = start('a', {
    onStoppedLeading: async () => {
      await sleep(200);
      drainedAt = performance.now();
    },
  });
  await until('a to lead', () => a.elector.isLeader());
  await a.elector.stop();
  const stopResolvedAt = performance.now();
  const release = lastWriteBy('a');
  expect(release.spec.holderIdentity).toBeUndefined();
  expect(drainedAt).toBeGreaterThan(0);
  expect(release.at).toBeGreaterThanOrEqual(drainedAt);
  expect(stopResolvedAt).toBeGreaterThanOrEqual(release.at);
});

it('validates its timing options', () => {
  const base = { client: store.clientFor('x'), namespace: NS, name: NAME, identity: 'x' };
  expect(() => new LeaderElector({ ...base, leaseDurationMs: 500, renewDeadlineMs: 400, retryPeriodMs: 100 })).toThrow('at least 1s');
  expect(() => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 })).toThrow('renew deadline must be shorter');
  expect(() => new LeaderElector({ ...base, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 })).toThrow('retry period must be well under');
  expect(() => new LeaderElector({ ...base, identity: '' })).toThrow('identity must not be empty');
  expect(() => new LeaderElector(base)).not.toThrow();
});

it('formats MicroTime with microseconds', () => {
  expect(microTime(new Date('2026-11-25T10:00:00.123Z'))).toBe('2026-11-25T10:00:00.123000Z');
});
