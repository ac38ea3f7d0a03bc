// The table's columns: each row's cells as text, and widths that fit the terminal.
// Wide columns shrink first (down to a minimum), then the least useful ones are dropped,
// so a narrow terminal gets fewer, truncated columns and never a wrapped line.
import type { ApiRow } from './row.js';

export type CellId = 'namespace' | 'component' | 'name' | 'type' | 'path' | 'url' | 'ready' | 'routing' | 'metrics' | 'age';
export type Cells = Record<CellId, string>;

interface Spec {
  id: CellId;
  title: string;
  /** Narrower than this, a column is dropped rather than cut further (while any can be). */
  min: number;
  max: number;
  /** Dropped when space runs out, lowest first; columns without it always stay. */
  drop?: number;
  /** Columns giving up width first have the lowest (PATH repeats the end of the URL); 2: cut only once nothing is left to drop. */
  give: number;
}

const SPECS: Spec[] = [
  { id: 'namespace', title: 'NAMESPACE', min: 10, max: 20, drop: 5, give: 1 },
  { id: 'component', title: 'COMPONENT', min: 8, max: 16, drop: 2, give: 1 },
  { id: 'name', title: 'NAME', min: 16, max: 32, give: 2 },
  { id: 'type', title: 'TYPE', min: 7, max: 11, drop: 1, give: 1 },
  { id: 'path', title: 'PATH', min: 12, max: 40, drop: 4, give: 0 },
  { id: 'url', title: 'URL', min: 16, max: 72, give: 2 },
  { id: 'ready', title: 'READY', min: 5, max: 5, give: 1 }, // docs/commands.md#ready
  { id: 'routing', title: 'ROUTING', min: 8, max: 16, drop: 6, give: 1 },
  { id: 'metrics', title: 'METRICS', min: 7, max: 16, drop: 3, give: 1 },
  { id: 'age', title: 'AGE', min: 3, max: 5, drop: 7, give: 1 },
];

/** How far any column may shrink once nothing is left to drop (a very narrow terminal). */
const LAST_RESORT_MIN = 4;

export const GAP = '  ';

export interface Column {
  id: CellId;
  title: string;
  width: number;
}

export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

export function cellsOf(row: ApiRow, now: number): Cells {
  return {
    namespace: row.namespace,
    component: row.component,
    name: row.name,
    type: row.type,
    path: row.path,
    url: row.url ?? '<pending>',
    ready: row.ready ? 'true' : 'false',
    routing: row.routing,
    metrics: row.metrics,
    age: formatAge(now - row.changedAt),
  };
}

const totalWidth = (columns: readonly Column[]) => columns.reduce((sum, c) => sum + c.width, 0) + GAP.length * Math.max(0, columns.length - 1);

/**
 * Columns fitting `width` for these cells. Ages are not measured (they change every
 * second); every other column is as wide as its widest cell, within its bounds.
 */
export function layoutColumns(cells: readonly Cells[], width: number): Column[] {
  const natural = new Map<CellId, number>();
  for (const spec of SPECS) {
    let widest = spec.id === 'age' ? spec.max : spec.title.length;
    for (const c of cells) widest = Math.max(widest, c[spec.id].length);
    natural.set(spec.id, Math.min(spec.max, Math.max(spec.min, widest)));
  }
  // Rows from several namespaces (-A) may share a name: the namespace then tells them apart and stays.
  const severalNamespaces = new Set(cells.map((c) => c.namespace)).size > 1;
  const droppable = (s: Spec) => s.drop !== undefined && !(s.id === 'namespace' && severalNamespaces);
  const dropOrder = SPECS.filter(droppable).sort((a, b) => a.drop! - b.drop!);
  let specs = SPECS;
  // Name and URL stay whole while a less useful column can go instead.
  for (const dropped of [undefined, ...dropOrder]) {
    if (dropped) specs = specs.filter((s) => s !== dropped);
    const columns = shrink(specs, natural, width, (s) => (s.give >= 2 ? Infinity : s.min));
    if (totalWidth(columns) <= width) return columns;
  }
  const tight = shrink(specs, natural, width, (s) => s.min);
  return totalWidth(tight) <= width ? tight : shrink(specs, natural, width, (s) => Math.min(s.min, LAST_RESORT_MIN));
}

/** Takes one character at a time from the widest column, among those that give first, that can still give one. */
function shrink(specs: readonly Spec[], natural: Map<CellId, number>, width: number, floor: (s: Spec) => number): Column[] {
  const columns = specs.map((s) => ({ id: s.id, title: s.title, width: natural.get(s.id)!, min: Math.min(floor(s), natural.get(s.id)!), give: s.give }));
  let excess = totalWidth(columns) - width;
  while (excess > 0) {
    const widest = columns.filter((c) => c.width > c.min).sort((a, b) => a.give - b.give || b.width - a.width)[0];
    if (!widest) break;
    widest.width--;
    excess--;
  }
  return columns.map(({ id, title, width: w }) => ({ id, title, width: w }));
}

/** Exactly `width` characters: padded, or cut with an ellipsis. */
export function fit(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text + ' '.repeat(width - chars.length);
  return chars.slice(0, width - 1).join('') + '…';
}

export function formatLine(cells: Cells | Record<CellId, string>, columns: readonly Column[]): string {
  return columns.map((c) => fit(cells[c.id], c.width)).join(GAP);
}

export const headerCells = (): Cells => Object.fromEntries(SPECS.map((s) => [s.id, s.title])) as Cells;
