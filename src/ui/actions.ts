// What the dashboard's keys do to the cluster: details from the caches, Events read when
// the details open, a server-side dry-run diff, and a reconcile (queued to the running
// operator, or done once when only observing). The view never touches the queue itself.
import chalk from 'chalk';
import type { ClusterContext } from '../kube/context.js';
import { collectionPath, EVENT } from '../kube/resources.js';
import type { ClusterCache } from '../cache/cache.js';
import type { Controller } from '../operator/controller.js';
import { runOnce } from '../oneshot/run.js';
import { showDiff } from '../output/diff.js';
import { reasonOf } from '../kube/converge.js';
import type { DashboardActions } from './components/Dashboard.js';
import { detailsFor } from './details.js';
import type { ApiEvent } from './panes.js';

export interface ActionSources {
  /** Details are read from it. */
  cache: Pick<ClusterCache, 'stores' | 'view'>;
  /** Set when this process runs the operator: reconciles go to its queue. */
  controller?: Pick<Controller, 'enqueue'>;
}

interface RawEvent {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
  metadata: { creationTimestamp?: string };
}

const EVENTS_SHOWN = 10;

const split = (key: string) => key.split('/') as [string, string];
/** The dashboard's context, narrowed to one API's namespace for a one-shot diff or reconcile. */
const onlyNamespace = (ctx: ClusterContext, namespace: string): ClusterContext => ({
  ...ctx,
  scope: { matches: (ns: string) => ns === namespace, literal: [namespace], description: namespace },
});

export function dashboardActions(ctx: ClusterContext, c: ActionSources): DashboardActions {
  return {
    details(key) {
      const [ns, name] = split(key);
      const api = c.cache.stores.exposedApis.get(ns, name);
      return api && detailsFor(api, c.cache.view, ctx.settings, new Date());
    },

    async events(key) {
      const [ns, name] = split(key);
      const fieldSelector = `involvedObject.name=${name},involvedObject.kind=ExposedAPI`;
      const list = await ctx.client.get<{ items: RawEvent[] }>(collectionPath(EVENT, ns), { fieldSelector });
      return list.items
        .map((e): ApiEvent => ({
          type: e.type ?? 'Normal',
          reason: e.reason ?? '',
          message: e.message ?? '',
          count: e.count ?? 1,
          last: e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp ?? '',
        }))
        .sort((a, b) => (a.last < b.last ? 1 : -1))
        .slice(0, EVENTS_SHOWN);
    },

    async diff(key) {
      const [ns, name] = split(key);
      const report = await runOnce(onlyNamespace(ctx, ns), { names: [name], dryRun: 'server' });
      return showDiff(report.changes, chalk.level > 0).output;
    },

    async reconcile(key) {
      if (c.controller) {
        c.controller.enqueue(key);
        return `queued ${key}: the operator reconciles it now (see the log)`;
      }
      const [ns, name] = split(key);
      const report = await runOnce(onlyNamespace(ctx, ns), { names: [name], dryRun: 'none' });
      const api = report.apis[0];
      if (!api) return `${key} is gone`;
      const reason = reasonOf(api);
      return `reconciled ${key}: ${api.outcome}${reason ? `: ${reason}` : ''}`;
    },
  };
}
