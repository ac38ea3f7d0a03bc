// The text of the dashboard's panes (details, help, diff) as lines, and the word wrap
// that keeps a pane exactly as tall as counted: the view only shows a window of them.
import type { Details } from './details.js';

export type Colour = 'green' | 'yellow' | 'red' | 'gray' | 'cyan';

export interface PaneLine {
  text: string;
  colour?: Colour;
  bold?: boolean;
}

export interface ApiEvent {
  type: string;
  reason: string;
  message: string;
  count: number;
  /** ISO time of the last occurrence. */
  last: string;
}

export type EventsState = { status: 'loading' } | { status: 'done'; events: ApiEvent[] } | { status: 'error'; message: string };

const CHILD_COLOUR = { matches: 'green', differs: 'yellow', missing: 'yellow', unwanted: 'yellow' } as const;

export function detailsLines(details: Details, events: EventsState): PaneLine[] {
  const lines: PaneLine[] = [];
  const heading = (text: string) => lines.push({ text: '' }, { text, bold: true });
  lines.push({ text: `URL          ${details.url ?? '<pending>'}` });
  if (details.developerUI) lines.push({ text: `developer UI ${details.developerUI}` });
  heading('Conditions');
  for (const c of details.conditions) {
    lines.push({ text: `${c.type.padEnd(20)}${c.status.padEnd(8)}${c.reason}: ${c.message}`, colour: c.status === 'True' ? 'green' : 'red' });
  }
  heading('Children (against the desired state)');
  for (const c of details.children) lines.push({ text: `${c.state.padEnd(10)}${c.what}`, colour: CHILD_COLOUR[c.state] });
  heading('Recent events');
  if (events.status === 'loading') lines.push({ text: 'loading…', colour: 'gray' });
  else if (events.status === 'error') lines.push({ text: `cannot read events: ${events.message}`, colour: 'red' });
  else if (events.events.length === 0) lines.push({ text: 'none', colour: 'gray' });
  else {
    for (const e of events.events) {
      const count = e.count > 1 ? ` (x${e.count})` : '';
      lines.push({ text: `${e.last.slice(11, 19)} ${e.type.padEnd(8)}${e.reason}: ${e.message}${count}`, colour: e.type === 'Warning' ? 'yellow' : undefined });
    }
  }
  return lines;
}

export const HELP: PaneLine[] = [
  { text: 'Keys', bold: true },
  { text: '↑ ↓ or j k     select an API (PgUp PgDn, g G: page, top, bottom)' },
  { text: 'enter          details: conditions, children against the desired state, events, URL' },
  { text: '/              filter by name, namespace or path, or namespace/name (enter keeps it, esc clears it)' },
  { text: 's              sort by name, namespace, state, age of the last change' },
  { text: 'd              diff: what a reconcile would change (server-side dry run)' },
  { text: 'r              reconcile the selected API now' },
  { text: '?              this help' },
  { text: 'q or esc       close a pane; in the table, esc clears a kept filter, then leaves; q leaves' },
  { text: '' },
  { text: 'Colours: green ready, yellow pending, red error.', colour: 'gray' },
];

/**
 * Lines no wider than width: long ones continue on the next line, indented, broken after
 * the last space that fits; a word longer than a line (a URL) is cut where the line ends.
 */
export function wrapLines(lines: readonly PaneLine[], width: number): PaneLine[] {
  if (width < 8) return [...lines];
  return lines.flatMap((line) => {
    let rest = [...line.text];
    if (rest.length <= width) return [line];
    const parts: string[] = [];
    for (let room = width; rest.length > room; room = width - 2) {
      const space = rest.lastIndexOf(' ', room);
      const cut = space > 0 ? space : room;
      parts.push(rest.slice(0, cut).join('').trimEnd());
      rest = rest.slice(cut);
      while (rest[0] === ' ') rest = rest.slice(1);
    }
    if (rest.length > 0) parts.push(rest.join(''));
    return parts.map((text, i) => ({ ...line, text: i === 0 ? text : '  ' + text }));
  });
}

export const textLines = (text: string): PaneLine[] => text.replace(/\n$/, '').split('\n').map((t) => ({ text: t }));
