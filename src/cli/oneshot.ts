// What `reconcile` and `diff` share: run once, then print a diff (dry run) or a report.
import type { ClusterContext } from '../kube/context.js';
import type { DryRun } from '../kube/executor.js';
import { showDiff } from '../output/diff.js';
import { progress } from './progress.js';
import { reasonOf } from '../kube/converge.js';
import { formatReport, OutputFormat } from './report.js';
import { runOnce } from '../oneshot/run.js';

export interface OneShotOptions {
  names: string[];
  dryRun: DryRun;
  output: OutputFormat;
  /** `diff`: only the diff, as kubectl diff prints it; `reconcile --dry-run` adds the rows. */
  diffOnly?: boolean;
}

/** Runs once and writes the result to stdout; returns the exit code. */
export async function reconcileCommand(ctx: ClusterContext, o: OneShotOptions): Promise<number> {
  const bar = progress(o.dryRun === 'none' ? 'reconciling' : 'planning');
  const report = await runOnce(ctx, { ...o, onProgress: bar.update }).finally(bar.stop);
  for (const warning of report.warnings) process.stderr.write(`warning: ${warning}\n`);
  for (const name of report.missing) process.stderr.write(`ExposedAPI "${name}" not found in the selected namespaces\n`);
  const failed = report.missing.length > 0 || report.apis.some((a) => ['invalid', 'conflict', 'error'].includes(a.outcome));

  if (o.dryRun !== 'none' && o.output === 'table') {
    // kubectl diff's contract: 0 no differences, 1 differences, >1 trouble.
    const diff = showDiff(report.changes, process.stdout.isTTY === true);
    process.stdout.write(diff.output);
    // The same rows a reconcile prints (would create, would update, unchanged), after the diff.
    if (!o.diffOnly) process.stdout.write((diff.output ? '\n' : '') + formatReport(report, 'table', o.dryRun));
    if (diff.exitCode > 1) return diff.exitCode;
    if (report.apis.some((a) => a.outcome === 'error')) {
      for (const a of report.apis.filter((x) => x.outcome === 'error')) process.stderr.write(`${a.namespace}/${a.name}: ${reasonOf(a)}\n`);
      return 2;
    }
    return diff.exitCode;
  }
  process.stdout.write(formatReport(report, o.output, o.dryRun));
  if (o.dryRun !== 'none') return report.changes.size > 0 ? 1 : 0;
  return failed ? 1 : 0;
}
