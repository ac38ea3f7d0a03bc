import { KubeConfig } from '@kubernetes/client-node';
import { ofType } from '../test-support/plans.js';
import { PRD, prdCluster, settings } from '../test-support/product-catalog.js';
import { KubeClient } from './client.js';
import { converge } from './converge.js';
import { EventRecorder, type EventSink } from './event-recorder.js';
import { Executor } from './executor.js';

/** An Event API that never answers. */
function stalledEvents() {
  const created: Record<string, unknown>[] = [];
  const sink: EventSink = {
    create: (_ns, event) => (created.push(event as Record<string, unknown>), new Promise<string>(() => {})),
    patch: () => new Promise<void>(() => {}),
  };
  return { sink, created };
}

test('a reconcile records one Normal Event saying everything its passes did, and does not wait for it', async () => {
  const cluster = prdCluster();
  const { sink, created } = stalledEvents();
  const executor = new Executor(new KubeClient(new KubeConfig()), cluster.stores, { component: false }, 'client', new EventRecorder(sink));
  const result = await converge(cluster.api(PRD), { view: cluster.view(settings), executor, settings });

  expect(result.outcome).toBe('created');
  expect(cluster.api(PRD).status?.apiStatus?.url).toBe('https://203.0.113.7/prd/v4');
  const message = 'created VirtualService components/prd-api; the API is available at https://203.0.113.7/prd/v4';
  expect(ofType(result.done, 'event')).toEqual([{ type: 'event', eventType: 'Normal', reason: 'Reconciled', message }]);
  expect(created).toEqual([expect.objectContaining({ type: 'Normal', reason: 'Reconciled', message })]);

  const again = await converge(cluster.api(PRD), { view: cluster.view(settings), executor, settings });
  expect(again.done).toEqual([]);
  expect(created).toHaveLength(1);
});
