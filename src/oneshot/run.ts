// The one-shot reconcile: load the cluster with a bounded number of LISTs, run the
// engine for every selected API, carry out its plan (or dry-run it), and report.
import { reconcile } from '../reconcile/index.js';
import type { Action, Condition, ExposedAPI, Outcome, Settings } from '../reconcile/types.js';
import { ApiError, ConnectionError, KubeClient } from '../kube/client.js';
import { discover } from '../kube/discovery.js';
import { Change, DryRun, Executor } from '../kube/executor.js';
import { loadStores, Scope, Unreadable } from '../kube/load.js';
import { Store } from '../kube/store.js';
import { StoreView } from '../kube/view.js';
import { isMetricsApi } from '../reconcile/index.js';

export interface RunOptions {
  settings: Settings;
  scope: Scope;
  /** Only these API names (in any namespace in scope); all when empty. */
  names: string[];
  dryRun: DryRun;
  /** Called after each API, for a progress indicator. */
  onProgress?: (done: number, total: number) => void;
}

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

export interface RunReport {
  apis: ApiReport[];
  /** Objects changed by the run, keyed `group.version.Kind.namespace.name` (for the diff). */
  changes: Map<string, Change>;
  /** Names asked for that do not exist in scope. */
  missing: string[];
}

/** At most this many engine passes per API: children first, then the status that mentions them. */
const MAX_PASSES = 3;
/** APIs reconciled at once: enough to keep the API server busy without flooding it. */
const PARALLEL = 8;

export async function runOnce(client: KubeClient, options: RunOptions): Promise<RunReport> {
  const caps = await discover(client);
  const { stores, unreadable } = await loadStores(client, caps, options.settings.metricsMode, options.scope);
  const view = new StoreView(stores, caps, options.settings);
  const executor = new Executor(client, stores, { component: caps.componentStatusSubresource }, options.dryRun);

  const inScope = stores.exposedApis.list().filter((a) => options.scope.matches(a.metadata.namespace!));
  const selected = options.names.length ? inScope.filter((a) => options.names.includes(a.metadata.name)) : inScope;
  selected.sort((a, b) => Store.keyOf(a).localeCompare(Store.keyOf(b)));
  const missing = options.names.filter((n) => !selected.some((a) => a.metadata.name === n));

  const changes = new Map<string, Change>();
  const apis: ApiReport[] = new Array(selected.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < selected.length) {
      const i = next++;
      apis[i] = await reconcileOne(selected[i], view, executor, options.settings, unreadable, changes);
      options.onProgress?.(++done, selected.length);
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return { apis, changes, missing };
}

async function reconcileOne(
  api: ExposedAPI,
  view: StoreView,
  executor: Executor,
  settings: Settings,
  unreadable: Unreadable,
  changes: Map<string, Change>,
): Promise<ApiReport> {
  const ns = api.metadata.namespace!;
  const blocked = blockedBy(api, settings, unreadable);
  const base = { namespace: ns, name: api.metadata.name };
  if (blocked) return { ...base, ready: false, outcome: 'error', actions: [], conditions: api.status?.conditions ?? [], message: blocked };

  const done: Action[] = [];
  // invalid, conflict, error or deleted, as the engine judged it; otherwise what was written says it.
  let verdict: Outcome | undefined;
  let result;
  try {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const current = view.stores.exposedApis.get(ns, api.metadata.name) ?? api;
      result = reconcile(current, view, settings, new Date());
      if (VERDICTS.includes(result.outcome)) verdict ??= result.outcome;
      if (result.actions.length === 0) break;
      for (const action of result.actions) {
        const change = await executor.execute(current, action);
        if (change) record(changes, change);
        done.push(action);
      }
    }
  } catch (err) {
    if (err instanceof ConnectionError) throw err;
    const message = err instanceof ApiError ? describeApiError(err) : (err as Error).message;
    return { ...base, ready: false, outcome: 'error', actions: done.map(describeAction), conditions: result?.status.conditions ?? [], message };
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
  };
}

const VERDICTS: Outcome[] = ['invalid', 'conflict', 'error', 'deleted'];

/** The most specific failing condition's message: routing and metrics say more than Ready. */
function explain(conditions: Condition[]): string | undefined {
  return ['Routed', 'MetricsConfigured', 'Ready'].map((type) => conditions.find((c) => c.type === type && c.status === 'False')).find(Boolean)?.message;
}

/** A reason this API cannot be reconciled because something it needs could not be read. */
function blockedBy(api: ExposedAPI, settings: Settings, unreadable: Unreadable): string | undefined {
  const needs = ['services', 'endpointslices', 'virtualservices', 'gateways'];
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

export const changeKey = (o: { apiVersion: string; kind: string; metadata: { namespace?: string; name: string } }) => {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  return [group, version, o.kind, o.metadata.namespace ?? '', o.metadata.name].filter(Boolean).join('.');
};

/** Keeps the first `before` and the last `after` of every object touched. */
function record(changes: Map<string, Change>, change: Change): void {
  const object = change.after ?? change.before;
  if (!object) return;
  const key = changeKey(object);
  const previous = changes.get(key);
  changes.set(key, { before: previous ? previous.before : change.before, after: change.after });
}
