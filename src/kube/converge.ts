// Brings one ExposedAPI to its desired state: runs the engine, carries out its plan, and
// runs it again until nothing is left to do (children first, then the status that names
// them). Shared by the one-shot command and the watch runtime; knows nothing of either.
import { isMetricsApi, reconcile } from '../reconcile/index.js';
import type { Action, Condition, ExposedAPI, Outcome, Settings } from '../reconcile/types.js';
import { ApiError } from './client.js';
import type { Change, Executor } from './executor.js';
import type { Unreadable } from './load.js';
import type { StoreView } from './view.js';

export interface ApiReport {
  namespace: string;
  name: string;
  url?: string;
  ready: boolean;
  outcome: Outcome;
  /** Human-readable summary of what was (or would be) done. */
  actions: string[];
  conditions: Condition[];
  /** Why the API is invalid, in conflict or failed. */
  message?: string;
}

export interface Converged extends ApiReport {
  /** The error that stopped the plan, if one did (the caller decides whether to retry). */
  failure?: unknown;
  /** Come back after this long even if nothing changes. */
  requeueAfterMs?: number;
}

export interface ConvergeContext {
  view: StoreView;
  executor: Executor;
  settings: Settings;
  /** Kinds that could not be read: APIs that need them fail with the reason. */
  unreadable?: Unreadable;
  /** Told about every object written (or that would be, in a dry run). */
  onChange?: (change: Change) => void;
}

/** At most this many engine passes per API: children first, then the status that mentions them. */
const MAX_PASSES = 3;

export async function converge(api: ExposedAPI, ctx: ConvergeContext): Promise<Converged> {
  const { view, executor, settings } = ctx;
  const ns = api.metadata.namespace!;
  const blocked = ctx.unreadable && blockedBy(api, settings, ctx.unreadable);
  const base = { namespace: ns, name: api.metadata.name };
  if (blocked) return { ...base, ready: false, outcome: 'error', actions: [], conditions: api.status?.conditions ?? [], message: blocked };

  const done: Action[] = [];
  // invalid, conflict, error or deleted, as the engine judged it; otherwise what was written says it.
  let verdict: Outcome | undefined;
  let result;
  let acting: Action | undefined;
  try {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const current = view.stores.exposedApis.get(ns, api.metadata.name) ?? api;
      result = reconcile(current, view, settings, new Date());
      if (VERDICTS.includes(result.outcome)) verdict ??= result.outcome;
      if (result.actions.length === 0) break;
      for (const action of result.actions.slice(0, result.replanAfter)) {
        acting = action;
        const change = await executor.execute(current, action);
        if (change) ctx.onChange?.(change);
        done.push(action);
      }
    }
  } catch (err) {
    // The API was deleted under us (our cache had not heard yet): nothing is left to do or retry.
    if (acting && isGone(err, acting)) return { ...base, ready: false, outcome: 'deleted', actions: done.map(describeAction), conditions: [] };
    const message = err instanceof ApiError ? describeApiError(err) : (err as Error).message;
    const conditions = result?.status.conditions ?? [];
    return { ...base, ready: false, outcome: 'error', actions: done.map(describeAction), conditions, message, failure: err };
  }
  const status = result!.status;
  const writes = done.filter((a) => a.type !== 'event');
  const outcome: Outcome =
    verdict ?? (writes.some((a) => a.type === 'apply' && a.change === 'create') ? 'created' : writes.length ? 'updated' : 'unchanged');
  return {
    ...base,
    url: status.apiStatus?.url,
    ready: status.implementation?.ready ?? false,
    outcome,
    actions: done.map(describeAction),
    conditions: status.conditions ?? [],
    message: verdict && verdict !== 'deleted' ? explain(status.conditions ?? []) : undefined,
    requeueAfterMs: result!.requeueAfterMs,
  };
}

const VERDICTS: Outcome[] = ['invalid', 'conflict', 'error', 'deleted'];

/** A 404 writing the ExposedAPI itself (its status or finalizers): it no longer exists. */
const isGone = (err: unknown, action: Action) =>
  err instanceof ApiError && err.status === 404 && ['writeStatus', 'addFinalizer', 'removeFinalizer'].includes(action.type);

/** The most specific failing condition's message: routing and metrics say more than Ready. */
function explain(conditions: Condition[]): string | undefined {
  return ['Routed', 'MetricsConfigured', 'Ready'].map((type) => conditions.find((c) => c.type === type && c.status === 'False')).find(Boolean)?.message;
}

/** A reason this API cannot be reconciled because something it needs could not be read. */
function blockedBy(api: ExposedAPI, settings: Settings, unreadable: Unreadable): string | undefined {
  // Not gateways: unreadable, an API is routed to the configured name, unverified.
  const needs = ['services', 'endpointslices', 'virtualservices'];
  if (isMetricsApi(String(api.spec.apiType))) needs.push(settings.metricsMode === 'ServiceMonitor' ? 'servicemonitors' : 'pods');
  return needs.map((k) => unreadable.get(k)).find(Boolean);
}

export function describeApiError(err: ApiError): string {
  if (err.status === 403) return `forbidden: ${err.message}`;
  return `${err.method} ${err.path}: ${err.status} ${err.message}`;
}

function describeAction(a: Action): string {
  switch (a.type) {
    case 'apply':
      return `${a.change === 'create' ? 'created' : 'updated'} ${a.object.kind} ${a.object.metadata.name}`;
    case 'delete':
      return `deleted ${a.kind} ${a.name}`;
    case 'annotatePod':
      return `annotated Pod ${a.name}`;
    case 'writeStatus':
      return 'updated status';
    case 'patchComponent':
      return `updated Component ${a.name} ${a.list}`;
    case 'addFinalizer':
      return 'added finalizer';
    case 'removeFinalizer':
      return 'removed finalizer';
    case 'event':
      return `event ${a.reason}`;
  }
}
