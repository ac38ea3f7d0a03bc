// Runs the dashboard: start watching (and, with --operator, reconciling), feed the status
// store from the caches, render it with Ink until the user leaves, then stop cleanly.
// When stdout is not a terminal, print one plain snapshot instead.
import { render } from 'ink';
import { createLogger } from '../runtime/log.js';
import type { ClusterContext } from '../kube/context.js';
import { loadView } from '../kube/load.js';
import { dashboardActions } from './actions.js';
import { Dashboard } from './components/Dashboard.js';
import { LogBuffer } from './log-buffer.js';
import { plainTable } from './plain.js';
import { followSource, DashboardOptions, startLiveSource, viewSource } from './source.js';
import { StatusStore } from './status-store.js';

const ALTERNATE_SCREEN_ON = '\x1b[?1049h\x1b[H';
const ALTERNATE_SCREEN_OFF = '\x1b[?1049l';

async function printSnapshot(ctx: ClusterContext): Promise<void> {
  process.stderr.write('not a terminal: printing one snapshot\n');
  const { view } = await loadView(ctx);
  const store = new StatusStore(viewSource(view, ctx.settings, ctx.scope.matches));
  store.invalidate('all');
  store.flush();
  process.stdout.write(plainTable(store.rows(), Date.now()));
}

export async function runDashboard(ctx: ClusterContext, o: DashboardOptions): Promise<void> {
  if (!process.stdout.isTTY) return printSnapshot(ctx);
  process.stderr.write(`syncing caches for ${ctx.scope.description}…\n`);
  const logs = new LogBuffer();
  const source = await startLiveSource(ctx, o, createLogger({ level: 'info', format: 'plain', stream: logs }));
  const store = new StatusStore(viewSource(source.cache.view, ctx.settings, ctx.scope.matches));
  const unfollow = followSource(source, store);
  store.flush();

  const mode = o.operator ? 'operator (writing)' : 'observing (read-only)';
  const title = `${ctx.scope.description} · gateway ${ctx.settings.gateway} · ${mode}`;
  const actions = dashboardActions(ctx, { cache: source.cache, controller: source.controller });
  // Our own alternate screen, homed: Ink's keeps the cursor where the shell left it, so its
  // first frame would start mid-screen. interactive: Ink would print only a last frame when CI is set.
  process.stdout.write(ALTERNATE_SCREEN_ON);
  const ink = render(<Dashboard store={store} logs={logs} actions={actions} title={title} />, { interactive: true });
  const leave = () => ink.unmount();
  process.once('SIGTERM', leave);
  process.once('SIGINT', leave);
  try {
    await ink.waitUntilExit();
  } finally {
    process.stdout.write(ALTERNATE_SCREEN_OFF);
    process.off('SIGTERM', leave);
    process.off('SIGINT', leave);
    unfollow();
    store.dispose();
    await source.stop();
  }
}
