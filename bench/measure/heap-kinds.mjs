// What each cached kind costs in the operator's heap, measured on the shipped code:
// the real cluster cache (dist/) starts its informers against a cluster and fills its stores
// as `watch` does (the cache never writes). Then each store is emptied in turn and the heap is
// read after a full garbage collection before and after: the difference is what that
// kind's objects (and the store's index of them) hold, divided by their count for the cost
// per object. Run by bench/heap.mjs as `node --expose-gc bench/measure/heap-kinds.mjs
// KUBECONFIG [NAMESPACE]`; prints the rows as JSON.
import { getHeapStatistics } from 'node:v8';
import { KubeClient } from '../../dist/kube/client.js';
import { ClusterCache } from '../../dist/cache/cache.js';
import { buildSettings, DEFAULTS } from '../../dist/reconcile/settings.js';
import { createLogger } from '../../dist/runtime/log.js';

if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

/** Heap in use after collecting everything collectable (twice: weak references and finalizers free more). */
function heapUsed() {
  globalThis.gc();
  globalThis.gc();
  return getHeapStatistics().used_heap_size;
}

const [kubeconfig, namespace] = process.argv.slice(2);
const built = buildSettings({ metricsMode: DEFAULTS.metricsMode, gateway: DEFAULTS.gateway, scrapeInterval: DEFAULTS.scrapeInterval });
if ('errors' in built) throw new Error(built.errors.join('; '));
// The namespace the bench's operator serves (every namespace without one, as -A).
const scope = namespace ? { matches: (n) => n === namespace, literal: [namespace], description: namespace } : { matches: () => true, all: true, description: 'all namespaces' };
const cluster = { client: KubeClient.load({ kubeconfig }), settings: built.settings, scope };
const cache = new ClusterCache(cluster, { log: createLogger({ level: 'error', format: 'plain', stream: process.stderr }) });
const baseline = heapUsed();
await cache.start();
const filled = heapUsed();
// The informers stop first, so no event refills a store while it is measured.
await cache.stop();
const rows = [];
for (const [kind, store] of Object.entries(cache.stores)) {
  const objects = store.size;
  const before = heapUsed();
  store.replace([]);
  const bytes = before - heapUsed();
  rows.push({ kind, objects, bytes, bytesPerObject: objects ? Math.round(bytes / objects) : undefined });
}
console.log(JSON.stringify({ heapBeforeStartBytes: baseline, heapWithCachesBytes: filled, rows }));
