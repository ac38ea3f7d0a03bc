// What each key does, as a pure function of the view state: the Ink component only feeds
// key presses in and carries out the effects that come back (open details, diff,
// reconcile, exit). Keeps the key map testable without a terminal.
import { nextSort, selectedIndex, type SortKey } from './table-model.js';

export type Mode = 'table' | 'filter' | 'details' | 'diff' | 'help';

export interface UiState {
  mode: Mode;
  /** The selected API's key; the index is the fallback when that API disappears. */
  selectedKey?: string;
  selected: number;
  filter: string;
  sort: SortKey;
  /** First line shown in a pane. */
  scroll: number;
}

export const initialState: UiState = { mode: 'table', selected: 0, filter: '', sort: 'name', scroll: 0 };

/** The subset of Ink's Key we use. */
export interface KeyPress {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  return?: boolean;
  escape?: boolean;
  backspace?: boolean;
  delete?: boolean;
  ctrl?: boolean;
  meta?: boolean;
}

export type Effect = { type: 'exit' } | { type: 'details' | 'diff' | 'reconcile'; key: string };

export interface KeyContext {
  /** Keys of the rows as shown (filtered and sorted). */
  keys: readonly string[];
  /** Rows (or pane lines) one page holds. */
  page: number;
  /** Lines of the open pane, so scrolling stops at its end. */
  lines?: number;
}

export interface KeyResult {
  state: UiState;
  effect?: Effect;
}

function move(state: UiState, ctx: KeyContext, to: (index: number) => number): UiState {
  if (ctx.keys.length === 0) return state;
  const from = selectedIndex(ctx.keys, state.selectedKey, state.selected);
  const index = Math.max(0, Math.min(ctx.keys.length - 1, to(from)));
  return { ...state, selected: index, selectedKey: ctx.keys[index] };
}

/** Up/down style movement shared by the table and the filter line. */
function navigate(state: UiState, input: string, key: KeyPress, ctx: KeyContext, letters: boolean): UiState | undefined {
  if (key.downArrow || (letters && input === 'j')) return move(state, ctx, (i) => i + 1);
  if (key.upArrow || (letters && input === 'k')) return move(state, ctx, (i) => i - 1);
  if (key.pageDown) return move(state, ctx, (i) => i + ctx.page);
  if (key.pageUp) return move(state, ctx, (i) => i - ctx.page);
  if (letters && input === 'g') return move(state, ctx, () => 0);
  if (letters && input === 'G') return move(state, ctx, () => ctx.keys.length - 1);
  return undefined;
}

function tableKey(state: UiState, input: string, key: KeyPress, ctx: KeyContext): KeyResult {
  const moved = navigate(state, input, key, ctx, true);
  if (moved) return { state: moved };
  const current = ctx.keys[selectedIndex(ctx.keys, state.selectedKey, state.selected)];
  const open = (mode: Mode, type: 'details' | 'diff'): KeyResult =>
    current === undefined ? { state } : { state: { ...state, mode, scroll: 0, selectedKey: current }, effect: { type, key: current } };
  // Esc first drops a kept filter: leaving by accident can be costly (`npm run demo` tears its cluster down).
  if (key.escape && state.filter) return { state: { ...state, filter: '' } };
  if (input === 'q' || key.escape) return { state, effect: { type: 'exit' } };
  if (key.return) return open('details', 'details');
  if (input === 'd') return open('diff', 'diff');
  if (input === 'r') return current === undefined ? { state } : { state, effect: { type: 'reconcile', key: current } };
  if (input === '/') return { state: { ...state, mode: 'filter' } };
  if (input === 's') return { state: { ...state, sort: nextSort(state.sort) } };
  if (input === '?') return { state: { ...state, mode: 'help', scroll: 0 } };
  return { state };
}

function filterKey(state: UiState, input: string, key: KeyPress, ctx: KeyContext): KeyResult {
  const moved = navigate(state, input, key, ctx, false);
  if (moved) return { state: moved };
  if (key.return) return { state: { ...state, mode: 'table' } };
  if (key.escape) return { state: { ...state, mode: 'table', filter: '' } };
  if (key.backspace || key.delete) return { state: { ...state, filter: [...state.filter].slice(0, -1).join('') } };
  if (input && !key.ctrl && !key.meta) return { state: { ...state, filter: state.filter + input } };
  return { state };
}

function paneKey(state: UiState, input: string, key: KeyPress, ctx: KeyContext): KeyResult {
  const last = Math.max(0, (ctx.lines ?? 0) - ctx.page);
  const scroll = (by: number) => ({ state: { ...state, scroll: Math.max(0, Math.min(last, state.scroll + by)) } });
  if (key.downArrow || input === 'j') return scroll(1);
  if (key.upArrow || input === 'k') return scroll(-1);
  if (key.pageDown || input === ' ') return scroll(ctx.page);
  if (key.pageUp) return scroll(-ctx.page);
  if (input === 'q' || key.escape || (state.mode === 'help' && input === '?')) return { state: { ...state, mode: 'table', scroll: 0 } };
  return { state };
}

const NAMED: (keyof KeyPress)[] = ['upArrow', 'downArrow', 'pageUp', 'pageDown', 'return', 'escape', 'backspace', 'delete', 'ctrl', 'meta'];

/**
 * One key press per character: Ink hands over a chunk of plain text as one input (it may be
 * a paste), so keys typed faster than a frame, or sent at once by tmux, arrive together.
 * A carriage return inside the chunk is Enter.
 */
export function splitPresses(input: string, key: KeyPress): Array<[string, KeyPress]> {
  const named = NAMED.some((name) => key[name]);
  if (named || [...input].length <= 1) return [[input, key]];
  return [...input].map((ch): [string, KeyPress] => (ch === '\r' || ch === '\n' ? ['', { return: true }] : [ch, {}]));
}

export function handleKey(state: UiState, input: string, key: KeyPress, ctx: KeyContext): KeyResult {
  switch (state.mode) {
    case 'table':
      return tableKey(state, input, key, ctx);
    case 'filter':
      return filterKey(state, input, key, ctx);
    default:
      return paneKey(state, input, key, ctx);
  }
}
