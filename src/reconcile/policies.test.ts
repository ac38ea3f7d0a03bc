import { policiesCondition, specFeatures, timeoutFeatures } from './policies.js';

describe('specFeatures', () => {
  it('says, per feature, what enforces it or why nothing can', () => {
    const found = specFeatures({ CORS: { enabled: true }, quota: { limit: '100' }, OASValidation: { requestEnabled: true }, template: 'gold', apiKeyVerification: { enabled: true } });
    expect(found.map((f) => `${f.feature} ${f.enforced}`)).toEqual(['CORS true', 'apiKeyVerification false', 'quota false', 'OASValidation false', 'template false']);
  });

  // rateLimit and apiType mcp depend on the cluster (plan-policies.ts); the rest is read from the raw spec, leniently.
  it.each([
    ['nothing requested', {}, []],
    ['apiKeyVerification enabled', { apiKeyVerification: { enabled: true } }, ['apiKeyVerification']],
    ['apiKeyVerification enabled as a string is not enabled', { apiKeyVerification: { enabled: 'true' } }, []],
    ['quota with a limit', { quota: { identifier: 'ip', limit: '100' } }, ['quota']],
    ['quota with an empty limit', { quota: { limit: '' } }, []],
    ['request validation', { OASValidation: { requestEnabled: true } }, ['OASValidation']],
    ['response validation', { OASValidation: { responseEnabled: true } }, ['OASValidation']],
    ['validation off', { OASValidation: { requestEnabled: false, allowUnspecifiedHeaders: true } }, []],
    ['template', { template: 'gold' }, ['template']],
    ['several, in a fixed order', { template: 't', quota: { limit: '1' }, apiKeyVerification: { enabled: true } }, ['apiKeyVerification', 'quota', 'template']],
  ])('not enforced: %s', (_label, spec, expected) => {
    expect(specFeatures(spec as Record<string, unknown>).filter((f) => !f.enforced).map((f) => f.feature)).toEqual(expected);
  });

  it('reports nothing that was not asked for', () => {
    expect(specFeatures({ quota: { identifier: 'ip' }, OASValidation: { requestEnabled: false }, template: ' ', rateLimit: { enabled: false } })).toEqual([]);
  });
});

describe('policiesCondition', () => {
  it('is True when nothing is asked', () => {
    expect(policiesCondition([])).toEqual({ type: 'PoliciesEnforced', status: 'True', reason: 'AllEnforced', message: 'every requested policy is enforced' });
  });

  it('lists what enforces each feature when all are enforced', () => {
    expect(policiesCondition(specFeatures({ CORS: { enabled: true } })).message).toBe("enforced: CORS (by the VirtualService's corsPolicy)");
  });

  it('names every feature not enforced with why, then the enforced ones', () => {
    const c = policiesCondition([...specFeatures({ CORS: { enabled: true }, template: 't' }), ...timeoutFeatures({ timeouts: { writeMs: 10 } })]);
    expect(c).toMatchObject({ status: 'False', reason: 'NotEnforced' });
    expect(c.message).toMatch(/^not enforced: template \(a template names .*\); API_WRITE_TIMEOUT \(Envoy has no per-route write timeout\)\. enforced: CORS/);
  });
});
