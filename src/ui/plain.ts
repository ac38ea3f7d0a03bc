// The dashboard as one plain table, for when stdout is not a terminal (a pipe, CI):
// every column at full width, no colour, sorted like kubectl get.
import { cellsOf, GAP, headerCells, type CellId, type Cells } from './columns.js';
import type { ApiRow } from './row.js';
import { sortRows } from './table-model.js';

const ORDER: CellId[] = ['namespace', 'component', 'name', 'type', 'path', 'url', 'ready', 'routing', 'metrics', 'age'];

export function plainTable(rows: readonly ApiRow[], now: number): string {
  if (rows.length === 0) return 'No ExposedAPIs found.\n';
  const lines: Cells[] = [headerCells(), ...sortRows(rows, 'namespace').map((r) => cellsOf(r, now))];
  const widths = ORDER.map((id) => Math.max(...lines.map((l) => l[id].length)));
  return lines.map((l) => ORDER.map((id, i) => l[id].padEnd(widths[i])).join(GAP).trimEnd()).join('\n') + '\n';
}
