// How the terminal's height is shared: two header lines, the body (table or pane), a log
// pane when there is something to log, and a footer. The frame stays one line shorter
// than the terminal: a frame as tall as the screen makes Ink clear it on every redraw.

export interface FrameLayout {
  /** Lines for the table (its header included) or the open pane (its title included). */
  body: number;
  /** Log lines shown (0: no log pane). */
  log: number;
}

const HEADER = 2;
const FOOTER = 1;
const MAX_LOG = 4;
/** Below this the log pane gives its lines to the table. */
const ROOM_FOR_LOG = 12;

export function frameLayout(terminalRows: number, logLines: number): FrameLayout {
  const height = Math.max(HEADER + FOOTER + 1, terminalRows - 1);
  const room = height - HEADER - FOOTER;
  const log = room >= ROOM_FOR_LOG ? Math.min(logLines, MAX_LOG) : 0;
  // The log pane has a title line of its own.
  return { body: Math.max(1, room - (log > 0 ? log + 1 : 0)), log };
}
