// The base of every command: one error handler, so all failures read the same.
import { Command, Errors } from '@oclif/core';
import chalk from 'chalk';
import { describeFailure } from './errors.js';

export abstract class BaseCommand extends Command {
  async init(): Promise<void> {
    // chalk ignores NO_COLOR; honour it like every other tool.
    if (process.env.NO_COLOR) chalk.level = 0;
    await super.init();
  }

  protected async catch(err: Error & { exitCode?: number }): Promise<void> {
    if (err instanceof Errors.ExitError) throw err;
    const failure = describeFailure(err);
    process.stderr.write(`${chalk.red('error:')} ${failure.message}\n`);
    if (failure.stack && process.env.ODA_API_DEBUG) process.stderr.write(`${failure.stack}\n`);
    process.exitCode = failure.exitCode;
  }
}
