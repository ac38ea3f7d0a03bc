// The long-running controller: informers keep stores current, triggers turn changes into
// ExposedAPI keys, a work queue runs `converge` for each key. The engine and the
// executor are the ones the one-shot command uses; only the source of the view differs.
import type { KubeObject, Settings } from '../reconcile/types.js';
import type { KubeClient } from '../kube/client.js';
import { converge, type Converged } from '../kube/converge.js';
import { reasonOf } from '../kube/converge.js';
import type { CrdCapabilities } from '../kube/crds.js';
import { discover, Discovered } from '../kube/discovery.js';
import { Executor } from '../kube/executor.js';
import type { Scope } from '../kube/load.js';
import { collectionPath, COMPONENT, ENDPOINT_SLICE, EXPOSED_API, gatewayResource, POD, Resource, SERVICE, SERVICE_MONITOR, virtualServiceResource } from '../kube/resources.js';
import { Store } from '../kube/store.js';
import { newStores, Stores, StoreView } from '../kube/view.js';
import { Informer } from '../runtime/informer.js';
import type { Logger } from '../runtime/log.js';
import { WorkQueue } from '../runtime/queue.js';
import { CrdFollower } from './crd-follower.js';
import type { OperatorMetrics } from './metrics.js';
import { liveness, readiness } from './probes.js';
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
  /** Liveness fails after this long without any answer from the API server (see docs/operations.md). */
  silenceLimitMs?: number;
}

/**
 * Watch bookmarks arrive about once a minute on every watch, so a working API server
 * answers well within this even on a quiet cluster.
 */
export const DEFAULT_SILENCE_LIMIT_MS = 90_000;

/** Kinds the operator can work without: a forbidden Gateway LIST means routing to the configured name unverified. */
const OPTIONAL: ReadonlySet<Kind> = new Set(['gateways']);

/** A persistent failure is reported as an Event again only after this long (no flooding). */
const FAILURE_EVENT_EVERY_MS = 10 * 60_000;

export class Controller {
  readonly stores: Stores = newStores();
  view!: StoreView;
  private readonly informers = new Map<Kind, Informer>();
  private crds?: CrdFollower;
  private startedAt = Date.now();
  private stopping = false;
  /** The last capabilities applied, so changes are applied in order. */
  private applying: Promise<void> = Promise.resolve();
  private readonly queue: WorkQueue;
  private executor!: Executor;
  private writing = false;
  private resync?: NodeJS.Timeout;
  private readonly lastFailure = new Map<string, { message: string; at: number }>();
  private readonly listeners = new Set<(key: string, result: Converged) => void>();
  private readonly watchers = new Set<(kind: Kind, object: KubeObject) => void>();

  constructor(private readonly o: ControllerOptions) {
    const concurrency = o.concurrency ?? DEFAULT_WORKERS;
    this.queue = new WorkQueue({
      concurrency,
      process: (key) => o.metrics.reconcile(() => this.process(key)),
      metrics: o.metrics.queue,
    });
    o.metrics.maxConcurrentReconciles(concurrency);
    o.metrics.managedApisFrom(() => this.inScope().length);
  }

  /**
   * Finds out what the cluster serves (from the CRDs, which it then follows; discovery
   * when it may not read them), starts every informer and resolves once their caches
   * are synced.
   */
  async start(): Promise<Discovered> {
    this.startedAt = Date.now();
    this.crds = new CrdFollower(this.o.client, this.o.log, (caps) => this.followCrds(caps));
    const fromCrds = await this.crds.start();
    if (!fromCrds?.exposedApiServed) {
      await this.crds.stop();
      this.crds = undefined;
    }
    const caps: Discovered = fromCrds?.exposedApiServed ? fromCrds : await discover(this.o.client); // discovery names what is missing
    this.view = new StoreView(this.stores, { ...caps }, this.o.settings);
    const capabilities = this.view.capabilities;
    this.executor = new Executor(this.o.client, this.stores, { get component() { return capabilities.componentStatusSubresource; } }, 'none');
    for (const [kind, resource] of this.sources(caps)) this.watch(kind, resource);
    await Promise.all([...this.informers.values()].map((i) => i.synced));
    this.resync = setInterval(() => this.enqueueAll(), this.o.resyncMs ?? 10 * 60_000);
    this.resync.unref();
    return caps;
  }

  /** A CRD appeared, went or changed versions: start and stop informers to match, then plan every API again. */
  private followCrds(caps: CrdCapabilities): void {
    this.applying = this.applying.then(async () => {
      if (this.stopping) return;
      const wanted = new Map(this.sources(caps));
      for (const [kind, informer] of [...this.informers]) {
        const resource = wanted.get(kind);
        if (resource && collectionPath(resource) === informer.path) continue;
        this.informers.delete(kind);
        await informer.stop();
        this.stores[kind].replace([]);
        if (kind === 'gateways') this.view.capabilities.gatewayUnverified = undefined;
        if (!resource) this.o.log.warn('no longer served: stopped watching', { resource: informer.name });
      }
      Object.assign(this.view.capabilities, caps);
      if (!caps.exposedApiServed) this.o.log.error('the ExposedAPI CRD is gone: nothing to reconcile until it is installed again');
      const started = [...wanted].filter(([kind]) => !this.informers.has(kind)).map(([kind, resource]) => this.watch(kind, resource));
      for (const informer of started) this.o.log.info('now served: watching', { resource: informer.name });
      // Plan again once the new caches hold what exists, so nothing is created twice.
      void Promise.all(started.map((i) => i.synced)).then(() => this.enqueueAll());
    }).catch((error: unknown) => this.o.log.error('cannot follow a CRD change', { error }));
  }

  private sources(caps: Discovered & { exposedApiServed?: boolean }): [Kind, Resource][] {
    const version = (apiVersion?: string) => apiVersion?.split('/')[1];
    const list: [Kind, Resource][] = [
      ['services', SERVICE],
      ['endpointSlices', ENDPOINT_SLICE],
    ];
    if (caps.exposedApiServed !== false) list.push(['exposedApis', EXPOSED_API]);
    if (caps.virtualServiceApiVersion) list.push(['virtualServices', virtualServiceResource(version(caps.virtualServiceApiVersion)!)]);
    if (caps.gatewayApiVersion) list.push(['gateways', gatewayResource(version(caps.gatewayApiVersion)!)]);
    if (caps.serviceMonitorServed) list.push(['serviceMonitors', SERVICE_MONITOR]);
    if (caps.componentServed) list.push(['components', COMPONENT]);
    // Pods carry the annotation-mode metrics; watched in every mode so annotations left
    // by an earlier mode are found and removed before the finalizer goes.
    list.push(['pods', POD]);
    return list;
  }

  private watch(kind: Kind, resource: Resource): Informer {
    const optional = OPTIONAL.has(kind);
    const informer = new Informer({
      client: this.o.client,
      path: collectionPath(resource),
      store: this.stores[kind] as Store,
      name: resource.plural,
      optional,
      onRestart: (reason, error) => {
        this.o.metrics.watchRestarted(resource.plural);
        this.o.log.warn('watch restarted', { resource: resource.plural, reason, error });
      },
      onForbidden: (message) => {
        if (kind === 'gateways') {
          this.o.log.warn(`cannot read Istio Gateways: routing to gateway ${this.o.settings.gateway} without verifying it`, { error: message });
          this.gatewayVerifiable(false);
        } else {
          this.o.log.error(`forbidden: cannot list and watch ${resource.plural}; retrying quietly until the permission is granted`, { error: message });
        }
      },
      onPermitted: () => {
        this.o.log.info(`permission granted: watching ${resource.plural}`);
        if (kind === 'gateways') this.gatewayVerifiable(true);
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
    this.informers.set(kind, informer);
    return informer;
  }

  private gatewayVerifiable(readable: boolean): void {
    this.view.capabilities.gatewayUnverified = readable ? undefined : true;
    this.enqueueAll();
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

  /** One key's reconcile: converge, then metrics, logs and listeners; the queue maps the result (retry, requeue) itself. */
  private async process(key: string): Promise<Converged | undefined> {
    if (!this.writing) return;
    const [ns, name] = key.split('/');
    const api = this.stores.exposedApis.get(ns, name);
    if (!api) return; // deleted: its children go by garbage collection
    const started = performance.now();
    const result = await converge(api, { view: this.view, executor: this.executor, settings: this.o.settings });
    const ms = Math.round(performance.now() - started);
    this.o.metrics.outcome(result.outcome);
    for (const listener of this.listeners) listener(key, result);
    const reason = reasonOf(result);
    const fields = { api: key, outcome: result.outcome, ms, ...(reason ? { reason } : {}) };
    if (result.error !== undefined) {
      this.o.log.warn('reconcile failed, will retry', fields);
      await this.reportFailure(key, reason ?? 'reconcile failed');
    } else {
      this.lastFailure.delete(key);
      if (result.outcome === 'unchanged') this.o.log.debug('in sync', fields);
      else this.o.log.info('reconciled', fields);
    }
    return result;
  }

  /** A Warning Event for a failure users must act on, once per message per interval. */
  private async reportFailure(key: string, message: string): Promise<void> {
    const last = this.lastFailure.get(key);
    if (last && last.message === message && Date.now() - last.at < FAILURE_EVENT_EVERY_MS) return;
    this.lastFailure.set(key, { message, at: Date.now() });
    const [ns, name] = key.split('/');
    const api = this.stores.exposedApis.get(ns, name);
    if (api) await this.executor.execute(api, { type: 'event', eventType: 'Warning', reason: 'ReconcileFailed', message }).catch(() => {});
  }

  private allInformers(): Informer[] {
    return [...(this.crds?.informers ?? []), ...this.informers.values()];
  }

  /** Liveness: the API server answered within the silence limit, every watch connected or recovering. */
  healthy(now = Date.now()): { ok: boolean; detail?: string } {
    return liveness(this.allInformers(), this.startedAt, this.o.silenceLimitMs ?? DEFAULT_SILENCE_LIMIT_MS, now);
  }

  /** Readiness: every cache the operator needs has synced, and nothing it needs is forbidden. */
  ready(): { ok: boolean; detail?: string } {
    if (this.informers.size === 0) return { ok: false, detail: 'starting' };
    if (!this.informers.has('exposedApis')) return { ok: false, detail: 'the ExposedAPI CRD (exposedapis.oda.tmforum.org) is not installed' };
    const required = [...this.informers].filter(([kind]) => !OPTIONAL.has(kind)).map(([, i]) => i);
    return readiness(required, this.allInformers());
  }

  /** Stops taking work, finishes what is in flight, stops the watches. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.writing = false;
    this.stopping = true;
    clearInterval(this.resync);
    await this.queue.shutdown({ timeoutMs });
    await this.crds?.stop();
    await this.applying;
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
