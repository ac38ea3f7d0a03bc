import { parse } from 'yaml';
import type { Diagnosis } from './diagnose.js';
import { formatDiagnosis, formatStatus, pendingLines, statusDocument } from './format.js';
import type { StatusItem } from './items.js';

const items: StatusItem[] = [
  { namespace: 'ns', name: 'up', url: 'https://x/up', ready: true, implementationReady: true, conditions: [] },
  { namespace: 'ns', name: 'down', ready: false, implementationReady: false, reason: 'NoReadyEndpoints', message: 'Service impl has no ready endpoints', conditions: [] },
];

test('the table shows URL, READY and the reason for what is not ready', () => {
  const lines = formatStatus(items, [], 'table').trimEnd().split('\n');
  expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+URL\s+READY\s+REASON$/);
  expect(lines[1]).toMatch(/^ns\s+up\s+https:\/\/x\/up\s+true$/);
  expect(lines[2]).toMatch(/^ns\s+down\s+<pending>\s+false\s+NoReadyEndpoints: Service impl has no ready endpoints$/);
  expect(formatStatus([], [], 'table')).toBe('No ExposedAPIs found.\n');
});

test('READY in the table is the item\'s READY, not status.implementation.ready', () => {
  const conflict: StatusItem = { namespace: 'ns', name: 'dup', ready: false, implementationReady: true, reason: 'Conflict', message: 'the route is held by ns/up', conditions: [] };
  expect(formatStatus([conflict], [], 'table').split('\n')[1]).toMatch(/^ns\s+dup\s+<pending>\s+false\s+Conflict: /);
});

test('json and yaml carry the same stable document', () => {
  const doc = statusDocument(items, ['gone']);
  expect(doc).toMatchObject({ apiVersion: 'oda-api.tmforum.org/v1', kind: 'StatusReport', missing: ['gone'] });
  expect(doc.items[0]).toEqual({ namespace: 'ns', name: 'up', url: 'https://x/up', ready: true, implementationReady: true, reason: null, message: null, conditions: [] });
  expect(doc.items[1]).toMatchObject({ url: null, ready: false, implementationReady: false, reason: 'NoReadyEndpoints' });
  expect(JSON.parse(formatStatus(items, ['gone'], 'json'))).toEqual(doc);
  expect(parse(formatStatus(items, ['gone'], 'yaml'))).toEqual(doc);
});

test('one pending line per API that is not ready, and per name not found', () => {
  expect(pendingLines(items, ['gone'])).toEqual([
    'ns/down: NoReadyEndpoints: Service impl has no ready endpoints',
    'gone: NotFound: no ExposedAPI of that name in the selected namespaces',
  ]);
});

test('the walk: a mark and a fact per link, then the first broken one', () => {
  const d: Diagnosis = {
    key: 'ns/down',
    links: [
      { name: 'spec', mark: 'ok', fact: 'valid' },
      { name: 'pods', mark: 'broken', fact: 'no pods match app=impl' },
      { name: 'metrics', mark: 'skipped', fact: 'not a metrics API' },
    ],
    summary: 'first broken link: pods: no pods match app=impl',
    available: false,
  };
  expect(formatDiagnosis(d)).toBe(
    ['ExposedAPI ns/down', '  ✓ spec     valid', '  ✗ pods     no pods match app=impl', '  - metrics  not a metrics API', '✗ first broken link: pods: no pods match app=impl', ''].join('\n'),
  );
});
