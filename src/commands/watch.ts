import { Flags } from '@oclif/core';
import { BaseCommand } from '../cli/base.js';
import { clusterFlags, contextFrom } from '../cli/flags.js';
import { UserError } from '../cli/errors.js';
import { createLogger, logLevelError, parseLogLevel } from '../runtime/log.js';
import { parseAddress } from '../runtime/health.js';
import { startOperator } from '../operator/run.js';
import { DEFAULT_SILENCE_LIMIT_MS } from '../cache/cache.js';
import { DEFAULT_WORKERS } from '../operator/controller.js';
import { defaultLeaseNamespace } from '../operator/lease.js';
import { LEASE_NAME } from '../operator/run.js';

export default class Watch extends BaseCommand {
  static summary = 'Run the operator: keep every ExposedAPI routed, monitored and reported, as changes happen';
  static description = `The long-running operator (like "kopf run"). Watches ExposedAPIs, EndpointSlices, Services,
the Istio Gateway and the children it owns, and reconciles each API as soon as anything it depends on
changes. Without --standalone, replicas elect a leader through a Lease and only the leader writes.
Serves /healthz, /readyz and /metrics on --health-address. Stops cleanly on SIGINT or SIGTERM.`;
  static examples = ['<%= config.bin %> watch --standalone -n components', '<%= config.bin %> watch -A --log-format json --health-address 0.0.0.0:8081'];
  static flags = {
    ...clusterFlags,
    standalone: Flags.boolean({ description: 'Run alone: no leader election (for a laptop, or a single replica)' }),
    'lease-namespace': Flags.string({
      description: "Namespace of the leader-election Lease [default: POD_NAMESPACE, else the Pod's own namespace, else default; never the -n scope]",
    }),
    'lease-name': Flags.string({ description: 'Name of the leader-election Lease: give disjoint shards different names on purpose', default: LEASE_NAME }),
    'liveness-silence': Flags.integer({
      description: 'Seconds without any answer from the API server before /healthz fails (watch bookmarks come every minute)',
      default: DEFAULT_SILENCE_LIMIT_MS / 1000,
      min: 1,
    }),
    workers: Flags.integer({ description: 'How many APIs are reconciled at the same time', default: DEFAULT_WORKERS, min: 1, max: 64 }),
    'health-address': Flags.string({ description: 'host:port for /healthz, /readyz and /metrics, or "none"', default: '127.0.0.1:8081' }),
    'log-format': Flags.option({ options: ['plain', 'json'] as const, default: 'plain' })(),
    verbose: Flags.boolean({ char: 'v', description: 'Log every event and every reconcile (debug)', exclusive: ['quiet'] }),
    quiet: Flags.boolean({ char: 'q', description: 'Log only warnings and errors' }),
    'log-level': Flags.string({ description: 'debug, info, warning, error (or 10/20/30/40)', env: 'LOGGING', default: 'info' }),
  };

  async run(): Promise<void> {
    const { flags } = await this.parse(Watch);
    const level = flags.verbose ? 'debug' : flags.quiet ? 'warning' : parseLogLevel(flags['log-level']);
    if (!level) throw new UserError(logLevelError(flags['log-level'])!);
    const log = createLogger({ level, format: flags['log-format'], color: process.stderr.isTTY === true && !process.env.NO_COLOR });
    const healthAddress = flags['health-address'] === 'none' ? undefined : flags['health-address'];
    if (healthAddress) parseAddress(healthAddress); // a malformed address fails before any cluster work
    const operator = await startOperator(contextFrom(flags), {
      log,
      standalone: flags.standalone,
      leaseNamespace: flags['lease-namespace'] ?? defaultLeaseNamespace(),
      leaseName: flags['lease-name'],
      silenceLimitMs: flags['liveness-silence'] * 1000,
      healthAddress,
      concurrency: flags.workers,
    });
    const signalled = new Promise<string>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
    });
    try {
      const signal = await Promise.race([signalled, operator.failed]);
      log.info('shutting down', { signal });
    } finally {
      await operator.stop();
    }
  }
}
