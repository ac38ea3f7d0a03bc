import { formatDuration, parseDuration, pollUntil } from './wait.js';

test('durations as kubectl spells them', () => {
  expect(parseDuration('30s')).toBe(30_000);
  expect(parseDuration('2m')).toBe(120_000);
  expect(parseDuration('1h30m')).toBe(5_400_000);
  expect(parseDuration('500ms')).toBe(500);
  expect(parseDuration('1.5s')).toBe(1500);
  expect(parseDuration('45')).toBe(45_000);
  for (const bad of ['', 'soon', '5 m', '-1s', '1d']) expect(parseDuration(bad)).toBeUndefined();
  expect([formatDuration(300_000), formatDuration(30_000), formatDuration(7_200_000), formatDuration(1500)]).toEqual(['5m', '30s', '2h', '1500ms']);
});

/** A clock that only moves when the poll sleeps. */
function fakeTime() {
  let now = 0;
  const sleeps: number[] = [];
  return { now: () => now, sleep: async (ms: number) => void (sleeps.push(ms), (now += ms)), sleeps };
}

test('checks at once, then every interval, and stops as soon as it is done', async () => {
  const time = fakeTime();
  let checks = 0;
  const result = await pollUntil(async () => ++checks, (n) => n === 3, { timeoutMs: 10_000, intervalMs: 1000, ...time });
  expect(result).toEqual({ value: 3, done: true });
  expect(time.sleeps).toEqual([1000, 1000]);
});

test('gives up at the deadline after a last check there, returning the last value', async () => {
  const time = fakeTime();
  let checks = 0;
  const result = await pollUntil(async () => ++checks, () => false, { timeoutMs: 2500, intervalMs: 1000, ...time });
  expect(result).toEqual({ value: 4, done: false });
  expect(time.sleeps).toEqual([1000, 1000, 500]);
});
