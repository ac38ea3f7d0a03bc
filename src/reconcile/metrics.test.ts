import type { ExposedAPI, Service, ServicePort } from './types.js';
import type { ApiSpec } from './spec.js';
import { desiredServiceMonitor, isMetricsApi, parseMetricsMode } from './metrics.js';

const api: ExposedAPI = {
  apiVersion: 'oda.tmforum.org/v1',
  kind: 'ExposedAPI',
  metadata: { name: 'prd-metrics', namespace: 'components', uid: 'u-1', labels: { app: 'prd' } },
  spec: {},
};
const spec: ApiSpec = { name: 'metrics', apiType: 'prometheus', implementation: 'prd-svc', path: '/metrics', port: 9090 };
const service = (name: string, labels?: Record<string, string>, ports: ServicePort[] = [{ name: 'metrics', port: 9090 }]): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'components', ...(labels ? { labels } : {}) },
  spec: { selector: { app: name }, ports },
});
const settings = { scrapeInterval: '30s' };

describe('isMetricsApi', () => {
  it.each([
    ['prometheus', true],
    ['openmetrics', true],
    ['openapi', false],
    ['mcp', false],
  ])('%s -> %s', (t, expected) => expect(isMetricsApi(t)).toBe(expected));
});

describe('parseMetricsMode', () => {
  it.each([
    ['ServiceMonitor', 'ServiceMonitor'],
    ['PrometheusAnnotation', 'PrometheusAnnotation'],
    ['DataDogAnnotation', 'DataDogAnnotation'],
    ['DataDogAnnotations', 'DataDogAnnotation'],
    ['datadogannotation', 'DataDogAnnotation'],
    [' servicemonitor ', 'ServiceMonitor'],
    ['ServiceMonitors', 'ServiceMonitor'],
    ['Datadog', undefined],
    ['', undefined],
  ])('%j -> %s', (value, expected) => expect(parseMetricsMode(value)).toBe(expected));
});

describe('desiredServiceMonitor', () => {
  it('selects by the Canvas name label and the named port', () => {
    const svc = service('prd-svc', { name: 'prd-svc', app: 'prd' });
    expect(desiredServiceMonitor(api, spec, svc, [svc, service('other', { name: 'other', app: 'prd' })], settings)).toEqual({
      object: {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: {
          name: 'prd-metrics',
          namespace: 'components',
          labels: { app: 'prd' },
          ownerReferences: [
            { apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', name: 'prd-metrics', uid: 'u-1', controller: true, blockOwnerDeletion: true },
          ],
        },
        spec: {
          selector: { matchLabels: { name: 'prd-svc' } },
          endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s', scheme: 'http' }],
        },
      },
    });
  });

  it('falls back to all labels when they are unique to the Service', () => {
    const svc = service('prd-svc', { app: 'prd', tier: 'metrics' });
    const result = desiredServiceMonitor(api, spec, svc, [svc, service('web', { app: 'prd' })], settings);
    expect(result).toHaveProperty('object.spec.selector', { matchLabels: { app: 'prd', tier: 'metrics' } });
  });

  it.each<[string, Service, Service[], string, RegExp]>([
    ['no labels', service('prd-svc'), [], 'ServiceNotSelectable', /Service prd-svc has no labels.*add the label name=prd-svc/],
    [
      'labels shared with other Services',
      service('prd-svc', { app: 'prd' }),
      [service('b-svc', { app: 'prd', x: 'y' }), service('a-svc', { app: 'prd' }), service('c', { app: 'other' })],
      'ServiceNotSelectable',
      /\(app=prd\) also select Service a-svc, b-svc; add the label name=prd-svc/,
    ],
    ['no such port', service('prd-svc', { name: 'prd-svc' }, [{ name: 'http', port: 8080 }]), [], 'PortNotFound', /Service prd-svc has no port 9090/],
  ])('explains why none can be built: %s', (_label, svc, others, reason, message) => {
    const result = desiredServiceMonitor(api, spec, svc, [svc, ...others], settings);
    expect(result).toEqual({ problem: { reason, message: expect.stringMatching(message) } });
  });

  it.each<[string, ServicePort, Record<string, unknown>]>([
    ['unnamed port with a numeric target', { port: 9090, targetPort: 9100 }, { targetPort: 9100 }],
    ['unnamed port with a named target', { port: 9090, targetPort: 'prom' }, { targetPort: 'prom' }],
    ['unnamed port without target', { port: 9090 }, { targetPort: 9090 }],
  ])('reaches an %s by targetPort', (_label, port, expected) => {
    const svc = service('prd-svc', { name: 'prd-svc' }, [port]);
    const result = desiredServiceMonitor(api, spec, svc, [svc], settings) as unknown as { object: { spec: { endpoints: object[] } } };
    expect(result.object.spec.endpoints[0]).toEqual({ ...expected, path: '/metrics', interval: '30s', scheme: 'http' });
  });

  it('maps basicAuth to secret key selectors and drops unknown fields', () => {
    const svc = service('prd-svc', { name: 'prd-svc' });
    const auth = {
      username: { name: 'creds', key: 'user', extra: 'x' },
      password: { name: 'creds', key: 'pass', optional: true },
    } as unknown as ApiSpec['basicAuth'];
    const result = desiredServiceMonitor(api, { ...spec, basicAuth: auth }, svc, [svc], settings);
    expect(result).toHaveProperty('object.spec.endpoints.0.basicAuth', {
      username: { name: 'creds', key: 'user' },
      password: { name: 'creds', key: 'pass', optional: true },
    });
  });
});
