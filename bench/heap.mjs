#!/usr/bin/env node
// npm run bench:heap: what each kind the operator caches costs per object in its heap,
// on objects as the bench makes them: a fresh control plane, the burst's workload of N
// APIs converged by our operator (so statuses, children, Component entries and Events are
// the operator's own, with the API server's managedFields), optionally noise in other
// namespaces; then bench/measure/heap-kinds.mjs measures the stores of the shipped
// cluster cache (dist/) filled from that cluster. Prints a Markdown table, writes JSON.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCanvas } from './canvas.mjs';
import { Noise } from './noise.mjs';
import { operatorDriver } from './operator.mjs';
import { burst } from './scenarios/burst.mjs';

const NAMESPACE = 'components';
const USAGE = `usage: node bench/heap.mjs [options]   (npm run bench:heap -- [options]; needs npm run build)
  --apis N       ExposedAPIs created and converged first (default: 1000)
  --noise N      units of unrelated objects (Service, EndpointSlice, Pod) in other namespaces (default: 0)
  --parallel N   requests the harness keeps in flight (default: 16)
  --out DIR      where the JSON goes (default: bench/results)
  -A             the cache of an operator serving every namespace (default: the bench's namespace, as its operator does)`;

function options() {
  const { values } = parseArgs({
    options: {
      apis: { type: 'string', default: '1000' },
      noise: { type: 'string', default: '0' },
      parallel: { type: 'string', default: '16' },
      out: { type: 'string', default: 'bench/results' },
      'all-namespaces': { type: 'boolean', short: 'A' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const whole = (name, least) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < least) throw new Error(`--${name} must be a whole number of at least ${least}, not "${values[name]}"`);
    return n;
  };
  return { apis: whole('apis', 3), noise: whole('noise', 0), parallel: whole('parallel', 1), out: values.out, allNamespaces: values['all-namespaces'] ?? false };
}

function measureKinds(kubeconfig, namespace) {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'measure', 'heap-kinds.mjs');
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--expose-gc', script, kubeconfig, ...(namespace ? [namespace] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done(JSON.parse(stdout)) : fail(new Error(`heap-kinds exited ${code}`))));
  });
}

const mib = (bytes) => (bytes / 1024 / 1024).toFixed(2);

function render({ apis, noise, heapBeforeStartBytes, heapWithCachesBytes, rows }) {
  const lines = [
    `### Heap by cached kind (${apis} APIs, ${noise} noise units; the cache's stores, measured by emptying each)`,
    '',
    '| kind | objects | bytes/object | total MiB |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.kind} | ${r.objects} | ${r.bytesPerObject ?? '–'} | ${mib(r.bytes)} |`),
    `| all stores | ${rows.reduce((t, r) => t + r.objects, 0)} | | ${mib(rows.reduce((t, r) => t + r.bytes, 0))} |`,
    '',
    `Heap in use: ${mib(heapBeforeStartBytes)} MiB before start, ${mib(heapWithCachesBytes)} MiB with caches synced.`,
  ];
  return lines.join('\n');
}

async function main() {
  const o = options();
  const started = new Date();
  const canvas = await startCanvas();
  const stop = () => canvas.stop();
  process.once('SIGINT', () => stop().finally(() => process.exit(130)));
  try {
    if (o.noise) await new Noise(canvas.client, o.parallel).create(o.noise);
    const driver = operatorDriver({ kubeconfig: canvas.operatorKubeconfig });
    let converged;
    try {
      converged = (await burst({ canvas, ns: NAMESPACE, driver, n: o.apis, options: { parallel: o.parallel } })).converged;
    } finally {
      await driver.stop();
    }
    if (!converged) throw new Error(`the operator did not converge ${o.apis} APIs`);
    const document = { startedAt: started.toISOString(), apis: o.apis, noise: o.noise, ...(await measureKinds(canvas.operatorKubeconfig, o.allNamespaces ? undefined : NAMESPACE)) };
    mkdirSync(o.out, { recursive: true });
    const file = join(o.out, `heap-${document.startedAt.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(document, null, 2) + '\n');
    console.log(render(document));
    console.log(`results: ${file}`);
  } finally {
    await stop();
  }
}

main().catch((err) => {
  console.error(`bench:heap: ${err.message}`);
  process.exit(1);
});
