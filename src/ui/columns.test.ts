import fc from 'fast-check';
import type { ApiRow } from './row.js';
import { cellsOf, fit, formatAge, formatLine, GAP, headerCells, layoutColumns } from './columns.js';

const row: ApiRow = {
  key: 'components/prodcat-partyrole',
  namespace: 'components',
  name: 'prodcat-partyrole',
  component: 'prodcat',
  type: 'openapi',
  path: '/prodcat/tmf-api/partyRoleManagement/v4',
  url: 'https://203.0.113.10/prodcat/tmf-api/partyRoleManagement/v4',
  ready: true,
  routing: 'routed',
  metrics: '-',
  state: 'ready',
  inSync: true,
  changedAt: 0,
};
const cells = [cellsOf(row, 65_000)];
const width = (columns: ReturnType<typeof layoutColumns>) => columns.reduce((s, c) => s + c.width, 0) + GAP.length * (columns.length - 1);

test('cells show the URL, or <pending>, readiness and the age', () => {
  expect(cells[0]).toMatchObject({ url: row.url, ready: 'true', age: '1m' });
  expect(cellsOf({ ...row, url: undefined }, 0).url).toBe('<pending>');
});

test('a wide terminal shows every column, the name whole', () => {
  const columns = layoutColumns(cells, 200);
  expect(columns.map((c) => c.id)).toEqual(['namespace', 'component', 'name', 'type', 'path', 'url', 'ready', 'routing', 'metrics', 'age']);
  expect(formatLine(cells[0], columns)).toContain('prodcat-partyrole');
});

test('a 60-column terminal drops the least useful columns first and keeps name, URL and readiness', () => {
  const columns = layoutColumns(cells, 60);
  const ids = columns.map((c) => c.id);
  expect(ids).toEqual(expect.arrayContaining(['name', 'url', 'ready']));
  expect(ids).not.toContain('type');
  expect(ids).not.toContain('component');
  expect(width(columns)).toBeLessThanOrEqual(60);
  expect(formatLine(cells[0], columns)).toContain('prodcat-partyrole');
});

test('rows from several namespaces keep the namespace on a narrow terminal, so equal names stay apart', () => {
  const twins = ['components', 'staging'].map((namespace) => cellsOf({ ...row, namespace, key: `${namespace}/${row.name}` }, 0));
  for (const w of [60, 80]) {
    const columns = layoutColumns(twins, w);
    expect(columns.map((c) => c.id)).toEqual(expect.arrayContaining(['namespace', 'name', 'url', 'ready']));
    expect(width(columns)).toBeLessThanOrEqual(w);
    const lines = twins.map((c) => formatLine(c, columns));
    expect(new Set(lines).size).toBe(2);
  }
  // One namespace: it says nothing row by row, so it goes before the name is cut.
  expect(layoutColumns(cells, 60).map((c) => c.id)).not.toContain('namespace');
});

test('PATH gives up width before anything else', () => {
  const columns = layoutColumns(cells, 150);
  expect(columns.find((c) => c.id === 'name')!.width).toBe('prodcat-partyrole'.length);
  expect(columns.find((c) => c.id === 'path')!.width).toBeLessThan(row.path.length);
});

test('whatever the width, a line is never wider than the terminal', () => {
  fc.assert(
    fc.property(fc.integer({ min: 40, max: 250 }), fc.string({ maxLength: 80 }), (w, name) => {
      const c = [cellsOf({ ...row, name }, 0), headerCells()];
      const columns = layoutColumns(c, w);
      return c.every((line) => [...formatLine(line, columns)].length <= w);
    }),
  );
});

test('fit pads or cuts with an ellipsis to exactly the width', () => {
  expect(fit('abc', 5)).toBe('abc  ');
  expect(fit('abcdef', 4)).toBe('abc…');
  expect(fit('abc', 0)).toBe('');
});

test('ages read like kubectl', () => {
  expect([formatAge(5_000), formatAge(120_000), formatAge(7_200_000), formatAge(3 * 86_400_000), formatAge(-5)]).toEqual(['5s', '2m', '2h', '3d', '0s']);
});
