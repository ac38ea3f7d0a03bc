import { OperatorMetrics, RECONCILE_BUCKETS } from './metrics.js';

const lines = async (m: OperatorMetrics) => (await m.registry.metrics()).split('\n');
// controller-runtime names a controller by its kind in lowercase; dashboards select on it.
const C = 'controller="exposedapi"';

test("registers controller-runtime's controller and leader metrics beside ours, with their types", async () => {
  const text = await new OperatorMetrics().registry.metrics();
  expect([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`)).toEqual([
    'controller_runtime_reconcile_total counter',
    'controller_runtime_reconcile_errors_total counter',
    'controller_runtime_reconcile_time_seconds histogram',
    'controller_runtime_max_concurrent_reconciles gauge',
    'controller_runtime_active_workers gauge',
    'workqueue_depth gauge',
    'workqueue_adds_total counter',
    'workqueue_queue_duration_seconds histogram',
    'workqueue_work_duration_seconds histogram',
    'workqueue_unfinished_work_seconds gauge',
    'workqueue_longest_running_processor_seconds gauge',
    'workqueue_retries_total counter',
    'leader_election_master_status gauge',
    'oda_api_reconcile_outcomes_total counter',
    'oda_api_watch_restarts_total counter',
    'oda_api_events_dropped_total counter',
    'oda_api_heap_size_limit_bytes gauge',
    'oda_api_managed_apis gauge',
  ]);
});

test('every controller series a dashboard reads exists at zero from the start, as controller-runtime makes them', async () => {
  expect(await lines(new OperatorMetrics())).toEqual(
    expect.arrayContaining([
      `controller_runtime_reconcile_total{${C},result="success"} 0`,
      `controller_runtime_reconcile_total{${C},result="error"} 0`,
      `controller_runtime_reconcile_total{${C},result="requeue"} 0`,
      `controller_runtime_reconcile_total{${C},result="requeue_after"} 0`,
      `controller_runtime_reconcile_errors_total{${C}} 0`,
      `controller_runtime_reconcile_time_seconds_count{${C}} 0`,
      `controller_runtime_active_workers{${C}} 0`,
      `workqueue_adds_total{name="exposedapi",${C}} 0`,
    ]),
  );
});

test('a reconcile that returns is a success, or requeue_after when it asks to come back', async () => {
  const m = new OperatorMetrics();
  await expect(m.reconcile(async () => undefined)).resolves.toBeUndefined();
  await expect(m.reconcile(async () => ({ requeueAfterMs: 30_000 }))).resolves.toEqual({ requeueAfterMs: 30_000 });
  expect(await lines(m)).toEqual(
    expect.arrayContaining([
      `controller_runtime_reconcile_total{${C},result="success"} 1`,
      `controller_runtime_reconcile_total{${C},result="requeue_after"} 1`,
      `controller_runtime_reconcile_errors_total{${C}} 0`,
      `controller_runtime_reconcile_time_seconds_count{${C}} 2`,
    ]),
  );
});

test('a reconcile that throws is an error, counted twice as controller-runtime does, and the error goes on to the queue', async () => {
  const m = new OperatorMetrics();
  await expect(m.reconcile(() => Promise.reject(new Error('conflict')))).rejects.toThrow('conflict');
  expect(await lines(m)).toEqual(
    expect.arrayContaining([
      `controller_runtime_reconcile_total{${C},result="error"} 1`,
      `controller_runtime_reconcile_errors_total{${C}} 1`,
      `controller_runtime_reconcile_time_seconds_count{${C}} 1`,
      `controller_runtime_active_workers{${C}} 0`,
    ]),
  );
});

test('active workers count the reconciles running now, out of the maximum', async () => {
  const m = new OperatorMetrics();
  m.maxConcurrentReconciles(16);
  let release!: () => void;
  const running = m.reconcile(() => new Promise<void>((r) => (release = r)));
  expect(await lines(m)).toEqual(expect.arrayContaining([`controller_runtime_max_concurrent_reconciles{${C}} 16`, `controller_runtime_active_workers{${C}} 1`]));
  release();
  await running;
  expect(await lines(m)).toContain(`controller_runtime_active_workers{${C}} 0`);
});

test("reconcile time uses controller-runtime's buckets, 5 ms to 60 s", async () => {
  expect(RECONCILE_BUCKETS).toHaveLength(40);
  expect([RECONCILE_BUCKETS[0], RECONCILE_BUCKETS[17], RECONCILE_BUCKETS[39]]).toEqual([0.005, 1, 60]);
  const m = new OperatorMetrics();
  await m.reconcile(async () => undefined);
  const text = await lines(m);
  expect(text).toContain(`controller_runtime_reconcile_time_seconds_bucket{le="0.005",${C}} 1`);
  expect(text).toContain(`controller_runtime_reconcile_time_seconds_bucket{le="60",${C}} 1`);
});

test('leadership by Lease name, the outcomes the engine judged, watch restarts and managed APIs read at each scrape', async () => {
  const m = new OperatorMetrics();
  m.leading('oda-api-operator', true);
  m.outcome('created');
  m.outcome('conflict');
  m.outcome('conflict');
  m.watchRestarted('exposedapis');
  let managed = 12;
  m.managedApisFrom(() => managed);
  expect(await lines(m)).toEqual(
    expect.arrayContaining([
      'leader_election_master_status{name="oda-api-operator"} 1',
      'oda_api_reconcile_outcomes_total{outcome="created"} 1',
      'oda_api_reconcile_outcomes_total{outcome="conflict"} 2',
      'oda_api_watch_restarts_total{resource="exposedapis"} 1',
      'oda_api_managed_apis 12',
    ]),
  );
  m.leading('oda-api-operator', false);
  managed = 3;
  expect(await lines(m)).toEqual(expect.arrayContaining(['leader_election_master_status{name="oda-api-operator"} 0', 'oda_api_managed_apis 3']));
});

test("reports V8's heap limit, so an SRE sees the cap the operator runs under", async () => {
  const limit = (await lines(new OperatorMetrics())).find((l) => l.startsWith('oda_api_heap_size_limit_bytes '));
  expect(Number(limit?.split(' ')[1])).toBe((await import('node:v8')).getHeapStatistics().heap_size_limit);
});
