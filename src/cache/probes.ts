// What /healthz and /readyz answer, from the informers' own state (a probe never
// touches the API server).
import type { Check } from '../runtime/health.js';

export interface ProbedInformer {
  name: string;
  lastHeard(): number;
  healthy(now: number): boolean;
  hasSynced(): boolean;
  forbidden(): string | undefined;
}

/**
 * Live while the API server has answered within limitMs (since `since`, the start, at
 * the earliest) and every watch is connected or recovering within its bounds.
 */
export function liveness(informers: readonly ProbedInformer[], since: number, limitMs: number, now: number): Check {
  const heard = Math.max(since, ...informers.map((i) => i.lastHeard()));
  if (now - heard > limitMs) return { ok: false, detail: `no answer from the API server for ${Math.round((now - heard) / 1000)}s (limit ${limitMs / 1000}s)` };
  const stuck = informers.filter((i) => !i.healthy(now)).map((i) => i.name);
  return stuck.length ? { ok: false, detail: `watches stuck: ${stuck.join(', ')}` } : { ok: true };
}

/** Ready once every cache has synced and nothing required is forbidden (the body names the permission). */
export function readiness(required: readonly ProbedInformer[], all: readonly ProbedInformer[]): Check {
  const refused = required.map((i) => i.forbidden()).filter((m): m is string => m !== undefined);
  if (refused.length) return { ok: false, detail: `missing permission: ${refused.join('; ')}` };
  const waiting = all.filter((i) => !i.hasSynced()).map((i) => i.name);
  return waiting.length ? { ok: false, detail: `caches not synced: ${waiting.join(', ')}` } : { ok: true };
}
