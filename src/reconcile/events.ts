// The Events of one reconcile. The engine plans one fact per change (a child written,
// pods annotated, a condition that recovered or failed); a reconcile runs the engine up to
// three times (children first, then the status that names them), so only the caller that
// carried out every pass (kube/converge.ts) folds the facts into what is recorded: one
// Normal Event saying everything that changed, and each distinct Warning on its own
// (users filter on the type).

import type { Action } from './types.js';

export type EventAction = Extract<Action, { type: 'event' }>;

/** The reason of the one Normal Event per reconcile that changed something. */
export const RECONCILED = 'Reconciled';

/** Normal Events saying what was written to children. */
export function childEvents(actions: readonly Action[]): EventAction[] {
  const events: EventAction[] = [];
  const event = (reason: string, message: string): EventAction => ({ type: 'event', eventType: 'Normal', reason, message });
  for (const action of actions) {
    if (action.type === 'apply') {
      const { kind, metadata } = action.object;
      const verb = action.change === 'create' ? 'Created' : 'Updated';
      events.push(event(verb, `${verb.toLowerCase()} ${kind} ${metadata.namespace}/${metadata.name}`));
    } else if (action.type === 'delete') {
      events.push(event('Deleted', `deleted ${action.kind} ${action.namespace}/${action.name}, no longer wanted`));
    }
  }
  const pods = actions.flatMap((a) => (a.type === 'annotatePod' ? [a.name] : []));
  if (pods.length > 0) events.push(event('PodsAnnotated', `updated metrics annotations on pods ${pods.join(', ')}`));
  return events;
}

/** One Normal Event (reason Reconciled) joining the Normal facts in order, then each distinct Warning. */
export function foldEvents(events: readonly EventAction[]): EventAction[] {
  const normal = [...new Set(events.filter((e) => e.eventType === 'Normal').map((e) => e.message))];
  const warnings = new Map(events.filter((e) => e.eventType === 'Warning').map((e) => [`${e.reason}\n${e.message}`, e]));
  const folded: EventAction[] = normal.length > 0 ? [{ type: 'event', eventType: 'Normal', reason: RECONCILED, message: normal.join('; ') }] : [];
  return [...folded, ...warnings.values()];
}
