import type { Details } from './details.js';
import { detailsLines, wrapLines } from './panes.js';

const details: Details = {
  key: 'ns/a',
  url: 'https://192.0.2.1/a',
  conditions: [
    { type: 'Ready', status: 'False', reason: 'NoReadyEndpoints', message: 'Service impl has no ready endpoints', lastTransitionTime: '' },
    { type: 'Routed', status: 'True', reason: 'Routed', message: 'routed', lastTransitionTime: '' },
  ],
  children: [
    { what: 'VirtualService ns/a', state: 'differs' },
    { what: 'ExposedAPI status', state: 'matches' },
  ],
};
const texts = (lines: { text: string }[]) => lines.map((l) => l.text);

test('details list the URL, conditions with reasons, children against the desired state and events', () => {
  const lines = detailsLines(details, { status: 'done', events: [{ type: 'Warning', reason: 'Conflict', message: 'held', count: 3, last: '2026-01-01T10:11:12Z' }] });
  const text = texts(lines).join('\n');
  expect(text).toContain('URL          https://192.0.2.1/a');
  expect(text).toMatch(/Ready\s+False\s+NoReadyEndpoints: Service impl has no ready endpoints/);
  expect(text).toMatch(/differs\s+VirtualService ns\/a/);
  expect(text).toContain('10:11:12 Warning Conflict: held (x3)');
  expect(lines.find((l) => l.text.startsWith('Ready'))?.colour).toBe('red');
});

test('events show while loading, when none, and when they cannot be read', () => {
  expect(texts(detailsLines(details, { status: 'loading' }))).toContain('loading…');
  expect(texts(detailsLines(details, { status: 'done', events: [] }))).toContain('none');
  expect(texts(detailsLines(details, { status: 'error', message: 'forbidden' }))).toContain('cannot read events: forbidden');
});

test('long lines wrap into indented continuation lines no wider than the pane', () => {
  const wrapped = wrapLines([{ text: 'x'.repeat(25), colour: 'red' }], 10);
  expect(texts(wrapped)).toEqual(['x'.repeat(10), '  ' + 'x'.repeat(8), '  ' + 'x'.repeat(7)]);
  expect(wrapped.every((l) => l.text.length <= 10 && l.colour === 'red')).toBe(true);
});

test('long lines break between words, a word longer than the line is cut', () => {
  const message = 'Ready               False   NoReadyEndpoints: Service impl has no ready endpoints';
  const wrapped = texts(wrapLines([{ text: message }], 40));
  expect(wrapped).toEqual(['Ready               False', '  NoReadyEndpoints: Service impl has no', '  ready endpoints']);
  expect(wrapped.every((l) => [...l].length <= 40)).toBe(true);
  // Nothing lost: the words come back in order.
  expect(wrapped.join(' ').split(/\s+/).filter(Boolean)).toEqual(message.split(/\s+/));
  expect(texts(wrapLines([{ text: 'URL https://192.0.2.1/a/very/long/path/without/spaces' }], 20))).toEqual([
    'URL',
    '  https://192.0.2.1/',
    '  a/very/long/path/w',
    '  ithout/spaces',
  ]);
});
