import type { ExposedAPI, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import { desiredVirtualService, routeHosts } from './virtualservice.js';

const api: ExposedAPI = {
  apiVersion: 'oda.tmforum.org/v1',
  kind: 'ExposedAPI',
  metadata: { name: 'prd-api', namespace: 'components', uid: 'u-1', labels: { 'oda.tmforum.org/componentName': 'prd' } },
  spec: {},
};
const spec: ApiSpec = { name: 'api', apiType: 'openapi', implementation: 'prd-svc', path: '/prd/api/v4', port: 8080 };
const settings: Settings = { metricsMode: 'ServiceMonitor', gateway: 'component-gateway', scrapeInterval: '15s' };

describe('routeHosts', () => {
  it.each([
    [{ hostname: 'api.example.com' }, 'pub.example.com', ['api.example.com']],
    [{}, 'pub.example.com', ['pub.example.com']],
    [{}, undefined, ['*']],
  ])('%j with public hostname %s', (s, publicHostname, expected) => {
    expect(routeHosts(s, { publicHostname })).toEqual(expected);
  });
});

describe('desiredVirtualService', () => {
  it('matches what the Canvas operator writes, plus ownership', () => {
    expect(desiredVirtualService(api, spec, settings, 'networking.istio.io/v1')).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: {
        name: 'prd-api',
        namespace: 'components',
        labels: { 'oda.tmforum.org/componentName': 'prd' },
        ownerReferences: [
          { apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', name: 'prd-api', uid: 'u-1', controller: true, blockOwnerDeletion: true },
        ],
      },
      spec: {
        hosts: ['*'],
        gateways: ['component-gateway'],
        http: [
          {
            match: [{ uri: { prefix: '/prd/api/v4' } }],
            route: [{ destination: { host: 'prd-svc', port: { number: 8080 } } }],
          },
        ],
      },
    });
  });

  it('uses the gateway setting as given and the API hostname', () => {
    const vs = desiredVirtualService(api, { ...spec, hostname: 'api.example.com' }, { ...settings, gateway: 'istio-system/gw' }, 'networking.istio.io/v1beta1');
    expect(vs.apiVersion).toBe('networking.istio.io/v1beta1');
    expect(vs.spec).toMatchObject({ hosts: ['api.example.com'], gateways: ['istio-system/gw'] });
  });

  it('adds a corsPolicy only when CORS is enabled', () => {
    const http = (cors: ApiSpec['CORS']) =>
      (desiredVirtualService(api, { ...spec, CORS: cors }, settings, 'v').spec as { http: Record<string, unknown>[] }).http[0];
    expect(http({ enabled: true })).toHaveProperty('corsPolicy.allowOrigins', [{ regex: '.*' }]);
    expect(http({ enabled: false })).not.toHaveProperty('corsPolicy');
  });
});
