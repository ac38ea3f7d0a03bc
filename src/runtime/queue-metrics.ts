// The work queue's metrics under the names, labels and buckets client-go's workqueue has in
// controller-runtime (workqueue_*{name,controller}), so dashboards and alerts made for
// controllers work unchanged. Like client-go, it times each key from when it started
// waiting and from when a worker took it; the in-flight gauges are computed at each scrape.
// controller-runtime's depth also carries a `priority` label, empty for a queue without
// priorities, which Prometheus reads as no label: it is left out here.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { QueueMetrics } from './queue.js';

/** 10 ns to 1,000 s, one per decade: client-go's buckets for time waiting and time working. */
export const QUEUE_DURATION_BUCKETS: readonly number[] = Array.from({ length: 12 }, (_, i) => 10 ** (i - 8));

type QueueLabel = 'name' | 'controller';

export class WorkQueueMetrics implements QueueMetrics {
  /** When each waiting key started waiting (ms); their count is the depth. */
  private readonly waitingSince = new Map<string, number>();
  /** When a worker took each key in flight (ms). */
  private readonly runningSince = new Map<string, number>();
  private readonly labels: Record<QueueLabel, string>;
  private readonly adds: Counter<QueueLabel>;
  private readonly retries: Counter<QueueLabel>;
  private readonly queueDuration: Histogram<QueueLabel>;
  private readonly workDuration: Histogram<QueueLabel>;

  /** Registers the queue's metrics; `name` labels them as controller-runtime does, as both `name` and `controller`. */
  constructor(registry: Registry, name: string, private readonly now: () => number = () => performance.now()) {
    const labels = (this.labels = { name, controller: name });
    const labelNames: QueueLabel[] = ['name', 'controller'];
    const registers = [registry];
    const gauge = (metric: string, help: string, value: () => number) =>
      new Gauge({ name: metric, help, labelNames, registers, collect: function () { this.set(labels, value()); } });
    gauge('workqueue_depth', 'Current depth of workqueue', () => this.waitingSince.size);
    this.adds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames, registers });
    this.queueDuration = new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested',
      labelNames,
      buckets: [...QUEUE_DURATION_BUCKETS],
      registers,
    });
    this.workDuration = new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes.',
      labelNames,
      buckets: [...QUEUE_DURATION_BUCKETS],
      registers,
    });
    gauge(
      'workqueue_unfinished_work_seconds',
      "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.",
      () => this.running().reduce((sum, s) => sum + s, 0),
    );
    gauge('workqueue_longest_running_processor_seconds', 'How many seconds has the longest running processor for workqueue been running.', () =>
      Math.max(0, ...this.running()),
    );
    this.retries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames, registers });
    // Series exist from the start, so rate() and alerts see a zero rather than nothing.
    for (const counter of [this.adds, this.retries]) counter.inc(labels, 0);
    for (const histogram of [this.queueDuration, this.workDuration]) histogram.zero(labels);
  }

  add(key: string): void {
    this.adds.inc(this.labels);
    if (!this.waitingSince.has(key)) this.waitingSince.set(key, this.now());
  }

  get(key: string): void {
    const since = this.waitingSince.get(key);
    if (since !== undefined) this.queueDuration.observe(this.labels, this.seconds(since));
    this.waitingSince.delete(key);
    this.runningSince.set(key, this.now());
  }

  done(key: string): void {
    const since = this.runningSince.get(key);
    if (since !== undefined) this.workDuration.observe(this.labels, this.seconds(since));
    this.runningSince.delete(key);
  }

  retry(): void {
    this.retries.inc(this.labels);
  }

  /** Seconds each key in flight has been running. */
  private running(): number[] {
    return [...this.runningSince.values()].map((since) => this.seconds(since));
  }

  private seconds(sinceMs: number): number {
    return (this.now() - sinceMs) / 1000;
  }
}
