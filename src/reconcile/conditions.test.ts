import type { Condition } from './types.js';
import { conditionsFor, conditionsWith, transitionEvents, type ConditionInput } from './conditions.js';

const t0 = '2025-01-01T00:00:00.000Z';
const now = new Date('2025-03-01T12:00:00.000Z');
const cond = (type: string, status: Condition['status'], reason = 'R', message = 'm', at = t0, gen = 1): Condition => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: at,
  observedGeneration: gen,
});
const input = (type: ConditionInput['type'], status: Condition['status'], reason = 'R', message = 'm'): ConditionInput => ({
  type,
  status,
  reason,
  message,
});

describe('conditionsFor', () => {
  it('stamps new conditions with now and the generation', () => {
    expect(conditionsFor(undefined, [input('Routed', 'True')], 3, now)).toEqual([
      { type: 'Routed', status: 'True', reason: 'R', message: 'm', lastTransitionTime: now.toISOString(), observedGeneration: 3 },
    ]);
  });

  it.each<[string, Condition, ConditionInput, string]>([
    ['keeps the transition time when the status stays', cond('Routed', 'False', 'A'), input('Routed', 'False', 'B', 'other'), t0],
    ['moves it when the status changes', cond('Routed', 'False'), input('Routed', 'True'), now.toISOString()],
  ])('%s', (_label, before, next, expected) => {
    const [c] = conditionsFor([before], [next], 2, now);
    expect(c.lastTransitionTime).toBe(expected);
    expect(c.observedGeneration).toBe(2);
  });

  it('lists ours in a fixed order, drops ours not given, keeps foreign ones after', () => {
    const before = [cond('MetricsConfigured', 'True'), cond('example.com/Other', 'True'), cond('Ready', 'False')];
    const result = conditionsFor(before, [input('PoliciesEnforced', 'True'), input('Ready', 'True'), input('Routed', 'True')], 1, now);
    expect(result.map((c) => c.type)).toEqual(['Ready', 'Routed', 'PoliciesEnforced', 'example.com/Other']);
  });

  it('omits observedGeneration when the object has no generation', () => {
    expect(conditionsFor(undefined, [input('Ready', 'True')], undefined, now)[0]).not.toHaveProperty('observedGeneration');
  });
});

describe('conditionsWith', () => {
  it('replaces one condition and leaves the others exactly as they were', () => {
    const routed = cond('Routed', 'True', 'Routed', 'ok', t0, 1);
    const before = [cond('Ready', 'True', 'Ready', 'ok', t0, 1), routed];
    const result = conditionsWith(before, input('Ready', 'False', 'InvalidSpec', 'spec.port: bad'), 2, now);
    expect(result).toEqual([
      { type: 'Ready', status: 'False', reason: 'InvalidSpec', message: 'spec.port: bad', lastTransitionTime: now.toISOString(), observedGeneration: 2 },
      routed,
    ]);
  });
});

describe('transitionEvents', () => {
  const warning = (reason: string, message = 'm') => ({ type: 'event', eventType: 'Warning', reason, message });
  const normal = (reason: string, message = 'm') => ({ type: 'event', eventType: 'Normal', reason, message });

  it.each<[string, Condition[] | undefined, Condition[], object[]]>([
    ['a new problem warns', undefined, [cond('Routed', 'False', 'Conflict')], [warning('Conflict')]],
    ['the same problem again is quiet', [cond('Routed', 'False', 'Conflict')], [cond('Routed', 'False', 'Conflict', 'm', now.toISOString())], []],
    ['a new message for the problem warns again', [cond('Routed', 'False', 'Conflict', 'winner a')], [cond('Routed', 'False', 'Conflict', 'winner b')], [warning('Conflict', 'winner b')]],
    ['Ready repeating another condition is quiet', undefined, [cond('Ready', 'False', 'Conflict'), cond('Routed', 'False', 'Conflict')], [warning('Conflict')]],
    ['Ready with a problem of its own warns', undefined, [cond('Ready', 'False', 'GatewayNotFound')], [warning('GatewayNotFound')]],
    ['Ready with InvalidSpec warns', [cond('Ready', 'True')], [cond('Ready', 'False', 'InvalidSpec', 'spec.port: x')], [warning('InvalidSpec', 'spec.port: x')]],
    ['transient reasons are quiet', undefined, [cond('ImplementationReady', 'False', 'NoReadyEndpoints'), cond('Ready', 'False', 'GatewayAddressPending')], []],
    ['becoming Ready is announced', [cond('Ready', 'False', 'NoReadyEndpoints')], [cond('Ready', 'True', 'Ready', 'at url')], [normal('Ready', 'at url')]],
    ['first Ready is announced too', undefined, [cond('Ready', 'True', 'Ready')], [normal('Ready')]],
    ['recovery of another condition is announced', [cond('Routed', 'False', 'Conflict')], [cond('Routed', 'True', 'Routed')], [normal('Routed')]],
    ['a condition born True is quiet', undefined, [cond('PoliciesEnforced', 'True', 'AllEnforced')], []],
    ['foreign conditions are ignored', undefined, [cond('example.com/X', 'False', 'Broken')], []],
  ])('%s', (_label, before, after, expected) => {
    expect(transitionEvents(before, after)).toEqual(expected);
  });
});
