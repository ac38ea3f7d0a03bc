import { describeRate, rateLimitOf, rateLimitProblems } from './ratelimit.js';

const show = (v: unknown) => JSON.stringify(v) ?? 'nothing';

describe('rateLimitOf', () => {
  it.each([
    ['per second by default, limit as the CRD types it (a string)', { enabled: true, limit: '10' }, { limit: 10, interval: 'ps', fillSeconds: 1 }],
    ['per minute', { enabled: true, limit: 3, interval: 'pm' }, { limit: 3, interval: 'pm', fillSeconds: 60 }],
    ['with an identifier', { enabled: true, limit: '1', identifier: ' ip ' }, { limit: 1, interval: 'ps', fillSeconds: 1, identifier: 'ip' }],
    ['not enabled', { enabled: false, limit: '10' }, undefined],
    ['enabled as a string is not enabled', { enabled: 'true', limit: '10' }, undefined],
    ['limit 0', { enabled: true, limit: '0' }, undefined],
  ])('%s', (_label, raw, expected) => {
    expect(rateLimitOf(raw)).toEqual(expected);
  });

  it('says the rate in words', () => {
    expect(describeRate({ limit: 1, interval: 'pm', fillSeconds: 60 })).toBe('1 request per minute');
    expect(describeRate({ limit: 20, interval: 'ps', fillSeconds: 1 })).toBe('20 requests per second');
  });
});

describe('rateLimitProblems', () => {
  it.each([
    ['nothing asked', undefined, []],
    ['disabled with nonsense', { enabled: false, limit: 'lots' }, []],
    ['limit 0', { enabled: true, limit: '0' }, ['spec.rateLimit.limit: must be a whole number of requests from 1 to 1000000000 (e.g. "10"), got "0"']],
    ['a fraction', { enabled: true, limit: 1.5 }, ['spec.rateLimit.limit: must be a whole number of requests from 1 to 1000000000 (e.g. "10"), got 1.5']],
    ['unknown interval', { enabled: true, limit: '5', interval: 'ph' }, ['spec.rateLimit.interval: must be ps (per second) or pm (per minute), got "ph"']],
    ['enabled not a boolean', { enabled: 'yes' }, ['spec.rateLimit.enabled: must be a boolean, got "yes"']],
    ['not an object', 'fast', ['spec.rateLimit: must be an object, got "fast"']],
  ])('%s', (_label, raw, expected) => {
    expect(rateLimitProblems(raw, show)).toEqual(expected);
  });
});
