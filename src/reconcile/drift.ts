// How an API's children, Component entry and status stand against the engine's plan,
// for the views that explain it (the dashboard's details, the status walk): whatever the
// plan would write differs from what the cluster holds.
import type { Action, Plan } from './types.js';

export type ChildState = 'matches' | 'differs' | 'missing' | 'unwanted';

/** What the plan does to the child of this kind: creates it (missing), updates it (differs) or deletes it (unwanted); undefined when it leaves it alone. */
export function plannedChild(actions: readonly Action[], kind: string): Exclude<ChildState, 'matches'> | undefined {
  for (const a of actions) {
    if (a.type === 'apply' && a.object.kind === kind) return a.change === 'create' ? 'missing' : 'differs';
    if (a.type === 'delete' && a.kind === kind) return 'unwanted';
  }
  return undefined;
}

/** The API's entry in its Component: to be updated (differs), not added yet by the Component operator (missing), or as wanted. */
export function componentEntryState(result: Plan): 'differs' | 'missing' | 'matches' {
  if (result.actions.some((a) => a.type === 'patchComponent')) return 'differs';
  return result.requeueAfterMs !== undefined ? 'missing' : 'matches';
}

export const statusDiffers = (result: Plan): boolean => result.actions.some((a) => a.type === 'writeStatus');

/** Pods whose metrics annotations the plan would change. */
export const podsToAnnotate = (actions: readonly Action[]): number => actions.filter((a) => a.type === 'annotatePod').length;
