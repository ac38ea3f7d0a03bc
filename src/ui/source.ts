// Where the dashboard's rows come from: cached objects and the engine run on the same
// view (the cluster cache while live, one-shot LISTs for a snapshot), and which rows a
// cache change can affect (the operator's own event-to-API mapping). Read-only, the
// dashboard runs a cache alone; with --operator it observes the operator's cache and controller.
import type { Settings } from '../reconcile/types.js';
import { ClusterCache } from '../cache/cache.js';
import type { ClusterContext } from '../kube/context.js';
import { Store } from '../kube/store.js';
import type { StoreView } from '../kube/view.js';
import type { Controller } from '../operator/controller.js';
import { startOperator } from '../operator/run.js';
import { apiKeysFor } from '../operator/triggers.js';
import type { Logger } from '../runtime/log.js';
import { computeRow, lastChangeOf } from './row.js';
import type { RowSource, StatusStore } from './status-store.js';

export interface LiveSource {
  cache: ClusterCache;
  /** Only with --operator: the controller that writes (`r` enqueues to it). */
  controller?: Controller;
  stop(): Promise<void>;
}

export interface DashboardOptions {
  /** Also run the operator (standalone) in this process. */
  operator: boolean;
}

/** Starts watching, and with `operator` reconciling; resolves once the caches are synced. */
export async function startLiveSource(ctx: ClusterContext, o: DashboardOptions, log: Logger): Promise<LiveSource> {
  if (o.operator) {
    const leaseNamespace = ctx.scope.literal?.[0] ?? 'default';
    const running = await startOperator(ctx, { log, standalone: true, leaseNamespace });
    return { cache: running.cache, controller: running.controller, stop: running.stop };
  }
  // Observing only: the cache, and nothing that writes.
  const cache = new ClusterCache(ctx, { log });
  await cache.start();
  return { cache, stop: () => cache.stop() };
}

export function viewSource(view: StoreView, settings: Settings, inScope: (namespace: string) => boolean): RowSource {
  const apis = view.stores.exposedApis;
  return {
    keys: () => apis.list().filter((a) => inScope(a.metadata.namespace ?? '')).map(Store.keyOf),
    row: (key) => {
      const [namespace, name] = key.split('/');
      const api = inScope(namespace) ? apis.get(namespace, name) : undefined;
      if (!api) return undefined;
      const now = new Date();
      return { fields: computeRow(api, view, settings, now), since: lastChangeOf(api, now.getTime()) };
    },
  };
}

/**
 * Keeps the status store current with the cache: each change invalidates only the rows it
 * can affect (an API itself, the APIs of a Service, every API for the gateway or when what
 * the cache sees changes). The operator's own writes go into its caches directly, and
 * their watch events are then seen as nothing new, so each reconcile result invalidates
 * its API's row too. Returns the function that stops following.
 */
export function followSource(source: LiveSource, store: StatusStore): () => void {
  const { cache, controller } = source;
  store.invalidate('all');
  const unsubscribe = [
    cache.onEvent((e) => store.invalidate(e.store === 'gateways' ? 'all' : apiKeysFor(e.store, e.object, e.previous, cache.view))),
    cache.onCapabilitiesChanged(() => store.invalidate('all')),
    ...(controller ? [controller.onResult((key) => store.invalidate([key]))] : []),
  ];
  return () => {
    for (const off of unsubscribe) off();
  };
}
