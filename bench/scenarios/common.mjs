// What the scenarios share: creating APIs while tracking when each is routed and ready,
// waiting for convergence with a deadline, and turning times into figures.
import { performance } from 'node:perf_hooks';
import { pool } from '../canvas.mjs';
import { Watcher } from '../measure/watcher.mjs';
import { range, Workload } from '../workload.mjs';

/** How long an operator may take to converge N APIs before the run counts as failed. */
export const deadlineFor = (n) => 60_000 + n * 300;

/** A promise of a time, with the time readable once it is there. */
export function track(promise) {
  const t = { at: undefined };
  t.done = promise.then((at) => (t.at = at));
  return t;
}

/** Expectations for one API at its current path: routed, then routed and ready. */
export function expect(watcher, name, path, since) {
  return {
    name,
    since,
    routed: track(watcher.when(name, () => watcher.routedAt(name, path))),
    ready: track(watcher.when(name, () => watcher.routedAt(name, path) && watcher.readyIs(name, true))),
  };
}

/**
 * Creates the APIs at `indices`, `parallel` at a time; each is timed from just before its
 * create. The driver hears of each create (the floor acts on it), then the harness lists
 * the API in its Component as the Component operator would, and the driver hears where.
 */
export async function createApis({ load, driver, watcher, indices, parallel }) {
  const tracked = [];
  await pool(indices, parallel, async (i) => {
    const name = Workload.nameOf(i);
    const entry = expect(watcher, name, load.pathOf(i), performance.now());
    const api = await load.createApi(i);
    driver.created(api, true);
    driver.listed(api, await load.listInComponent(i, api));
    tracked.push(entry);
  });
  return tracked;
}

/** Waits until every tracked time is there, the deadline passes or the driver fails; true when all arrived. */
export async function arrived(tracks, deadlineMs, driver) {
  let timer;
  const deadline = new Promise((resolve) => (timer = setTimeout(resolve, deadlineMs, false)));
  const all = Promise.all(tracks.map((t) => t.done)).then(() => true);
  return Promise.race([all, deadline, driver.failed()]).finally(() => clearTimeout(timer));
}

/** Until every API is routed and ready (see arrived). */
export const converge = (tracked, deadlineMs, driver) => arrived(tracked.flatMap((t) => [t.routed, t.ready]), deadlineMs, driver);

/**
 * What churn and steady start from: the companions, the driver started, every API created
 * and converged, the driver settled. Then runs `measure(load, watcher)` and returns what it
 * does, or a failed result if the APIs never converged.
 */
export async function afterConvergence({ canvas, ns, driver, n, options }, measure) {
  const load = new Workload(canvas, ns, options.parallel);
  await load.prepare(n);
  await driver.start(ns);
  await driver.settle();
  const watcher = await Watcher.start(canvas.client, ns);
  try {
    const tracked = await createApis({ load, driver, watcher, indices: range(n), parallel: options.parallel });
    if (!(await converge(tracked, deadlineFor(n), driver))) return { converged: false, failedIn: 'initial convergence' };
    await driver.settle();
    return await measure(load, watcher);
  } finally {
    watcher.stop();
  }
}

function percentile(sorted, p) {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : undefined;
}

export function latency(values) {
  const sorted = values.filter((v) => v !== undefined).sort((a, b) => a - b);
  const ms = (v) => (v === undefined ? undefined : Math.round(v));
  return { count: sorted.length, p50: ms(percentile(sorted, 50)), p95: ms(percentile(sorted, 95)), p99: ms(percentile(sorted, 99)), max: ms(sorted.at(-1)) };
}

const seconds = (ms) => (ms === undefined ? undefined : Number((ms / 1000).toFixed(2)));
const latest = (times) => (times.includes(undefined) ? undefined : Math.max(...times));

/** Time until all are routed / ready (from t0) and per-API latencies (from each one's own start). */
export function convergenceFigures(tracked, t0) {
  const routed = tracked.map((t) => t.routed.at);
  const ready = tracked.map((t) => t.ready.at);
  return {
    apis: tracked.length,
    routedCount: routed.filter((t) => t !== undefined).length,
    readyCount: ready.filter((t) => t !== undefined).length,
    allRoutedSeconds: seconds(latest(routed) === undefined ? undefined : latest(routed) - t0),
    allReadySeconds: seconds(latest(ready) === undefined ? undefined : latest(ready) - t0),
    routedLatencyMs: latency(tracked.map((t) => (t.routed.at === undefined ? undefined : t.routed.at - t.since))),
    readyLatencyMs: latency(tracked.map((t) => (t.ready.at === undefined ? undefined : t.ready.at - t.since))),
  };
}

/** Requests, writes and the Events among them per API, from a window's counts. */
export function perApi(requests, n) {
  const round = (x) => Number((x / n).toFixed(2));
  return { requests: round(requests.reads + requests.writes), writes: round(requests.writes), events: round(requests.events) };
}
