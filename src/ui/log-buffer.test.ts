import { LogBuffer } from './log-buffer.js';

test('keeps whole lines, waits for the end of a partial one, and only the last ones', () => {
  const buffer = new LogBuffer(3);
  let notified = 0;
  buffer.subscribe(() => notified++);
  buffer.write('one\ntw');
  expect(buffer.lines()).toEqual(['one']);
  buffer.write('o\n');
  buffer.write('three\nfour\n');
  expect(buffer.lines()).toEqual(['two', 'three', 'four']);
  expect(notified).toBe(3);
  const before = buffer.lines();
  buffer.write('partial');
  expect(buffer.lines()).toBe(before);
});
