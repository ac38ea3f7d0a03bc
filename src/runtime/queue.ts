// A work queue keyed by string (e.g. "namespace/name"), in the style of client-go's
// workqueue and controller-runtime: events are edges, reconciles are level-based, so a
// burst of adds for one key collapses into one run, a key is never processed twice at
// once, and a failing key is retried with its own exponential backoff, forever.
import { backoffDelay, backoffOptions, type BackoffOptions } from './backoff.js';

/**
 * What one run asks of the queue, controller-runtime's Result and error in one value: an
 * error retries the key after its backoff (longer for each failure in a row); otherwise
 * the backoff resets and requeueAfterMs, if set, runs the key again after that long.
 * Failures travel as this value; a process that throws (a bug) is treated as having
 * returned the error, as controller-runtime recovers a panicking reconciler, so no key is lost.
 */
export interface Result {
  requeueAfterMs?: number;
  error?: unknown;
}

export interface WorkQueueOptions {
  /** Reconciles one key. */
  process: (key: string) => Promise<Result | void>;
  /** Keys processed in parallel (different keys only). */
  concurrency?: number;
  /** Per-key retry delays; defaults to 5 ms doubling up to 5 minutes, jittered up to 20% shorter. */
  backoff?: Partial<BackoffOptions>;
  /** Told each step of a key's way through the queue, for metrics; must not throw. */
  metrics?: QueueMetrics;
}

/** client-go's queue metrics hooks: a key starts waiting, a worker takes it, its run ends, a failure schedules a retry. */
export interface QueueMetrics {
  add(key: string): void;
  get(key: string): void;
  done(key: string): void;
  retry(key: string): void;
}

export class WorkQueue {
  /** Keys ready to run, in arrival order (a Set keeps insertion order and coalesces). */
  private readonly waiting = new Set<string>();
  private readonly processing = new Set<string>();
  /** Keys added while being processed: run again as soon as the current run ends. */
  private readonly dirty = new Set<string>();
  private readonly delayed = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private readonly drainWaiters: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly backoff: BackoffOptions;
  private shuttingDown = false;

  constructor(private readonly options: WorkQueueOptions) {
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.backoff = backoffOptions({ baseMs: 5, maxMs: 5 * 60_000 }, options.backoff);
  }

  add(key: string): void {
    if (this.shuttingDown) return;
    if (!this.waiting.has(key) && !this.dirty.has(key)) this.options.metrics?.add(key);
    if (this.processing.has(key)) this.dirty.add(key);
    else this.waiting.add(key);
    this.pump();
  }

  /** Adds key after ms; if the key is already due earlier, that earlier time wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = Date.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, timer });
  }

  /** Keys waiting to run, including keys to run again once their current run ends. */
  depth(): number {
    return this.waiting.size + this.dirty.size;
  }

  /**
   * Stops taking work: waiting, delayed and later keys are dropped (the next start's
   * resync picks them up), runs in flight finish. Resolves true once they have, or
   * false if timeoutMs passes first.
   */
  shutdown(options: { timeoutMs?: number } = {}): Promise<boolean> {
    this.shuttingDown = true;
    this.waiting.clear();
    this.dirty.clear();
    for (const { timer } of this.delayed.values()) clearTimeout(timer);
    this.delayed.clear();
    if (this.processing.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => resolve(false), options.timeoutMs);
      this.drainWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private pump(): void {
    while (!this.shuttingDown && this.processing.size < this.concurrency && this.waiting.size > 0) {
      const key = this.waiting.values().next().value as string;
      this.waiting.delete(key);
      this.processing.add(key);
      this.options.metrics?.get(key);
      void this.run(key);
    }
  }

  private async run(key: string): Promise<void> {
    let result: Result | void;
    try {
      result = await this.options.process(key);
    } catch (error) {
      result = { error: error ?? new Error('process threw nothing') };
    }
    this.options.metrics?.done(key);
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.waiting.add(key);
    // The one place a run's result becomes queue operations (controller-runtime's reconcileHandler).
    if (result?.error !== undefined) {
      const failures = (this.failures.get(key) ?? 0) + 1;
      this.failures.set(key, failures);
      this.options.metrics?.retry(key);
      this.addAfter(key, backoffDelay(failures, this.backoff));
    } else {
      this.failures.delete(key);
      if (result?.requeueAfterMs !== undefined) this.addAfter(key, result.requeueAfterMs);
    }
    if (this.shuttingDown && this.processing.size === 0) this.drainWaiters.splice(0).forEach((resolve) => resolve());
    this.pump();
  }
}
