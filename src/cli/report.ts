// Formats a run report: a table for people, or a stable JSON/YAML document for scripts.
import chalk from 'chalk';
import { stringify } from 'yaml';
import type { ApiReport, RunReport } from '../oneshot/run.js';
import type { DryRun } from '../kube/executor.js';

export type OutputFormat = 'table' | 'json' | 'yaml';

/** The documented shape of `-o json|yaml` (see README). */
export function reportDocument(report: RunReport, dryRun: DryRun) {
  return {
    apiVersion: 'oda-api.tmforum.org/v1',
    kind: 'ReconcileReport',
    dryRun,
    items: report.apis.map((a) => ({
      namespace: a.namespace,
      name: a.name,
      outcome: a.outcome,
      url: a.url ?? null,
      ready: a.ready,
      message: a.message ?? null,
      actions: a.actions,
      conditions: a.conditions,
    })),
    missing: report.missing,
  };
}

export function formatReport(report: RunReport, format: OutputFormat, dryRun: DryRun): string {
  if (format === 'json') return JSON.stringify(reportDocument(report, dryRun), null, 2) + '\n';
  if (format === 'yaml') return stringify(reportDocument(report, dryRun));
  return table(report.apis);
}

const OUTCOME_COLOUR: Record<string, (s: string) => string> = {
  created: chalk.green,
  updated: chalk.green,
  unchanged: (s) => s,
  deleted: chalk.gray,
  invalid: chalk.red,
  conflict: chalk.yellow,
  error: chalk.red,
};

function table(apis: ApiReport[]): string {
  if (apis.length === 0) return 'No ExposedAPIs found.\n';
  const rows = apis.map((a) => [
    a.namespace,
    a.name,
    a.url ?? '<pending>',
    a.ready ? 'true' : 'false',
    a.outcome + (a.message ? `: ${a.message}` : ''),
  ]);
  const header = ['NAMESPACE', 'NAME', 'URL', 'READY', 'RESULT'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (i < 4 ? r[i].length : 0))));
  const line = (cells: string[], colour?: (s: string) => string) =>
    cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : colour ? colour(c) : c)).join('   ').trimEnd();
  return [line(header), ...rows.map((r, i) => line(r, OUTCOME_COLOUR[apis[i].outcome]))].join('\n') + '\n';
}
