// An API server in memory, made of the stores the engine reads: the client dry run writes
// here, and so do the unit tests. A write lands in the stores with what the API server
// adds (uid and creation time for a new object, a new resourceVersion each time, a new
// generation when anything but metadata changes outside /status), so the engine's next
// pass sees what it would see after a real write. Nothing leaves the process.
import { deepEqual } from '../reconcile/deep-equal.js';
import type { KubeObject } from '../reconcile/types.js';
import { ApiError } from './client.js';
import { applyJsonPatch, applyLocally, applyMergePatch, type JsonPatchOp } from './patch.js';
import type { Store } from './store.js';
import { storeOf, type Stores } from './view.js';
import { pathOf, type ClusterWrites, type ObjectRef } from './writes.js';

export class MemoryCluster implements ClusterWrites {
  /** Source of resourceVersions and uids, as the API server's etcd revision is. */
  private revision = 0;

  constructor(readonly stores: Stores) {}

  async apply(object: KubeObject): Promise<KubeObject> {
    const store = storeOf(this.stores, object.kind);
    const live = store.get(object.metadata.namespace ?? '', object.metadata.name);
    return this.write(store, live, applyLocally(live ?? {}, object) as KubeObject, false);
  }

  async delete(ref: ObjectRef): Promise<void> {
    storeOf(this.stores, ref.resource.kind).remove(ref.namespace, ref.name);
  }

  async mergePatch(ref: ObjectRef, patch: object): Promise<KubeObject> {
    const [store, live] = this.existing(ref);
    return this.write(store, live, applyMergePatch(live, patch) as KubeObject, ref.status);
  }

  async jsonPatch(ref: ObjectRef, ops: readonly JsonPatchOp[]): Promise<KubeObject> {
    const [store, live] = this.existing(ref);
    return this.write(store, live, applyJsonPatch(live, ops) as KubeObject, ref.status);
  }

  /** Events are not kept: nothing reads them back. */
  private existing(ref: ObjectRef): [Store<KubeObject>, KubeObject] {
    const store = storeOf(this.stores, ref.resource.kind);
    const live = store.get(ref.namespace, ref.name);
    if (!live) throw new ApiError(404, 'NotFound', `${ref.resource.kind} "${ref.name}" not found`, 'PATCH', pathOf(ref));
    return [store, live];
  }

  private write(store: Store<KubeObject>, live: KubeObject | undefined, next: KubeObject, throughStatus: boolean | undefined): KubeObject {
    // A copy, as a server keeps: later edits of what the caller sent do not leak into the cluster.
    const stored = structuredClone(next);
    const meta = stored.metadata;
    meta.resourceVersion = String(++this.revision);
    if (!live) {
      meta.uid = `uid-${this.revision}`;
      meta.creationTimestamp = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      meta.generation = 1;
    } else if (!throughStatus && !deepEqual(content(live), content(stored))) {
      meta.generation = (live.metadata.generation ?? 0) + 1;
    }
    store.upsert(stored);
    return stored;
  }
}

/** Everything but metadata: what a generation counts. */
const content = ({ metadata: _, ...rest }: KubeObject) => rest;
