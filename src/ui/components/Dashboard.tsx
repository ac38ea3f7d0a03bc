// The live dashboard: reads rows from the status store (never the controller or its
// queue), keeps only view state (selection, filter, sort, open pane), and hands user
// actions to the DashboardActions it is given.
import { Box, useApp, useInput, useStdin, useWindowSize } from 'ink';
import { useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { cellsOf, layoutColumns } from '../columns.js';
import type { Details } from '../details.js';
import { handleKey, initialState, splitPresses, type Effect, type UiState } from '../keys.js';
import { frameLayout } from '../layout.js';
import type { LogBuffer } from '../log-buffer.js';
import { detailsLines, wrapLines, HELP, textLines, type ApiEvent, type EventsState, type PaneLine } from '../panes.js';
import type { StatusStore } from '../status-store.js';
import { countRows, filterRows, selectedIndex, sortRows } from '../table-model.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { errorText, useAsync, useNotice, useNow, type Async } from './hooks.js';
import { LogPane } from './LogPane.js';
import { Pane } from './Pane.js';
import { Table } from './Table.js';

export interface DashboardActions {
  /** Conditions, children and URL of an API from the caches; undefined once it is gone. */
  details(key: string): Details | undefined;
  /** Recent Events of the API (fetched when the details pane opens). */
  events(key: string): Promise<ApiEvent[]>;
  /** The diff a reconcile of the API would make. */
  diff(key: string): Promise<string>;
  /** Reconciles the API now; resolves to a one-line report. */
  reconcile(key: string): Promise<string>;
}

export interface DashboardProps {
  store: Pick<StatusStore, 'subscribe' | 'rows'>;
  logs: Pick<LogBuffer, 'subscribe' | 'lines'>;
  actions: DashboardActions;
  /** What is shown, e.g. the namespaces, gateway and mode. */
  title: string;
  /** The terminal size (default: stdout's, following resizes). */
  size?: { columns: number; rows: number };
  clock?: () => number;
  tickMs?: number;
}

interface OpenPane {
  title: string;
  lines: PaneLine[];
}

function eventsOf(key: string, events: Async<ApiEvent[]> | undefined): EventsState {
  if (!events || events.key !== key || events.status === 'loading') return { status: 'loading' };
  return events.status === 'done' ? { status: 'done', events: events.value } : events;
}

function diffLines(key: string, diff: Async<string> | undefined): PaneLine[] {
  if (!diff || diff.key !== key || diff.status === 'loading') return [{ text: 'asking the API server for a dry run…', colour: 'gray' }];
  if (diff.status === 'error') return [{ text: `diff failed: ${diff.message}`, colour: 'red' }];
  return diff.value ? textLines(diff.value) : [{ text: `no differences: ${key} is in sync`, colour: 'green' }];
}

function paneOf(state: UiState, p: DashboardProps, events: Async<ApiEvent[]> | undefined, diff: Async<string> | undefined, width: number): OpenPane | undefined {
  const key = state.selectedKey ?? '';
  switch (state.mode) {
    case 'details': {
      const details = p.actions.details(key);
      const lines = details ? detailsLines(details, eventsOf(key, events)) : [{ text: `${key} is gone` }];
      return { title: `Details of ${key}`, lines: wrapLines(lines, width) };
    }
    case 'diff':
      return { title: `Diff of ${key} (server-side dry run)`, lines: diffLines(key, diff) };
    case 'help':
      return { title: 'Help', lines: HELP };
    default:
      return undefined;
  }
}

const clockNow = () => Date.now();

export function Dashboard(p: DashboardProps) {
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const terminal = useWindowSize();
  const { columns, rows: height } = p.size ?? terminal;
  const rows = useSyncExternalStore(p.store.subscribe, p.store.rows);
  const logLines = useSyncExternalStore(p.logs.subscribe, p.logs.lines);
  const now = useNow(p.tickMs ?? 1000, p.clock ?? clockNow);
  const [state, setState] = useState(initialState);
  const [events, loadEvents] = useAsync<ApiEvent[]>();
  const [diff, loadDiff] = useAsync<string>();
  const [notice, say] = useNotice();

  const shown = useMemo(() => sortRows(filterRows(rows, state.filter), state.sort), [rows, state.filter, state.sort]);
  const keys = useMemo(() => shown.map((r) => r.key), [shown]);
  const counts = useMemo(() => countRows(rows), [rows]);
  const layout = useMemo(() => layoutColumns(shown.map((r) => cellsOf(r, 0)), columns), [shown, columns]);
  const selected = selectedIndex(keys, state.selectedKey, state.selected);
  const frame = frameLayout(height, logLines.length);
  const pane = paneOf(state, p, events, diff, columns);

  // Several keys can arrive before React re-renders: each must see the state the previous one left.
  const latest = useRef({ state, keys, page: frame.body - 1, lines: 0 });
  latest.current = { state, keys, page: frame.body - 1, lines: pane?.lines.length ?? 0 };

  const run = (effect: Effect) => {
    if (effect.type === 'exit') exit();
    else if (effect.type === 'details') loadEvents(effect.key, () => p.actions.events(effect.key));
    else if (effect.type === 'diff') loadDiff(effect.key, () => p.actions.diff(effect.key));
    else {
      say(`reconciling ${effect.key}…`);
      p.actions.reconcile(effect.key).then(say, (err: unknown) => say(`reconcile of ${effect.key} failed: ${errorText(err)}`));
    }
  };
  useInput(
    (chunk, chunkKey) => {
      for (const [input, key] of splitPresses(chunk, chunkKey)) {
        const result = handleKey(latest.current.state, input, key, latest.current);
        latest.current = { ...latest.current, state: result.state };
        setState(result.state);
        if (result.effect) run(result.effect);
      }
    },
    { isActive: isRawModeSupported },
  );

  const empty = state.filter ? `no API matches "${state.filter}"` : 'no ExposedAPIs in scope yet';
  return (
    <Box flexDirection="column" width={columns}>
      <Header title={p.title} counts={counts} sort={state.sort} filter={state.filter} shown={shown.length} />
      {pane ? (
        <Pane title={pane.title} lines={pane.lines} scroll={state.scroll} height={frame.body} />
      ) : (
        <Table rows={shown} columns={layout} selected={selected} height={frame.body} now={now} empty={empty} />
      )}
      {frame.log > 0 ? <LogPane lines={logLines.slice(-frame.log)} /> : null}
      <Footer mode={state.mode} filter={state.filter} notice={notice} keysEnabled={isRawModeSupported} />
    </Box>
  );
}
