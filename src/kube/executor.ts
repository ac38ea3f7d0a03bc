// Carries out the engine's actions: on the API server, for real or as a server-side dry
// run (dryRun=All), or, for a client-side dry run, on an in-memory cluster made of the
// stores themselves (memory-cluster.ts). Every write's result is put back into the stores,
// slimmed as the informers slim what they decode (the watch event of our own write carries
// the same resourceVersion and is skipped, so what we put back is what the store keeps),
// so a following engine pass sees it (e.g. the new VirtualService's uid for the status).
// Returns the object before and after, for the diff. Events go to an EventRecorder,
// which sends them in the background.
import type { Action, ExposedAPI, KubeObject } from '../reconcile/types.js';
import type { Store } from './store.js';
import { KubeClient } from './client.js';
import type { EventRecorder } from './event-recorder.js';
import { ApiServerWrites } from './api-server-writes.js';
import { MemoryCluster } from './memory-cluster.js';
import { JsonPatchOp, mergePatchBetween } from './patch.js';
import { COMPONENT, EXPOSED_API, POD, resourceFor } from './resources.js';
import { SLIM } from './slim.js';
import { storeNameOf, type StoreName, type Stores } from './view.js';
import type { ClusterWrites } from './writes.js';

export type DryRun = 'none' | 'client' | 'server';

/** One object as it was and as it is (or would be) after an action. */
export interface Change {
  before?: KubeObject;
  after?: KubeObject;
}

export class Executor {
  private readonly writes: ClusterWrites;

  constructor(
    client: KubeClient,
    private readonly stores: Stores,
    private readonly statusSubresource: { component: boolean },
    readonly dryRun: DryRun,
    /** Where Events go; none in a dry run (it records nothing). */
    private readonly events?: EventRecorder,
  ) {
    this.writes = dryRun === 'client' ? new MemoryCluster(stores) : new ApiServerWrites(client, dryRun === 'server');
  }

  async execute(api: ExposedAPI, action: Action): Promise<Change | undefined> {
    const ns = api.metadata.namespace!;
    switch (action.type) {
      case 'apply': {
        const { object } = action;
        const store = storeNameOf(object.kind);
        // EnvoyFilters live in the gateway's namespace, not the API's.
        const before = this.stores[store].get(object.metadata.namespace ?? ns, object.metadata.name);
        const after = await this.writes.apply(object);
        this.keep(store, after);
        return { before, after };
      }
      case 'delete': {
        const store = this.stores[storeNameOf(action.kind)];
        const before = store.get(action.namespace, action.name);
        await this.writes.delete({ resource: resourceFor(action.apiVersion, action.kind), namespace: action.namespace, name: action.name });
        store.remove(action.namespace, action.name);
        return { before };
      }
      case 'annotatePod': {
        const before = this.stores.pods.get(action.namespace, action.name);
        const patch = { metadata: { annotations: action.annotations } };
        const after = await this.writes.mergePatch({ resource: POD, namespace: action.namespace, name: action.name }, patch);
        this.keep('pods', after);
        return { before, after };
      }
      case 'writeStatus': {
        const current = this.current(api);
        const statusPatch = mergePatchBetween(current.status ?? {}, action.status);
        if (statusPatch === undefined) return undefined;
        const ref = { resource: EXPOSED_API, namespace: ns, name: api.metadata.name, status: action.subresource };
        return this.updateApi(current, await this.writes.mergePatch(ref, { status: statusPatch }));
      }
      case 'addFinalizer':
      case 'removeFinalizer': {
        const current = this.current(api);
        const others = (current.metadata.finalizers ?? []).filter((f) => f !== action.finalizer);
        const finalizers = action.type === 'addFinalizer' ? [...others, action.finalizer] : others;
        // resourceVersion makes this an optimistic update: a concurrent finalizer change fails with 409 and is retried.
        const patch = { metadata: { finalizers, resourceVersion: current.metadata.resourceVersion } };
        return this.updateApi(current, await this.writes.mergePatch({ resource: EXPOSED_API, namespace: ns, name: api.metadata.name }, patch));
      }
      case 'patchComponent': {
        const before = this.stores.components.get(action.namespace, action.name);
        const base = `/status/${action.list}/${action.index}`;
        const ops: JsonPatchOp[] = [{ op: 'test', path: `${base}/uid`, value: action.uid }];
        for (const [field, value] of Object.entries(action.entry)) {
          if (value !== undefined) ops.push({ op: 'add', path: `${base}/${field}`, value });
        }
        for (const field of action.remove ?? []) ops.push({ op: 'remove', path: `${base}/${field}` });
        const ref = { resource: COMPONENT, namespace: action.namespace, name: action.name, status: this.statusSubresource.component };
        const after = await this.writes.jsonPatch(ref, ops);
        this.keep('components', after);
        return { before, after };
      }
      case 'event':
        // In the background: no write waits for an Event.
        this.events?.record(api, action);
        return undefined;
    }
  }

  /** The freshest copy of the API we have (earlier actions may have changed it). */
  private current(api: ExposedAPI): ExposedAPI {
    return this.stores.exposedApis.get(api.metadata.namespace!, api.metadata.name) ?? api;
  }

  private updateApi(before: ExposedAPI, after: KubeObject): Change {
    this.keep('exposedApis', after);
    return { before, after };
  }

  /** Puts a write's result in its store as the informer would have decoded it. */
  private keep(store: StoreName, after: KubeObject): void {
    (this.stores[store] as Store<KubeObject>).upsert(SLIM[store](after));
  }
}
