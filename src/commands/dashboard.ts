import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { clusterFlags, contextFrom } from '../cli/flags.js';
import { runDashboard } from '../ui/session.js';

export default class Dashboard extends BaseCommand {
  static summary = 'A live view of every ExposedAPI: URL, readiness, routing, metrics; details, diff and reconcile by key';
  static description = `Watches the cluster like the operator does and shows one row per API, updated as things change.
Read-only unless --operator is given, which also runs the operator (standalone) and shows its log under the table.
Keys: up/down or j/k select, enter details, / filter, s sort, d diff, r reconcile, ? help, q quit.
When stdout is not a terminal, prints one snapshot and exits.`;
  static examples = ['<%= config.bin %> dashboard -n components', '<%= config.bin %> dashboard -A --operator', '<%= config.bin %> dashboard -n components | cat'];
  static flags = {
    ...clusterFlags,
    operator: Flags.boolean({ description: 'Also run the operator (standalone, no leader election) and show its log' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Dashboard);
    await runDashboard(contextFrom(flags), {
      operator: flags.operator,
    });
  }
}
