// The plain tables `status` and `reconcile` print: columns padded to their widest cell, but
// long names capped (shortened in the middle, so both the start and the distinguishing end
// stay), and the last column never padded, so one long name does not widen every row.

export interface TableOptions {
  /** The widest each column may be; longer cells are shortened with an ellipsis. Undefined: no cap. */
  max?: readonly (number | undefined)[];
  /** Colours a cell once it is padded (the gaps stay plain). */
  paint?: (text: string, row: number, column: number) => string;
}

/** Caps for NAMESPACE and NAME, the first two columns of every listing: wide enough for most names. */
export const NAME_CAPS = [30, 40] as const;

const GAP = '   ';
const ELLIPSIS = '…';

/** `text` in at most `width` characters: whole, or its start and end around an ellipsis. */
export function capText(text: string, width: number): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return ELLIPSIS.slice(0, width);
  const head = Math.ceil((width - 1) / 2);
  const tail = width - 1 - head;
  return chars.slice(0, head).join('') + ELLIPSIS + (tail > 0 ? chars.slice(-tail).join('') : '');
}

const length = (s: string) => [...s].length;

/** The header and rows as lines (each ending with a newline). */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], o: TableOptions = {}): string {
  const capped = [header, ...rows].map((cells) => cells.map((cell, c) => (o.max?.[c] === undefined ? cell : capText(cell, o.max[c]!))));
  const last = header.length - 1;
  const widths = header.map((_, c) => Math.max(...capped.map((cells) => length(cells[c] ?? ''))));
  const lines = capped.map((cells, r) =>
    cells
      .map((cell, c) => {
        const padded = c === last ? cell : cell + ' '.repeat(widths[c] - length(cell));
        return r > 0 && o.paint ? o.paint(padded, r - 1, c) : padded;
      })
      .join(GAP)
      .trimEnd(),
  );
  return lines.join('\n') + '\n';
}
