import { applyJsonPatch } from './patch.js';

describe('applyJsonPatch', () => {
  const entry = () => ({ status: { coreAPIs: [{ uid: 'u', url: 'https://x/a', ready: true }] } });

  it('tests, adds and removes keys in an entry', () => {
    const result = applyJsonPatch(entry(), [
      { op: 'test', path: '/status/coreAPIs/0/uid', value: 'u' },
      { op: 'add', path: '/status/coreAPIs/0/ready', value: false },
      { op: 'remove', path: '/status/coreAPIs/0/url' },
    ]);
    expect(result).toEqual({ status: { coreAPIs: [{ uid: 'u', ready: false }] } });
  });

  it('fails like the API server when a test fails or a removed key is missing', () => {
    expect(() => applyJsonPatch(entry(), [{ op: 'test', path: '/status/coreAPIs/0/uid', value: 'other' }])).toThrow('test failed');
    expect(() => applyJsonPatch(entry(), [{ op: 'remove', path: '/status/coreAPIs/0/developerUI' }])).toThrow('does not exist');
  });
});
