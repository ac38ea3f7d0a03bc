import { backoffDelay, backoffOptions } from './backoff.js';

test('delays double from the base up to the cap', () => {
  const options = backoffOptions({ baseMs: 200, maxMs: 30_000 }, { jitter: 0 });
  expect([1, 2, 3, 4, 8, 9, 100, 5000].map((n) => backoffDelay(n, options))).toEqual([200, 400, 800, 1600, 25_600, 30_000, 30_000, 30_000]);
});

test('jitter shortens a delay by up to its fraction, also at the cap', () => {
  const at = (random: number, failures: number) => backoffDelay(failures, backoffOptions({ baseMs: 100, maxMs: 1000 }, { jitter: 0.2, random: () => random }));
  expect(at(0, 1)).toBe(100);
  expect(at(0.5, 1)).toBeCloseTo(90);
  expect(at(0.999_999, 1)).toBeCloseTo(80);
  expect(at(0, 20)).toBe(1000);
  expect(at(0.5, 20)).toBeCloseTo(900);
});

test('defaults fill only what the caller left out', () => {
  const options = backoffOptions({ baseMs: 5, maxMs: 300_000 }, { maxMs: 10 });
  expect(options).toMatchObject({ baseMs: 5, maxMs: 10, jitter: 0.2 });
  expect(options.random).toBe(Math.random);
});
