// The API table: a header and the window of rows around the selection, each row one
// line exactly as wide as the layout, coloured by state, the selected one inverted.
import { Text } from 'ink';
import { cellsOf, formatLine, headerCells, type Column } from '../columns.js';
import type { ApiRow, RowState } from '../row.js';
import { windowStart } from '../table-model.js';

export const STATE_COLOUR: Record<RowState, string> = { ready: 'green', pending: 'yellow', error: 'red' };

export interface TableProps {
  rows: readonly ApiRow[];
  columns: readonly Column[];
  selected: number;
  /** Lines available, the header included. */
  height: number;
  now: number;
  empty: string;
}

export function Table({ rows, columns, selected, height, now, empty }: TableProps) {
  const visible = Math.max(0, height - 1);
  const start = windowStart(rows.length, selected, visible);
  const shown = rows.slice(start, start + visible);
  return (
    <>
      <Text bold wrap="truncate">
        {formatLine(headerCells(), columns)}
      </Text>
      {shown.length === 0 ? (
        <Text color="gray" wrap="truncate">
          {empty}
        </Text>
      ) : (
        shown.map((row, i) => (
          <Text key={row.key} color={STATE_COLOUR[row.state]} inverse={start + i === selected} wrap="truncate">
            {formatLine(cellsOf(row, now), columns)}
          </Text>
        ))
      )}
    </>
  );
}
