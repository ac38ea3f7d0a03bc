// Reading the engine's plans in tests: actions of a type, the Events, a condition.
import type { Action, Plan } from '../reconcile/types.js';

export const ofType = <T extends Action['type']>(actions: readonly Action[], type: T) =>
  actions.filter((a): a is Extract<Action, { type: T }> => a.type === type);

export const events = (r: Plan) => ofType(r.actions, 'event').map((e) => `${e.eventType} ${e.reason}`);

/** The Events a pass carries out (the rest of its plan waits for the next pass). */
export const eventsDone = (r: Plan) => events({ ...r, actions: r.actions.slice(0, r.replanAfter) });

export const condition = (r: Plan, type: string) => r.status.conditions?.find((c) => c.type === type);
