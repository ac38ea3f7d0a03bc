#!/usr/bin/env node
// npm run bench:dashboard: how the dashboard behaves with many APIs (default 2,000), in a
// real terminal (tmux) against a fresh local control plane with the operator converged.
// Measures, by reading the screen as a user would: the first full frame; the time from a
// change in the cluster to the row changing (a pod's readiness, an API's path, the
// gateway's address, which changes every row); and key-press response (move, sort,
// filter, details), on a quiet cluster and while the operator rewrites every status.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { GATEWAY, pool, sleep, startCanvas } from './canvas.mjs';
import { operatorDriver } from './operator.mjs';
import { Workload, range } from './workload.mjs';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const NS = 'components';
const SIZE = { columns: 200, rows: 50 };
const MERGE = 'application/merge-patch+json';
const GATEWAY_PATH = '/api/v1/namespaces/istio-ingress/services/istio-ingressgateway/status';

const { values: o } = parseArgs({ options: { apis: { type: 'string', default: '2000' }, samples: { type: 'string', default: '10' }, parallel: { type: 'string', default: '16' }, out: { type: 'string', default: 'bench/results' }, 'node-options': { type: 'string' } } });
const n = Number(o.apis);
const samples = Number(o.samples);

/** A tmux session on a private server: the dashboard runs in it and is read off its screen. */
class Terminal {
  dir = mkdtempSync(join(tmpdir(), 'oda-api-bench-tmux-'));
  tmux = (...args) => run('tmux', ['-S', join(this.dir, 'socket'), ...args]);
  start(command, env) {
    const vars = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    return this.tmux('new-session', '-d', '-x', String(SIZE.columns), '-y', String(SIZE.rows), ...vars, command);
  }
  /** The screen's lines; with escapes, attributes such as the selection's inverse video stay in. */
  async lines(escapes = false) {
    const { stdout } = await this.tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []));
    return stdout.split('\n');
  }
  send = (...keys) => this.tmux('send-keys', ...keys);
  async kill() {
    await this.tmux('kill-server').catch(() => {});
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Polls the screen until test(lines) returns something; resolves to its value and when. */
async function until(term, test, { escapes = false, timeoutMs = 20_000 } = {}) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = test(await term.lines(escapes));
    if (value) return { value, at: performance.now() };
    if (performance.now() > deadline) throw new Error(`the screen did not change within ${timeoutMs / 1000}s:\n${(await term.lines(escapes)).join('\n')}`);
  }
}

/** The text of a column in the row of the named API, cut at the header's column start. */
function cell(lines, name, title) {
  const header = lines.find((l) => /\bNAME\b.*\bREADY\b/.test(l));
  const row = lines.find((l) => l.includes(` ${name} `));
  if (!header || !row) return undefined;
  const start = header.indexOf(title);
  const next = header.slice(start + title.length).search(/\S/);
  return row.slice(start, next < 0 ? undefined : start + title.length + next).trim();
}
// tmux writes the selection's inverse video as SGR 7, alone or with others (ESC[0;7m).
const selectedLine = (lines) => lines.findIndex((l) => /\x1b\[(?:\d+;)*7m/.test(l));

/** Milliseconds each sample took: start() runs the change, then the screen is read until seen(lines). */
async function time(term, label, { start, seen, escapes, after }) {
  const ms = [];
  for (let i = 0; i < samples; i++) {
    const before = await term.lines(escapes);
    const t0 = performance.now();
    await start(i, before);
    const { at } = await until(term, (lines) => seen(lines, before, i), { escapes });
    ms.push(at - t0);
    await after?.();
    await sleep(300); // let the frame settle before the next sample
  }
  ms.sort((a, b) => a - b);
  const q = (p) => Math.round(ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]);
  const figures = { what: label, samples: ms.length, p50: q(0.5), p95: q(0.95), max: Math.round(ms.at(-1)) };
  console.error(`  ${label}: median ${figures.p50} ms, p95 ${figures.p95} ms, max ${figures.max} ms`);
  return figures;
}

async function converged(client) {
  for (;;) {
    const list = await client.get(`/apis/oda.tmforum.org/v1/namespaces/${NS}/exposedapis`);
    const done = list.items.filter((a) => a.status?.apiStatus?.url && a.status?.implementation?.ready === true).length;
    if (done === n) return;
    await sleep(2000);
  }
}

const rssMiB = async (term) => {
  const { stdout } = await term.tmux('display', '-p', '#{pane_pid}');
  const { stdout: ps } = await run('ps', ['-o', 'rss=', '--ppid', stdout.trim(), '-p', stdout.trim()]);
  return Math.round(Math.max(...ps.trim().split(/\s+/).map(Number)) / 1024);
};

async function main() {
  const t = Date.now();
  const log = (m) => console.error(`[${Math.round((Date.now() - t) / 1000)}s] ${m}`);
  const canvas = await startCanvas();
  const operator = operatorDriver({ kubeconfig: canvas.kubeconfig });
  const term = new Terminal();
  try {
    const work = new Workload(canvas, NS, Number(o.parallel));
    log(`creating ${n} Services with ready pods, and their Components`);
    await work.prepare(n);
    log(`creating ${n} ExposedAPIs`);
    await pool(range(n), Number(o.parallel), async (i) => work.listInComponent(i, await work.createApi(i)));
    await operator.start(NS);
    await converged(canvas.client);
    log('the operator has routed every API and written its status; starting the dashboard');

    // --node-options: the dashboard under V8 settings such as the single executable's; by default as npm runs it.
    const env = { KUBECONFIG: canvas.kubeconfig, APIOPERATORISTIO_COMPONENTGATEWAY: GATEWAY, TERM: 'xterm-256color', ...(o['node-options'] ? { NODE_OPTIONS: o['node-options'] } : {}) };
    const t0 = performance.now();
    await term.start(`${process.execPath} ${join(root, 'bin', 'kubectl-oda_api')} dashboard -n ${NS}`, env);
    const first = await until(term, (lines) => lines.some((l) => l.startsWith(`${n} APIs ${n} ready`)));
    const results = { apis: n, terminal: SIZE, nodeOptions: o['node-options'] ?? null, firstFrameMs: Math.round(first.at - t0) };
    log(`first frame with ${n} ready APIs after ${results.firstFrameMs} ms`);

    const top = Workload.nameOf(0); // sorted by name, the first API is the top row
    const pod = top;
    results.change = [
      await time(term, 'pod readiness flipped → READY cell', {
        start: (i) => work.setReady(pod, i % 2 === 1),
        seen: (lines, _, i) => cell(lines, top, 'READY') === String(i % 2 === 1),
      }),
      await time(term, 'ExposedAPI path changed → PATH cell', {
        start: () => work.setPath(top, work.nextPath(top)),
        seen: (lines) => cell(lines, top, 'PATH') === work.apis.get(top).spec.path,
      }),
    ];
    await sleep(1000);
    results.keys = await keyPresses(term, 'quiet');
    results.change.push(
      await time(term, `gateway address changed → URL cell (all ${n} rows recomputed)`, {
        start: (i) => canvas.client.request('PATCH', GATEWAY_PATH, { contentType: MERGE, body: { status: { loadBalancer: { ingress: [{ ip: `203.0.113.${i + 2}` }] } } } }),
        seen: (lines, _, i) => cell(lines, top, 'URL')?.includes(`203.0.113.${i + 2}`),
      }),
    );
    // Every status now rewritten by the operator streams into the dashboard's caches.
    await canvas.client.request('PATCH', GATEWAY_PATH, { contentType: MERGE, body: { status: { loadBalancer: { ingress: [{ ip: '203.0.113.200' }] } } } });
    results.keysWhileBusy = await keyPresses(term, 'while the operator rewrites every status');
    results.dashboardRssMiB = await rssMiB(term);

    await term.send('q');
    await until(term, (lines) => !lines.some((l) => l.includes('kubectl oda-api dashboard')), { timeoutMs: 10_000 }).catch(() => {});
    mkdirSync(o.out, { recursive: true });
    const file = join(o.out, `dashboard-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
    console.log(table(results));
    console.log(`results: ${file}`);
  } finally {
    await term.kill();
    await operator.stop();
    await canvas.stop();
  }
}

async function keyPresses(term, when) {
  console.error(`key presses, ${when}:`);
  return [
    await time(term, 'j (select the next row)', {
      escapes: true,
      start: () => term.send('j'),
      seen: (lines, before) => selectedLine(lines) === selectedLine(before) + 1,
    }),
    await time(term, 's (next sort)', {
      start: () => term.send('s'),
      seen: (lines, before) => sortOf(lines) && sortOf(lines) !== sortOf(before),
      // back to sorting by name, so the top row is the first API again
      after: async () => {
        while (sortOf(await term.lines()) !== 'name') await term.send('s').then(() => sleep(100));
      },
    }),
    await time(term, '/ filter typed, Enter', {
      start: async (i) => {
        await term.send('/', `comp-${i}-core`);
        await term.send('Enter');
      },
      seen: (lines, _, i) => lines.some((l) => l.includes(`filter "comp-${i}-core": 1 shown`)) && !lines.some((l) => l.includes(' comp-0-mgmt ')),
      after: () => term.send('/', 'Escape'), // clear it again, untimed
    }),
    await time(term, 'Enter (details pane)', {
      start: () => term.send('Enter'),
      seen: (lines) => lines.some((l) => l.includes('Details of')),
      after: () => term.send('Escape'),
    }),
  ];
}

const sortOf = (lines) => lines.map((l) => l.match(/· sort (\w+)/)?.[1]).find(Boolean);

function table(r) {
  const rows = [
    ['first frame', `${r.firstFrameMs}`, '', ''],
    ...r.change.map((f) => [f.what, f.p50, f.p95, f.max]),
    ...r.keys.map((f) => [`key ${f.what}, quiet`, f.p50, f.p95, f.max]),
    ...r.keysWhileBusy.map((f) => [`key ${f.what}, busy`, f.p50, f.p95, f.max]),
  ];
  const lines = rows.map((x) => `| ${x.join(' | ')} |`);
  return [`dashboard, ${r.apis} APIs, ${r.terminal.columns}x${r.terminal.rows} terminal, RSS ${r.dashboardRssMiB} MiB`, '', '| what | median ms | p95 ms | max ms |', '|---|---|---|---|', ...lines].join('\n');
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exit(1);
});
