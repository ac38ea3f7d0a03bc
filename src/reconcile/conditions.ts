// Status conditions per the Kubernetes API conventions, and the Events their changes
// raise. Events come from condition transitions (not from each pass), so a problem is
// announced once when it appears, not on every resync.

import type { Action, Condition } from './types.js';

/** Our condition types, in the order they are listed in the status. */
export const CONDITION_TYPES = ['Ready', 'Routed', 'ImplementationReady', 'MetricsConfigured', 'PoliciesEnforced'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export interface ConditionInput {
  type: ConditionType;
  status: Condition['status'];
  /** CamelCase, e.g. InvalidSpec. */
  reason: string;
  message: string;
}

/** False conditions that are usually passing states, not something to act on: no Warning Event. */
const TRANSIENT_REASONS = new Set(['NoReadyEndpoints', 'GatewayAddressPending', 'ServiceNotFound']);

const isOurs = (c: Condition): boolean => (CONDITION_TYPES as readonly string[]).includes(c.type);

function toCondition(input: ConditionInput, previous: Condition | undefined, generation: number | undefined, now: Date): Condition {
  // The transition time moves only when the status does.
  const lastTransitionTime =
    previous !== undefined && previous.status === input.status ? previous.lastTransitionTime : now.toISOString();
  return { ...input, lastTransitionTime, ...(generation === undefined ? {} : { observedGeneration: generation }) };
}

const order = (c: Condition): number => (CONDITION_TYPES as readonly string[]).indexOf(c.type);

/**
 * Our conditions become exactly `inputs`; conditions of other types (set by someone
 * else) are kept as they are, after ours.
 */
export function conditionsFor(
  previous: readonly Condition[] | undefined,
  inputs: readonly ConditionInput[],
  generation: number | undefined,
  now: Date,
): Condition[] {
  const before = previous ?? [];
  const ours = inputs
    .map((input) => toCondition(input, before.find((c) => c.type === input.type), generation, now))
    .sort((a, b) => order(a) - order(b));
  return [...ours, ...before.filter((c) => !isOurs(c))];
}

/** Sets one condition and leaves every other one untouched (they still describe what they observed). */
export function conditionsWith(
  previous: readonly Condition[] | undefined,
  input: ConditionInput,
  generation: number | undefined,
  now: Date,
): Condition[] {
  const before = previous ?? [];
  const updated = toCondition(input, before.find((c) => c.type === input.type), generation, now);
  const ours = [...before.filter((c) => isOurs(c) && c.type !== input.type), updated].sort((a, b) => order(a) - order(b));
  return [...ours, ...before.filter((c) => !isOurs(c))];
}

const changed = (a: Condition | undefined, b: Condition): boolean =>
  a === undefined || a.status !== b.status || a.reason !== b.reason || a.message !== b.message;

/**
 * Events for conditions that changed: a Warning when one turns (or stays) False for a
 * new reason or message that asks for action; a Normal one when a False condition
 * recovers, or the API becomes Ready. Ready repeats the problems of the other
 * conditions; it only warns for its own (InvalidSpec, GatewayNotFound), not twice.
 */
export function transitionEvents(previous: readonly Condition[] | undefined, next: readonly Condition[]): Action[] {
  const events: Action[] = [];
  for (const condition of next.filter(isOurs)) {
    const before = previous?.find((c) => c.type === condition.type);
    if (!changed(before, condition)) continue;
    const { reason, message } = condition;
    if (condition.status === 'False') {
      const mirrored =
        condition.type === 'Ready' && next.some((c) => c.type !== 'Ready' && c.status === 'False' && c.reason === reason);
      if (!mirrored && !TRANSIENT_REASONS.has(reason)) events.push({ type: 'event', eventType: 'Warning', reason, message });
    } else if (condition.status === 'True' && before?.status !== 'True') {
      if (condition.type === 'Ready' || before?.status === 'False') {
        events.push({ type: 'event', eventType: 'Normal', reason, message });
      }
    }
  }
  return events;
}
