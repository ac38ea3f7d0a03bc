// Exponential backoff with jitter, shared by the informers (reconnecting watches) and
// the work queue (retrying failed keys). Jitter spreads retries so that many watches
// or keys failing together do not hammer the API server in lockstep.
// Only the delay is computed here: retry libraries run the loop and own the timers, which
// the queue (coalescing, shutdown) and the informers (stop, restart) must own themselves.

export interface BackoffOptions {
  /** Delay after the first failure. */
  baseMs: number;
  /** Delays never exceed this. */
  maxMs: number;
  /** Shorten each delay by a random part of up to this fraction (0.2: up to 20% shorter). */
  jitter: number;
  /** Source of randomness in [0, 1); injectable so tests get exact delays. */
  random: () => number;
}

/** Fills in the defaults a caller did not set. */
export function backoffOptions(defaults: Omit<BackoffOptions, 'jitter' | 'random'>, given: Partial<BackoffOptions> = {}): BackoffOptions {
  return { jitter: 0.2, random: Math.random, ...defaults, ...given };
}

/**
 * The delay before retry number `failures` (1 for the first retry): base doubling per
 * failure up to the cap, then jittered below it, so that retries stay spread out even
 * once every failing client has reached the cap.
 */
export function backoffDelay(failures: number, options: BackoffOptions): number {
  const capped = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, failures - 1));
  return capped * (1 - options.jitter * options.random());
}
