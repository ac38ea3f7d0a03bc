import { Registry } from 'prom-client';
import { WorkQueue } from './queue.js';
import { QUEUE_DURATION_BUCKETS, WorkQueueMetrics } from './queue-metrics.js';

const settle = () => new Promise<void>((r) => setImmediate(r));
const LABELS = '{name="q",controller="q"}';

/** A queue on a real registry and a clock the test moves; each run is held until released. */
function setup(options: { concurrency?: number } = {}) {
  const registry = new Registry();
  let now = 0;
  const metrics = new WorkQueueMetrics(registry, 'q', () => now);
  const runs: { key: string; finish: (err?: Error) => void }[] = [];
  const queue = new WorkQueue({
    ...options,
    metrics,
    backoff: { baseMs: 60_000 },
    process: (key) => new Promise<void>((resolve, reject) => runs.push({ key, finish: (err) => (err ? reject(err) : resolve()) })),
  });
  const lines = async () => (await registry.metrics()).split('\n');
  return { registry, queue, runs, lines, at: (ms: number) => (now = ms) };
}

test('registers client-go queue metrics under controller-runtime names, every series at zero from the start', async () => {
  const { registry, lines, queue } = setup();
  const text = await registry.metrics();
  expect([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
    'workqueue_depth gauge',
    'workqueue_adds_total counter',
    'workqueue_queue_duration_seconds histogram',
    'workqueue_work_duration_seconds histogram',
    'workqueue_unfinished_work_seconds gauge',
    'workqueue_longest_running_processor_seconds gauge',
    'workqueue_retries_total counter',
  ]);
  for (const line of [
    `workqueue_depth${LABELS} 0`,
    `workqueue_adds_total${LABELS} 0`,
    `workqueue_queue_duration_seconds_count${LABELS} 0`,
    `workqueue_work_duration_seconds_count${LABELS} 0`,
    `workqueue_unfinished_work_seconds${LABELS} 0`,
    `workqueue_longest_running_processor_seconds${LABELS} 0`,
    `workqueue_retries_total${LABELS} 0`,
  ]) {
    expect(await lines()).toContain(line);
  }
  await queue.shutdown();
});

test('buckets are client-go’s: 10 ns to 1,000 s by decades', async () => {
  expect(QUEUE_DURATION_BUCKETS).toEqual([1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000]);
  const { lines, queue } = setup();
  expect(await lines()).toContain('workqueue_queue_duration_seconds_bucket{le="0.00001",name="q",controller="q"} 0');
  await queue.shutdown();
});

test('counts adds that queue a key (not coalesced ones), the depth, and the time each key waited and worked', async () => {
  const { queue, runs, lines, at } = setup();
  queue.add('busy'); // taken at once: 'a' and 'b' wait behind it
  at(1000);
  queue.add('a');
  queue.add('a');
  at(1500);
  queue.add('b');
  expect(await lines()).toEqual(expect.arrayContaining([`workqueue_adds_total${LABELS} 3`, `workqueue_depth${LABELS} 2`]));

  at(3000);
  runs[0].finish(); // 'a' is taken after waiting 2 s
  await settle();
  expect(runs.map((r) => r.key)).toEqual(['busy', 'a']);
  at(3500);
  runs[1].finish(); // 'a' worked 0.5 s; 'b' is taken after waiting 2 s
  await settle();
  at(3600);
  runs[2].finish();
  await settle();
  expect(await lines()).toEqual(
    expect.arrayContaining([
      `workqueue_depth${LABELS} 0`,
      `workqueue_queue_duration_seconds_count${LABELS} 3`,
      `workqueue_queue_duration_seconds_sum${LABELS} 4`,
      `workqueue_work_duration_seconds_count${LABELS} 3`,
      `workqueue_work_duration_seconds_sum${LABELS} 3.6`,
      `workqueue_work_duration_seconds_bucket{le="1",name="q",controller="q"} 2`,
    ]),
  );
  await queue.shutdown();
});

test('a key added again while it runs counts once more and waits from then', async () => {
  const { queue, runs, lines, at } = setup();
  queue.add('a');
  at(1000);
  queue.add('a');
  queue.add('a');
  expect(await lines()).toEqual(expect.arrayContaining([`workqueue_adds_total${LABELS} 2`, `workqueue_depth${LABELS} 1`]));
  at(4000);
  runs[0].finish();
  await settle();
  expect(await lines()).toEqual(expect.arrayContaining([`workqueue_depth${LABELS} 0`, `workqueue_queue_duration_seconds_sum${LABELS} 3`]));
  runs[1].finish();
  await queue.shutdown();
});

test('a failed run counts a retry', async () => {
  const { queue, runs, lines } = setup();
  queue.add('a');
  runs[0].finish(new Error('conflict'));
  await settle();
  expect(await lines()).toContain(`workqueue_retries_total${LABELS} 1`);
  await queue.shutdown();
});

test('work in flight: the seconds run so far, summed and the longest, at each scrape', async () => {
  const { queue, runs, lines, at } = setup({ concurrency: 2 });
  queue.add('a');
  at(1000);
  queue.add('b');
  at(3000);
  expect(await lines()).toEqual(
    expect.arrayContaining([`workqueue_unfinished_work_seconds${LABELS} 5`, `workqueue_longest_running_processor_seconds${LABELS} 3`]),
  );
  runs[0].finish();
  await settle();
  at(4000);
  expect(await lines()).toEqual(
    expect.arrayContaining([`workqueue_unfinished_work_seconds${LABELS} 3`, `workqueue_longest_running_processor_seconds${LABELS} 3`]),
  );
  runs[1].finish();
  await settle();
  expect(await lines()).toEqual(expect.arrayContaining([`workqueue_unfinished_work_seconds${LABELS} 0`, `workqueue_longest_running_processor_seconds${LABELS} 0`]));
  await queue.shutdown();
});
