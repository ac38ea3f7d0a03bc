// The results as Markdown tables (readable in a terminal, pasteable into an issue) and
// the ratios of every time figure to the floors': the fair floor (the Canvas contract's
// writes) and, for continuity with earlier reports, the 2-write routing floor.
import { VERBS } from './measure/apiserver.mjs';

const get = (object, path) => path.split('.').reduce((o, k) => o?.[k], object);

/** Time figures of each scenario, by path in its result; each also reported as a ratio to the floor. */
const TIME_FIGURES = {
  burst: ['allRoutedSeconds', 'allReadySeconds', 'routedLatencyMs.p50', 'routedLatencyMs.p95', 'routedLatencyMs.p99', 'readyLatencyMs.p50', 'readyLatencyMs.p95', 'readyLatencyMs.p99'],
  cold: ['allRoutedSeconds', 'allReadySeconds', 'routedLatencyMs.p50', 'routedLatencyMs.p95', 'routedLatencyMs.p99', 'readyLatencyMs.p50', 'readyLatencyMs.p95', 'readyLatencyMs.p99'],
  churn: ['after.allRoutedSeconds', 'after.allReadySeconds', ...['all', 'createRouted', 'createReady', 'update', 'flip'].flatMap((k) => ['p50', 'p95', 'p99'].map((p) => `latencyMs.${k}.${p}`))],
};

/** Every time figure of the operator over the same figure of `floor` (result.floor or result.floorRouting). */
export function ratios(result, floor) {
  const figures = TIME_FIGURES[result.scenario];
  if (!figures || !floor || !result.operator) return undefined;
  const out = {};
  for (const f of figures) {
    const [ours, theirs] = [get(result.operator, f), get(floor, f)];
    if (ours !== undefined && theirs) out[f] = Number((ours / theirs).toFixed(2));
  }
  if (result.oneshot?.first && floor.allReadySeconds) out['oneshot.first.seconds'] = Number((result.oneshot.first.seconds / floor.allReadySeconds).toFixed(2));
  return out;
}

function table(title, headers, rows) {
  if (rows.length === 0) return '';
  const cells = [headers, ...rows].map((r) => r.map((c) => (c === undefined || c === null ? '–' : String(c))));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [`### ${title}`, '', line(cells[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.slice(1).map(line), ''].join('\n');
}

/** `12.3 (1.5× / 2.4×)`: ratios to the fair floor, then to the 2-write floor. */
const withRatio = (value, ratio, routing) => {
  if (value === undefined || ratio === undefined) return value;
  return routing === undefined ? `${value} (${ratio}×)` : `${value} (${ratio}× / ${routing}×)`;
};
const RUNS = [
  ['operator', 'operator'],
  ['floor', 'floor (fair)'],
  ['floorRouting', 'floor (2-write)'],
];

function convergence(results) {
  const rows = [];
  for (const r of results) {
    if (!TIME_FIGURES[r.scenario]) continue;
    const [routedAll, readyAll, ...latencies] = r.scenario === 'churn'
      ? ['after.allRoutedSeconds', 'after.allReadySeconds', 'latencyMs.all.p50', 'latencyMs.all.p95', 'latencyMs.all.p99']
      : ['allRoutedSeconds', 'allReadySeconds', 'routedLatencyMs.p50', 'routedLatencyMs.p95', 'routedLatencyMs.p99'];
    for (const [who, label] of RUNS) {
      const x = r[who];
      if (!x) continue;
      const cell = (f) => (who === 'operator' ? withRatio(get(x, f), r.ratios?.[f], r.ratiosRouting?.[f]) : get(x, f));
      rows.push([r.scenario, r.apis, label, x.converged ? 'yes' : 'NO', cell(routedAll), cell(readyAll), ...latencies.map(cell)]);
    }
  }
  return table(
    'Convergence (operator figures with their ratios to the fair floor / the 2-write floor; churn: latency of every change, and settling after it)',
    ['scenario', 'APIs', 'run', 'converged', 'all routed s', 'all ready s', 'p50 ms', 'p95 ms', 'p99 ms'],
    rows,
  );
}

function requests(results) {
  const rows = [];
  for (const r of results) {
    for (const [who, label] of RUNS) {
      const x = r[who];
      if (!x?.requests) continue;
      const unit = r.scenario === 'churn' ? x.perChange : x.perApi;
      const scenario = r.scenario === 'steady' ? `steady ${x.seconds}s` : r.scenario;
      rows.push([scenario, r.apis, label, ...VERBS.map((v) => x.requests.byVerb[v]), x.requests.writes, x.requests.events, unit?.writes, unit?.events, unit?.requests]);
    }
  }
  return table(
    'API requests, counted by the API server (PATCH includes apply; events: the writes that were Events; per unit: per API, in churn per change; steady: the quiet window, goal 0 writes)',
    ['scenario', 'APIs', 'run', ...VERBS.map((v) => (v === 'DELETECOLLECTION' ? 'DELCOLL' : v)), 'writes', 'events', 'writes/unit', 'events/unit', 'requests/unit'],
    rows,
  );
}

function operatorProcess(results) {
  const rows = results
    .filter((r) => r.operator?.process)
    .map((r) => {
      const p = r.operator.process;
      return [r.scenario, r.apis, p.peakRssMiB, p.rssMiB, p.cpuSeconds, p.cpuSecondsInWindow];
    });
  return table('Operator process (whole process tree)', ['scenario', 'APIs', 'peak RSS MiB', 'settled RSS MiB', 'CPU s total', 'CPU s in steady window'], rows);
}

function churnChanges(results) {
  const rows = [];
  for (const r of results.filter((x) => x.scenario === 'churn' && x.operator?.latencyMs)) {
    for (const k of ['createRouted', 'createReady', 'update', 'flip']) {
      const cell = (p) => withRatio(r.operator.latencyMs[k][p], r.ratios?.[`latencyMs.${k}.${p}`], r.ratiosRouting?.[`latencyMs.${k}.${p}`]);
      rows.push([r.apis, k, r.operator.latencyMs[k].count, cell('p50'), cell('p95'), cell('p99'), r.floor?.latencyMs?.[k]?.p50]);
    }
  }
  return table('Churn: latency by kind of change (operator, ratios to the fair floor / the 2-write floor)', ['APIs', 'change', 'count', 'p50 ms', 'p95 ms', 'p99 ms', 'fair floor p50 ms'], rows);
}

function oneshot(results) {
  const rows = [];
  for (const r of results.filter((x) => x.oneshot?.first)) {
    for (const run of ['first', 'second']) {
      const x = r.oneshot[run];
      const key = 'oneshot.first.seconds';
      const seconds = run === 'first' ? withRatio(x.seconds, r.ratios?.[key], r.ratiosRouting?.[key]) : x.seconds;
      const verbs = Object.entries(x.requests.byVerb).filter(([, n]) => n).map(([v, n]) => `${v} ${n}`).join(', ');
      rows.push([r.apis, run, seconds, x.exitCode, x.requests.reads + x.requests.writes, x.requests.writes, verbs, JSON.stringify(x.outcomes)]);
    }
  }
  return table('One-shot `reconcile` on the cold-start objects (ratios to the cold-start fair floor / 2-write floor)', ['APIs', 'run', 'seconds', 'exit', 'requests', 'writes', 'by verb', 'outcomes'], rows);
}

/** The operator without and with noise, same scenario and size, each on a fresh control plane. */
function noise(results) {
  const rows = [];
  for (const r of results.filter((x) => x.noise?.operator && x.operator)) {
    const [quiet, noisy] = [r.operator, r.noise.operator];
    const ready = r.scenario === 'churn' ? 'after.allReadySeconds' : 'allReadySeconds';
    for (const [label, x, objects] of [['without', quiet, 0], [`with ${r.noise.units} units`, noisy, r.noise.objects]]) {
      rows.push([r.scenario, r.apis, label, objects, x.converged ? 'yes' : 'NO', get(x, 'process.peakRssMiB'), get(x, 'process.rssMiB'), get(x, 'process.cpuSeconds'), get(x, 'process.cpuSecondsInWindow'), get(x, ready)]);
    }
  }
  return table(
    'Noise: the operator without and with unrelated objects in other namespaces (a Service, an EndpointSlice and a Pod per unit, a few changing every second)',
    ['scenario', 'APIs', 'run', 'noise objects', 'converged', 'peak RSS MiB', 'settled RSS MiB', 'CPU s total', 'CPU s in steady window', 'all ready s'],
    rows,
  );
}

function failures(results) {
  const rows = results.filter((r) => r.error).map((r) => [r.scenario, r.apis, r.error]);
  return table('Failures', ['scenario', 'APIs', 'error'], rows);
}

export function render(results) {
  return [convergence, churnChanges, requests, operatorProcess, noise, oneshot, failures].map((f) => f(results)).filter(Boolean).join('\n');
}
