// `kubectl oda-api status`: URL and readiness of the selected APIs from a LIST of their
// ExposedAPIs (nothing is written), optionally waiting until all are usable, or for one
// named API the walk along its chain (one LIST per kind) to the first broken link.
// Returns the exit code.
import type { KubeClient } from '../kube/client.js';
import type { ClusterContext } from '../kube/context.js';
import { discover } from '../kube/discovery.js';
import { listExposedApis, loadView, selectApis } from '../kube/load.js';
import type { StoreView } from '../kube/view.js';
import { diagnose } from './diagnose.js';
import { formatDiagnosis, formatStatus, pendingLines, type OutputFormat } from './format.js';
import { statusItem, type StatusItem } from './items.js';
import type { PodInfo } from './links.js';
import { formatDuration, pollUntil } from './wait.js';

export interface StatusOptions {
  names: string[];
  output: OutputFormat;
  /** Wait until every selected API is usable, for at most timeoutMs. */
  wait: boolean;
  timeoutMs: number;
  intervalMs?: number;
}

interface Snapshot {
  items: StatusItem[];
  missing: string[];
}

const out = (text: string) => process.stdout.write(text);
const err = (text: string) => process.stderr.write(text);
const allAvailable = (s: Snapshot) => s.missing.length === 0 && s.items.every((i) => i.ready);

/** What the ExposedAPIs' own status says: one LIST, so --wait can poll every second. */
async function snapshot({ client, scope }: ClusterContext, names: string[]): Promise<Snapshot> {
  const { apis, missing } = selectApis(await listExposedApis(client, scope), scope.matches, names);
  return { items: apis.map(statusItem), missing };
}

export async function statusCommand(ctx: ClusterContext, o: StatusOptions): Promise<number> {
  if (o.names.length === 1 && !o.wait && o.output === 'table') return walk(ctx, o.names[0]);
  await discover(ctx.client); // a missing ExposedAPI CRD is an error at once, not a wait
  if (!o.wait) {
    const s = await snapshot(ctx, o.names);
    for (const name of s.missing) err(`ExposedAPI "${name}" not found in the selected namespaces\n`);
    out(formatStatus(s.items, s.missing, o.output));
    return allAvailable(s) ? 0 : 1;
  }
  // The first read must work (a wrong kubeconfig is an error at once); later failures are
  // retried until the deadline, as the cluster may just be busy.
  let last = await snapshot(ctx, o.names);
  const check = async () => (last = await snapshot(ctx, o.names).catch(() => last));
  const result = await pollUntil(check, allAvailable, { timeoutMs: o.timeoutMs, intervalMs: o.intervalMs ?? 1000 });
  if (result.done || o.output !== 'table') out(formatStatus(result.value.items, result.value.missing, o.output));
  if (result.done) return 0;
  const pending = pendingLines(result.value.items, result.value.missing);
  err(`timed out after ${formatDuration(o.timeoutMs)} waiting for ${pending.length} of ${result.value.items.length + result.value.missing.length} ExposedAPIs:\n`);
  for (const line of pending) err(`  ${line}\n`);
  return 1;
}

/** Pods selected by the implementation Service, read for the walk; undefined when not readable. */
async function podsOf(client: KubeClient, view: StoreView, namespace: string, implementation: string): Promise<PodInfo[] | undefined> {
  const selector = view.service(namespace, implementation)?.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return undefined;
  const labelSelector = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
  const list = await client.get<{ items: PodInfo[] }>(`/api/v1/namespaces/${namespace}/pods`, { labelSelector }).catch(() => undefined);
  return list?.items;
}

async function walk(ctx: ClusterContext, name: string): Promise<number> {
  const { view } = await loadView(ctx);
  const { apis } = selectApis(view.stores.exposedApis.list(), ctx.scope.matches, [name]);
  if (apis.length === 0) {
    err(`ExposedAPI "${name}" not found in the selected namespaces\n`);
    return 1;
  }
  let available = true;
  for (const api of apis) {
    const pods = await podsOf(ctx.client, view, api.metadata.namespace ?? '', String(api.spec.implementation ?? ''));
    const d = diagnose(api, view, ctx.settings, pods, new Date());
    out(formatDiagnosis(d));
    available &&= d.available;
  }
  return available ? 0 : 1;
}
