// What `status` reports per API, from the live ExposedAPI status only (what the Canvas
// and its users see): URL, READY, and when the API is not ready, why. READY is the one
// definition (docs/commands.md#ready), read from a status that describes the current spec.
import type { Condition, ExposedAPI } from '../reconcile/types.js';

export interface StatusItem {
  namespace: string;
  name: string;
  url?: string;
  /** READY: the Ready condition is True and describes the current generation. */
  ready: boolean;
  /** status.implementation.ready: the implementation's Service has ready endpoints. */
  implementationReady: boolean;
  /** Why the API is not ready (CamelCase); absent once it is. */
  reason?: string;
  message?: string;
  conditions: Condition[];
}

function whyNot(api: ExposedAPI, url: string | undefined, implementationReady: boolean): { reason: string; message: string } | undefined {
  const status = api.status;
  const conditions = status?.conditions ?? [];
  if (!status?.apiStatus && !status?.implementation && conditions.length === 0) {
    return { reason: 'NotReconciled', message: 'no status yet: is the operator running?' };
  }
  const readyCondition = conditions.find((c) => c.type === 'Ready');
  const observed = readyCondition?.observedGeneration;
  const generation = api.metadata.generation;
  if (observed !== undefined && generation !== undefined && observed < generation) {
    return { reason: 'StatusStale', message: `the status describes generation ${observed}, the spec is at generation ${generation}: the operator has not caught up` };
  }
  if (readyCondition) return readyCondition.status === 'True' ? undefined : { reason: readyCondition.reason, message: readyCondition.message };
  // No Ready condition (the Python operator writes none): the same definition, from the fields it does write.
  if (url === undefined) return { reason: 'NoURL', message: 'the API has no URL yet' };
  if (!implementationReady) return { reason: 'ImplementationNotReady', message: 'status.implementation.ready is false' };
  return undefined;
}

export function statusItem(api: ExposedAPI): StatusItem {
  const url = api.status?.apiStatus?.url;
  const implementationReady = api.status?.implementation?.ready === true;
  const why = whyNot(api, url, implementationReady);
  const item: StatusItem = { namespace: api.metadata.namespace ?? '', name: api.metadata.name, ready: why === undefined, implementationReady, conditions: api.status?.conditions ?? [] };
  if (url !== undefined) item.url = url;
  if (why) Object.assign(item, why);
  return item;
}
