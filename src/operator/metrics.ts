// The operator's metrics, on prom-client. The controller's and the leader election's
// carry controller-runtime's names, labels and buckets, so dashboards and alerts made
// for controller-runtime operators work as they are (the work queue's are in
// runtime/queue-metrics.ts). Ours, which controller-runtime has no equivalent for,
// start with oda_api_. docs/operations.md lists them all.
import { getHeapStatistics } from 'node:v8';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DropReason } from '../kube/event-recorder.js';
import type { Outcome } from '../reconcile/types.js';
import type { Result } from '../runtime/queue.js';
import { WorkQueueMetrics } from '../runtime/queue-metrics.js';

/** The controller's name as controller-runtime derives it (the kind, lowercase): its `controller` label and its queue's name. */
const CONTROLLER = 'exposedapi';

/** controller-runtime's `result` label: what became of the key after a reconcile. `requeue` (retry without an error) never happens here. */
type ReconcileResult = 'success' | 'error' | 'requeue' | 'requeue_after';
const RESULTS: readonly ReconcileResult[] = ['success', 'error', 'requeue', 'requeue_after'];

/** controller-runtime's buckets for one reconcile's time: 5 ms to 60 s. */
export const RECONCILE_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5,
  6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

/** The result of a reconcile that returned (one that throws is an `error`): done, or to come back later. */
const returned = (result: Result | void): ReconcileResult => (result?.error !== undefined ? 'error' : result?.requeueAfterMs ? 'requeue_after' : 'success');

export class OperatorMetrics {
  readonly queue: WorkQueueMetrics;
  private readonly controller = { controller: CONTROLLER };
  private readonly reconciles: Counter<'controller' | 'result'>;
  private readonly errors: Counter<'controller'>;
  private readonly time: Histogram<'controller'>;
  private readonly maxWorkers: Gauge<'controller'>;
  private readonly activeWorkers: Gauge<'controller'>;
  private readonly leader: Gauge<'name'>;
  private readonly outcomes: Counter<'outcome'>;
  private readonly watchRestarts: Counter<'resource'>;
  private readonly eventsDropped: Counter<'reason'>;
  private countManagedApis: () => number = () => 0;

  constructor(readonly registry: Registry = new Registry()) {
    const registers = [registry];
    const labelNames = ['controller'] as const;
    this.reconciles = new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.errors = new Counter({ name: 'controller_runtime_reconcile_errors_total', help: 'Total number of reconciliation errors per controller', labelNames, registers });
    this.time = new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames,
      buckets: [...RECONCILE_BUCKETS],
      registers,
    });
    this.maxWorkers = new Gauge({ name: 'controller_runtime_max_concurrent_reconciles', help: 'Maximum number of concurrent reconciles per controller', labelNames, registers });
    this.activeWorkers = new Gauge({ name: 'controller_runtime_active_workers', help: 'Number of currently used workers per controller', labelNames, registers });
    this.queue = new WorkQueueMetrics(registry, CONTROLLER);
    this.leader = new Gauge({
      name: 'leader_election_master_status',
      help: "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. 'name' is the string used to identify the lease. Please make sure to group by name.",
      labelNames: ['name'],
      registers,
    });
    this.outcomes = new Counter({
      name: 'oda_api_reconcile_outcomes_total',
      help: 'ExposedAPI reconciles by what the engine made of them: created, updated, unchanged, deleted, invalid, conflict or error.',
      labelNames: ['outcome'],
      registers,
    });
    this.watchRestarts = new Counter({
      name: 'oda_api_watch_restarts_total',
      help: 'Watches restarted after an error, a 410 Gone or a silent stream, by resource.',
      labelNames: ['resource'],
      registers,
    });
    this.eventsDropped = new Counter({
      name: 'oda_api_events_dropped_total',
      help: 'Events not recorded: bufferFull (more waiting than the recorder holds) or rateLimited (too many for one object).',
      labelNames: ['reason'],
      registers,
    });
    new Gauge({
      name: 'oda_api_heap_size_limit_bytes',
      help: "V8's heap limit (NODE_OPTIONS --max-old-space-size, or what V8 chose from the machine's memory).",
      registers,
    }).set(getHeapStatistics().heap_size_limit);
    const countManagedApis = () => this.countManagedApis();
    new Gauge({
      name: 'oda_api_managed_apis',
      help: 'ExposedAPIs currently known to the operator.',
      registers,
      collect() {
        this.set(countManagedApis());
      },
    });
    // As controller-runtime does at start: every series a dashboard or an alert reads exists from the first scrape.
    for (const result of RESULTS) this.reconciles.inc({ ...this.controller, result }, 0);
    this.errors.inc(this.controller, 0);
    for (const reason of ['bufferFull', 'rateLimited'] as const) this.eventsDropped.inc({ reason }, 0);
    this.time.zero(this.controller);
    this.activeWorkers.set(this.controller, 0);
  }

  /** Runs one reconcile, counting its result and time and the workers busy meanwhile; returns or throws what it does. */
  async reconcile<R extends Result | void>(run: () => Promise<R>): Promise<R> {
    const stopTimer = this.time.startTimer(this.controller);
    this.activeWorkers.inc(this.controller);
    try {
      const result = await run();
      const counted = returned(result);
      this.reconciles.inc({ ...this.controller, result: counted });
      if (counted === 'error') this.errors.inc(this.controller);
      return result;
    } catch (err) {
      this.reconciles.inc({ ...this.controller, result: 'error' });
      this.errors.inc(this.controller);
      throw err;
    } finally {
      this.activeWorkers.dec(this.controller);
      stopTimer();
    }
  }

  maxConcurrentReconciles(workers: number): void {
    this.maxWorkers.set(this.controller, workers);
  }

  /** Whether this replica holds the Lease `name` (a standalone operator, the only writer, says 1). */
  leading(name: string, leading: boolean): void {
    this.leader.set({ name }, leading ? 1 : 0);
  }

  outcome(outcome: Outcome): void {
    this.outcomes.inc({ outcome });
  }

  watchRestarted(resource: string): void {
    this.watchRestarts.inc({ resource });
  }

  eventDropped(reason: DropReason): void {
    this.eventsDropped.inc({ reason });
  }

  /** Where the managed-API gauge reads its value at each scrape. */
  managedApisFrom(count: () => number): void {
    this.countManagedApis = count;
  }
}
