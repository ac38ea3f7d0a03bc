// The `kopf` executable: translates kopf's command line and runs `watch` in this process
// (no kubectl, no child process), so the container's signals reach the operator itself.
import { execute } from '@oclif/core';
import chalk from 'chalk';
import { parseLogLevel, settingsFromEnv } from '../reconcile/index.js';
import { createLogger } from '../runtime/log.js';
import { EXIT_USAGE } from './errors.js';
import { translateKopf } from './kopf.js';

export async function kopfMain(argv: readonly string[]): Promise<void> {
  const plan = translateKopf(argv);
  if (plan.kind === 'help') {
    process.stdout.write(plan.text);
    return;
  }
  if (plan.kind === 'error') {
    process.stderr.write(`${chalk.red('error:')} ${plan.message}\n`);
    process.exitCode = EXIT_USAGE;
    return;
  }
  // The notes go out at the level watch will use; a bad LOGGING is left for watch to report.
  const level = plan.logLevel ?? parseLogLevel(settingsFromEnv(process.env).logLevel);
  if (level) {
    const log = createLogger({ level, format: 'plain', color: process.stderr.isTTY === true && !process.env.NO_COLOR });
    for (const note of plan.notes) log.info(note.message, note.fields);
  }
  await execute({ dir: import.meta.url, args: ['watch', ...plan.watchArgs] });
}
