import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { clusterFlags, contextFrom, namesArg, reportFormatFlag } from '../cli/flags.js';
import type { DryRun } from '../kube/executor.js';
import type { OutputFormat } from '../cli/report.js';
import { reconcileCommand } from '../cli/oneshot.js';

export default class Reconcile extends BaseCommand {
  static summary = 'Reconcile ExposedAPIs once: route them, set up metrics, report URLs and readiness';
  static description = `Reads the cluster with one LIST per kind, brings every selected ExposedAPI's VirtualService,
metrics target, status and Component entry to the desired state, and exits.
Exit codes: 0 all converged, 1 some API invalid, in conflict or failed, 2 usage or cluster error.
With --dry-run, prints the diff instead (exit 0 no differences, 1 differences, >1 error).`;
  static examples = [
    '<%= config.bin %> reconcile -n components',
    '<%= config.bin %> reconcile my-api -n components -o json',
    '<%= config.bin %> reconcile -A --dry-run=server',
  ];
  static strict = false;
  static args = namesArg;
  static flags = {
    ...clusterFlags,
    ...reportFormatFlag,
    'dry-run': Flags.option({
      options: ['none', 'client', 'server'] as const,
      default: 'none',
      description: 'server: diff against the API server\'s merged result (writes nothing); client: diff computed locally',
    })(),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Reconcile);
    process.exitCode = await reconcileCommand(contextFrom(flags), {
      names: argv as string[],
      dryRun: flags['dry-run'] as DryRun,
      output: flags.output as OutputFormat,
    });
  }
}
