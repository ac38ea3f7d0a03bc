// Waiting like `kubectl wait`: durations as kubectl spells them, and a poll that checks
// at once, then every interval, and once more at the deadline before giving up.

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `30s`, `2m`, `1h30m`, `500ms`; a bare number is seconds. Undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/^(\d+(\.\d+)?(ms|s|m|h))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, amount, , unit] of trimmed.matchAll(/(\d+(\.\d+)?)(ms|s|m|h)/g)) total += Number(amount) * UNITS[unit];
  return total;
}

export function formatDuration(ms: number): string {
  if (ms % 3_600_000 === 0 && ms > 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000}m`;
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export interface PollOptions {
  timeoutMs: number;
  intervalMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Checks until `done` holds or time runs out; returns the last value either way. */
export async function pollUntil<T>(check: () => Promise<T>, done: (value: T) => boolean, o: PollOptions): Promise<{ value: T; done: boolean }> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? defaultSleep;
  const deadline = now() + o.timeoutMs;
  for (;;) {
    const value = await check();
    if (done(value)) return { value, done: true };
    const left = deadline - now();
    if (left <= 0) return { value, done: false };
    await sleep(Math.min(o.intervalMs, left));
  }
}
