// Keeps a Store current for one collection, as client-go's reflector does: LIST, then
// WATCH from the list's resourceVersion; resume from the last resourceVersion seen
// (bookmarks included) when a watch ends; relist on 410 Gone and report only what
// really changed; back off with jitter on errors and never give up; restart a watch
// that has gone silent. This fixes what client-node 1.x's informer gets wrong (stops
// on network errors, hangs on dead connections, re-reports every object on relist).
//
// The runtime knows no Kubernetes client or object model: it declares the little it
// needs of each (below), which the kube layer's client and Store provide.
import { backoffDelay, backoffOptions, type BackoffOptions } from './backoff.js';
import { statusOf } from './api-status.js';

/** What the informer reads of an object: where it lives and its version. */
export interface WatchedObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
}

export type Query = Record<string, string | number | boolean | undefined>;

/** The two requests an informer makes: a LIST (GET) and a WATCH. */
export interface ListWatchClient {
  get<R>(path: string, query?: Query): Promise<R>;
  /**
   * Resolves to the controller that ends the watch once it is connected (or has failed);
   * calls onDone once: without an error when the server ends it, else with why it ended.
   */
  watch(path: string, query: Query, onEvent: (type: string, object: Record<string, unknown>) => void, onDone: (err?: unknown) => void): Promise<AbortController>;
}

/** The cache an informer keeps: objects by namespace and name (client-go's tools/cache Store). */
export interface ObjectStore<T> {
  get(namespace: string, name: string): T | undefined;
  list(): T[];
  upsert(object: T): void;
  remove(namespace: string, name: string): T | undefined;
  /** Replaces the whole content (after a relist). */
  replace(objects: T[]): void;
}

export type EventType = 'added' | 'updated' | 'deleted';
export type Handler<T> = (type: EventType, object: T, previous?: T) => void;
/** Why the informer had to start over: a failed list or watch, a 410 Gone, a silent watch. */
export type RestartReason = 'error' | 'gone' | 'silent';

export interface InformerOptions<T extends WatchedObject> {
  client: ListWatchClient;
  /** Collection path, e.g. /apis/discovery.k8s.io/v1/endpointslices or a namespaced one. */
  path: string;
  store: ObjectStore<T>;
  /** Names the informer in logs and metrics. */
  name: string;
  /** Watches ask the server to end after this long (plus up to 20% jitter); default 300. */
  timeoutSeconds?: number;
  /** Restart a watch with no event or bookmark for this long; default the longest watch timeout plus 60 s. */
  silenceMs?: number;
  /** healthy() turns false once reconnecting has failed for this long; default 2 minutes. */
  unhealthyAfterMs?: number;
  /** Reconnect delays; default 200 ms doubling up to 30 s, jittered up to 20% shorter. */
  backoff?: Partial<BackoffOptions>;
  /** Called each time the informer starts over, for metrics and logs; must not throw. */
  onRestart?: (reason: RestartReason, error?: unknown) => void;
  /** A throwing handler must not break the informer: its error goes here (default: console.error). */
  onHandlerError?: (error: unknown) => void;
  /** Extra query for LIST and WATCH, e.g. a fieldSelector (RBAC resourceNames need one). */
  query?: Query;
  /**
   * A kind the caller can do without: when RBAC forbids listing it, the informer counts
   * as synced (with an empty store) instead of holding up the start.
   */
  optional?: boolean;
  /** Called once when the API server starts refusing (403) the LIST, with its message; retries then go on quietly. */
  onForbidden?: (message: string) => void;
  /** Called once when a refused LIST is allowed again. */
  onPermitted?: () => void;
  /**
   * Applied to every object as it is decoded (LIST items and watch events), before the
   * store sees it (client-go's transform): drops what no reader wants, so it is never kept.
   */
  transform?: (object: T) => T;
}

interface ObjectList<T> {
  apiVersion?: string;
  kind?: string;
  metadata: { resourceVersion: string; continue?: string };
  items: T[];
}

/**
 * How one watch ended. `closed`: the server's timeout (or client-node's idle timeout)
 * ended it, and resuming at once is the normal course.
 */
type WatchEnd =
  | { kind: 'closed' }
  | { kind: 'gone' }
  | { kind: 'silent' }
  | { kind: 'failed'; error: unknown }
  | { kind: 'stopped' };

/** client-go's rule: a watch closing this fast without any event is a failure, not a renewal. */
const SHORTEST_HEALTHY_WATCH_MS = 1000;
const PAGE_SIZE = 500;

export class WatchStatusError extends Error {
  constructor(readonly code: number | undefined, message: string) {
    super(message);
  }
}

export class Informer<T extends WatchedObject = WatchedObject> {
  readonly name: string;
  readonly path: string;
  /** Resolves after the first successful LIST has filled the store (never rejects). */
  readonly synced: Promise<void>;
  private readonly handlers = new Set<Handler<T>>();
  private readonly stopSignal = new AbortController();
  private readonly timeoutSeconds: number;
  private readonly silenceMs: number;
  private readonly unhealthyAfterMs: number;
  private readonly backoff: BackoffOptions;
  private markSynced!: () => void;
  private isSynced = false;
  private lastResourceVersion: string | undefined;
  private failures = 0;
  private failingSince: number | undefined;
  private connected = false;
  private lastActivity = 0;
  private running: Promise<void> | undefined;
  private restartCount = 0;
  private relistCount = 0;
  private forbiddenMessage: string | undefined;
  private lastAnswer = 0;

  constructor(private readonly options: InformerOptions<T>) {
    this.name = options.name;
    this.path = options.path;
    this.timeoutSeconds = options.timeoutSeconds ?? 300;
    this.silenceMs = options.silenceMs ?? (this.timeoutSeconds * 1.2 + 60) * 1000;
    this.unhealthyAfterMs = options.unhealthyAfterMs ?? 120_000;
    this.backoff = backoffOptions({ baseMs: 200, maxMs: 30_000 }, options.backoff);
    this.synced = new Promise((resolve) => (this.markSynced = resolve));
  }

  /** Subscribes a handler; returns the function that unsubscribes it. */
  on(handler: Handler<T>): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Aborts the watch and any wait; resolves once the informer has stopped. */
  async stop(): Promise<void> {
    this.stopSignal.abort();
    await this.running;
  }

  /** Times the informer started over after a failed LIST or watch, a 410 or a silent watch. */
  get restarts(): number {
    return this.restartCount;
  }

  /** LISTs after the first one (each 410 Gone costs one). */
  get relists(): number {
    return this.relistCount;
  }

  hasSynced(): boolean {
    return this.isSynced;
  }

  /** The last resourceVersion seen, from a LIST, an event or a bookmark. */
  get resourceVersion(): string | undefined {
    return this.lastResourceVersion;
  }

  /** False when the watch is stuck: silent past the watchdog, or failing to reconnect for too long. */
  healthy(now = Date.now()): boolean {
    if (this.connected) return now - this.lastActivity <= this.silenceMs;
    // A refusal is an answer: restarting the process would not grant the permission.
    if (this.forbiddenMessage !== undefined) return true;
    return this.failingSince === undefined || now - this.failingSince <= this.unhealthyAfterMs;
  }

  /** The API server's message while it refuses (403) the LIST; undefined when allowed. */
  forbidden(): string | undefined {
    return this.forbiddenMessage;
  }

  /** When the API server last answered anything (a page, a watch, an event, a bookmark, an error status); 0 before. */
  lastHeard(): number {
    return this.lastAnswer;
  }

  private async run(): Promise<void> {
    let mustList = true;
    while (!this.stopped) {
      if (mustList) {
        try {
          await this.unlessStopped(this.list());
          if (this.stopped) return;
          mustList = false;
        } catch (error) {
          if (statusOf(error) !== undefined) this.heard();
          if (statusOf(error) === 403) await this.refused(error as Error);
          else await this.restartAfter('error', error);
          continue;
        }
      }
      const end = await this.watch();
      switch (end.kind) {
        case 'stopped':
          return;
        case 'closed':
          break;
        case 'gone':
          mustList = true;
          await this.restartAfter('gone');
          break;
        case 'silent':
          await this.restartAfter('silent');
          break;
        case 'failed':
          await this.restartAfter('error', end.error);
          break;
      }
    }
  }

  private get stopped(): boolean {
    return this.stopSignal.signal.aborted;
  }

  /** Counts a restart and waits out the backoff (cut short by stop()). */
  private async restartAfter(reason: RestartReason, error?: unknown): Promise<void> {
    this.restartCount++;
    this.failures++;
    this.failingSince ??= Date.now();
    this.options.onRestart?.(reason, error);
    await this.pause(backoffDelay(this.failures, this.backoff));
  }

  /**
   * RBAC refused the LIST: reported once, then retried quietly with backoff (a grant
   * takes effect without a restart). An optional kind counts as synced meanwhile.
   */
  private async refused(error: Error): Promise<void> {
    if (this.forbiddenMessage === undefined) {
      this.forbiddenMessage = error.message;
      this.options.onForbidden?.(error.message);
    }
    if (this.options.optional && !this.isSynced) {
      this.isSynced = true;
      this.markSynced();
    }
    this.restartCount++;
    this.failures++;
    await this.pause(backoffDelay(this.failures, this.backoff));
  }

  private permitted(): void {
    if (this.forbiddenMessage === undefined) return;
    this.forbiddenMessage = undefined;
    this.options.onPermitted?.();
  }

  private heard(): void {
    this.lastAnswer = Date.now();
  }

  /** Waits ms, or less if stop() is called. */
  private pause(ms: number): Promise<void> {
    const signal = this.stopSignal.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      signal.addEventListener('abort', wake, { once: true });
    });
  }

  /** The watch made progress: the connection works, so the next failure starts from the shortest delay. */
  private healthyProgress(): void {
    this.failures = 0;
    this.failingSince = undefined;
    this.lastActivity = Date.now();
    this.heard();
  }

  /** Lists every page, replaces the store and reports the differences with what it held. */
  private async list(): Promise<void> {
    const items: T[] = [];
    let page: ObjectList<T>;
    let next: string | undefined;
    do {
      page = await this.options.client.get<ObjectList<T>>(this.options.path, { ...this.options.query, limit: PAGE_SIZE, continue: next });
      this.heard();
      const kind = page.kind?.replace(/List$/, '');
      for (const item of page.items) items.push(this.decoded({ ...item, apiVersion: item.apiVersion ?? page.apiVersion, kind: item.kind ?? kind }));
      next = page.metadata.continue || undefined;
    } while (next);
    // stop() does not wait for a LIST in flight: its late result must not touch the store.
    if (this.stopped) return;

    const store = this.options.store;
    const before = store.list();
    const previous = new Map(before.map((o) => [keyOf(o), o]));
    store.replace(items);
    this.lastResourceVersion = page.metadata.resourceVersion;
    if (this.isSynced) this.relistCount++;
    for (const old of before) if (!store.get(old.metadata.namespace ?? '', old.metadata.name)) this.emit('deleted', old, old);
    for (const item of items) {
      const old = previous.get(keyOf(item));
      if (!old) this.emit('added', item);
      else if (old.metadata.resourceVersion !== item.metadata.resourceVersion) this.emit('updated', item, old);
    }
    this.permitted();
    if (!this.isSynced) {
      this.isSynced = true;
      this.markSynced();
    }
  }

  /** Runs one watch from the last resourceVersion; resolves with how it ended. */
  private watch(): Promise<WatchEnd> {
    return new Promise((resolve) => {
      const startedAt = Date.now();
      let controller: AbortController | undefined;
      let progressed = false;
      let ended = false;
      const end = (how: WatchEnd): void => {
        if (ended) return;
        ended = true;
        this.connected = false;
        clearTimeout(watchdog);
        this.stopSignal.signal.removeEventListener('abort', onStop);
        controller?.abort();
        resolve(how);
      };
      const onStop = () => end({ kind: 'stopped' });
      this.stopSignal.signal.addEventListener('abort', onStop, { once: true });
      // Armed from the start, so a connect that hangs is caught too.
      const watchdog = setTimeout(() => end({ kind: 'silent' }), this.silenceMs);

      const onEvent = (type: string, object: Record<string, unknown>): void => {
        if (ended) return;
        this.heard();
        if (type === 'ERROR') {
          const status = object as { code?: number; message?: string };
          const error = new WatchStatusError(status.code, `watch of ${this.name} failed: ${status.message ?? JSON.stringify(object)}`);
          end(status.code === 410 ? { kind: 'gone' } : { kind: 'failed', error });
          return;
        }
        const item = type === 'BOOKMARK' ? (object as T) : this.decoded(object as T);
        if (type === 'ADDED' || type === 'MODIFIED') this.upsert(item);
        else if (type === 'DELETED') this.delete(item);
        else if (type !== 'BOOKMARK') return;
        this.lastResourceVersion = item.metadata?.resourceVersion ?? this.lastResourceVersion;
        progressed = true;
        this.healthyProgress();
        watchdog.refresh();
      };

      const onDone = (error?: unknown): void => {
        // client-node's own inactivity timeout ends a quiet but working watch: a renewal.
        if (!error || (isTimeout(error) && controller)) {
          const tooShort = !progressed && Date.now() - startedAt < SHORTEST_HEALTHY_WATCH_MS;
          end(tooShort ? { kind: 'failed', error: new Error(`watch of ${this.name} closed at once without events`) } : { kind: 'closed' });
        } else {
          end(isGone(error) ? { kind: 'gone' } : { kind: 'failed', error });
        }
      };

      const query = {
        ...this.options.query,
        resourceVersion: this.lastResourceVersion,
        allowWatchBookmarks: true,
        timeoutSeconds: Math.floor(this.timeoutSeconds * (1 + 0.2 * Math.random())),
      };
      this.options.client.watch(this.options.path, query, onEvent, onDone).then(
        (c) => {
          controller = c;
          if (ended) c.abort();
          else {
            // client-node resolves once the response has started: the watch is connected.
            this.connected = true;
            this.lastActivity = Date.now();
            this.heard();
          }
        },
        (error: unknown) => end({ kind: 'failed', error }),
      );
    });
  }

  private decoded(object: T): T {
    return this.options.transform ? this.options.transform(object) : object;
  }

  private upsert(object: T): void {
    const store = this.options.store;
    const previous = store.get(object.metadata.namespace ?? '', object.metadata.name);
    if (previous?.metadata.resourceVersion === object.metadata.resourceVersion) return;
    store.upsert(object);
    this.emit(previous ? 'updated' : 'added', object, previous);
  }

  private delete(object: T): void {
    const previous = this.options.store.remove(object.metadata.namespace ?? '', object.metadata.name);
    if (previous) this.emit('deleted', object, previous);
  }

  private emit(type: EventType, object: T, previous?: T): void {
    for (const handler of this.handlers) {
      try {
        handler(type, object, previous);
      } catch (error) {
        (this.options.onHandlerError ?? ((e) => console.error(`informer ${this.name}: handler failed:`, e)))(error);
      }
    }
  }

  /** Resolves when work does, or as soon as stop() is called (work then settles unobserved). */
  private async unlessStopped(work: Promise<void>): Promise<void> {
    const signal = this.stopSignal.signal;
    let onAbort!: () => void;
    const aborted = new Promise<void>((resolve) => {
      onAbort = resolve;
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([work, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

const keyOf = (o: WatchedObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

function isGone(error: unknown): boolean {
  return statusOf(error) === 410;
}

function isTimeout(error: unknown): boolean {
  return (error as { name?: string }).name === 'TimeoutError';
}
