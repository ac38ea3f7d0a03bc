// Where the Executor's writes go: the API server (api-server-writes.ts), or, for a client
// dry run and the unit tests, an API server in memory (memory-cluster.ts). The Executor
// turns the engine's actions into these few writes and keeps its stores in step.
import type { KubeObject } from '../reconcile/types.js';
import type { JsonPatchOp } from './patch.js';
import { objectPath, type Resource } from './resources.js';

/** One object, or its status subresource. */
export interface ObjectRef {
  resource: Resource;
  namespace: string;
  name: string;
  status?: boolean;
}

/** Each write returns the object as the cluster now holds it. */
export interface ClusterWrites {
  /** Server-side apply under our field manager. */
  apply(object: KubeObject): Promise<KubeObject>;
  /** Deleting an object that is already gone is not an error. */
  delete(ref: ObjectRef): Promise<void>;
  mergePatch(ref: ObjectRef, patch: object): Promise<KubeObject>;
  jsonPatch(ref: ObjectRef, ops: readonly JsonPatchOp[]): Promise<KubeObject>;
}

export const pathOf = (ref: ObjectRef) => objectPath(ref.resource, ref.namespace, ref.name) + (ref.status ? '/status' : '');
