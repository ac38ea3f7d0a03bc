// A minimal Prometheus registry (counters, gauges, histograms with labels) rendering
// the text exposition format 0.0.4, so the operator needs no metrics dependency.
import type { Outcome } from '../reconcile/types.js';

export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Label values by label name; `{}` for a metric without labels. */
export type Labels = Record<string, string>;
type NoLabels = Record<never, string>;

/** Method arguments: the labels first when the metric has any, so `gauge.set(1)` and `counter.inc({ result })` both type-check. */
type Args<L extends Labels, Rest extends unknown[]> = [keyof L] extends [never] ? Rest : [labels: L, ...Rest];

export interface MetricOptions<L extends Labels> {
  name: string;
  help: string;
  labelNames?: readonly (keyof L & string)[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

abstract class Metric<L extends Labels, S> {
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly string[];
  protected readonly series = new Map<string, { labels: string[]; state: S }>();

  constructor(options: MetricOptions<L>, reservedLabels: readonly string[] = []) {
    if (!METRIC_NAME.test(options.name)) throw new Error(`metric name "${options.name}" is not valid`);
    this.name = options.name;
    this.help = options.help;
    this.labelNames = options.labelNames ?? [];
    for (const label of this.labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__') || reservedLabels.includes(label)) {
        throw new Error(`metric ${this.name}: label name "${label}" is not valid`);
      }
    }
    if (new Set(this.labelNames).size !== this.labelNames.length) throw new Error(`metric ${this.name}: duplicate label names`);
  }

  protected abstract initial(): S;

  /** Splits method arguments into the labels (when the metric has any) and the rest. */
  protected split<Rest extends unknown[]>(args: Args<L, Rest>): [Partial<L> | undefined, Rest] {
    const list = args as unknown[];
    return (this.labelNames.length === 0 ? [undefined, list] : [list[0], list.slice(1)]) as [Partial<L> | undefined, Rest];
  }

  /** The state of one series, created on first use; labels must match the declared names exactly. */
  protected state(labels: Partial<L> = {}): S {
    const given = Object.keys(labels);
    if (given.length !== this.labelNames.length || !this.labelNames.every((n) => typeof labels[n] === 'string')) {
      throw new Error(`metric ${this.name}: labels {${given.join(',')}} do not match {${this.labelNames.join(',')}}`);
    }
    const values = this.labelNames.map((n) => labels[n] as string);
    const key = JSON.stringify(values);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels: values, state: this.initial() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  /** Sample lines; a metric without labels shows its zero value before first use. */
  samples(): string[] {
    if (this.labelNames.length === 0 && this.series.size === 0) this.state();
    return [...this.series.values()].flatMap(({ labels, state }) => this.render(labels, state));
  }

  protected abstract render(labelValues: string[], state: S): string[];

  protected line(suffix: string, labelValues: string[], value: number, extra?: [string, string]): string {
    const pairs = this.labelNames.map((n, i) => [n, labelValues[i]]);
    if (extra) pairs.push(extra);
    const labels = pairs.length ? `{${pairs.map(([n, v]) => `${n}="${escapeLabelValue(v)}"`).join(',')}}` : '';
    return `${this.name}${suffix}${labels} ${formatNumber(value)}`;
  }
}

/** A value that only goes up. */
export class Counter<L extends Labels = NoLabels> extends Metric<L, { value: number }> {
  readonly type = 'counter';

  protected initial() {
    return { value: 0 };
  }

  inc(...args: Args<L, [by?: number]>): void {
    const [labels, [by = 1]] = this.split(args);
    if (!(by >= 0)) throw new Error(`metric ${this.name}: a counter cannot decrease (inc by ${by})`);
    this.state(labels).value += by;
  }

  get(...args: Args<L, []>): number {
    return this.state(this.split(args)[0]).value;
  }

  protected render(labelValues: string[], state: { value: number }): string[] {
    return [this.line('', labelValues, state.value)];
  }
}

/** A value that goes up and down; optionally filled in at render time by a collect callback. */
export class Gauge<L extends Labels = NoLabels> extends Metric<L, { value: number }> {
  readonly type = 'gauge';
  private collector?: (gauge: this) => void;

  protected initial() {
    return { value: 0 };
  }

  set(...args: Args<L, [value: number]>): void {
    const [labels, [value]] = this.split(args);
    this.state(labels).value = value;
  }

  inc(...args: Args<L, [by?: number]>): void {
    const [labels, [by = 1]] = this.split(args);
    this.state(labels).value += by;
  }

  dec(...args: Args<L, [by?: number]>): void {
    const [labels, [by = 1]] = this.split(args);
    this.state(labels).value -= by;
  }

  get(...args: Args<L, []>): number {
    return this.state(this.split(args)[0]).value;
  }

  /** Calls `collect` before each render, for values cheaper to read than to track (e.g. a queue's length). */
  onCollect(collect: (gauge: this) => void): void {
    this.collector = collect;
  }

  samples(): string[] {
    this.collector?.(this);
    return super.samples();
  }

  protected render(labelValues: string[], state: { value: number }): string[] {
    return [this.line('', labelValues, state.value)];
  }
}

/** Upper bounds in seconds, from 5 ms (a no-op reconcile) to 10 s (a slow API server). */
export const DEFAULT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface HistogramState {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram<L extends Labels = NoLabels> extends Metric<L, HistogramState> {
  readonly type = 'histogram';
  readonly buckets: readonly number[];

  constructor(options: MetricOptions<L> & { buckets?: readonly number[] }) {
    super(options, ['le']);
    const buckets = options.buckets ?? DEFAULT_BUCKETS;
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]))) {
      throw new Error(`metric ${this.name}: buckets must be finite and strictly increasing`);
    }
    this.buckets = buckets;
  }

  protected initial(): HistogramState {
    return { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
  }

  observe(...args: Args<L, [value: number]>): void {
    const [labels, [value]] = this.split(args);
    const state = this.state(labels);
    const index = this.buckets.findIndex((b) => value <= b);
    if (index >= 0) state.counts[index] += 1;
    state.sum += value;
    state.count += 1;
  }

  /** Starts timing; the returned function observes the seconds elapsed and returns them. */
  startTimer(...args: Args<L, []>): () => number {
    const start = process.hrtime.bigint();
    return () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      this.observe(...([...args, seconds] as unknown as Args<L, [number]>));
      return seconds;
    };
  }

  protected render(labelValues: string[], state: HistogramState): string[] {
    let cumulative = 0;
    const buckets = this.buckets.map((bound, i) => {
      cumulative += state.counts[i];
      return this.line('_bucket', labelValues, cumulative, ['le', formatNumber(bound)]);
    });
    return [
      ...buckets,
      this.line('_bucket', labelValues, state.count, ['le', '+Inf']),
      this.line('_sum', labelValues, state.sum),
      this.line('_count', labelValues, state.count),
    ];
  }
}

type AnyMetric = Counter<Labels> | Gauge<Labels> | Histogram<Labels>;

export class Registry {
  private readonly metrics = new Map<string, AnyMetric>();

  counter<L extends Labels = NoLabels>(options: MetricOptions<L>): Counter<L> {
    return this.add(new Counter<L>(options));
  }

  gauge<L extends Labels = NoLabels>(options: MetricOptions<L>): Gauge<L> {
    return this.add(new Gauge<L>(options));
  }

  histogram<L extends Labels = NoLabels>(options: MetricOptions<L> & { buckets?: readonly number[] }): Histogram<L> {
    return this.add(new Histogram<L>(options));
  }

  /** The text exposition format 0.0.4, metrics in registration order. */
  render(): string {
    const lines = [...this.metrics.values()].flatMap((m) => [`# HELP ${m.name} ${escapeHelp(m.help)}`, `# TYPE ${m.name} ${m.type}`, ...m.samples()]);
    return lines.length ? lines.join('\n') + '\n' : '';
  }

  private add<M extends { name: string }>(metric: M): M {
    if (this.metrics.has(metric.name)) throw new Error(`metric ${metric.name} is already registered`);
    this.metrics.set(metric.name, metric as unknown as AnyMetric);
    return metric;
  }
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  return String(n);
}

// --- the operator's metrics ----------------------------------------------------------

/** The `result` label of a reconcile: every outcome that left the cluster as wanted is a success. */
export type ReconcileResult = 'success' | 'invalid' | 'conflict' | 'error';

export function reconcileResult(outcome: Outcome): ReconcileResult {
  return outcome === 'invalid' || outcome === 'conflict' || outcome === 'error' ? outcome : 'success';
}

export function operatorMetrics(registry: Registry) {
  return {
    reconciles: registry.counter<{ result: ReconcileResult }>({
      name: 'oda_api_reconciles_total',
      help: 'ExposedAPI reconciles, by result.',
      labelNames: ['result'],
    }),
    reconcileErrors: registry.counter({
      name: 'oda_api_reconcile_errors_total',
      help: 'ExposedAPI reconciles that failed and will be retried.',
    }),
    reconcileDuration: registry.histogram({
      name: 'oda_api_reconcile_duration_seconds',
      help: 'Time taken by one ExposedAPI reconcile, in seconds.',
    }),
    queueDepth: registry.gauge({
      name: 'oda_api_queue_depth',
      help: 'ExposedAPIs waiting to be reconciled.',
    }),
    watchRestarts: registry.counter<{ resource: string }>({
      name: 'oda_api_watch_restarts_total',
      help: 'Watches restarted after an error, a 410 Gone or a silent stream, by resource.',
      labelNames: ['resource'],
    }),
    managedApis: registry.gauge({
      name: 'oda_api_managed_apis',
      help: 'ExposedAPIs currently known to the operator.',
    }),
    leader: registry.gauge({
      name: 'oda_api_leader',
      help: '1 while this replica holds the leader lease (or runs standalone), else 0.',
    }),
  };
}

export type OperatorMetrics = ReturnType<typeof operatorMetrics>;
