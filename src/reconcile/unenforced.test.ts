import { unenforcedFeatures } from './unenforced.js';

describe('unenforcedFeatures', () => {
  it.each([
    ['nothing requested', {}, []],
    ['rateLimit enabled', { rateLimit: { enabled: true, limit: '10' } }, ['rateLimit']],
    ['rateLimit disabled', { rateLimit: { enabled: false, limit: '10' } }, []],
    ['rateLimit enabled as a string is not enabled', { rateLimit: { enabled: 'true' } }, []],
    ['apiKeyVerification enabled', { apiKeyVerification: { enabled: true } }, ['apiKeyVerification']],
    ['quota with a limit', { quota: { identifier: 'ip', limit: '100' } }, ['quota']],
    ['quota without a limit', { quota: { identifier: 'ip' } }, []],
    ['quota with an empty limit', { quota: { limit: '' } }, []],
    ['request validation', { OASValidation: { requestEnabled: true } }, ['OASValidation']],
    ['response validation', { OASValidation: { responseEnabled: true } }, ['OASValidation']],
    ['validation off', { OASValidation: { requestEnabled: false, allowUnspecifiedHeaders: true } }, []],
    ['template', { template: 'gold' }, ['template']],
    ['blank template', { template: '  ' }, []],
    [
      'several, in a fixed order',
      { template: 't', quota: { limit: '1' }, rateLimit: { enabled: true } },
      ['rateLimit', 'quota', 'template'],
    ],
  ])('%s', (_label, spec, expected) => {
    expect(unenforcedFeatures(spec as Record<string, unknown>)).toEqual(expected);
  });
});
