// The Executor's writes sent to the API server, for real or as a server dry run (dryRun=All).
import type { KubeObject } from '../reconcile/types.js';
import { FIELD_MANAGER } from '../reconcile/index.js';
import { isNotFound, KubeClient } from './client.js';
import type { JsonPatchOp } from './patch.js';
import { objectPath, resourceFor } from './resources.js';
import { pathOf, type ClusterWrites, type ObjectRef } from './writes.js';

const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

export class ApiServerWrites implements ClusterWrites {
  constructor(
    private readonly client: KubeClient,
    private readonly dryRun: boolean,
  ) {}

  private get query() {
    return this.dryRun ? { dryRun: 'All' } : {};
  }

  apply(object: KubeObject): Promise<KubeObject> {
    const path = objectPath(resourceFor(object.apiVersion, object.kind), object.metadata.namespace!, object.metadata.name);
    return this.client.apply<KubeObject>(path, object, FIELD_MANAGER, this.dryRun);
  }

  async delete(ref: ObjectRef): Promise<void> {
    await this.client.request('DELETE', pathOf(ref), { query: this.query }).catch((err) => {
      if (!isNotFound(err)) throw err;
    });
  }

  mergePatch(ref: ObjectRef, patch: object): Promise<KubeObject> {
    return this.client.request<KubeObject>('PATCH', pathOf(ref), { body: patch, contentType: MERGE, query: this.query });
  }

  jsonPatch(ref: ObjectRef, ops: readonly JsonPatchOp[]): Promise<KubeObject> {
    return this.client.request<KubeObject>('PATCH', pathOf(ref), { body: ops, contentType: JSON_PATCH, query: this.query });
  }
}
