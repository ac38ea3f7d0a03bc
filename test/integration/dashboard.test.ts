// `kubectl oda-api dashboard` as users run it: in a pipe (one plain snapshot), and in a real
// terminal (tmux) against the real control plane, where the rows follow the cluster, keys
// work, and leaving gives the terminal back as it was.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeClient } from '../../src/kube/client.js';
import { adminClient, createNamespace, createPod, createService, deleteNamespace, kubeconfigPath, setPodReady, waitFor } from '../support/cluster.js';
import { createApi, createGateway, getApi, kubectlOdaApi, setGatewayAddress } from '../support/canvas.js';
import { Terminal } from '../support/tmux.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ADDRESS = '203.0.113.31';
// Start-up runs node, oclif and a LIST and WATCH of every kind on a busy 2-core machine.
const START_MS = 45_000;

let client: KubeClient;
let ns: string;
let gateway: string;
let scope: string[];
let terminal: Terminal | undefined;

beforeAll(() => {
  client = adminClient();
});
beforeEach(async () => {
  ns = await createNamespace(client);
  gateway = (await createGateway(client, ns)).gateway;
  await createService(client, ns, { name: 'impl' });
  scope = ['-n', ns, '--gateway', gateway];
});
afterEach(async () => {
  await terminal?.kill();
  terminal = undefined;
  await deleteNamespace(client, ns);
});

// Runs the dashboard, then, as the shell it returns to would, shows the terminal's modes and
// waits for Enter before exiting with the dashboard's status: a dead pane no longer says
// whether its cursor is visible.
const THEN_SHOW_TERMINAL = 'kubectl oda-api dashboard "$@"; status=$?; echo "dashboard exited"; stty -a; read -r _; exit $status';

/** Runs `kubectl oda-api dashboard <args>` in a fresh terminal of the given size. */
async function dashboard(args: string[], columns: number, rows: number, o: { thenShowTerminal?: boolean } = {}): Promise<Terminal> {
  const { NODE_ENV: _jest, TMUX: _tmux, TMUX_PANE: _pane, ...env } = process.env; // users run without jest's NODE_ENV=test, and not inside the tmux running jest
  const command = o.thenShowTerminal ? ['sh', '-c', THEN_SHOW_TERMINAL, 'sh', ...args] : ['kubectl', 'oda-api', 'dashboard', ...args];
  terminal = await Terminal.start(command, {
    columns,
    rows,
    env: { ...env, KUBECONFIG: kubeconfigPath(), PATH: `${join(root, 'bin')}:${process.env.PATH}` },
  });
  return terminal;
}

const lineOf = (screen: string, name: string) => screen.split('\n').find((l) => l.includes(`  ${name}  `));
const nonBlank = (screen: string) => screen.split('\n').filter((l) => l.trim() !== '');

test('not a terminal: one plain snapshot with the API row, without colour under NO_COLOR', async () => {
  await setGatewayAddress(client, ns, { ip: ADDRESS });
  await createApi(client, ns, 'orders');
  const r = await kubectlOdaApi(['dashboard', ...scope], { NO_COLOR: '1' });
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('not a terminal: printing one snapshot\n');
  const lines = r.stdout.trim().split('\n');
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^NAMESPACE\s+COMPONENT\s+NAME\s+TYPE\s+PATH\s+URL\s+READY\s+ROUTING\s+METRICS\s+AGE$/);
  expect(lines[1]).toMatch(new RegExp(`^${ns}\\s+-\\s+orders\\s+openapi\\s+/${ns}/orders\\s+https://203\\.0\\.113\\.31/${ns}/orders\\s+false\\s`));
  expect(r.stdout + r.stderr).not.toContain('\x1b');
});

test('in a terminal with --operator: rows follow the cluster, ? shows the help, esc clears a filter, q leaves and restores the terminal', async () => {
  const term = await dashboard(['--operator', ...scope], 160, 40, { thenShowTerminal: true });
  let screen = await term.waitForText('no ExposedAPIs in scope yet', START_MS);
  expect(nonBlank(screen)[0]).toBe(`kubectl oda-api dashboard · ${ns} · gateway ${gateway} · operator (writing)`);
  expect(await term.display('#{alternate_on}')).toBe('1');

  await createApi(client, ns, 'orders');
  const row = (url: string, ready: boolean) => new RegExp(`^${ns}\\s+-\\s+orders\\s+openapi\\s+/${ns}/orders\\s+${url}\\s+${ready}\\s+routed\\s`);
  screen = await term.waitForText((s) => row('<pending>', false).test(lineOf(s, 'orders') ?? ''));
  expect(screen).toContain('1 API 0 ready 1 pending 0 error');

  await setGatewayAddress(client, ns, { ip: ADDRESS });
  const url = `https://203\\.0\\.113\\.31/${ns}/orders`;
  await term.waitForText((s) => row(url, false).test(lineOf(s, 'orders') ?? ''));

  const pod = await createPod(client, ns, { app: 'impl' });
  await setPodReady(client, ns, pod, true);
  screen = await term.waitForText((s) => row(url, true).test(lineOf(s, 'orders') ?? ''));
  expect(screen).toContain('1 API 1 ready 0 pending 0 error');
  // The operator runs in the dashboard: it wrote the status, and its log shows under the table.
  await waitFor('the status written', async () => (await getApi(client, ns, 'orders')).status?.implementation?.ready === true);
  screen = await term.waitForText(`reconciled api=${ns}/orders`);
  expect(screen.indexOf('── log ──')).toBeGreaterThan(screen.indexOf('orders'));

  await term.send('?');
  screen = await term.waitForText('filter by name, namespace or path');
  expect(screen).toContain('Help');
  expect(screen).not.toContain('NAMESPACE');
  await term.send('Escape');
  screen = await term.waitForText((s) => s.includes('NAMESPACE') && !s.includes('filter by name'));
  expect(lineOf(screen, 'orders')).toMatch(row(url, true));

  // A kept filter (namespace/name works): Esc clears it and the dashboard stays.
  await term.send('/', `${ns}/ord`, 'Enter');
  await term.waitForText(`filter "${ns}/ord": 1 shown`);
  await term.send('Escape');
  screen = await term.waitForText((s) => !s.includes('filter "') && s.includes('q quit'));
  expect(await term.exitStatus()).toBeUndefined();
  expect(lineOf(screen, 'orders')).toMatch(row(url, true));

  await term.send('q');
  // stty prints the local modes (ending in extproc) last: its whole output is there, not the first lines.
  screen = await term.waitForText((s) => s.includes('dashboard exited') && /extproc\s*$/m.test(s), 30_000);
  // Back on the shell's screen: the table is gone, what was printed before it is there again,
  // the cursor shows and the line discipline echoes again.
  expect(await term.display('#{alternate_on}')).toBe('0');
  expect(await term.display('#{cursor_flag}')).toBe('1');
  expect(screen).toContain(`syncing caches for ${ns}…`);
  expect(screen).not.toContain('NAMESPACE');
  expect(screen).toMatch(/(^|\s)icanon(\s|$)/m);
  expect(screen).toMatch(/(^|\s)echo(\s|$)/m);
  await term.send('Enter');
  expect(await term.waitForExit()).toBe(0);
}, 120_000);

test('a terminal made small: the frame keeps within the screen and no line wraps', async () => {
  for (let i = 0; i < 15; i++) await createApi(client, ns, `api-${String(i).padStart(2, '0')}`);
  const term = await dashboard(scope, 160, 40);
  // The first frame already holds every row (caches sync before it).
  let screen = await term.waitForText('api-14', START_MS);
  expect(screen).toMatch(new RegExp(`^${ns}\\s+-\\s+api-14\\s+openapi\\s+/${ns}/api-14\\s+<pending>\\s+false\\s`, 'm'));

  await term.resize(80, 12);
  screen = await term.waitForText((s) => !s.includes('api-14') && s.includes('↑↓/jk select'));
  const lines = nonBlank(screen);
  // A frame taller than the screen would have scrolled the title off the top.
  expect(lines[0]).toMatch(/^kubectl oda-api dashboard · /);
  expect(lines[1]).toMatch(/^15 APIs 0 ready 15 pending/);
  expect(lines.at(-1)).toMatch(/^↑↓\/jk select/);
  expect(lines.length).toBeLessThanOrEqual(11);
  expect(screen).toContain('api-00');
  // Joined back, a line the terminal wrapped would be longer than the terminal.
  const joined = (await term.capture({ joined: true })).split('\n');
  expect(joined.filter((l) => [...l.trimEnd()].length > 80)).toEqual([]);
}, 90_000);
