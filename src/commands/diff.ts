import { BaseCommand } from '../cli/base.js';
import { clusterFlags, contextFrom, namesArg } from '../cli/flags.js';
import { reconcileCommand } from '../cli/oneshot.js';

export default class Diff extends BaseCommand {
  static summary = 'Show what reconcile would change, as a unified diff (like kubectl diff)';
  static description = `Same as "reconcile --dry-run=server": the API server merges every change with a server-side
dry run (same field manager, force), nothing is written. KUBECTL_EXTERNAL_DIFF replaces "diff -u -N".
Exit codes: 0 no differences, 1 differences, >1 error.`;
  static examples = ['<%= config.bin %> diff -n components', 'KUBECTL_EXTERNAL_DIFF="diff -y" <%= config.bin %> diff my-api'];
  static strict = false;
  static args = namesArg;
  static flags = clusterFlags;

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Diff);
    process.exitCode = await reconcileCommand(contextFrom(flags), {
      names: argv as string[],
      dryRun: 'server',
      output: 'table',
      diffOnly: true,
    });
  }
}
