import { foldEvents, type EventAction } from './events.js';

const event = (eventType: 'Normal' | 'Warning', reason: string, message: string): EventAction => ({ type: 'event', eventType, reason, message });

test('the Normal facts of a reconcile become one Reconciled Event saying all of them, in order', () => {
  expect(foldEvents([event('Normal', 'Created', 'created VirtualService ns/a'), event('Normal', 'Ready', 'the API is available at https://x/a')])).toEqual([
    event('Normal', 'Reconciled', 'created VirtualService ns/a; the API is available at https://x/a'),
  ]);
});

test('Warnings stay Events of their own, after the Normal one, each once', () => {
  const conflict = event('Warning', 'Conflict', 'path /a is routed by ns/b');
  expect(foldEvents([conflict, event('Normal', 'Deleted', 'deleted VirtualService ns/a'), event('Warning', 'NotEnforced', 'rateLimit'), conflict])).toEqual([
    event('Normal', 'Reconciled', 'deleted VirtualService ns/a'),
    conflict,
    event('Warning', 'NotEnforced', 'rateLimit'),
  ]);
});

test('nothing to say, no Event', () => {
  expect(foldEvents([])).toEqual([]);
});
