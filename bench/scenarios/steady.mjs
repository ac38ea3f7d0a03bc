// Steady state: after every API has converged, nothing changes for a while. The goal is
// that the operator writes nothing at all and its memory settles.
import { openWindow } from '../measure/apiserver.mjs';
import { sleep } from '../canvas.mjs';
import { afterConvergence } from './common.mjs';

export function steady({ canvas, ns, driver, n, options }) {
  return afterConvergence({ canvas, ns, driver, n, options }, async () => {
    const window = await openWindow(canvas);
    const cpuBefore = driver.cpuSeconds;
    await Promise.race([sleep(options.steadySeconds * 1000), driver.failed()]);
    const requests = await window.close();
    const cpuSeconds = Number((driver.cpuSeconds - cpuBefore).toFixed(2));
    return { converged: true, seconds: options.steadySeconds, requests, process: { ...driver.figures(), cpuSecondsInWindow: cpuSeconds } };
  });
}
