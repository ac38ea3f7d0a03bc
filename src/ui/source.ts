// Where the dashboard's rows come from: cached objects and the engine run on the same
// view (informer caches while live, one-shot LISTs for a snapshot), and which rows a
// cache change can affect (the operator's own event-to-API mapping).
import type { Settings } from '../reconcile/types.js';
import type { Controller } from '../operator/controller.js';
import { apiKeysFor } from '../operator/triggers.js';
import { Store } from '../kube/store.js';
import type { StoreView } from '../kube/view.js';
import { computeRow, lastChangeOf } from './row.js';
import type { RowSource, StatusStore } from './status-store.js';

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
 * Keeps the store current with the controller's caches: each change invalidates only the
 * rows it can affect (an API itself, the APIs of a Service, every API for the gateway).
 * The operator's own writes go into its caches directly, and their watch events are then
 * seen as nothing new, so each reconcile result invalidates its API's row too.
 * Returns the function that stops following.
 */
export function followController(controller: Controller, store: StatusStore): () => void {
  store.invalidate('all');
  const offEvent = controller.onEvent((kind, object) => {
    store.invalidate(kind === 'gateways' ? 'all' : apiKeysFor(kind, object, undefined, controller.view));
  });
  const offResult = controller.onResult((key) => store.invalidate([key]));
  return () => {
    offEvent();
    offResult();
  };
}
