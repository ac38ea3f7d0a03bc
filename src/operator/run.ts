// Runs the operator: the cluster cache, the controller observing it, health and metrics
// endpoints, and (unless standalone) leader election, so only one replica writes. Used by
// `watch` and by the dashboard's --operator mode.
import { hostname } from 'node:os';
import { collectDefaultMetrics } from 'prom-client';
import { ClusterCache } from '../cache/cache.js';
import type { ClusterContext } from '../kube/context.js';
import { apiServerEvents, EventRecorder } from '../kube/event-recorder.js';
import { startHealthServer, HealthServer } from '../runtime/health.js';
import { LeaderElector, LeaseForbiddenError } from '../runtime/leader.js';
import type { Logger } from '../runtime/log.js';
import { Controller } from './controller.js';
import { OperatorMetrics } from './metrics.js';

export interface OperatorOptions {
  log: Logger;
  standalone: boolean;
  /** Namespace of the leader-election Lease. */
  leaseNamespace: string;
  /** Name of the leader-election Lease; default oda-api-operator. */
  leaseName?: string;
  /** Liveness fails after this long without an answer from the API server. */
  silenceLimitMs?: number;
  /** host:port for /healthz, /readyz and /metrics; undefined for none. */
  healthAddress?: string;
  concurrency?: number;
  resyncMs?: number;
  /** Lease timings (tests shorten them). */
  leaseDurationMs?: number;
}

export interface RunningOperator {
  cache: ClusterCache;
  controller: Controller;
  health?: HealthServer;
  /** Rejects if the operator cannot go on (e.g. leader election is forbidden). */
  failed: Promise<never>;
  /** Stops taking work, finishes what is in flight, releases the lease. */
  stop(): Promise<void>;
}

export const LEASE_NAME = 'oda-api-operator';

export async function startOperator(ctx: ClusterContext, o: OperatorOptions): Promise<RunningOperator> {
  const metrics = new OperatorMetrics();
  // The process's own (CPU, memory, file descriptors, event loop lag, GC): what SREs expect beside any operator's.
  collectDefaultMetrics({ register: metrics.registry });
  const cache = new ClusterCache(ctx, {
    log: o.log,
    silenceLimitMs: o.silenceLimitMs,
    onWatchRestart: (resource) => metrics.watchRestarted(resource),
  });
  const events = new EventRecorder(apiServerEvents(ctx.client), { log: o.log, onDrop: (reason) => metrics.eventDropped(reason) });
  const controller = new Controller(ctx, {
    cache,
    log: o.log,
    metrics,
    events,
    concurrency: o.concurrency,
    resyncMs: o.resyncMs,
  });
  const leaseName = o.leaseName ?? LEASE_NAME;
  const lease = `${o.leaseNamespace}/${leaseName}`;
  const health = o.healthAddress
    ? await startHealthServer({
        address: o.healthAddress,
        // The probes watch the cache: the controller's failures are per API, retried and reported as Events.
        liveness: () => cache.healthy(),
        readiness: () => cache.ready(),
        metrics: metrics.registry,
      })
    : undefined;
  if (health) o.log.info('serving health and metrics', { url: health.url });

  o.log.info('starting', { namespaces: ctx.scope.description, gateway: ctx.settings.gateway, metricsMode: ctx.settings.metricsMode, standalone: o.standalone });
  const caps = await cache.start().catch(async (err) => {
    await health?.close();
    throw err;
  });
  controller.start();
  o.log.info('caches synced', { virtualServices: caps.virtualServiceApiVersion ?? 'not served', serviceMonitors: caps.serviceMonitorServed });

  let elector: LeaderElector | undefined;
  let electing: Promise<void> | undefined;
  const lead = (leading: boolean) => {
    metrics.leading(leaseName, leading);
    controller.setWriting(leading);
  };
  if (o.standalone) {
    lead(true);
  } else {
    const identity = process.env.POD_NAME || `${hostname()}-${process.pid}`;
    elector = new LeaderElector({
      client: ctx.client,
      namespace: o.leaseNamespace,
      name: leaseName,
      identity,
      leaseDurationMs: o.leaseDurationMs,
      renewDeadlineMs: o.leaseDurationMs ? Math.round(o.leaseDurationMs * 0.66) : undefined,
      retryPeriodMs: o.leaseDurationMs ? Math.round(o.leaseDurationMs * 0.13) : undefined,
      log: o.log,
      onStartedLeading: () => {
        o.log.info('became leader', { identity, lease });
        lead(true);
      },
      onStoppedLeading: () => {
        o.log.warn('lost leadership: no longer writing', { identity });
        lead(false);
      },
    });
    electing = elector.run().catch((err: unknown) => {
      // The Canvas's ClusterRole grants no Leases and its chart runs one replica: without
      // the right to read the Lease no replica can lead with it, so run as that one replica.
      if (!(err instanceof LeaseForbiddenError) || err.leaseEverRead) throw err;
      o.log.warn(`no permission to use the Lease ${lease}: running as the single replica, without leader election; do not run a second replica`, {
        error: err.message,
      });
      lead(true);
    });
  }

  const failed = new Promise<never>((_, reject) => {
    electing?.catch(reject);
  });
  failed.catch(() => {}); // observed by whoever awaits it; never an unhandled rejection
  return {
    cache,
    controller,
    health,
    failed,
    async stop() {
      await controller.stop();
      await events.flush();
      await cache.stop();
      if (elector) {
        await elector.stop({ release: true });
        await electing?.catch(() => {});
      }
      await health?.close();
      o.log.info('stopped');
    },
  };
}
