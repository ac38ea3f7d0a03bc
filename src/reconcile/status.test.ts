import type { Condition, ExposedAPI, ExposedAPIStatus } from './types.js';
import type { ApiSpec } from './spec.js';
import { desiredApiStatus, desiredStatus, statusChanged } from './status.js';

const api: ExposedAPI = { apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', metadata: { name: 'prd-api', namespace: 'c' }, spec: {} };
const spec: ApiSpec = { name: 'productcatalog', apiType: 'openapi', implementation: 'svc', path: '/p', port: 8080 };
const ready: Condition = { type: 'Ready', status: 'True', reason: 'Ready', message: 'm', lastTransitionTime: 't' };

describe('desiredApiStatus', () => {
  it('has the Canvas fields, named after the ExposedAPI object', () => {
    expect(desiredApiStatus(api, spec, { url: 'https://h/p', developerUI: 'https://h/d', ip: '1.2.3.4' }, 'vs-uid')).toEqual({
      name: 'prd-api',
      uid: 'vs-uid',
      path: '/p',
      port: 8080,
      implementation: 'svc',
      url: 'https://h/p',
      developerUI: 'https://h/d',
      ip: '1.2.3.4',
    });
  });

  it('leaves out what is not known yet', () => {
    expect(desiredApiStatus(api, spec, {}, undefined)).toEqual({ name: 'prd-api', path: '/p', port: 8080, implementation: 'svc' });
  });
});

describe('desiredStatus', () => {
  const previous: ExposedAPIStatus = { apiStatus: { name: 'old' }, implementation: { ready: true }, summary: { x: 1 } };

  it('replaces what we manage and keeps other keys', () => {
    expect(desiredStatus(previous, { name: 'new' }, false, [ready])).toEqual({
      apiStatus: { name: 'new' },
      implementation: { ready: false },
      conditions: [ready],
      summary: { x: 1 },
    });
  });

  it('keeps apiStatus and implementation when not given', () => {
    expect(desiredStatus(previous, undefined, undefined, [])).toEqual({ ...previous, conditions: [] });
  });
});

describe('statusChanged', () => {
  it.each<[string, ExposedAPIStatus | undefined, ExposedAPIStatus, boolean]>([
    ['same content, other key order', { implementation: { ready: true }, conditions: [ready] }, { conditions: [ready], implementation: { ready: true } }, false],
    ['no status yet', undefined, { conditions: [] }, true],
    ['nothing either way', undefined, {}, false],
    ['a url appears', { apiStatus: { name: 'a' } }, { apiStatus: { name: 'a', url: 'u' } }, true],
    ['readiness flips', { implementation: { ready: true } }, { implementation: { ready: false } }, true],
  ])('%s -> %s', (_label, before, after, expected) => {
    expect(statusChanged(before, after)).toBe(expected);
  });
});
