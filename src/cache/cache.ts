// The cluster cache, controller-runtime's cache: informers keep one Store per watched
// collection current, and a StoreView answers the engine from them. It finds out what the
// cluster serves (following the CRDs, or discovery when it may not read them), starts and
// stops informers as CRDs come and go, and tells its subscribers about every change.
// It never writes: the controller (operator/controller.ts) and the dashboard observe it.
import type { KubeObject } from '../reconcile/types.js';
import type { ClusterContext } from '../kube/context.js';
import type { CrdCapabilities } from '../kube/crds.js';
import { discover, Discovered } from '../kube/discovery.js';
import { collectionPath, Resource } from '../kube/resources.js';
import type { Store } from '../kube/store.js';
import { newStores, StoreName, Stores, StoreView } from '../kube/view.js';
import type { Check } from '../runtime/health.js';
import { Informer, type EventType } from '../runtime/informer.js';
import type { Logger } from '../runtime/log.js';
import { CrdFollower } from './crd-follower.js';
import { liveness, ProbedInformer, readiness } from './probes.js';
import { OPTIONAL, watchedResources } from './watched.js';

/**
 * Watch bookmarks arrive about once a minute on every watch, so a working API server
 * answers well within this even on a quiet cluster.
 */
export const DEFAULT_SILENCE_LIMIT_MS = 90_000;

/** An object changed in one of the stores. */
export interface CacheEvent {
  store: StoreName;
  type: EventType;
  object: KubeObject;
  previous?: KubeObject;
}

export interface ClusterCacheOptions {
  log: Logger;
  /** Liveness fails after this long without any answer from the API server (see docs/operations.md). */
  silenceLimitMs?: number;
  /** Told each time a watch starts over (the operator counts them). */
  onWatchRestart?: (resource: string) => void;
}

export class ClusterCache {
  readonly stores: Stores = newStores();
  /** The engine's view of the stores; set by start(). */
  view!: StoreView;
  private readonly informers = new Map<StoreName, Informer<KubeObject>>();
  private crds?: CrdFollower;
  private startedAt = Date.now();
  private stopping = false;
  /** The last capabilities applied, so changes are applied in order. */
  private applying: Promise<void> = Promise.resolve();
  private readonly eventListeners = new Set<(event: CacheEvent) => void>();
  private readonly capabilityListeners = new Set<() => void>();

  constructor(
    private readonly ctx: ClusterContext,
    private readonly o: ClusterCacheOptions,
  ) {}

  /**
   * Finds out what the cluster serves (from the CRDs, which it then follows; discovery
   * when it may not read them), starts every informer and resolves once their caches
   * are synced.
   */
  async start(): Promise<Discovered> {
    this.startedAt = Date.now();
    this.crds = new CrdFollower(this.ctx.client, this.o.log, (caps) => this.followCrds(caps));
    const fromCrds = await this.crds.start();
    if (!fromCrds?.exposedApiServed) {
      await this.crds.stop();
      this.crds = undefined;
    }
    const caps: Discovered = fromCrds?.exposedApiServed ? fromCrds : await discover(this.ctx.client); // discovery names what is missing
    this.view = new StoreView(this.stores, { ...caps }, this.ctx.settings);
    for (const [name, resource] of watchedResources(caps)) this.watch(name, resource);
    await Promise.all([...this.informers.values()].map((i) => i.synced));
    return caps;
  }

  /** Told about every change the stores see; returns the function that unsubscribes. */
  onEvent(listener: (event: CacheEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /**
   * Told when what the cache can see changed as a whole (a kind came or went, Gateways
   * became readable or not): any API may now read differently.
   */
  onCapabilitiesChanged(listener: () => void): () => void {
    this.capabilityListeners.add(listener);
    return () => this.capabilityListeners.delete(listener);
  }

  /** Liveness: the API server answered within the silence limit, every watch connected or recovering. */
  healthy(now = Date.now()): Check {
    return liveness(this.allInformers(), this.startedAt, this.o.silenceLimitMs ?? DEFAULT_SILENCE_LIMIT_MS, now);
  }

  /** Readiness: ExposedAPIs are served, every cache has synced, and nothing required is forbidden. */
  ready(): Check {
    if (this.informers.size === 0) return { ok: false, detail: 'starting' };
    if (!this.informers.has('exposedApis')) return { ok: false, detail: 'the ExposedAPI CRD (exposedapis.oda.tmforum.org) is not installed' };
    const required = [...this.informers].filter(([name]) => !OPTIONAL.has(name)).map(([, i]) => i);
    return readiness(required, this.allInformers());
  }

  /** Stops following the CRDs and every watch. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.crds?.stop();
    await this.applying;
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }

  /** A CRD appeared, went or changed versions: start and stop informers to match. */
  private followCrds(caps: CrdCapabilities): void {
    this.applying = this.applying.then(async () => {
      if (this.stopping) return;
      const wanted = new Map(watchedResources(caps));
      for (const [name, informer] of [...this.informers]) {
        const resource = wanted.get(name);
        if (resource && collectionPath(resource) === informer.path) continue;
        this.informers.delete(name);
        await informer.stop();
        this.stores[name].replace([]);
        if (name === 'gateways') this.view.capabilities.gatewayUnverified = undefined;
        if (!resource) this.o.log.warn('no longer served: stopped watching', { resource: informer.name });
      }
      Object.assign(this.view.capabilities, caps);
      if (!caps.exposedApiServed) this.o.log.error('the ExposedAPI CRD is gone: nothing to reconcile until it is installed again');
      const started = [...wanted].filter(([name]) => !this.informers.has(name)).map(([name, resource]) => this.watch(name, resource));
      for (const informer of started) this.o.log.info('now served: watching', { resource: informer.name });
      // Tell once the new caches hold what exists, so a controller creates nothing twice.
      void Promise.all(started.map((i) => i.synced)).then(() => this.capabilitiesChanged());
    }).catch((error: unknown) => this.o.log.error('cannot follow a CRD change', { error }));
  }

  private watch(name: StoreName, resource: Resource): Informer<KubeObject> {
    const informer = new Informer<KubeObject>({
      client: this.ctx.client,
      path: collectionPath(resource),
      store: this.stores[name] as Store,
      name: resource.plural,
      optional: OPTIONAL.has(name),
      onRestart: (reason, error) => {
        this.o.onWatchRestart?.(resource.plural);
        this.o.log.warn('watch restarted', { resource: resource.plural, reason, error });
      },
      onForbidden: (message) => {
        if (name === 'gateways') {
          this.o.log.warn(`cannot read Istio Gateways: routing to gateway ${this.ctx.settings.gateway} without verifying it`, { error: message });
          this.gatewayReadable(false);
        } else {
          this.o.log.error(`forbidden: cannot list and watch ${resource.plural}; retrying quietly until the permission is granted`, { error: message });
        }
      },
      onPermitted: () => {
        this.o.log.info(`permission granted: watching ${resource.plural}`);
        if (name === 'gateways') this.gatewayReadable(true);
      },
    });
    informer.on((type, object, previous) => this.tell(this.eventListeners, [{ store: name, type, object, previous }], { resource: resource.plural }));
    informer.start();
    this.informers.set(name, informer);
    return informer;
  }

  private gatewayReadable(readable: boolean): void {
    this.view.capabilities.gatewayUnverified = readable ? undefined : true;
    this.capabilitiesChanged();
  }

  private capabilitiesChanged(): void {
    this.tell(this.capabilityListeners, [], { change: 'capabilities' });
  }

  /** Calls every listener; one that throws is logged and keeps no other from hearing. */
  private tell<A extends unknown[]>(listeners: Set<(...args: A) => void>, args: A, fields: Record<string, string>): void {
    for (const listener of listeners) {
      try {
        listener(...args);
      } catch (error) {
        this.o.log.error('cache listener failed', { ...fields, error });
      }
    }
  }

  private allInformers(): ProbedInformer[] {
    return [...(this.crds?.informers ?? []), ...this.informers.values()];
  }
}
