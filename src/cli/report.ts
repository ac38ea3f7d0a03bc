// Formats a run report: a table for people, or a stable JSON/YAML document for scripts.
import chalk from 'chalk';
import { stringify } from 'yaml';
import type { RunReport } from '../oneshot/run.js';
import type { DryRun } from '../kube/executor.js';
import { reportItem, type ReportItem } from './converged.js';
import { formatTable, NAME_CAPS } from '../output/table.js';

export type OutputFormat = 'table' | 'json' | 'yaml';

/** The documented shape of `-o json|yaml` (see README). */
export function reportDocument(report: RunReport, dryRun: DryRun) {
  return {
    apiVersion: 'oda-api.tmforum.org/v1',
    kind: 'ReconcileReport',
    dryRun,
    items: report.apis.map(reportItem),
    missing: report.missing,
  };
}

export function formatReport(report: RunReport, format: OutputFormat, dryRun: DryRun): string {
  if (format === 'json') return JSON.stringify(reportDocument(report, dryRun), null, 2) + '\n';
  if (format === 'yaml') return stringify(reportDocument(report, dryRun));
  return table(report.apis.map(reportItem), dryRun);
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

function table(apis: ReportItem[], dryRun: DryRun): string {
  if (apis.length === 0) return 'No ExposedAPIs found.\n';
  const rows = apis.map((a) => [
    a.namespace,
    a.name,
    a.url ?? '<pending>',
    String(a.ready),
    outcomeText(a.outcome, dryRun) + (a.message ? `: ${a.message}` : ''),
  ]);
  const paint = (text: string, row: number, column: number) => (column === 4 ? (OUTCOME_COLOUR[apis[row].outcome] ?? String)(text) : text);
  return formatTable(['NAMESPACE', 'NAME', 'URL', 'READY', 'RESULT'], rows, { max: NAME_CAPS, paint });
}

/** In a dry run nothing was written: say what would be. */
function outcomeText(outcome: string, dryRun: DryRun): string {
  if (dryRun === 'none') return outcome;
  return WOULD[outcome] ?? outcome;
}

const WOULD: Record<string, string> = { created: 'would create', updated: 'would update', deleted: 'would delete' };
