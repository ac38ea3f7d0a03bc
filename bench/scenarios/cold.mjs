// Cold start: every ExposedAPI and its companions exist first; then the operator starts.
// Latencies run from the operator's start, so they include its start-up and first LISTs.
import { performance } from 'node:perf_hooks';
import { pool } from '../canvas.mjs';
import { openWindow } from '../measure/apiserver.mjs';
import { Watcher } from '../measure/watcher.mjs';
import { range, Workload } from '../workload.mjs';
import { converge, convergenceFigures, deadlineFor, expect, perApi } from './common.mjs';

/** The namespace with n APIs and companions, nothing routed yet; returns the APIs. */
export async function coldWorkload(canvas, ns, n, parallel) {
  const load = new Workload(canvas, ns, parallel);
  await load.prepare(n);
  const apis = [];
  const entries = new Map(); // API name -> where it is listed in its Component
  await pool(range(n), parallel, async (i) => {
    const api = await load.createApi(i);
    entries.set(api.metadata.name, await load.listInComponent(i, api));
    apis.push(api);
  });
  return { load, apis, entries };
}

export async function cold({ canvas, ns, driver, n, options }) {
  const { apis, entries } = await coldWorkload(canvas, ns, n, options.parallel);
  const watcher = await Watcher.start(canvas.client, ns);
  try {
    const window = await openWindow(canvas);
    const t0 = performance.now();
    const tracked = apis.map((api) => expect(watcher, api.metadata.name, api.spec.path, t0));
    await driver.start(ns, apis);
    for (const api of apis) driver.listed(api, entries.get(api.metadata.name));
    const converged = await converge(tracked, deadlineFor(n), driver);
    if (converged) await driver.settle();
    const requests = await window.close();
    return { converged, ...convergenceFigures(tracked, t0), requests, perApi: perApi(requests, n), process: driver.figures() };
  } finally {
    watcher.stop();
  }
}
