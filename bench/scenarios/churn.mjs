// Churn: after every API has converged, a steady rate of changes for a fixed time, each
// a create (with its companions), a path update, a delete or a readiness flip, chosen
// by a seeded generator, on an API picked at random among those with no change still in
// flight. Each change is timed until the cluster shows it: created and updated APIs
// routed at their path (created ones also ready), flipped ones with the new readiness.
// Afterwards every pod is made ready again, and the time from the last change sent until
// all APIs are routed and ready is taken.
import { performance } from 'node:perf_hooks';
import { openWindow } from '../measure/apiserver.mjs';
import { sleep } from '../canvas.mjs';
import { Workload } from '../workload.mjs';
import { afterConvergence, arrived, converge, convergenceFigures, deadlineFor, expect, latency, track } from './common.mjs';

const KINDS = ['create', 'update', 'delete', 'flip'];

/** mulberry32: a tiny seeded generator, so every run makes the same choices. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function churn({ canvas, ns, driver, n, options }) {
  return afterConvergence({ canvas, ns, driver, n, options }, async (load, watcher) => {
    const window = await openWindow(canvas);
    const rng = random(options.seed);
    const idle = new Set(load.apis.keys()); // APIs with no change in flight
    const pick = () => {
      const names = [...idle];
      const name = names[Math.floor(rng() * names.length)];
      idle.delete(name);
      return name;
    };
    const timed = Object.fromEntries(KINDS.map((k) => [k, []])); // kind -> [{ since, and tracked times }]
    let nextIndex = n;
    let skipped = 0;

    const ops = {
      async create() {
        const i = nextIndex++;
        await load.addCompanions(i);
        const entry = expect(watcher, Workload.nameOf(i), load.pathOf(i), performance.now());
        const api = await load.createApi(i);
        driver.created(api, true);
        driver.listed(api, await load.listInComponent(i, api));
        timed.create.push(entry);
        entry.ready.done.then(() => idle.add(api.metadata.name));
      },
      async update(name) {
        const path = load.nextPath(name);
        const entry = { since: performance.now(), seen: track(watcher.when(name, () => watcher.routedAt(name, path))) };
        driver.updated(await load.setPath(name, path), load.ready.get(name));
        timed.update.push(entry);
        entry.seen.done.then(() => idle.add(name));
      },
      async delete(name) {
        await load.deleteApi(name);
        timed.delete.push({ since: performance.now() });
      },
      async flip(name) {
        const ready = !load.ready.get(name);
        const entry = { since: performance.now(), seen: track(watcher.when(name, () => watcher.readyIs(name, ready))) };
        await load.setReady(name, ready);
        driver.readiness(load.apis.get(name), ready);
        timed.flip.push(entry);
        entry.seen.done.then(() => idle.add(name));
      },
    };

    const t0 = performance.now();
    const total = Math.round(options.churnSeconds * options.churnRate);
    const inFlight = [];
    for (let k = 0; k < total; k++) {
      await sleep(Math.max(0, t0 + (k * 1000) / options.churnRate - performance.now()));
      const kind = KINDS[Math.floor(rng() * KINDS.length)];
      if (kind !== 'create' && idle.size === 0) {
        skipped++;
        continue;
      }
      const op = ops[kind](kind === 'create' ? undefined : pick());
      op.catch(() => {}); // a failed request fails the run below, not the process now
      inFlight.push(op);
    }
    await Promise.all(inFlight);
    const sent = performance.now();
    const pending = [...timed.create.flatMap((e) => [e.routed, e.ready]), ...timed.update.map((e) => e.seen), ...timed.flip.map((e) => e.seen)];
    const changesSeen = await arrived(pending, deadlineFor(n), driver);

    // Every pod ready again; then all APIs must be routed at their path and ready.
    const down = [...load.ready].filter(([name, ready]) => !ready && load.apis.has(name)).map(([name]) => name);
    await Promise.all(down.map(async (name) => {
      await load.setReady(name, true);
      driver.readiness(load.apis.get(name), true);
    }));
    const final = [...load.apis.values()].map((api) => expect(watcher, api.metadata.name, api.spec.path, sent));
    const converged = changesSeen && (await converge(final, deadlineFor(n), driver));
    if (converged) await driver.settle();
    const requests = await window.close();

    const changes = Object.values(timed).reduce((t, list) => t + list.length, 0);
    const took = (entries, key) => entries.map((e) => (e[key].at === undefined ? undefined : e[key].at - e.since));
    return {
      converged,
      seconds: options.churnSeconds,
      changes: Object.fromEntries(KINDS.map((k) => [k, timed[k].length])),
      skipped,
      sendSeconds: Number(((sent - t0) / 1000).toFixed(2)),
      latencyMs: {
        all: latency([...took(timed.create, 'ready'), ...took(timed.update, 'seen'), ...took(timed.flip, 'seen')]),
        createRouted: latency(took(timed.create, 'routed')),
        createReady: latency(took(timed.create, 'ready')),
        update: latency(took(timed.update, 'seen')),
        flip: latency(took(timed.flip, 'seen')),
      },
      after: convergenceFigures(final, sent),
      requests,
      perChange: { requests: round((requests.reads + requests.writes) / changes), writes: round(requests.writes / changes), events: round(requests.events / changes) },
      process: driver.figures(),
    };
  });
}

const round = (x) => Number(x.toFixed(2));
