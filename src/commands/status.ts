import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { UserError } from '../cli/errors.js';
import { clusterFlags, contextFrom, namesArg, reportFormatFlag } from '../cli/flags.js';
import { statusCommand } from '../status/command.js';
import type { OutputFormat } from '../status/format.js';
import { parseDuration } from '../status/wait.js';

export default class Status extends BaseCommand {
  static summary = 'Show the URL and readiness of ExposedAPIs; wait until they are ready; explain why one is not';
  static description = `Reads the cluster (nothing is written) and prints each selected API's URL and readiness from its
status, with the reason when it is not usable yet. With one NAME, walks the chain from the ExposedAPI to its
URL (spec, Service, pods, endpoints, gateway address, route, metrics, Component) and names the first broken link.
With --wait, checks every second until every selected API has a URL and is ready (like kubectl wait).
Exit codes: 0 every selected API is ready, 1 some API is not (or the wait timed out), 2 usage or cluster error.`;
  static examples = [
    '<%= config.bin %> status -n components',
    '<%= config.bin %> status prodcat-api -n components',
    '<%= config.bin %> status -n components --wait --timeout 2m',
  ];
  static strict = false;
  static args = namesArg;
  static flags = {
    ...clusterFlags,
    ...reportFormatFlag,
    wait: Flags.boolean({ description: 'Wait until every selected API has a URL and is ready' }),
    timeout: Flags.string({ description: 'How long --wait waits, e.g. 30s, 2m, 1h', default: '5m' }),
  };

  async run(): Promise<void> {
    const { flags, argv } = await this.parse(Status);
    const timeoutMs = parseDuration(flags.timeout);
    if (timeoutMs === undefined) throw new UserError(`--timeout "${flags.timeout}": expected a duration such as 30s, 2m or 1h`);
    process.exitCode = await statusCommand(contextFrom(flags), {
      names: argv as string[],
      output: flags.output as OutputFormat,
      wait: flags.wait,
      timeoutMs,
    });
  }
}
