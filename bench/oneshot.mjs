#!/usr/bin/env node
// One-shot reconcile of N ExposedAPIs on a fresh local control plane: time and API
// requests of a first run (everything to create) and of a second run right after
// (nothing to do: the goal is zero writes). Usage: node bench/oneshot.mjs [N=1000]
// Needs `npm run build` first (it drives the compiled engine in-process, to count requests).
import { KubeClient } from '../dist/kube/client.js';
import { runOnce } from '../dist/oneshot/run.js';
import { NAMESPACE as ns, pool, startCanvas } from './canvas.mjs';

const n = Number(process.argv[2] ?? 1000);
const canvas = await startCanvas();
try {
  const { state } = canvas;
  const t0 = Date.now();
  await pool(Array.from({ length: n }, (_, i) => i), 16, (i) => canvas.createApi(`api-${i}`, i % 3 === 2 ? 'prometheus' : 'openapi'));
  console.log(`created ${n} ExposedAPIs and Services in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  const settings = { metricsMode: 'ServiceMonitor', gateway: 'component-gateway', scrapeInterval: '15s' };
  const rows = [];
  for (const label of ['first run', 'second run']) {
    const client = KubeClient.load({ kubeconfig: state.kubeconfig });
    const started = process.hrtime.bigint();
    const report = await runOnce(client, { settings, scope: { matches: (x) => x === ns, literal: [ns] }, names: [], dryRun: 'none' });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const outcomes = {};
    for (const a of report.apis) outcomes[a.outcome] = (outcomes[a.outcome] ?? 0) + 1;
    const counts = client.requestCounts;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    rows.push({ run: label, seconds: seconds.toFixed(2), requests: total, ...counts, outcomes: JSON.stringify(outcomes) });
  }
  console.table(rows);
} finally {
  await canvas.stop();
}
