// Leader election on a coordination.k8s.io/v1 Lease, with client-go's semantics, so
// several operator replicas can run and only one writes. Expiry is judged by when
// *we* last saw the lease record change, never by comparing its renewTime with our
// clock, so clock skew between replicas cannot cause two leaders.
// Hand-written because client-node ships no leader election (client-go's is Go only).
import { setTimeout as delay } from 'node:timers/promises';
import { statusOf } from './api-status.js';
import type { Logger } from './log.js';

/** The one request the elector makes, on the Lease's path (GET, POST, PUT). */
export interface LeaseClient {
  request<R>(method: string, path: string, options?: { body?: unknown }): Promise<R>;
}

export interface LeaderElectorOptions {
  client: LeaseClient;
  namespace: string;
  name: string;
  /** Unique per replica, e.g. the pod name. */
  identity: string;
  /** How long standbys wait after the lease last changed before taking it over. */
  leaseDurationMs?: number;
  /** How long the leader keeps leading without a successful renewal. */
  renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew. */
  retryPeriodMs?: number;
  onStartedLeading?: () => void;
  /** Called when leadership ends, whatever the cause; the caller must stop writing. Awaited before a release. */
  onStoppedLeading?: () => void | Promise<void>;
  log?: Logger;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion: 'coordination.k8s.io/v1';
  kind: 'Lease';
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec?: LeaseSpec;
}

/** Standbys spread their attempts by up to this fraction of the retry period, so they don't move in lock-step. */
const JITTER = 0.2;

/** RBAC does not let us use the Lease: retrying cannot help, the user must act. */
export class LeaseForbiddenError extends Error {
  constructor(
    message: string,
    /** Whether the Lease was ever read: if not, no replica of ours can have led with it. */
    readonly leaseEverRead = false,
  ) {
    super(message);
  }
}

export class LeaderElector {
  private readonly client: LeaseClient;
  private readonly namespace: string;
  private readonly name: string;
  private readonly identity: string;
  private readonly leaseDurationSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly onStartedLeading?: () => void;
  private readonly onStoppedLeading?: () => void | Promise<void>;
  private readonly log?: Logger;

  private leading = false;
  private stopping = false;
  private releaseOnStop = true;
  private campaign?: Promise<void>;
  private readonly wake = new AbortController();
  /** Fires when the renew deadline passes without a successful renewal. */
  private watchdog?: NodeJS.Timeout;
  private steppedDown: Promise<void> = Promise.resolve();
  private lastProblem?: string;

  /** The lease as last read or written by us, and when (monotonic clock) its spec last changed. */
  private observed?: Lease;
  private observedSpec = '';
  private observedAt = 0;

  constructor(options: LeaderElectorOptions) {
    const leaseDurationMs = options.leaseDurationMs ?? 15_000;
    const renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    const retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (!options.identity) throw new Error('leader election: identity must not be empty');
    // The Lease stores whole seconds.
    if (leaseDurationMs < 1000) throw new Error('leader election: lease duration must be at least 1s');
    // The leader must give up before a standby may take over, or both would write.
    if (renewDeadlineMs >= leaseDurationMs) throw new Error('leader election: renew deadline must be shorter than the lease duration');
    if (retryPeriodMs * (1 + JITTER) >= renewDeadlineMs) throw new Error('leader election: retry period must be well under the renew deadline');
    this.client = options.client;
    this.namespace = options.namespace;
    this.name = options.name;
    this.identity = options.identity;
    this.leaseDurationSeconds = Math.ceil(leaseDurationMs / 1000);
    this.renewDeadlineMs = renewDeadlineMs;
    this.retryPeriodMs = retryPeriodMs;
    this.onStartedLeading = options.onStartedLeading;
    this.onStoppedLeading = options.onStoppedLeading;
    this.log = options.log;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /**
   * Campaigns until stopped: acquires the lease when free or expired, then renews it.
   * Resolves after stop(); rejects (with a LeaseForbiddenError) when RBAC forbids using the Lease.
   */
  run(): Promise<void> {
    if (this.campaign) throw new Error('leader election: run() may be called only once');
    this.campaign = this.campaignUntilStopped();
    return this.campaign;
  }

  /**
   * Stops campaigning and leading (onStoppedLeading is awaited), then, with `release`,
   * clears the lease so a standby takes over at once. `release: false` behaves like a
   * crash as far as standbys can tell. Waits at most the renew deadline for a hung request.
   */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    if (!this.campaign) return;
    this.stopping = true;
    this.releaseOnStop = release;
    this.wake.abort();
    const finished = await Promise.race([
      this.campaign.then(
        () => true,
        () => true,
      ),
      delay(this.renewDeadlineMs, false, { ref: false }),
    ]);
    if (!finished) await this.stepDown('stopping while a request to the API server hangs');
  }

  private get where(): string {
    return `lease ${this.namespace}/${this.name}`;
  }

  private get path(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${this.namespace}/leases/${this.name}`;
  }

  private async campaignUntilStopped(): Promise<void> {
    try {
      while (!this.stopping) {
        await this.attempt();
        const pause = this.leading ? this.retryPeriodMs : this.retryPeriodMs * (1 + Math.random() * JITTER);
        await delay(pause, undefined, { signal: this.wake.signal }).catch(() => undefined);
      }
    } finally {
      await this.stepDown();
    }
    if (this.releaseOnStop) await this.release();
  }

  /** One acquire-or-renew; on success (re)arms the watchdog and starts leading if we weren't. */
  private async attempt(): Promise<void> {
    const startedAt = performance.now();
    let held = false;
    try {
      held = await this.tryAcquireOrRenew();
      this.lastProblem = undefined;
    } catch (err) {
      // Retrying cannot fix RBAC; anything else (outage, conflict storm, 5xx) is retried.
      if (statusOf(err) === 403) {
        throw new LeaseForbiddenError(
          `leader election on ${this.where} is forbidden (403): ${(err as Error).message}; ` +
            `grant get, create and update on leases.coordination.k8s.io in namespace ${this.namespace}, or run with --standalone`,
          this.observed !== undefined,
        );
      }
      this.reportProblem(err as Error);
    }
    // A success that took longer than the renew deadline proves nothing about now.
    const remaining = startedAt + this.renewDeadlineMs - performance.now();
    if (!held || this.stopping || remaining <= 0) return;
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => void this.stepDown(`not renewed within ${this.renewDeadlineMs}ms`), remaining);
    if (this.leading) return;
    await this.steppedDown; // a previous term's onStoppedLeading must finish first
    if (this.stopping) return;
    this.leading = true;
    this.log?.info(`leading ${this.where}`, { identity: this.identity });
    this.onStartedLeading?.();
  }

  /** client-go's tryAcquireOrRenew: true when we hold the lease after this call. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    let current: Lease;
    try {
      current = await this.client.request<Lease>('GET', this.path);
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
      const collection = this.path.slice(0, this.path.lastIndexOf('/'));
      return this.write('POST', collection, this.claim(undefined, now));
    }
    this.observe(current);
    const holder = current.spec?.holderIdentity ?? '';
    if (holder !== '' && holder !== this.identity && !this.observedExpired()) return false;
    return this.write('PUT', this.path, this.claim(current, now));
  }

  /** Writes the lease; a 409 means another replica wrote first (create or stale resourceVersion). */
  private async write(method: 'POST' | 'PUT', path: string, lease: Lease): Promise<boolean> {
    try {
      this.observe(await this.client.request<Lease>(method, path, { body: lease }));
      return true;
    } catch (err) {
      if (statusOf(err) === 409) return false;
      throw err;
    }
  }

  /** The lease with us as holder: a renewal keeps acquireTime and leaseTransitions, a takeover moves them on. */
  private claim(current: Lease | undefined, now: Date): Lease {
    const spec = current?.spec ?? {};
    const renewing = spec.holderIdentity === this.identity;
    const time = microTime(now);
    const transitions = spec.leaseTransitions ?? 0;
    return {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      // The observed resourceVersion makes the update conditional (optimistic concurrency).
      metadata: current?.metadata ?? { name: this.name, namespace: this.namespace },
      spec: {
        ...spec,
        holderIdentity: this.identity,
        leaseDurationSeconds: this.leaseDurationSeconds,
        acquireTime: renewing ? (spec.acquireTime ?? time) : time,
        renewTime: time,
        leaseTransitions: current && !renewing ? transitions + 1 : transitions,
      },
    };
  }

  private observe(lease: Lease): void {
    const spec = JSON.stringify(lease.spec ?? {});
    if (spec !== this.observedSpec) {
      this.observedSpec = spec;
      this.observedAt = performance.now();
    }
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder !== (this.observed?.spec?.holderIdentity ?? '') && holder !== this.identity) {
      this.log?.info(holder ? `${this.where} is held by ${holder}` : `${this.where} is free`);
    }
    this.observed = lease;
  }

  /** Expired when the record has not changed for its lease duration, by our own clock. */
  private observedExpired(): boolean {
    const seconds = this.observed?.spec?.leaseDurationSeconds ?? this.leaseDurationSeconds;
    return performance.now() >= this.observedAt + seconds * 1000;
  }

  private stepDown(reason?: string): Promise<void> {
    clearTimeout(this.watchdog);
    if (!this.leading) return this.steppedDown;
    this.leading = false;
    if (reason) this.log?.warn(`lost leadership of ${this.where}: ${reason}`, { identity: this.identity });
    else this.log?.info(`stopped leading ${this.where}`, { identity: this.identity });
    this.steppedDown = (async () => this.onStoppedLeading?.())().catch((err: Error) =>
      this.log?.error('onStoppedLeading failed', { err }),
    );
    return this.steppedDown;
  }

  /** Clears the holder (as client-go does) so a standby need not wait out the lease. */
  private async release(): Promise<void> {
    const current = this.observed;
    if (current?.spec?.holderIdentity !== this.identity) return;
    const time = microTime(new Date());
    const { holderIdentity: _, ...rest } = current.spec;
    const released: Lease = { ...current, spec: { ...rest, leaseDurationSeconds: 1, acquireTime: time, renewTime: time } };
    try {
      await this.client.request('PUT', this.path, { body: released });
      this.log?.info(`released ${this.where}`, { identity: this.identity });
    } catch (err) {
      // A 409: someone took the lease over meanwhile, nothing to release.
      if (statusOf(err) !== 409) this.log?.warn(`cannot release ${this.where}`, { err });
    }
  }

  /** Logs a failed attempt; repeats of the same problem go to debug so an outage doesn't flood the log. */
  private reportProblem(err: Error): void {
    const problem = err.message;
    if (problem === this.lastProblem) this.log?.debug(`${this.where}: ${problem}`);
    else this.log?.warn(`cannot acquire or renew ${this.where}: ${problem}`, { identity: this.identity });
    this.lastProblem = problem;
  }
}

/** metav1.MicroTime: RFC 3339 with microseconds. */
export function microTime(date: Date): string {
  return date.toISOString().replace(/Z$/, '000Z');
}
