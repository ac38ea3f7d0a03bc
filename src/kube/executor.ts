// Carries out the engine's actions against the API server: for real, as a server-side
// dry run (dryRun=All), or locally for a client-side dry run. Every write's result is put
// back into the stores, so a following engine pass sees it (e.g. the new VirtualService's
// uid for the status). Returns the object before and after, for the diff.
import type { Action, ExposedAPI, KubeObject } from '../reconcile/types.js';
import { FIELD_MANAGER } from '../reconcile/index.js';
import { ApiError, isNotFound, KubeClient } from './client.js';
import { applyJsonPatch, applyLocally, applyMergePatch, JsonPatchOp, mergePatchBetween } from './patch.js';
import { COMPONENT, collectionPath, EVENT, EXPOSED_API, objectPath, POD, resourceFor } from './resources.js';
import type { Stores } from './view.js';

export type DryRun = 'none' | 'client' | 'server';

/** One object as it was and as it is (or would be) after an action. */
export interface Change {
  before?: KubeObject;
  after?: KubeObject;
}

const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

export class Executor {
  constructor(
    private readonly client: KubeClient,
    private readonly stores: Stores,
    private readonly statusSubresource: { component: boolean },
    readonly dryRun: DryRun,
  ) {}

  private get query() {
    return this.dryRun === 'server' ? { dryRun: 'All' } : {};
  }

  async execute(api: ExposedAPI, action: Action): Promise<Change | undefined> {
    const ns = api.metadata.namespace!;
    switch (action.type) {
      case 'apply': {
        const { object } = action;
        const path = objectPath(resourceFor(object.apiVersion, object.kind), ns, object.metadata.name);
        const store = object.kind === 'VirtualService' ? this.stores.virtualServices : this.stores.serviceMonitors;
        const before = store.get(ns, object.metadata.name);
        const after =
          this.dryRun === 'client'
            ? (applyLocally(before ?? {}, object) as KubeObject)
            : await this.client.apply<KubeObject>(path, object, FIELD_MANAGER, this.dryRun === 'server');
        store.upsert(after);
        return { before, after };
      }
      case 'delete': {
        const store = action.kind === 'VirtualService' ? this.stores.virtualServices : this.stores.serviceMonitors;
        const before = store.get(action.namespace, action.name);
        if (this.dryRun !== 'client') {
          const path = objectPath(resourceFor(action.apiVersion, action.kind), action.namespace, action.name);
          await this.client.request('DELETE', path, { query: this.query }).catch((err) => {
            if (!isNotFound(err)) throw err;
          });
        }
        store.remove(action.namespace, action.name);
        return { before };
      }
      case 'annotatePod': {
        const before = this.stores.pods.get(action.namespace, action.name);
        const patch = { metadata: { annotations: action.annotations } };
        const after = await this.patch(objectPath(POD, action.namespace, action.name), before, patch);
        this.stores.pods.upsert(after);
        return { before, after };
      }
      case 'writeStatus': {
        const current = this.current(api);
        const statusPatch = mergePatchBetween(current.status ?? {}, action.status);
        if (statusPatch === undefined) return undefined;
        const path = objectPath(EXPOSED_API, ns, api.metadata.name) + (action.subresource ? '/status' : '');
        return this.updateApi(current, await this.patch(path, current, { status: statusPatch }));
      }
      case 'addFinalizer':
      case 'removeFinalizer': {
        const current = this.current(api);
        const others = (current.metadata.finalizers ?? []).filter((f) => f !== action.finalizer);
        const finalizers = action.type === 'addFinalizer' ? [...others, action.finalizer] : others;
        // resourceVersion makes this an optimistic update: a concurrent finalizer change fails with 409 and is retried.
        const patch = { metadata: { finalizers, resourceVersion: current.metadata.resourceVersion } };
        return this.updateApi(current, await this.patch(objectPath(EXPOSED_API, ns, api.metadata.name), current, patch));
      }
      case 'patchComponent': {
        const before = this.stores.components.get(action.namespace, action.name);
        const base = `/status/${action.list}/${action.index}`;
        const ops: JsonPatchOp[] = [{ op: 'test', path: `${base}/uid`, value: action.uid }];
        for (const [field, value] of Object.entries(action.entry)) {
          if (value !== undefined) ops.push({ op: 'add', path: `${base}/${field}`, value });
        }
        for (const field of action.remove ?? []) ops.push({ op: 'remove', path: `${base}/${field}` });
        const path = objectPath(COMPONENT, action.namespace, action.name) + (this.statusSubresource.component ? '/status' : '');
        const after =
          this.dryRun === 'client'
            ? (applyJsonPatch(before, ops) as KubeObject)
            : await this.client.request<KubeObject>('PATCH', path, { body: ops, contentType: JSON_PATCH, query: this.query });
        this.stores.components.upsert(after);
        return { before, after };
      }
      case 'event':
        if (this.dryRun === 'none') await this.recordEvent(api, action);
        return undefined;
    }
  }

  /** The freshest copy of the API we have (earlier actions may have changed it). */
  private current(api: ExposedAPI): ExposedAPI {
    return this.stores.exposedApis.get(api.metadata.namespace!, api.metadata.name) ?? api;
  }

  private updateApi(before: ExposedAPI, after: KubeObject): Change {
    this.stores.exposedApis.upsert(after as ExposedAPI);
    return { before, after };
  }

  private async patch(path: string, before: KubeObject | undefined, patch: object): Promise<KubeObject> {
    if (this.dryRun === 'client') return applyMergePatch(before ?? {}, patch) as KubeObject;
    return this.client.request<KubeObject>('PATCH', path, { body: patch, contentType: MERGE, query: this.query });
  }

  private async recordEvent(api: ExposedAPI, event: Extract<Action, { type: 'event' }>): Promise<void> {
    const now = new Date().toISOString();
    const ns = api.metadata.namespace!;
    await this.client
      .request('POST', collectionPath(EVENT, ns), {
        body: {
          apiVersion: 'v1',
          kind: 'Event',
          metadata: { generateName: `${api.metadata.name}.`, namespace: ns },
          involvedObject: { apiVersion: api.apiVersion, kind: api.kind, name: api.metadata.name, namespace: ns, uid: api.metadata.uid },
          type: event.eventType,
          reason: event.reason,
          message: event.message,
          source: { component: FIELD_MANAGER },
          reportingComponent: FIELD_MANAGER,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      })
      .catch((err) => {
        // An Event is a courtesy: failing to record one must not fail the reconcile.
        if (!(err instanceof ApiError)) throw err;
      });
  }
}
