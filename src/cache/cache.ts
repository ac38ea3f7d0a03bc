// The cluster cache, controller-runtime's cache: informers keep the Stores current, and a
// StoreView answers the engine from them. It caches only what the engine reads, where it
// reads it (cache/watched.ts): one informer per kind and namespace in scope, each filling
// its part of the kind's Store, and objects slimmed as they are decoded (kube/slim.ts).
// It finds out what the cluster serves (following the CRDs, or discovery when it may not
// read them), and starts and stops informers as CRDs, namespaces matching a glob, the
// Gateway's selector and the need for pods come and go. It tells its subscribers about
// every change and never writes: the controller and the dashboard observe it.
import type { KubeObject } from '../reconcile/types.js';
import { FINALIZER, gatewayServiceLabels } from '../reconcile/index.js';
import type { ClusterContext } from '../kube/context.js';
import type { CrdCapabilities } from '../kube/crds.js';
import { discover, Discovered } from '../kube/discovery.js';
import { collectionPath, NAMESPACE } from '../kube/resources.js';
import { SLIM, slimNamespace } from '../kube/slim.js';
import { Store, StoreSlice } from '../kube/store.js';
import { newStores, StoreName, Stores, StoreView } from '../kube/view.js';
import type { Check } from '../runtime/health.js';
import { Informer, type EventType } from '../runtime/informer.js';
import type { Logger } from '../runtime/log.js';
import { CrdFollower } from './crd-follower.js';
import { liveness, ProbedInformer, readiness } from './probes.js';
import { OPTIONAL, selectorOf, type Watch, watches, watchKey } from './watched.js';

/**
 * Watch bookmarks arrive about once a minute on every watch, so a working API server
 * answers well within this even on a quiet cluster.
 */
export const DEFAULT_SILENCE_LIMIT_MS = 90_000;

/** The capability that says a kind may not be read (the engine then writes none of it, or routes unverified). */
const UNREADABLE_FLAG: Partial<Record<StoreName, 'gatewayUnverified' | 'envoyFiltersUnreadable' | 'securityPoliciesUnreadable' | 'destinationRulesUnreadable' | 'httpRoutesUnreadable'>> = {
  gateways: 'gatewayUnverified',
  envoyFilters: 'envoyFiltersUnreadable',
  requestAuthentications: 'securityPoliciesUnreadable',
  authorizationPolicies: 'securityPoliciesUnreadable',
  destinationRules: 'destinationRulesUnreadable',
  httpRoutes: 'httpRoutesUnreadable',
};

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

interface Running {
  watch: Watch;
  informer: Informer<KubeObject>;
  slice: StoreSlice;
  /** Resolves once synced, or once stopped before that (a later change may stop it first). */
  settled: Promise<void>;
  /** Called when it is stopped. */
  stopped: () => void;
}

export class ClusterCache {
  readonly stores: Stores = newStores();
  /** The engine's view of the stores; set by start(). */
  view!: StoreView;
  /** What runs, by watchKey. */
  private readonly running = new Map<string, Running>();
  private crds?: CrdFollower;
  /** The namespaces that exist, when the scope has globs (else undefined: none watched). */
  private namespaces?: { informer: Informer<KubeObject>; store: Store };
  private startedAt = Date.now();
  private stopping = false;
  /** The last change of watches applied, so changes are applied in order. */
  private applying: Promise<void> = Promise.resolve();
  /** A sync queued behind the one applying, and whether a CRD change asked for it. */
  private pendingSync?: Promise<void>;
  private crdsChanged = false;
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
    if (this.ctx.scope.literal === undefined && !this.ctx.scope.all) await this.watchNamespaces();
    // Twice: the Gateway's selector and the APIs' finalizers, read by the first round, say
    // which gateway Services and pods the second watches.
    await this.sync();
    await this.sync();
    // A change seen meanwhile may have started informers of its own: they count too.
    await Promise.all([...this.running.values()].map((r) => r.settled));
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
    if (this.running.size === 0) return { ok: false, detail: 'starting' };
    const watching = [...this.running.values()];
    if (!watching.some((r) => r.watch.store === 'exposedApis')) return { ok: false, detail: 'the ExposedAPI CRD (exposedapis.oda.tmforum.org) is not installed' };
    const required = watching.filter((r) => !OPTIONAL.has(r.watch.store)).map((r) => r.informer);
    return readiness(required, this.allInformers());
  }

  /** How many informers run, for tests and the heap bench: one per kind and namespace. */
  get watchCount(): number {
    return this.running.size + (this.namespaces ? 1 : 0);
  }

  /** Stops following the CRDs and every watch. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.crds?.stop();
    await this.applying;
    await this.namespaces?.informer.stop();
    await Promise.all(
      [...this.running.values()].map((r) => {
        r.stopped();
        return r.informer.stop();
      }),
    );
  }

  /** A CRD appeared, went or changed versions: start and stop informers to match. */
  private followCrds(caps: CrdCapabilities): void {
    Object.assign(this.view.capabilities, caps);
    if (!caps.exposedApiServed) this.o.log.error('the ExposedAPI CRD is gone: nothing to reconcile until it is installed again');
    void this.sync(true);
  }

  /**
   * Starts and stops informers to match what should be watched now; resolves once the
   * started ones have synced, after telling the capability listeners (a new cache holds
   * what exists, so a controller creates nothing twice). Changes are applied in order,
   * but the wait for a sync holds up no later change (a forbidden LIST may never sync).
   */
  private sync(crdsChanged = false): Promise<void> {
    this.crdsChanged ||= crdsChanged;
    // Changes that arrive while one waits are taken in by it: a burst of namespaces is one sync.
    if (this.pendingSync) return this.pendingSync;
    const applied = this.applying.then(() => this.applyWatches());
    this.applying = applied.then(
      () => undefined,
      (error: unknown) => this.o.log.error('cannot change what the cache watches', { error }),
    );
    this.pendingSync = applied.then(async (started) => {
      if (started.length === 0) return;
      await Promise.all(started.map((r) => r.settled));
      this.capabilitiesChanged();
    }, () => undefined);
    return this.pendingSync;
  }

  /** Stops the informers no longer wanted (emptying their part of the stores), starts the new ones; returns those. */
  private async applyWatches(): Promise<Running[]> {
    this.pendingSync = undefined;
    const crdsChanged = this.crdsChanged;
    this.crdsChanged = false;
    if (this.stopping) return [];
    const before = this.watchedStores();
    const wanted = new Map(this.wantedWatches().map((w) => [watchKey(w), w]));
    for (const [key, { watch, informer, slice, stopped }] of [...this.running]) {
      if (wanted.has(key)) continue;
      this.running.delete(key);
      stopped();
      await informer.stop();
      slice.replace([]);
      const flag = UNREADABLE_FLAG[watch.store];
      if (flag) this.view.capabilities[flag] = undefined;
    }
    const started = [...wanted].filter(([key]) => !this.running.has(key)).map(([key, w]) => this.watch(key, w));
    if (crdsChanged) {
      // Said once per kind, not per namespace.
      const after = this.watchedStores();
      for (const [store, resource] of before) if (!after.has(store)) this.o.log.warn('no longer served: stopped watching', { resource });
      for (const [store, resource] of after) if (!before.has(store)) this.o.log.info('now served: watching', { resource });
    }
    return started;
  }

  /** The stores some informer fills, with their resource names. */
  private watchedStores(): Map<StoreName, string> {
    return new Map([...this.running.values()].map((r) => [r.watch.store, r.watch.resource.plural]));
  }

  private wantedWatches(): Watch[] {
    const { scope, settings } = this.ctx;
    const caps = this.view.capabilities as Discovered & { exposedApiServed?: boolean };
    const gatewaysRead = [...this.running.values()].some((r) => r.watch.store === 'gateways' && r.informer.hasSynced()) || !caps.gatewayApiVersion;
    const apisRead = [...this.running.values()].some((r) => r.watch.store === 'exposedApis' && r.informer.hasSynced());
    return watches({
      caps,
      namespaces: this.namespacesInScope(),
      inScope: scope.matches,
      gateway: settings.gateway,
      router: settings.router,
      gatewayServiceLabels: gatewaysRead ? gatewayServiceLabels(this.view.configuredGateway()) : undefined,
      // Until the APIs are read, pods in every mode: an API may hold annotations to clean up.
      pods: settings.metricsMode !== 'ServiceMonitor' || !apisRead || this.annotationsLeft(),
    });
  }

  /**
   * The namespaces to watch one by one; undefined: cluster-wide. A glob scope that may
   * not list namespaces is watched cluster-wide (as before namespaces were followed)
   * until the permission comes.
   */
  private namespacesInScope(): string[] | undefined {
    const { scope } = this.ctx;
    if (scope.all) return undefined;
    if (scope.literal) return scope.literal;
    const { informer, store } = this.namespaces!;
    if (informer.forbidden() !== undefined) return undefined;
    return store.list().map((n) => n.metadata.name).filter(scope.matches);
  }

  /** An API in scope holds the finalizer for annotations it put on pods in an annotation mode. */
  private annotationsLeft(): boolean {
    return this.stores.exposedApis.list().some((a) => this.ctx.scope.matches(a.metadata.namespace ?? '') && a.metadata.finalizers?.includes(FINALIZER));
  }

  /** Globs: namespaces that match are watched as they come, and forgotten as they go. */
  private async watchNamespaces(): Promise<void> {
    const store = new Store();
    const informer = new Informer<KubeObject>({
      client: this.ctx.client,
      path: collectionPath(NAMESPACE),
      store,
      name: NAMESPACE.plural,
      transform: slimNamespace,
      onRestart: (reason, error) => this.restarted(NAMESPACE.plural, reason, error),
      // Optional: without it, every kind is watched cluster-wide, which needs wider permissions.
      optional: true,
      onForbidden: (message) => {
        this.o.log.warn('cannot list and watch namespaces: watching cluster-wide instead of the namespaces matching the scope', { error: message });
        void this.sync();
      },
      onPermitted: () => {
        this.o.log.info('permission granted: watching the namespaces matching the scope');
        void this.sync();
      },
    });
    informer.on((type, ns) => {
      if (type !== 'updated' && this.ctx.scope.matches(ns.metadata.name)) void this.sync();
    });
    this.namespaces = { informer, store };
    informer.start();
    await informer.synced;
  }

  private watch(key: string, w: Watch): Running {
    const { resource, store: name } = w;
    const where = w.namespace ? `${resource.plural} in ${w.namespace}` : resource.plural;
    const slice = new StoreSlice(this.stores[name] as Store, w.owns, w.namespace);
    const informer = new Informer<KubeObject>({
      client: this.ctx.client,
      path: collectionPath(resource, w.namespace),
      query: w.query,
      store: slice,
      transform: SLIM[name],
      name: resource.plural,
      optional: OPTIONAL.has(name),
      onRestart: (reason, error) => this.restarted(resource.plural, reason, error, where),
      onForbidden: (message) => {
        const warning = this.withoutIt(name, where);
        if (warning === undefined) this.o.log.error(`forbidden: cannot list and watch ${where}; retrying quietly until the permission is granted`, { error: message });
        else this.o.log.warn(warning, { error: message });
        this.updateReadable(name);
      },
      onPermitted: () => {
        this.o.log.info(`permission granted: watching ${where}`);
        this.updateReadable(name);
      },
    });
    informer.on((type, object, previous) => {
      if (!w.owns(object.metadata.namespace ?? '')) return; // another watch's part of the store
      this.tell(this.eventListeners, [{ store: name, type, object, previous }], { resource: resource.plural });
      this.reconsider(name, type, object, previous);
    });
    let stopped!: () => void;
    const settled = Promise.race([informer.synced, new Promise<void>((resolve) => (stopped = resolve))]);
    const running = { watch: w, informer, slice, settled, stopped };
    this.running.set(key, running);
    informer.start();
    return running;
  }

  /** A change that alters what should be watched: the Gateway's selector, or the need for pods. */
  private reconsider(store: StoreName, type: EventType, object: KubeObject, previous?: KubeObject): void {
    const now = type === 'deleted' ? undefined : object;
    const finalizer = (o?: KubeObject) => o?.metadata.finalizers?.includes(FINALIZER) ?? false;
    const labels = (o?: KubeObject) => selectorOf(gatewayServiceLabels(o));
    const gatewayChanged = store === 'gateways' && labels(now) !== labels(previous);
    const podsChanged = store === 'exposedApis' && this.ctx.settings.metricsMode === 'ServiceMonitor' && finalizer(now) !== finalizer(previous);
    // Restarting the gateway Service's watch leaves a moment without it; the listeners hear
    // capabilitiesChanged once it has synced, and every API is reconciled again.
    if (gatewayChanged || podsChanged) void this.sync();
  }

  /** Counted by kind (one metric label per kind, not per namespace), logged with where. */
  private restarted(resource: string, reason: string, error: unknown, where = resource): void {
    this.o.onWatchRestart?.(resource);
    this.o.log.warn('watch restarted', { resource: where, reason, error });
  }
  /** The warning for an optional kind that may not be read, saying what that costs; undefined for the required kinds. */
  private withoutIt(store: StoreName, where: string): string | undefined {
    switch (store) {
      case 'gateways':
        return `cannot read Istio Gateways: routing to gateway ${this.ctx.settings.gateway} without verifying it`;
      case 'envoyFilters':
        return 'cannot read EnvoyFilters: rate limits and MCP stream timeouts are not enforced; the APIs that ask for them fail';
      case 'requestAuthentications':
      case 'authorizationPolicies':
        return `cannot read ${where}: API key verification is not enforced; the APIs that ask for it fail`;
      case 'destinationRules':
        return `cannot read ${where}: MCP connect timeouts are not enforced; the MCP APIs that ask for one fail`;
      case 'httpRoutes':
      case 'gatewayApiGateways': {
        const fails = this.ctx.settings.router === 'httproute' ? 'the APIs fail until it is granted' : 'HTTPRoutes a router switch left are not pruned';
        return `cannot read Gateway API ${where}: ${fails}`;
      }
      default:
        return undefined;
    }
  }

  /**
   * Sets the capability flag of a kind the engine must not rely on when unreadable: unreadable while
   * any of its watches (every namespace's, both security kinds) is forbidden.
   */
  private updateReadable(store: StoreName): void {
    const flag = UNREADABLE_FLAG[store];
    if (!flag) return;
    const forbidden = [...this.running.values()].some((r) => UNREADABLE_FLAG[r.watch.store] === flag && r.informer.forbidden() !== undefined);
    this.view.capabilities[flag] = forbidden ? true : undefined;
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
    return [...(this.crds?.informers ?? []), ...(this.namespaces ? [this.namespaces.informer] : []), ...[...this.running.values()].map((r) => r.informer)];
  }
}
