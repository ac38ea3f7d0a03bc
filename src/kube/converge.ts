// Brings one ExposedAPI to its desired state: runs the engine, carries out its plan, and
// runs it again until nothing is left to do (children first, then the status that names
// them). Shared by the one-shot command and the watch runtime; knows nothing of either.
// It says one thing in words, why an API did not converge (the log, the Warning Event and
// the report all give that line); the report itself is cli/converged.ts.
// The Events of all passes are folded into one Normal Event (and each distinct Warning)
// and handed to the executor last, which records them in the background: no write waits.
import { foldEvents, isMetricsApi, reconcile, type EventAction } from '../reconcile/index.js';
import type { Action, ExposedAPI, ExposedAPIStatus, Outcome, Plan, Settings } from '../reconcile/types.js';
import type { Result } from '../runtime/queue.js';
import { ApiError } from './client.js';
import type { Change, Executor } from './executor.js';
import type { Unreadable } from './load.js';
import type { StoreView } from './view.js';

/**
 * What converging one API did. It is the work queue's Result (error, requeueAfterMs) and
 * what the one-shot report is made of. A failure is returned as `error`, never thrown: the
 * watch mode's queue retries it after a backoff, the one-shot reports it and goes on with
 * the other APIs (controller-runtime's (Result, error), as one value).
 */
export interface Converged extends Result {
  namespace: string;
  name: string;
  /** The engine's judgement of the first plan (which saw the whole difference); `error` when carrying it out failed, `deleted` when the API went meanwhile. */
  outcome: Outcome;
  /** Why the API is invalid or in conflict, in the engine's words. */
  message?: string;
  /** The status the engine wants the API to have (after a failure, possibly not written). */
  status: ExposedAPIStatus;
  /** The actions carried out (or dry-run), in order; the Events last, folded as they are recorded. */
  done: Action[];
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
  const base = { namespace: api.metadata.namespace!, name: api.metadata.name };
  const blocked = ctx.unreadable && blockedBy(api, settings, ctx.unreadable);
  if (blocked) return { ...base, outcome: 'error', status: api.status ?? {}, done: [], error: new Error(blocked) };

  const done: Action[] = [];
  const events: EventAction[] = [];
  const record = async (facts: readonly EventAction[]) => {
    const current = view.stores.exposedApis.get(base.namespace, base.name) ?? api;
    for (const event of foldEvents(facts)) {
      await executor.execute(current, event);
      done.push(event);
    }
  };
  let first: Plan | undefined;
  let last: Plan | undefined;
  let acting: Action | undefined;
  try {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const current = view.stores.exposedApis.get(base.namespace, base.name) ?? api;
      last = reconcile(current, view, settings, new Date());
      first ??= last;
      if (last.actions.length === 0) break;
      for (const action of last.actions.slice(0, last.replanAfter)) {
        if (action.type === 'event') {
          events.push(action);
          continue;
        }
        acting = action;
        const change = await executor.execute(current, action);
        if (change) ctx.onChange?.(change);
        done.push(action);
      }
    }
  } catch (error) {
    // The API was deleted under us (our cache had not heard yet): nothing is left to do or retry.
    if (acting && isGone(error, acting)) return { ...base, outcome: 'deleted', status: {}, done };
    // What was written before the failure is still said.
    await record(events);
    return { ...base, outcome: 'error', status: last?.status ?? api.status ?? {}, done, error };
  }
  await record(events);
  const converged: Converged = { ...base, outcome: first!.outcome, status: last!.status, done };
  if (first!.message !== undefined) converged.message = first!.message;
  if (last!.requeueAfterMs !== undefined) converged.requeueAfterMs = last!.requeueAfterMs;
  return converged;
}

/** A 404 writing the ExposedAPI itself (its status or finalizers): it no longer exists. */
const isGone = (err: unknown, action: Action) =>
  err instanceof ApiError && err.status === 404 && ['writeStatus', 'addFinalizer', 'removeFinalizer'].includes(action.type);

/** A reason this API cannot be reconciled because something it needs could not be read. */
function blockedBy(api: ExposedAPI, settings: Settings, unreadable: Unreadable): string | undefined {
  // Not gateways: unreadable, an API is routed to the configured name, unverified.
  const route = settings.router === 'httproute' ? 'httproutes.gateway.networking.k8s.io' : 'virtualservices.networking.istio.io';
  const needs = ['services', 'endpointslices.discovery.k8s.io', route];
  if (isMetricsApi(String(api.spec.apiType))) needs.push(settings.metricsMode === 'ServiceMonitor' ? 'servicemonitors.monitoring.coreos.com' : 'pods');
  return needs.map((k) => unreadable.get(k)).find(Boolean);
}

/** Why an API did not converge, on one line: what failed, else the engine's reason. */
export function reasonOf(c: Converged): string | undefined {
  if (c.error === undefined) return c.message;
  if (c.error instanceof ApiError) return describeApiError(c.error);
  return c.error instanceof Error ? c.error.message : String(c.error);
}

function describeApiError(err: ApiError): string {
  if (err.status === 403) return `forbidden: ${err.message}`;
  return `${err.method} ${err.path}: ${err.status} ${err.message}`;
}
