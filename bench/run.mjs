#!/usr/bin/env node
// npm run bench: every scenario at every size, each on a fresh local control plane; the
// operator first, then the two floors on the same control plane (each in another
// namespace, with the operator stopped); with --noise, the operator once more on a fresh
// control plane full of unrelated objects. Prints Markdown tables and writes the full
// results as JSON.
// The JSON is rewritten after every scenario, so an interrupted run keeps what it measured.
// Exits 1 when a run failed or never converged, so the quick mode works as a smoke test.
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startCanvas } from './canvas.mjs';
import { floorDriver } from './measure/floor.mjs';
import { Noise } from './noise.mjs';
import { DEFAULT_OPERATOR_CMD, operatorDriver } from './operator.mjs';
import { ratios, render } from './report.mjs';
import { burst } from './scenarios/burst.mjs';
import { churn } from './scenarios/churn.mjs';
import { cold } from './scenarios/cold.mjs';
import { oneshot } from './scenarios/oneshot.mjs';
import { steady } from './scenarios/steady.mjs';

const SCENARIOS = { burst, cold, churn, steady };
const WITH_FLOOR = ['burst', 'cold', 'churn']; // the floor writes nothing in a steady state

const USAGE = `usage: node bench/run.mjs [options]   (npm run bench -- [options]; needs npm run build)
  --scenarios LIST      burst,cold,churn,steady (default: all)
  --sizes LIST          numbers of ExposedAPIs (default: 100,1000,5000; 100,1000 takes under
                        30 minutes on two cores, 5000 much longer)
  --operator-cmd CMD    shell command running another operator (gets KUBECONFIG, COMPONENT_NAMESPACE
                        and APIOPERATORISTIO_COMPONENTGATEWAY); default: ours, watch --standalone
  --quick               smoke test: the burst at 30 APIs, operator and floors
  --no-floors           the operator alone, without the floors (no ratios): for the largest
                        sizes, where the floors would triple the run
  --noise N             also run the operator with N units of unrelated objects (a Service, an
                        EndpointSlice and a Pod each) in other namespaces, changing meanwhile
  --out DIR             where the JSON goes (default: bench/results)
  --parallel N          requests the harness and the floor keep in flight (default: 16)
  --steady-seconds S    length of the steady-state window (default: 60)
  --churn-seconds S     length of the churn (default: 60)
  --churn-rate R        changes per second during the churn (default: 10)
  --seed N              churn's random choices (default: 1)`;

function options() {
  const { values } = parseArgs({
    options: {
      scenarios: { type: 'string', default: Object.keys(SCENARIOS).join(',') },
      sizes: { type: 'string', default: '100,1000,5000' },
      'operator-cmd': { type: 'string' },
      quick: { type: 'boolean', default: false },
      'no-floors': { type: 'boolean', default: false },
      noise: { type: 'string', default: '0' },
      out: { type: 'string', default: 'bench/results' },
      parallel: { type: 'string', default: '16' },
      'steady-seconds': { type: 'string', default: '60' },
      'churn-seconds': { type: 'string', default: '60' },
      'churn-rate': { type: 'string', default: '10' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name) => {
    const n = Number(values[name]);
    if (!(n > 0)) throw new Error(`--${name} must be a positive number, not "${values[name]}"`);
    return n;
  };
  const noise = Number(values.noise);
  if (!Number.isInteger(noise) || noise < 0) throw new Error(`--noise must be a whole number, not "${values.noise}"`);
  const scenarios = (values.quick ? 'burst' : values.scenarios).split(',').map((s) => s.trim());
  const unknown = scenarios.filter((s) => !SCENARIOS[s]);
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}: choose from ${Object.keys(SCENARIOS).join(', ')}`);
  const sizes = (values.quick ? '30' : values.sizes).split(',').map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 3)) throw new Error(`--sizes must be whole numbers of at least 3, not "${values.sizes}"`);
  return {
    scenarios,
    sizes,
    operatorCmd: values['operator-cmd'],
    floors: !values['no-floors'],
    out: values.out,
    noise,
    run: {
      parallel: number('parallel'),
      steadySeconds: number('steady-seconds'),
      churnSeconds: number('churn-seconds'),
      churnRate: number('churn-rate'),
      seed: number('seed'),
    },
  };
}

const started = Date.now();
const progress = (message) => {
  const s = Math.round((Date.now() - started) / 1000);
  console.error(`[${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}] ${message}`);
};

// What to stop if the run is interrupted: control planes and operators outlive us otherwise.
const running = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    progress(`${signal}: stopping`);
    await Promise.allSettled([...running].map((stop) => stop()));
    process.exit(130);
  });
}

async function withCanvas(fn) {
  const canvas = await startCanvas();
  running.add(canvas.stop);
  try {
    return await fn(canvas);
  } finally {
    await canvas.stop();
    running.delete(canvas.stop);
  }
}

/** The operator through one scenario on `canvas`; stopped afterwards whatever happens. */
async function runOperator(canvas, scenario, n, o) {
  const operator = operatorDriver({ command: o.operatorCmd, kubeconfig: canvas.operatorKubeconfig });
  running.add(operator.stop);
  try {
    return await SCENARIOS[scenario]({ canvas, ns: 'components', driver: operator, n, options: o.run });
  } finally {
    await operator.stop();
    running.delete(operator.stop);
  }
}

/** The floors, each in its namespace: `floor` the fair one (result.floor), `floor-routing` the 2-write one (result.floorRouting). */
const FLOORS = [
  ['floor', 'full', 'floor'],
  ['floorRouting', 'routing', 'floor-routing'],
];

/**
 * One scenario at one size into `result`: the operator, then the floors, on one fresh
 * control plane; with noise, the operator again on another. What was measured before a
 * failure stays in `result`.
 */
async function measure(result, o) {
  const { scenario, apis: n } = result;
  await withCanvas(async (canvas) => {
    progress(`${scenario} × ${n}: operator`);
    result.operator = await runOperator(canvas, scenario, n, o);
    if (!o.floors || !WITH_FLOOR.includes(scenario)) return;
    for (const [key, contract, ns] of FLOORS) {
      progress(`${scenario} × ${n}: floor (${contract})`);
      result[key] = await SCENARIOS[scenario]({ canvas, ns, driver: floorDriver({ canvas, parallel: o.run.parallel, contract }), n, options: o.run });
    }
  });
  if (o.noise) {
    await withCanvas(async (canvas) => {
      const noise = new Noise(canvas.client, o.run.parallel);
      progress(`${scenario} × ${n}: ${o.noise} units of noise`);
      await noise.create(o.noise);
      noise.startChanging();
      progress(`${scenario} × ${n}: operator with noise`);
      try {
        result.noise = { operator: await runOperator(canvas, scenario, n, o) };
      } finally {
        await noise.stopChanging();
        result.noise = { ...noise.figures(), ...result.noise };
      }
    });
  }
  // The one-shot lists cluster-wide, so it gets a control plane holding only its own objects.
  if (scenario === 'cold' && !o.operatorCmd) {
    progress(`${scenario} × ${n}: one-shot reconcile`);
    result.oneshot = await withCanvas((canvas) => oneshot({ canvas, ns: 'components', n, options: o.run }));
  }
}

/** Writes what was measured so far: after every scenario, so an interrupted run keeps it. */
function save(o, results) {
  const document = {
    startedAt: new Date(started).toISOString(),
    minutes: Number(((Date.now() - started) / 60_000).toFixed(1)),
    machine: { cpus: availableParallelism(), node: process.version },
    operatorCmd: o.operatorCmd ?? DEFAULT_OPERATOR_CMD,
    options: { scenarios: o.scenarios, sizes: o.sizes, noise: o.noise, ...o.run },
    results,
  };
  mkdirSync(o.out, { recursive: true });
  const file = join(o.out, `${document.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(document, null, 2) + '\n');
  return { file, minutes: document.minutes };
}

async function main() {
  const o = options();
  const results = [];
  let saved;
  for (const n of o.sizes) {
    for (const scenario of o.scenarios) {
      const result = { scenario, apis: n };
      try {
        await measure(result, o);
      } catch (err) {
        result.error = err.message;
      }
      result.ratios = ratios(result, result.floor);
      result.ratiosRouting = ratios(result, result.floorRouting);
      results.push(result);
      saved = save(o, results);
      progress(`${scenario} × ${n}: ${result.error ? `failed: ${result.error}` : 'done'}`);
    }
  }
  const failed = results.filter((r) => r.error || [r.operator, r.floor, r.floorRouting, r.noise?.operator, r.oneshot].some((x) => x && !x.converged));
  console.log(render(results));
  console.log(`results: ${saved.file} (${saved.minutes} min)`);
  if (failed.length) {
    console.error(`bench: ${failed.map((r) => `${r.scenario} × ${r.apis}`).join(', ')} failed or never converged`);
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exit(2);
});
