// A read-only view of the cluster from one-shot LISTs (one per kind), for `status` and
// for the dashboard's snapshot when stdout is not a terminal. Never writes.
import type { Settings } from '../reconcile/types.js';
import type { KubeClient } from '../kube/client.js';
import { discover } from '../kube/discovery.js';
import { loadStores, type Scope } from '../kube/load.js';
import { StoreView } from '../kube/view.js';

export async function loadView(client: KubeClient, settings: Settings, scope: Scope): Promise<StoreView> {
  const caps = await discover(client);
  const { stores } = await loadStores(client, caps, settings.metricsMode, scope);
  return new StoreView(stores, caps, settings);
}
