import { policiesCondition, specFeatures, timeoutFeatures } from './policies.js';

describe('specFeatures', () => {
  it('says, per feature, what enforces it or why nothing can', () => {
    const found = specFeatures({ CORS: { enabled: true }, quota: { limit: '100' }, OASValidation: { requestEnabled: true }, template: 'gold', apiKeyVerification: { enabled: true } });
    expect(found.map((f) => `${f.feature} ${f.enforced}`)).toEqual(['CORS true', 'apiKeyVerification false', 'quota false', 'OASValidation false', 'template false']);
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
