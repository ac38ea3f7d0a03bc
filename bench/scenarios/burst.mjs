// Burst: the operator is running and idle; then every ExposedAPI is created at once.
import { performance } from 'node:perf_hooks';
import { openWindow } from '../measure/apiserver.mjs';
import { Watcher } from '../measure/watcher.mjs';
import { range, Workload } from '../workload.mjs';
import { converge, convergenceFigures, createApis, deadlineFor, perApi } from './common.mjs';

export async function burst({ canvas, ns, driver, n, options }) {
  const load = new Workload(canvas, ns, options.parallel);
  await load.prepare(n);
  await driver.start(ns);
  await driver.settle(); // caches synced, nothing left to do
  const watcher = await Watcher.start(canvas.client, ns);
  try {
    const window = await openWindow(canvas);
    const t0 = performance.now();
    const tracked = await createApis({ load, driver, watcher, indices: range(n), parallel: options.parallel });
    const createSeconds = Number(((performance.now() - t0) / 1000).toFixed(2));
    const converged = await converge(tracked, deadlineFor(n), driver);
    if (converged) await driver.settle(); // trailing writes (Component entries, Events) belong to the burst
    const requests = await window.close();
    return { converged, createSeconds, ...convergenceFigures(tracked, t0), requests, perApi: perApi(requests, n), process: driver.figures() };
  } finally {
    watcher.stop();
  }
}
