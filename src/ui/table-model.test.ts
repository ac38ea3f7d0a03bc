import { apiRow } from '../test-support/rows.js';
import type { ApiRow } from './row.js';
import { countRows, filterRows, nextSort, selectedIndex, sortRows, windowStart } from './table-model.js';

const row = apiRow;

const rows = [
  row('shop', 'catalog', { state: 'ready', changedAt: 30, path: '/tmf-api/productCatalog/v5' }),
  row('billing', 'invoice', { state: 'error', changedAt: 10, inSync: false }),
  row('shop', 'cart', { state: 'pending', changedAt: 20 }),
];
const names = (list: readonly ApiRow[]) => list.map((r) => r.name);

test('the filter matches name, namespace or path, ignoring case', () => {
  expect(names(filterRows(rows, 'CAT'))).toEqual(['catalog']);
  expect(names(filterRows(rows, 'bill'))).toEqual(['invoice']);
  expect(names(filterRows(rows, 'productcatalog'))).toEqual(['catalog']);
  expect(filterRows(rows, '  ')).toBe(rows);
});

test('the filter matches namespace/name, as the details pane and the CLI name an API', () => {
  expect(names(filterRows(rows, 'shop/ca'))).toEqual(['catalog', 'cart']);
  expect(names(filterRows(rows, 'Shop/Cart'))).toEqual(['cart']);
  expect(names(filterRows(rows, 'billing/cart'))).toEqual([]);
});

test('names and namespaces sort naturally: g2 before g10', () => {
  const numbered = ['g10', 'g2', 'g1'].flatMap((n) => [row('ns10', n), row('ns2', n)]);
  expect(sortRows(numbered, 'name').map((r) => r.key)).toEqual(['ns2/g1', 'ns10/g1', 'ns2/g2', 'ns10/g2', 'ns2/g10', 'ns10/g10']);
  expect(sortRows(numbered, 'namespace').map((r) => r.key)).toEqual(['ns2/g1', 'ns2/g2', 'ns2/g10', 'ns10/g1', 'ns10/g2', 'ns10/g10']);
});

test('each sort orders as named; state puts problems first, age the newest change first', () => {
  expect(names(sortRows(rows, 'name'))).toEqual(['cart', 'catalog', 'invoice']);
  expect(names(sortRows(rows, 'namespace'))).toEqual(['invoice', 'cart', 'catalog']);
  expect(names(sortRows(rows, 'state'))).toEqual(['invoice', 'cart', 'catalog']);
  expect(names(sortRows(rows, 'age'))).toEqual(['catalog', 'cart', 'invoice']);
});

test('s cycles through every sort and back', () => {
  expect([nextSort('name'), nextSort('namespace'), nextSort('state'), nextSort('age')]).toEqual(['namespace', 'state', 'age', 'name']);
});

test('counts by state and out of sync', () => {
  expect(countRows(rows)).toEqual({ total: 3, ready: 1, pending: 1, error: 1, outOfSync: 1 });
});

test('the selection follows its key, and falls back to the old index clamped', () => {
  expect(selectedIndex(['a', 'b', 'c'], 'c', 0)).toBe(2);
  expect(selectedIndex(['a', 'b'], 'gone', 5)).toBe(1);
  expect(selectedIndex([], undefined, 3)).toBe(0);
});

test('the window keeps the selection in view, centred where it can', () => {
  expect(windowStart(5, 4, 10)).toBe(0);
  expect(windowStart(100, 0, 10)).toBe(0);
  expect(windowStart(100, 50, 10)).toBe(45);
  expect(windowStart(100, 99, 10)).toBe(90);
  for (let selected = 0; selected < 100; selected++) {
    const start = windowStart(100, selected, 7);
    expect(selected).toBeGreaterThanOrEqual(start);
    expect(selected).toBeLessThan(start + 7);
  }
});
