import { apiRow } from '../test-support/rows.js';
import { plainTable } from './plain.js';

const row = (namespace: string, name: string, url?: string) =>
  apiRow(namespace, name, { path: `/${name}/a/very/long/path/that/would/be/cut/on/a/terminal`, ...(url ? { url, ready: true, state: 'ready' } : {}) });

test('one line per API, sorted by namespace and name, nothing cut', () => {
  const text = plainTable([row('b', 'x', 'https://192.0.2.1/x'), row('a', 'z'), row('a', 'y')], 61_000);
  const lines = text.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^NAMESPACE\s+COMPONENT\s+NAME\s+TYPE\s+PATH\s+URL\s+READY\s+ROUTING\s+METRICS\s+AGE$/);
  expect(lines.slice(1).map((l) => l.split(/\s+/)[2])).toEqual(['y', 'z', 'x']);
  expect(text).toContain('/y/a/very/long/path/that/would/be/cut/on/a/terminal');
  expect(text).not.toContain('…');
  expect(lines[3]).toMatch(/https:\/\/192\.0\.2\.1\/x\s+true\s+routed\s+-\s+1m$/);
});

test('says so when there is no API', () => {
  expect(plainTable([], 0)).toBe('No ExposedAPIs found.\n');
});
