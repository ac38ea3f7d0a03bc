// Steady state: after every API has converged, nothing changes for a while. The goal is
// that the operator writes nothing at all and its memory settles.
import { openWindow } from '../measure/apiserver.mjs';
import { Watcher } from '../measure/watcher.mjs';
import { sleep } from '../canvas.mjs';
import { range, Workload } from '../workload.mjs';
import { converge, createApis, deadlineFor } from './common.mjs';

export async function steady({ canvas, ns, driver, n, options }) {
  const load = new Workload(canvas, ns, options.parallel);
  await load.prepare(n);
  await driver.start(ns);
  await driver.settle();
  const watcher = await Watcher.start(canvas.client, ns);
  try {
    const tracked = await createApis({ load, driver, watcher, indices: range(n), parallel: options.parallel });
    const converged = await converge(tracked, deadlineFor(n), driver);
    if (!converged) return { converged, seconds: options.steadySeconds };
    await driver.settle();
    const window = await openWindow(canvas);
    const cpuBefore = driver.cpuSeconds;
    await Promise.race([sleep(options.steadySeconds * 1000), driver.failed()]);
    const requests = await window.close();
    const cpuSeconds = Number((driver.cpuSeconds - cpuBefore).toFixed(2));
    return { converged, seconds: options.steadySeconds, requests, process: { ...driver.figures(), cpuSecondsInWindow: cpuSeconds } };
  } finally {
    watcher.stop();
  }
}
