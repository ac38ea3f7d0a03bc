// One dashboard row per ExposedAPI: what the engine says the API's status is (which is the
// live status whenever the cluster is in sync) plus whether the cluster still differs
// from the engine's plan. Pure: the status store calls it on cached objects.
import { isReady, parentComponentName, reconcile } from '../reconcile/index.js';
import type { ClusterView, Condition, ExposedAPI, Outcome, Plan, Settings } from '../reconcile/types.js';

export type RowState = 'ready' | 'pending' | 'error';

export interface ApiRow {
  /** namespace/name */
  key: string;
  namespace: string;
  name: string;
  /** The owning Component, or '-'. */
  component: string;
  type: string;
  path: string;
  url?: string;
  /** READY (docs/commands.md#ready): the Ready condition is True. */
  ready: boolean;
  /** `routed`, `conflict`, or the reason the API is not routed. */
  routing: string;
  /** `ok`, the reason metrics are not configured, or '-' for APIs without metrics. */
  metrics: string;
  state: RowState;
  /** Why the API is not ready or in error. */
  reason?: string;
  /** False while the engine still has writes to make (children, status or Component entry). */
  inSync: boolean;
  /** When the row last changed (ms since the epoch). */
  changedAt: number;
}

export type RowFields = Omit<ApiRow, 'changedAt'>;

const find = (conditions: readonly Condition[], type: string) => conditions.find((c) => c.type === type);
const text = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : v === undefined || v === null ? fallback : String(v));

function routingOf(routed: Condition | undefined, outcome: Outcome): string {
  if (routed?.status === 'True') return 'routed';
  if (routed?.reason === 'Conflict') return 'conflict';
  if (routed) return routed.reason;
  return outcome === 'invalid' ? 'invalid' : '-';
}

function metricsOf(condition: Condition | undefined): string {
  if (!condition) return '-';
  return condition.status === 'True' ? 'ok' : condition.reason;
}

/** The row for an API from the engine's result on the same view. */
export function rowFromResult(api: ExposedAPI, result: Plan): RowFields {
  const conditions = result.status.conditions ?? [];
  const ready = find(conditions, 'Ready');
  const routed = find(conditions, 'Routed');
  const metrics = find(conditions, 'MetricsConfigured');
  // An HTTPRoute waiting for its Gateway's controller is on its way, not broken.
  const failed = [routed, metrics].find((c) => c?.status === 'False' && c.reason !== 'Pending');
  const broken = ['invalid', 'conflict', 'error'].includes(result.outcome) || failed !== undefined;
  const isApiReady = isReady(result.status);

  let state: RowState = broken ? 'error' : isApiReady ? 'ready' : 'pending';
  let reason = state === 'ready' ? undefined : (failed ?? (routed?.status === 'False' ? routed : ready))?.message;
  if (result.outcome === 'deleted') {
    state = 'pending';
    reason = 'being deleted';
  }
  const row: RowFields = {
    key: `${result.namespace}/${result.name}`,
    namespace: result.namespace,
    name: result.name,
    component: parentComponentName(api) ?? '-',
    type: text(api.spec?.apiType, '-'),
    path: text(api.spec?.path, '-'),
    ready: isApiReady,
    routing: routingOf(routed, result.outcome),
    metrics: metricsOf(metrics),
    state,
    inSync: !result.actions.some((a) => a.type !== 'event'),
  };
  const url = result.status.apiStatus?.url;
  if (url !== undefined) row.url = url;
  if (reason !== undefined) row.reason = reason;
  return row;
}

export function computeRow(api: ExposedAPI, view: ClusterView, settings: Settings, now: Date): RowFields {
  return rowFromResult(api, reconcile(api, view, settings, now));
}

/** When an API last changed, as far as its object tells: its newest condition transition, else its creation. */
export function lastChangeOf(api: ExposedAPI, now: number): number {
  const times = (api.status?.conditions ?? []).map((c) => Date.parse(c.lastTransitionTime)).filter((t) => !Number.isNaN(t));
  const created = Date.parse(api.metadata.creationTimestamp ?? '');
  const newest = Math.max(...times, Number.isNaN(created) ? 0 : created);
  return newest > 0 ? newest : now;
}
