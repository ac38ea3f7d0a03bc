import { jest } from '@jest/globals';
import chalk from 'chalk';
import { cleanup, render } from 'ink-testing-library';
import { apiRow } from '../../test-support/rows.js';
import { LogBuffer } from '../log-buffer.js';
import type { ApiRow } from '../row.js';
import type { Details } from '../details.js';
import { Listeners } from '../listeners.js';
import { Dashboard, type DashboardActions } from './Dashboard.js';

const row = (namespace: string, name: string, state: ApiRow['state'], over: Partial<ApiRow> = {}): ApiRow =>
  apiRow(namespace, name, {
    component: 'prodcat',
    url: state === 'ready' ? `https://192.0.2.1/${namespace}/${name}` : undefined,
    ready: state === 'ready',
    routing: state === 'error' ? 'conflict' : 'routed',
    state,
    ...over,
  });

/** A store the test sets rows on. */
function fakeStore(rows: ApiRow[]) {
  const listeners = new Listeners();
  let snapshot: readonly ApiRow[] = rows;
  return {
    subscribe: listeners.subscribe,
    rows: () => snapshot,
    set(next: ApiRow[]) {
      snapshot = next;
      listeners.notify();
    },
  };
}

const details = (key: string): Details => ({
  key,
  url: `https://192.0.2.1/${key}`,
  conditions: [{ type: 'Ready', status: 'False', reason: 'NoReadyEndpoints', message: 'Service impl has no ready endpoints', lastTransitionTime: '' }],
  children: [{ what: `VirtualService ${key}`, state: 'matches' }],
});

function actions(): jest.Mocked<DashboardActions> {
  return {
    details: jest.fn((key: string) => details(key)),
    events: jest.fn(async () => [{ type: 'Normal', reason: 'Created', message: 'created VirtualService', count: 1, last: '2026-01-01T10:00:00Z' }]),
    diff: jest.fn(async () => '--- /live/x\n+++ /merged/x\n-  prefix: /old\n+  prefix: /new\n'),
    reconcile: jest.fn(async (key: string) => `reconciled ${key}: updated`),
  };
}

const strip = (s: string | undefined) => (s ?? '').replace(/\u001b\[[0-9;]*m/g, '');

async function waitForFrame(frame: () => string | undefined, predicate: (text: string) => boolean, what: string): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const text = strip(frame());
    if (predicate(text)) return text;
    if (Date.now() > deadline) throw new Error(`frame never showed ${what}; last frame:\n${text}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const rows = [row('shop', 'catalog', 'ready'), row('shop', 'cart', 'pending', { reason: 'no endpoints' }), row('billing', 'invoice', 'error')];

function show(initial = rows, size = { columns: 120, rows: 30 }, logs = new LogBuffer(), a = actions()) {
  const store = fakeStore(initial);
  const ui = render(<Dashboard store={store} logs={logs} actions={a} title="shop,billing · gateway gw" size={size} clock={() => 60_000} tickMs={60_000} />);
  const until = (predicate: (text: string) => boolean, what: string) => waitForFrame(ui.lastFrame, predicate, what);
  return { ui, store, actions: a, until, type: (keys: string) => ui.stdin.write(keys) };
}

// A test that fails before unmounting must not leave Ink's timers keeping jest alive.
afterEach(() => cleanup());

test('the header counts APIs by state, and each API is a row', async () => {
  const { ui, until } = show();
  const frame = await until((t) => t.includes('invoice'), 'the rows');
  expect(frame).toContain('kubectl oda-api dashboard · shop,billing · gateway gw');
  expect(frame).toContain('3 APIs 1 ready 1 pending 1 error');
  expect(frame).toMatch(/NAMESPACE\s+COMPONENT\s+NAME/);
  expect(frame).toMatch(/shop\s+prodcat\s+catalog\s+\/shop\/catalog\s+https:\/\/192\.0\.2\.1\/shop\/catalog\s+true/);
  ui.unmount();
});

test('rows follow the store', async () => {
  const { ui, store, until } = show();
  await until((t) => t.includes('3 APIs'), 'three rows');
  store.set([...rows, row('shop', 'orders', 'ready')]);
  const frame = await until((t) => t.includes('orders'), 'the new row');
  expect(frame).toContain('4 APIs 2 ready');
  ui.unmount();
});

test('j then enter opens the details of the second row, with its events fetched', async () => {
  const { ui, until, type, actions: a } = show();
  await until((t) => t.includes('invoice'), 'the rows');
  type('j');
  type('\r');
  // Sorted by name: cart, catalog, invoice.
  const frame = await until((t) => t.includes('Created: created VirtualService'), 'the events');
  expect(frame).toContain('Details of shop/catalog');
  expect(frame).toMatch(/Ready\s+False\s+NoReadyEndpoints/);
  expect(frame).toMatch(/matches\s+VirtualService shop\/catalog/);
  expect(a.events).toHaveBeenCalledWith('shop/catalog');
  type('q');
  await until((t) => t.includes('NAMESPACE'), 'the table again');
  ui.unmount();
});

test('keys sent at once (fast typing, tmux) act one by one', async () => {
  const { ui, until, type } = show();
  await until((t) => t.includes('invoice'), 'the rows');
  type('jj\r');
  // Sorted by name: cart, catalog, invoice.
  const frame = await until((t) => t.includes('Details of'), 'the details');
  expect(frame).toContain('Details of billing/invoice');
  ui.unmount();
});

test('/ filters by what is typed, and esc clears the filter', async () => {
  const { ui, until, type } = show();
  await until((t) => t.includes('invoice'), 'the rows');
  type('/');
  await until((t) => t.includes('enter keep filter'), 'the filter line');
  type('inv');
  let frame = await until((t) => t.includes('filter "inv": 1 shown'), 'the filter applied');
  expect(frame).not.toContain('catalog');
  expect(frame).toContain('/inv');
  type('\u001b');
  frame = await until((t) => t.includes('catalog') && !t.includes('filter "'), 'the filter cleared');
  expect(frame).toContain('invoice');
  ui.unmount();
});

test('esc with a kept filter clears it and the dashboard stays; esc again leaves', async () => {
  const { ui, until, type } = show();
  await until((t) => t.includes('invoice'), 'the rows');
  type('/');
  await until((t) => t.includes('enter keep filter'), 'the filter line');
  type('shop/ca');
  await until((t) => t.includes('filter "shop/ca": 2 shown'), 'the namespace/name filter applied');
  type('\r');
  let frame = await until((t) => t.includes('esc clear filter · q quit'), 'the table with the filter kept');
  expect(frame).not.toContain('invoice');
  type('\u001b');
  frame = await until((t) => t.includes('invoice') && !t.includes('filter "'), 'the filter cleared');
  // Still running: keys still work.
  type('?');
  await until((t) => t.includes('Help'), 'the help');
  type('q');
  await until((t) => t.includes('NAMESPACE'), 'the table again');
  type('\u001b');
  // Gone: keys no longer change the frame.
  await new Promise((r) => setTimeout(r, 100));
  type('?');
  await new Promise((r) => setTimeout(r, 100));
  expect(strip(ui.lastFrame())).not.toContain('Help');
  ui.unmount();
});

test('s cycles the sort: by state, problems come first', async () => {
  const { ui, until, type } = show();
  await until((t) => t.includes('sort name'), 'sorted by name');
  type('s');
  await until((t) => t.includes('sort namespace'), 'sorted by namespace');
  type('s');
  const frame = await until((t) => t.includes('sort state'), 'sorted by state');
  const order = ['invoice', 'cart', 'catalog'].map((n) => frame.indexOf(n));
  expect(order).toEqual([...order].sort((a, b) => a - b));
  ui.unmount();
});

test('? shows the keys', async () => {
  const { ui, until, type } = show();
  await until((t) => t.includes('invoice'), 'the rows');
  type('?');
  const frame = await until((t) => t.includes('Help'), 'the help');
  expect(frame).toMatch(/\/\s+filter by name, namespace or path/);
  expect(frame).toMatch(/d\s+diff/);
  ui.unmount();
});

test('d shows the diff of the selected API; r reconciles it and says how it went', async () => {
  const { ui, until, type, actions: a } = show();
  await until((t) => t.includes('invoice'), 'the rows');
  type('d');
  const frame = await until((t) => t.includes('+  prefix: /new'), 'the diff');
  expect(frame).toContain('Diff of shop/cart');
  expect(a.diff).toHaveBeenCalledWith('shop/cart');
  type('q');
  await until((t) => t.includes('NAMESPACE'), 'the table');
  type('r');
  await until((t) => t.includes('reconciled shop/cart: updated'), 'the reconcile notice');
  expect(a.reconcile).toHaveBeenCalledWith('shop/cart');
  ui.unmount();
});

test('on a 60-column terminal lines are cut, never wrapped', async () => {
  const long = [row('components', 'productcatalogmanagement-api', 'ready', { path: '/components/tmf-api/productCatalogManagement/v5/and/more' }), ...rows];
  const { ui, until } = show(long, { columns: 60, rows: 20 });
  const frame = await until((t) => t.includes('productcatalog'), 'the rows');
  const lines = frame.split('\n');
  expect(lines.every((l) => [...l].length <= 60)).toBe(true);
  // Header, counts, column titles, four rows, footer: nothing spilled onto extra lines.
  expect(lines).toHaveLength(2 + 1 + long.length + 1);
  expect(frame).toContain('…');
  ui.unmount();
});

test('more APIs than lines: the table keeps to the terminal and scrolls with the selection', async () => {
  const many = Array.from({ length: 50 }, (_, i) => row('ns', `api-${String(i).padStart(2, '0')}`, 'ready'));
  const { ui, until, type } = show(many, { columns: 100, rows: 12 });
  let frame = await until((t) => t.includes('api-00'), 'the first rows');
  expect(frame.split('\n').length).toBeLessThanOrEqual(11);
  expect(frame).not.toContain('api-49');
  type('G');
  frame = await until((t) => t.includes('api-49'), 'the last row');
  expect(frame).not.toContain('api-00');
  expect(frame.split('\n').length).toBeLessThanOrEqual(11);
  ui.unmount();
});

test('the operator log shows under the table', async () => {
  const logs = new LogBuffer();
  const { ui, until } = show(rows, { columns: 120, rows: 30 }, logs);
  logs.write('12:00:00 INFO  reconciled api=shop/cart outcome=created\n');
  const frame = await until((t) => t.includes('reconciled api=shop/cart'), 'the log line');
  expect(frame.indexOf('── log ──')).toBeGreaterThan(frame.indexOf('invoice'));
  ui.unmount();
});

test('the selected row is inverted: the first row at the start, the next after j', async () => {
  chalk.level = 1; // Ink draws the selection with chalk, which is off when not on a terminal
  const { ui, until, type } = show();
  await until((t) => t.includes('invoice'), 'the rows');
  const inverted = () => (ui.lastFrame() ?? '').split('\n').filter((l) => l.includes('\u001b[7m')).map(strip);
  expect(inverted()).toEqual([expect.stringContaining('cart')]);
  type('j');
  await until(() => inverted().some((l) => l.includes('catalog')), 'the second row selected');
  expect(inverted()).toEqual([expect.stringContaining('catalog')]);
  ui.unmount();
});
