// What `status` reports per API, from the live ExposedAPI status only (what the Canvas
// and its users see): URL, readiness, and when the API is not usable yet, why. An API is
// usable once it has a URL, its implementation is ready and its status is current.
import type { Condition, ExposedAPI } from '../reconcile/types.js';

export interface StatusItem {
  namespace: string;
  name: string;
  url?: string;
  /** status.implementation.ready */
  ready: boolean;
  /** Why the API is not usable yet (CamelCase); absent once it is. */
  reason?: string;
  message?: string;
  conditions: Condition[];
}

export const isAvailable = (item: StatusItem): boolean => item.reason === undefined;

function whyNot(api: ExposedAPI, url: string | undefined, ready: boolean): { reason: string; message: string } | undefined {
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
  if (url !== undefined && ready) return undefined;
  if (readyCondition?.status === 'False') return { reason: readyCondition.reason, message: readyCondition.message };
  if (url === undefined) return { reason: 'NoURL', message: 'the API has no URL yet' };
  return { reason: 'ImplementationNotReady', message: 'status.implementation.ready is false' };
}

export function statusItem(api: ExposedAPI): StatusItem {
  const url = api.status?.apiStatus?.url;
  const ready = api.status?.implementation?.ready === true;
  const item: StatusItem = { namespace: api.metadata.namespace ?? '', name: api.metadata.name, ready, conditions: api.status?.conditions ?? [] };
  if (url !== undefined) item.url = url;
  const why = whyNot(api, url, ready);
  if (why) Object.assign(item, why);
  return item;
}
