import { liveness, ProbedInformer, readiness } from './probes.js';

const informer = (over: Partial<{ name: string; heard: number; healthy: boolean; synced: boolean; forbidden: string }> = {}): ProbedInformer => ({
  name: over.name ?? 'exposedapis',
  lastHeard: () => over.heard ?? 0,
  healthy: () => over.healthy ?? true,
  hasSynced: () => over.synced ?? true,
  forbidden: () => over.forbidden,
});

const MINUTE = 60_000;
const start = 1_000_000;

describe('liveness', () => {
  test('a quiet cluster: a bookmark a minute on any watch keeps it live', () => {
    const informers = [informer({ heard: start + 10 * MINUTE }), informer({ name: 'services', heard: start + 10.5 * MINUTE })];
    expect(liveness(informers, start, 90_000, start + 11.9 * MINUTE)).toEqual({ ok: true });
  });

  test('no answer for longer than the limit fails, saying for how long', () => {
    const informers = [informer({ heard: start + MINUTE })];
    expect(liveness(informers, start, 90_000, start + MINUTE + 91_000)).toEqual({ ok: false, detail: 'no answer from the API server for 91s (limit 90s)' });
  });

  test('counts from the start when nothing has answered yet', () => {
    expect(liveness([informer()], start, 90_000, start + 30_000).ok).toBe(true);
    expect(liveness([informer()], start, 90_000, start + 100_000).ok).toBe(false);
  });

  test('a stuck watch fails it even while others answer', () => {
    const informers = [informer({ heard: start }), informer({ name: 'pods', heard: start, healthy: false })];
    expect(liveness(informers, start, 90_000, start + 1000)).toEqual({ ok: false, detail: 'watches stuck: pods' });
  });
});

describe('readiness', () => {
  test('a forbidden required kind names the permission', () => {
    const refused = informer({ synced: false, forbidden: 'exposedapis is forbidden: User "u" cannot list resource "exposedapis"' });
    expect(readiness([refused], [refused])).toEqual({ ok: false, detail: 'missing permission: exposedapis is forbidden: User "u" cannot list resource "exposedapis"' });
  });

  test('an optional kind forbidden (synced, empty) does not hold it up', () => {
    const gateways = informer({ name: 'gateways', forbidden: 'gateways is forbidden' });
    expect(readiness([informer()], [informer(), gateways])).toEqual({ ok: true });
  });

  test('waits for every cache', () => {
    expect(readiness([], [informer({ name: 'pods', synced: false })])).toEqual({ ok: false, detail: 'caches not synced: pods' });
  });
});
