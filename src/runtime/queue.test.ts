import { jest } from '@jest/globals';
import { WorkQueue, type Result } from './queue.js';

/** A promise the test settles by hand, to hold a run in flight. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks (a run finishing, the next starting) happen. */
const settle = () => new Promise<void>((r) => setImmediate(r));

/** A process function that records each run and holds it until the test releases it. */
function heldProcess() {
  const runs: { key: string; done: ReturnType<typeof deferred>; finished: boolean }[] = [];
  const process = (key: string): Promise<Result | void> => {
    const done = deferred();
    const run = { key, done, finished: false };
    runs.push(run);
    return done.promise.finally(() => (run.finished = true));
  };
  /** Runs started and not yet finished, as the process function sees them. */
  const running = () => runs.filter((r) => !r.finished).length;
  return { runs, process, running };
}

/** True when nothing is in flight: shutting down an idle queue resolves true at once, a busy one times out first. */
const idle = (queue: WorkQueue) => queue.shutdown({ timeoutMs: 0 });

const exact = { jitter: 0 };

afterEach(() => {
  jest.useRealTimers();
});

test('a burst of adds for one waiting key runs it once', async () => {
  const { runs, process } = heldProcess();
  const queue = new WorkQueue({ process });
  queue.add('busy');
  for (let i = 0; i < 100; i++) queue.add('a');
  expect(queue.depth()).toBe(1);
  runs[0].done.resolve();
  await settle();
  expect(runs.map((r) => r.key)).toEqual(['busy', 'a']);
  runs[1].done.resolve();
  await settle();
  expect(runs).toHaveLength(2);
});

test('a key added while processing runs again right after, never twice at once', async () => {
  const { runs, process, running } = heldProcess();
  const queue = new WorkQueue({ process, concurrency: 4 });
  queue.add('a');
  for (let i = 0; i < 100; i++) queue.add('a');
  await settle();
  expect(runs).toHaveLength(1);
  expect(running()).toBe(1);
  expect(queue.depth()).toBe(1);

  runs[0].done.resolve();
  await settle();
  expect(runs).toHaveLength(2);
  expect(running()).toBe(1);
  expect(queue.depth()).toBe(0);

  runs[1].done.resolve();
  await settle();
  expect(runs).toHaveLength(2);
  expect(running()).toBe(0);
  await expect(idle(queue)).resolves.toBe(true);
});

test('different keys run in parallel, up to the concurrency', async () => {
  const { runs, process, running } = heldProcess();
  const queue = new WorkQueue({ process, concurrency: 2 });
  queue.add('a');
  queue.add('b');
  queue.add('c');
  expect(runs.map((r) => r.key)).toEqual(['a', 'b']);
  expect(running()).toBe(2);
  expect(queue.depth()).toBe(1);

  runs[1].done.resolve();
  await settle();
  expect(runs.map((r) => r.key)).toEqual(['a', 'b', 'c']);
  expect(running()).toBe(2);
  await expect(idle(queue)).resolves.toBe(false);
});

test('failures back off exponentially per key, capped, and a success resets the count', async () => {
  jest.useFakeTimers();
  const started: number[] = [];
  let failUntil = 4;
  const queue = new WorkQueue({
    backoff: { ...exact, baseMs: 10, maxMs: 40 },
    process: async () => {
      started.push(Date.now());
      return started.length <= failUntil ? { error: new Error('boom') } : {};
    },
  });
  const t0 = Date.now();
  queue.add('a');
  await jest.advanceTimersByTimeAsync(0);
  // Runs at 0, then retries 10, 20, 40 and (capped) 40 ms after each failure.
  for (const [wait, runsAfter] of [
    [9, 1],
    [1, 2],
    [19, 2],
    [1, 3],
    [39, 3],
    [1, 4],
    [39, 4],
    [1, 5],
  ]) {
    await jest.advanceTimersByTimeAsync(wait);
    expect(started).toHaveLength(runsAfter);
  }
  expect(started.map((t) => t - t0)).toEqual([0, 10, 30, 70, 110]);
  // Succeeded: nothing is retried.
  await jest.advanceTimersByTimeAsync(1000);
  expect(started).toHaveLength(5);

  // After the success, the next failure starts again from the base delay.
  failUntil = 6;
  queue.add('a');
  await jest.advanceTimersByTimeAsync(0);
  expect(started).toHaveLength(6);
  await jest.advanceTimersByTimeAsync(9);
  expect(started).toHaveLength(6);
  await jest.advanceTimersByTimeAsync(1);
  expect(started).toHaveLength(7);
  await jest.advanceTimersByTimeAsync(1000);
  expect(started).toHaveLength(7);

  // And that success reset the count again: one failure, retried after the base delay.
  failUntil = 8;
  queue.add('a');
  await jest.advanceTimersByTimeAsync(0);
  expect(started).toHaveLength(8);
  await jest.advanceTimersByTimeAsync(9);
  expect(started).toHaveLength(8);
  await jest.advanceTimersByTimeAsync(1);
  expect(started).toHaveLength(9);
});

test('jitter shortens retry delays by up to its fraction', async () => {
  jest.useFakeTimers();
  const started: number[] = [];
  const queue = new WorkQueue({
    backoff: { baseMs: 100, maxMs: 1000, jitter: 0.5, random: () => 0.5 },
    process: async () => {
      started.push(Date.now());
      return { error: new Error('boom') };
    },
  });
  const t0 = Date.now();
  queue.add('a');
  await jest.advanceTimersByTimeAsync(300);
  // Half of the 50% jitter: 75 ms instead of 100, then 150 instead of 200.
  expect(started.map((t) => t - t0)).toEqual([0, 75, 225]);
  await queue.shutdown();
});

test('one failing key does not hold back the others', async () => {
  jest.useFakeTimers();
  const runs: string[] = [];
  const queue = new WorkQueue({
    backoff: { ...exact, baseMs: 1000, maxMs: 1000 },
    process: async (key) => {
      runs.push(key);
      return key === 'bad' ? { error: new Error('boom') } : {};
    },
  });
  queue.add('bad');
  queue.add('good');
  await jest.advanceTimersByTimeAsync(0);
  queue.add('good');
  await jest.advanceTimersByTimeAsync(0);
  expect(runs).toEqual(['bad', 'good', 'good']);
  // Only the failing key comes back, after its own backoff.
  await jest.advanceTimersByTimeAsync(999);
  expect(runs).toEqual(['bad', 'good', 'good']);
  await jest.advanceTimersByTimeAsync(1);
  expect(runs).toEqual(['bad', 'good', 'good', 'bad']);
  await queue.shutdown();
});

test('delayed adds run when due, and the earliest pending time wins', async () => {
  jest.useFakeTimers();
  const runs: [string, number][] = [];
  const t0 = Date.now();
  const queue = new WorkQueue({
    process: async (key) => {
      runs.push([key, Date.now() - t0]);
    },
  });
  queue.addAfter('a', 100);
  queue.addAfter('a', 50);
  queue.addAfter('b', 30);
  queue.addAfter('b', 80);
  await jest.advanceTimersByTimeAsync(29);
  expect(runs).toEqual([]);
  expect(queue.depth()).toBe(0);
  await jest.advanceTimersByTimeAsync(200);
  expect(runs).toEqual([
    ['b', 30],
    ['a', 50],
  ]);
});

test('a run can ask to be requeued after a delay', async () => {
  jest.useFakeTimers();
  const runs: number[] = [];
  const t0 = Date.now();
  const queue = new WorkQueue({
    process: async () => {
      runs.push(Date.now() - t0);
      return runs.length < 3 ? { requeueAfterMs: 1000 } : undefined;
    },
  });
  queue.add('a');
  await jest.advanceTimersByTimeAsync(5000);
  expect(runs).toEqual([0, 1000, 2000]);
});

test('a process that throws is retried like one that returns the error, and an error wins over a requeue', async () => {
  jest.useFakeTimers();
  const runs: [string, number][] = [];
  const t0 = Date.now();
  const queue = new WorkQueue({
    backoff: { ...exact, baseMs: 100, maxMs: 100 },
    process: async (key) => {
      runs.push([key, Date.now() - t0]);
      if (runs.filter(([k]) => k === key).length > 1) return;
      if (key === 'throws') throw new Error('bug');
      return { error: new Error('boom'), requeueAfterMs: 5000 };
    },
  });
  queue.add('throws');
  queue.add('returns');
  await jest.advanceTimersByTimeAsync(10_000);
  expect(runs).toEqual([
    ['throws', 0],
    ['returns', 0],
    ['throws', 100],
    ['returns', 100],
  ]);
});

test('shutdown lets runs in flight finish, drops waiting work and refuses new work', async () => {
  const { runs, process, running } = heldProcess();
  const queue = new WorkQueue({ process, concurrency: 1 });
  queue.add('a');
  queue.add('b');
  queue.addAfter('c', 10);
  let drained: boolean | undefined;
  const shutdown = queue.shutdown().then((result) => (drained = result));
  queue.add('d');
  queue.add('a');
  await settle();
  expect(drained).toBeUndefined();
  expect(queue.depth()).toBe(0);

  runs[0].done.resolve();
  await shutdown;
  expect(drained).toBe(true);
  await new Promise((r) => setTimeout(r, 20));
  expect(runs.map((r) => r.key)).toEqual(['a']);
  expect(running()).toBe(0);
  await expect(idle(queue)).resolves.toBe(true);
});

test('shutdown gives up waiting after its timeout', async () => {
  jest.useFakeTimers();
  const { runs, process } = heldProcess();
  const queue = new WorkQueue({ process });
  queue.add('stuck');
  let drained: boolean | undefined;
  void queue.shutdown({ timeoutMs: 1000 }).then((result) => (drained = result));
  await jest.advanceTimersByTimeAsync(999);
  expect(drained).toBeUndefined();
  await jest.advanceTimersByTimeAsync(1);
  expect(drained).toBe(false);
  runs[0].done.resolve();
});

test('shutdown of an idle queue resolves at once', async () => {
  const queue = new WorkQueue({ process: async () => undefined });
  await expect(queue.shutdown()).resolves.toBe(true);
});
