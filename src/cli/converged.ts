// What a converge did, in words: the item a reconcile report lists (the `-o json|yaml`
// item, and the table's row), why an API did not converge (also the operator's log and
// Warning Event), and each action done.
import { isReady } from '../reconcile/index.js';
import type { Action, Condition, Outcome } from '../reconcile/types.js';
import { reasonOf, type Converged } from '../kube/converge.js';

/** One API in the documented `reconcile -o json|yaml` report (docs/commands.md). */
export interface ReportItem {
  namespace: string;
  name: string;
  outcome: Outcome;
  url: string | null;
  /** READY as documented once (docs/commands.md#ready): the Ready condition is True. */
  ready: boolean;
  /** status.implementation.ready: the implementation's Service has ready endpoints. */
  implementationReady: boolean;
  /** Why it is invalid, in conflict or failed. */
  message: string | null;
  actions: string[];
  conditions: Condition[];
}

export function reportItem(c: Converged): ReportItem {
  // After a failure the status the engine wanted may not be written: no URL, not ready.
  const reached = c.error === undefined ? c.status : {};
  return {
    namespace: c.namespace,
    name: c.name,
    outcome: c.outcome,
    url: reached.apiStatus?.url ?? null,
    ready: isReady(reached),
    implementationReady: reached.implementation?.ready === true,
    message: reasonOf(c) ?? null,
    actions: c.done.map(describeAction),
    conditions: c.status.conditions ?? [],
  };
}

function describeAction(a: Action): string {
  switch (a.type) {
    case 'apply':
      return `${a.change === 'create' ? 'created' : 'updated'} ${a.object.kind} ${a.object.metadata.name}`;
    case 'delete':
      return `deleted ${a.kind} ${a.name}`;
    case 'annotatePod':
      return `annotated Pod ${a.name}`;
    case 'writeStatus':
      return 'updated status';
    case 'patchComponent':
      return `updated Component ${a.name} ${a.list}`;
    case 'addFinalizer':
      return 'added finalizer';
    case 'removeFinalizer':
      return 'removed finalizer';
    case 'event':
      return `event ${a.reason}`;
  }
}
