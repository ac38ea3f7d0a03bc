// The long-running controller: informers keep stores current, triggers turn changes into
// ExposedAPI keys, a work queue runs `converge` for each key. The engine and the
// executor are the ones the one-shot command uses; only the source of the view differs.
import type { KubeObject, Settings } from '../reconcile/types.js';
import type { KubeClient } from '../kube/client.js';
import { converge, Converged } from '../kube/converge.js';
import { discover, Discovered } from '../kube/discovery.js';
import { Executor } from '../kube/executor.js';
import type { Scope } from '../kube/load.js';
import { collectionPath, COMPONENT, ENDPOINT_SLICE, EXPOSED_API, gatewayResource, POD, Resource, SERVICE, SERVICE_MONITOR, virtualServiceResource } from '../kube/resources.js';
import { Store } from '../kube/store.js';
import { newStores, Stores, StoreView } from '../kube/view.js';
import { Informer } from '../runtime/informer.js';
import type { Logger } from '../runtime/log.js';
import { OperatorMetrics, reconcileResult } from '../runtime/metrics.js';
import { WorkQueue } from '../runtime/queue.js';
import { apiKeysFor, Kind } from './triggers.js';

/**
 * APIs reconciled at once. Writes are the bottleneck (the API server's), and each API's
 * writes are sequential: at 1,000 new APIs, 16 cut the median time to routed from 9.4 s
 * (4 workers) to 6.8 s, with the same total time, CPU and memory (npm run bench).
 */
export const DEFAULT_WORKERS = 16;

export interface ControllerOptions {
  client: KubeClient;
  settings: Settings;
  scope: Scope;
  log: Logger;
  metrics: OperatorMetrics;
  /** APIs reconciled in parallel. */
  concurrency?: number;
  /** Every API is re-checked this often, whatever happened (level-based, not edge-based). */
  resyncMs?: number;
}

/** A persistent failure is reported as an Event again only after this long (no flooding). */
const FAILURE_EVENT_EVERY_MS = 10 * 60_000;

export class Controller {
  readonly stores: Stores = newStores();
  view!: StoreView;
  private readonly informers: Informer[] = [];
  private readonly queue: WorkQueue;
  private executor!: Executor;
  private writing = false;
  private resync?: NodeJS.Timeout;
  private readonly lastFailure = new Map<string, { message: string; at: number }>();
  private readonly listeners = new Set<(key: string, result: Converged) => void>();
  private readonly watchers = new Set<(kind: Kind, object: KubeObject) => void>();

  constructor(private readonly o: ControllerOptions) {
    this.queue = new WorkQueue({
      concurrency: o.concurrency ?? DEFAULT_WORKERS,
      process: (key) => this.process(key),
    });
    o.metrics.queueDepth.onCollect((g) => g.set(this.queue.depth()));
    o.metrics.managedApis.onCollect((g) => g.set(this.inScope().length));
  }

  /** Discovers the API, starts every informer and resolves once their caches are synced. */
  async start(): Promise<Discovered> {
    const caps = await discover(this.o.client);
    this.view = new StoreView(this.stores, caps, this.o.settings);
    this.executor = new Executor(this.o.client, this.stores, { component: caps.componentStatusSubresource }, 'none');
    for (const [kind, resource] of this.sources(caps)) this.watch(kind, resource);
    await Promise.all(this.informers.map((i) => i.synced));
    this.resync = setInterval(() => this.enqueueAll(), this.o.resyncMs ?? 10 * 60_000);
    this.resync.unref();
    return caps;
  }

  private sources(caps: Discovered): [Kind, Resource][] {
    const version = (apiVersion?: string) => apiVersion?.split('/')[1];
    const list: [Kind, Resource][] = [
      ['exposedApis', EXPOSED_API],
      ['services', SERVICE],
      ['endpointSlices', ENDPOINT_SLICE],
    ];
    if (caps.virtualServiceApiVersion) list.push(['virtualServices', virtualServiceResource(version(caps.virtualServiceApiVersion)!)]);
    if (caps.gatewayApiVersion) list.push(['gateways', gatewayResource(version(caps.gatewayApiVersion)!)]);
    if (caps.serviceMonitorServed) list.push(['serviceMonitors', SERVICE_MONITOR]);
    if (caps.componentServed) list.push(['components', COMPONENT]);
    // Pods carry the annotation-mode metrics; watched in every mode so annotations left
    // by an earlier mode are found and removed before the finalizer goes.
    list.push(['pods', POD]);
    return list;
  }

  private watch(kind: Kind, resource: Resource): void {
    const informer = new Informer({
      client: this.o.client,
      path: collectionPath(resource),
      store: this.stores[kind] as Store,
      name: resource.plural,
      onRestart: (reason, error) => {
        this.o.metrics.watchRestarts.inc({ resource: resource.plural });
        this.o.log.warn('watch restarted', { resource: resource.plural, reason, error });
      },
      onHandlerError: (error) => this.o.log.error('event handler failed', { resource: resource.plural, error }),
    });
    informer.on((type, object, previous) => {
      for (const watcher of this.watchers) watcher(kind, object);
      if (!this.writing || !this.view) return;
      for (const key of apiKeysFor(kind, object, previous, this.view)) this.enqueue(key);
      this.o.log.debug('event', { resource: resource.plural, type, object: Store.keyOf(object) });
    });
    informer.start();
    this.informers.push(informer);
  }

  /** Starts or stops writing (leader election decides; standalone always writes). */
  setWriting(writing: boolean): void {
    this.writing = writing;
    if (writing) this.enqueueAll();
  }

  /** Reconciles one API now (the dashboard's `r`). */
  enqueue(key: string): void {
    const [ns] = key.split('/');
    if (this.o.scope.matches(ns)) this.queue.add(key);
  }

  onResult(listener: (key: string, result: Converged) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Told about every change the caches see, written or not (the dashboard redraws on it). */
  onEvent(watcher: (kind: Kind, object: KubeObject) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  inScope() {
    return this.stores.exposedApis.list().filter((a) => this.o.scope.matches(a.metadata.namespace!));
  }

  private enqueueAll(): void {
    if (!this.writing) return;
    for (const api of this.inScope()) this.queue.add(Store.keyOf(api));
  }

  private async process(key: string): Promise<void | { requeueAfterMs?: number }> {
    if (!this.writing) return;
    const [ns, name] = key.split('/');
    const api = this.stores.exposedApis.get(ns, name);
    if (!api) return; // deleted: its children go by garbage collection
    const stopTimer = this.o.metrics.reconcileDuration.startTimer();
    const result = await converge(api, { view: this.view, executor: this.executor, settings: this.o.settings });
    const seconds = stopTimer();
    this.o.metrics.reconciles.inc({ result: reconcileResult(result.outcome) });
    for (const listener of this.listeners) listener(key, result);
    const fields = { api: key, outcome: result.outcome, ms: Math.round(seconds * 1000), ...(result.message ? { reason: result.message } : {}) };
    if (result.failure) {
      this.o.metrics.reconcileErrors.inc();
      this.o.log.warn('reconcile failed, will retry', fields);
      await this.reportFailure(key, result);
      throw result.failure; // the queue retries with backoff
    }
    this.lastFailure.delete(key);
    if (result.outcome === 'unchanged') this.o.log.debug('in sync', fields);
    else this.o.log.info('reconciled', fields);
    return result.requeueAfterMs ? { requeueAfterMs: result.requeueAfterMs } : undefined;
  }

  /** A Warning Event for a failure users must act on, once per message per interval. */
  private async reportFailure(key: string, result: Converged): Promise<void> {
    const message = result.message ?? 'reconcile failed';
    const last = this.lastFailure.get(key);
    if (last && last.message === message && Date.now() - last.at < FAILURE_EVENT_EVERY_MS) return;
    this.lastFailure.set(key, { message, at: Date.now() });
    const [ns, name] = key.split('/');
    const api = this.stores.exposedApis.get(ns, name);
    if (api) await this.executor.execute(api, { type: 'event', eventType: 'Warning', reason: 'ReconcileFailed', message }).catch(() => {});
  }

  /** Liveness: every watch is connected or recovering within bounds. */
  healthy(): { ok: boolean; detail?: string } {
    const stuck = this.informers.filter((i) => !i.healthy()).map((i) => i.name);
    return stuck.length ? { ok: false, detail: `watches stuck: ${stuck.join(', ')}` } : { ok: true };
  }

  /** Readiness: every cache has synced. */
  ready(): { ok: boolean; detail?: string } {
    const waiting = this.informers.filter((i) => !i.hasSynced()).map((i) => i.name);
    if (this.informers.length === 0) return { ok: false, detail: 'starting' };
    return waiting.length ? { ok: false, detail: `caches not synced: ${waiting.join(', ')}` } : { ok: true };
  }

  /** Stops taking work, finishes what is in flight, stops the watches. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.writing = false;
    clearInterval(this.resync);
    await this.queue.shutdown({ timeoutMs });
    await Promise.all(this.informers.map((i) => i.stop()));
  }
}
