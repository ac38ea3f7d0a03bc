// What the table shows of the store's rows: filtered, sorted, counted, and the window of
// rows that fits the terminal around the selection. Pure, so the view stays a thin layer.
import { naturalCompare } from '../runtime/natural-order.js';
import type { ApiRow, RowState } from './row.js';

export const SORTS = ['name', 'namespace', 'state', 'age'] as const;
export type SortKey = (typeof SORTS)[number];

export const nextSort = (sort: SortKey): SortKey => SORTS[(SORTS.indexOf(sort) + 1) % SORTS.length];

/** Rows whose name, namespace, `namespace/name` or path contains the text (case-insensitive). */
export function filterRows(rows: readonly ApiRow[], text: string): readonly ApiRow[] {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return rows;
  return rows.filter((r) => [`${r.namespace}/${r.name}`, r.path].some((s) => s.toLowerCase().includes(wanted)));
}

const compare = naturalCompare;
const STATE_ORDER: Record<RowState, number> = { error: 0, pending: 1, ready: 2 };

const BY: Record<SortKey, (a: ApiRow, b: ApiRow) => number> = {
  name: (a, b) => compare(a.name, b.name) || compare(a.namespace, b.namespace),
  namespace: (a, b) => compare(a.namespace, b.namespace) || compare(a.name, b.name),
  // Problems first: that is what someone sorting by state is looking for.
  state: (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || BY.name(a, b),
  // Most recent change first.
  age: (a, b) => b.changedAt - a.changedAt || BY.name(a, b),
};

export function sortRows(rows: readonly ApiRow[], sort: SortKey): ApiRow[] {
  return [...rows].sort(BY[sort]);
}

export interface Counts {
  total: number;
  ready: number;
  pending: number;
  error: number;
  outOfSync: number;
}

export function countRows(rows: readonly ApiRow[]): Counts {
  const counts: Counts = { total: rows.length, ready: 0, pending: 0, error: 0, outOfSync: 0 };
  for (const row of rows) {
    counts[row.state]++;
    if (!row.inSync) counts.outOfSync++;
  }
  return counts;
}

/** The index of the selected key among rows; if it is gone, the old index clamped. */
export function selectedIndex(keys: readonly string[], selectedKey: string | undefined, fallback: number): number {
  const found = selectedKey === undefined ? -1 : keys.indexOf(selectedKey);
  if (found >= 0) return found;
  return Math.max(0, Math.min(fallback, keys.length - 1));
}

/** First row of a window of `height` rows over `count`, keeping `selected` in the middle where possible. */
export function windowStart(count: number, selected: number, height: number): number {
  if (count <= height || height <= 0) return 0;
  return Math.max(0, Math.min(selected - Math.floor(height / 2), count - height));
}
