// Records Events in the background, as client-go's recorder does: `record` never waits
// and never throws, so no route or status waits for an Event. Behind it:
// - a bounded buffer; when it is full the Event is dropped (counted, logged at debug),
//   never queued without bound;
// - a token bucket per object (25 at once, then one per 5 minutes, client-go's spam
//   filter), so an object that keeps failing cannot flood the Event API;
// - series: the same Event again (object, type, reason, message) PATCHes the count and
//   lastTimestamp of the one already recorded instead of creating another;
// - a few writes in flight at once.
import { FIELD_MANAGER } from '../reconcile/index.js';
import type { EventAction, ExposedAPI } from '../reconcile/index.js';
import type { Logger } from '../runtime/log.js';
import { isNotFound, type KubeClient } from './client.js';
import { collectionPath, EVENT, objectPath } from './resources.js';

/** Where Events go: the API server, or a test's fake. */
export interface EventSink {
  /** Creates the Event; returns its name. */
  create(namespace: string, event: object): Promise<string>;
  /** Updates the series of an existing Event; rejects with a 404 when it has expired. */
  patch(namespace: string, name: string, series: { count: number; lastTimestamp: string }): Promise<void>;
}

export const apiServerEvents = (client: KubeClient): EventSink => ({
  async create(namespace, event) {
    const created = await client.request<{ metadata: { name: string } }>('POST', collectionPath(EVENT, namespace), { body: event });
    return created.metadata.name;
  },
  async patch(namespace, name, series) {
    await client.request('PATCH', objectPath(EVENT, namespace, name), { body: series, contentType: 'application/merge-patch+json' });
  },
});

export type DropReason = 'bufferFull' | 'rateLimited';

export interface EventRecorderOptions {
  /** Events waiting to be sent at most; more are dropped. */
  maxPending?: number;
  /** Writes in flight at once. */
  concurrency?: number;
  /** Events an object may have at once, and how often it earns one more. */
  burst?: number;
  refillMs?: number;
  onDrop?: (reason: DropReason) => void;
  log?: Logger;
}

interface Pending {
  namespace: string;
  object: { apiVersion: string; kind: string; name: string; namespace: string; uid?: string };
  event: EventAction;
  at: string;
}

/** An Event already recorded: its name once created, and how often it happened. */
interface Series {
  count: number;
  name: Promise<string | undefined>;
}

/** Objects (and series) remembered at most, oldest forgotten first (client-go keeps 4,096). */
const REMEMBERED = 4096;

export class EventRecorder {
  private readonly pending: Pending[] = [];
  private readonly sending = new Set<Promise<void>>();
  private readonly series = new Map<string, Series>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly o: Required<Omit<EventRecorderOptions, 'log' | 'onDrop'>> & EventRecorderOptions;

  constructor(
    private readonly sink: EventSink,
    options: EventRecorderOptions = {},
  ) {
    this.o = { maxPending: 1000, concurrency: 4, burst: 25, refillMs: 5 * 60_000, ...options };
  }

  /** Queues the Event and returns at once. */
  record(api: ExposedAPI, event: EventAction): void {
    const namespace = api.metadata.namespace!;
    if (this.pending.length >= this.o.maxPending) return this.drop('bufferFull', event);
    const object = { apiVersion: api.apiVersion, kind: api.kind, name: api.metadata.name, namespace, uid: api.metadata.uid };
    this.pending.push({ namespace, object, event, at: new Date().toISOString() });
    this.pump();
  }

  /** Waits until every queued Event is sent, or the deadline passes (what is left is dropped with the process). */
  async flush(timeoutMs = 5_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    const drained = (async () => {
      while (this.sending.size > 0) await Promise.all(this.sending);
    })();
    await Promise.race([drained, deadline]);
    clearTimeout(timer);
  }

  private pump(): void {
    while (this.sending.size < this.o.concurrency && this.pending.length > 0) {
      const item = this.pending.shift()!;
      const sent: Promise<void> = this.send(item).finally(() => {
        this.sending.delete(sent);
        this.pump();
      });
      this.sending.add(sent);
    }
  }

  private async send(item: Pending): Promise<void> {
    const { object, event } = item;
    const objectKey = `${object.namespace}/${object.name}/${object.uid ?? ''}`;
    if (!this.takeToken(objectKey)) return this.drop('rateLimited', event);
    const key = `${objectKey}\n${event.eventType}\n${event.reason}\n${event.message}`;
    const known = this.series.get(key);
    if (!known) {
      const series: Series = { count: 1, name: this.create(item, 1) };
      remember(this.series, key, series);
      await series.name;
      return;
    }
    const count = ++known.count;
    // After the previous write of the series, so counts arrive in order.
    known.name = known.name.then((name) => (name === undefined ? this.create(item, count) : this.patch(item, name, count)));
    await known.name;
  }

  private async create(item: Pending, count: number): Promise<string | undefined> {
    const { namespace, object, event, at } = item;
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { generateName: `${object.name}.`, namespace },
      involvedObject: object,
      type: event.eventType,
      reason: event.reason,
      message: event.message,
      source: { component: FIELD_MANAGER },
      reportingComponent: FIELD_MANAGER,
      firstTimestamp: at,
      lastTimestamp: at,
      count,
    };
    return this.sink.create(namespace, body).catch((err: unknown) => {
      // An Event is a courtesy: failing to record one fails nothing else.
      this.o.log?.debug('could not record an Event', { reason: event.reason, error: err });
      return undefined;
    });
  }

  /** The next count of a series; a series whose Event expired (the API server keeps them an hour) starts a new one. */
  private patch(item: Pending, name: string, count: number): Promise<string | undefined> {
    return this.sink.patch(item.namespace, name, { count, lastTimestamp: item.at }).then(
      () => name,
      (err: unknown) => (isNotFound(err) ? this.create(item, count) : (this.o.log?.debug('could not update an Event', { name, error: err }), name)),
    );
  }

  /** client-go's spam filter: a token bucket per object. */
  private takeToken(key: string): boolean {
    const now = Date.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.o.burst, at: now };
    const earned = Math.floor((now - bucket.at) / this.o.refillMs);
    if (earned > 0) Object.assign(bucket, { tokens: Math.min(this.o.burst, bucket.tokens + earned), at: bucket.at + earned * this.o.refillMs });
    if (bucket.tokens === this.o.burst) bucket.at = now;
    remember(this.buckets, key, bucket);
    if (bucket.tokens === 0) return false;
    bucket.tokens--;
    return true;
  }

  private drop(reason: DropReason, event: EventAction): void {
    this.o.onDrop?.(reason);
    this.o.log?.debug('dropped an Event', { why: reason, reason: event.reason });
  }
}

/** Puts the entry last (most recent) and forgets the oldest beyond REMEMBERED. */
function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > REMEMBERED) map.delete(map.keys().next().value!);
}
