// How `status` prints: a table for people, a stable JSON/YAML document for scripts, one
// line per pending API after a failed wait, and the "why not ready" walk.
import chalk from 'chalk';
import { stringify } from 'yaml';
import type { Diagnosis } from './diagnose.js';
import type { StatusItem } from './items.js';
import type { Mark } from './links.js';
import { formatTable, NAME_CAPS } from '../output/table.js';

export type OutputFormat = 'table' | 'json' | 'yaml';

/** The documented shape of `status -o json|yaml` (documented in the README). */
export function statusDocument(items: readonly StatusItem[], missing: readonly string[]) {
  return {
    apiVersion: 'oda-api.tmforum.org/v1',
    kind: 'StatusReport',
    items: items.map((i) => ({
      namespace: i.namespace,
      name: i.name,
      url: i.url ?? null,
      ready: i.ready,
      implementationReady: i.implementationReady,
      reason: i.reason ?? null,
      message: i.message ?? null,
      conditions: i.conditions,
    })),
    missing,
  };
}

function table(items: readonly StatusItem[]): string {
  if (items.length === 0) return 'No ExposedAPIs found.\n';
  const rows = items.map((i) => [i.namespace, i.name, i.url ?? '<pending>', String(i.ready), i.reason ? `${i.reason}: ${i.message}` : '']);
  const paint = (text: string, row: number) => (items[row].ready ? text : chalk.yellow(text));
  return formatTable(['NAMESPACE', 'NAME', 'URL', 'READY', 'REASON'], rows, { max: NAME_CAPS, paint });
}

export function formatStatus(items: readonly StatusItem[], missing: readonly string[], format: OutputFormat): string {
  if (format === 'json') return JSON.stringify(statusDocument(items, missing), null, 2) + '\n';
  if (format === 'yaml') return stringify(statusDocument(items, missing));
  return table(items);
}

/** `namespace/name: Reason: message`, one per API that is not ready. */
export function pendingLines(items: readonly StatusItem[], missing: readonly string[]): string[] {
  return [
    ...items.filter((i) => !i.ready).map((i) => `${i.namespace}/${i.name}: ${i.reason}: ${i.message}`),
    ...missing.map((name) => `${name}: NotFound: no ExposedAPI of that name in the selected namespaces`),
  ];
}

const MARK: Record<Mark, string> = { ok: '✓', broken: '✗', skipped: '-' };
const PAINT: Record<Mark, (s: string) => string> = { ok: chalk.green, broken: chalk.red, skipped: chalk.gray };

export function formatDiagnosis(d: Diagnosis): string {
  const width = Math.max(...d.links.map((l) => l.name.length));
  const lines = d.links.map((l) => `  ${PAINT[l.mark](MARK[l.mark])} ${l.name.padEnd(width)}  ${l.fact}`);
  const healthy = d.available && d.links.every((l) => l.mark !== 'broken');
  const last = healthy ? chalk.green(`✓ ${d.summary}`) : chalk.red(`✗ ${d.summary}`);
  return [`ExposedAPI ${d.key}`, ...lines, last].join('\n') + '\n';
}
