// One-shot `kubectl oda-api reconcile` on the cold-start objects: a first run with
// everything to create, then a second right after with nothing to do (the goal there is
// zero writes). Run as a user runs it, a process of its own, timed from spawn to exit;
// requests counted by the API server as for the operator.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openWindow } from '../measure/apiserver.mjs';
import { coldWorkload } from './cold.mjs';
import { perApi } from './common.mjs';
import { apiUrl } from '../workload.mjs';

const bin = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'bin', 'kubectl-oda_api');

function reconcile(kubeconfig, ns) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [bin, 'reconcile', '-n', ns, '-o', 'json'], { env: { ...process.env, KUBECONFIG: kubeconfig }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

export async function oneshot({ canvas, ns, n, options }) {
  await coldWorkload(canvas, ns, n, options.parallel);
  const runs = {};
  for (const run of ['first', 'second']) {
    const window = await openWindow(canvas);
    const started = performance.now();
    const { code, stdout, stderr } = await reconcile(canvas.operatorKubeconfig, ns);
    const seconds = Number(((performance.now() - started) / 1000).toFixed(2));
    const requests = await window.close();
    const outcomes = {};
    try {
      for (const item of JSON.parse(stdout).items) outcomes[item.outcome] = (outcomes[item.outcome] ?? 0) + 1;
    } catch {
      throw new Error(`reconcile exited ${code} without a report: ${stderr.trim().split('\n').at(-1)}`);
    }
    runs[run] = { seconds, exitCode: code, outcomes, requests, perApi: perApi(requests, n) };
  }
  // Converged means every API got its URL through the gateway's address, as the operator gives it.
  const { items } = await canvas.client.get(`/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis`);
  const withUrl = items.filter((a) => a.status?.apiStatus?.url === apiUrl(a.spec.path)).length;
  return { converged: runs.first.exitCode === 0 && runs.second.exitCode === 0 && withUrl === n, withUrl, ...runs };
}
