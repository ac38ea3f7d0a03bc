import {
  buildSettings,
  gatewayError,
  metricsModeError,
  publicHostnameError,
  scrapeIntervalError,
  settingsFromEnv,
} from './settings.js';

describe('settingsFromEnv', () => {
  it('uses the Canvas defaults', () => {
    expect(settingsFromEnv({})).toEqual({
      namespaces: ['components'],
      metricsMode: 'ServiceMonitor',
      gateway: 'component-gateway',
      logLevel: 'info',
      scrapeInterval: '15s',
    });
  });

  it('reads the Canvas environment variables', () => {
    expect(
      settingsFromEnv({
        COMPONENT_NAMESPACE: 'components, team-*',
        OPENMETRICS_IMPLEMENTATION: 'DataDogAnnotations',
        APIOPERATORISTIO_PUBLICHOSTNAME: 'api.example.com',
        APIOPERATORISTIO_COMPONENTGATEWAY: 'istio-system/public',
        LOGGING: '10',
      }),
    ).toEqual({
      namespaces: ['components, team-*'],
      metricsMode: 'DataDogAnnotations',
      publicHostname: 'api.example.com',
      gateway: 'istio-system/public',
      logLevel: '10',
      scrapeInterval: '15s',
    });
  });

  it('treats empty values as unset, as Helm writes them', () => {
    expect(settingsFromEnv({ APIOPERATORISTIO_PUBLICHOSTNAME: '', LOGGING: ' ' })).toEqual(settingsFromEnv({}));
  });

  it('keeps an empty COMPONENT_NAMESPACE, for the scope check to refuse rather than default', () => {
    expect(settingsFromEnv({ COMPONENT_NAMESPACE: ' ' }).namespaces).toEqual([' ']);
  });
});

describe('validators', () => {
  it.each<[string, (v: string) => string | undefined, string, boolean]>([
    ['mode', metricsModeError, 'ServiceMonitor', true],
    ['mode', metricsModeError, 'DataDogAnnotations', true],
    ['mode', metricsModeError, 'Datadog', false],
    ['public hostname', publicHostnameError, 'api.example.com', true],
    ['public hostname', publicHostnameError, '10.0.0.1', true],
    ['public hostname', publicHostnameError, '2001:db8::1', true],
    ['public hostname', publicHostnameError, '*.example.com', false],
    ['public hostname', publicHostnameError, 'https://api.example.com', false],
    ['gateway', gatewayError, 'component-gateway', true],
    ['gateway', gatewayError, 'istio-system/public-gw', true],
    ['gateway', gatewayError, 'a/b/c', false],
    ['gateway', gatewayError, 'Gateway', false],
    ['gateway', gatewayError, '/gw', false],
    ['interval', scrapeIntervalError, '30s', true],
    ['interval', scrapeIntervalError, '1m30s', true],
    ['interval', scrapeIntervalError, '0', false],
    ['interval', scrapeIntervalError, '15', false],
    ['interval', scrapeIntervalError, '', false],
  ])('%s %j valid: %s', (_what, check, value, ok) => {
    const error = check(value);
    expect(error === undefined).toBe(ok);
    if (error !== undefined) {
      expect(error).toContain(JSON.stringify(value));
      expect(error).not.toContain('\n');
    }
  });

});

describe('buildSettings', () => {
  it('normalises the metrics mode', () => {
    expect(buildSettings({ metricsMode: 'DataDogAnnotations', gateway: 'gw', scrapeInterval: '15s' })).toEqual({
      settings: { metricsMode: 'DataDogAnnotation', gateway: 'gw', scrapeInterval: '15s' },
    });
  });

  it('reports every bad value', () => {
    const result = buildSettings({ metricsMode: 'x', gateway: 'a/b/c', publicHostname: 'bad host', scrapeInterval: '15s' });
    expect(result).toEqual({ errors: [expect.stringMatching(/^metrics mode/), expect.stringMatching(/^public hostname/), expect.stringMatching(/^gateway/)] });
  });
});

describe('the Canvas timeouts and the router', () => {
  const base = { metricsMode: 'ServiceMonitor', gateway: 'component-gateway', scrapeInterval: '15s' };

  it('reads API_*_TIMEOUT in seconds, as the Canvas Kong and APISIX operators do (900 is a quarter of an hour, not 0.9 s)', () => {
    const raw = settingsFromEnv({ API_READ_TIMEOUT: '900', API_CONNECT_TIMEOUT: '0.5', API_WRITE_TIMEOUT: '60.0' });
    expect(raw.timeouts).toEqual({ read: '900', connect: '0.5', write: '60.0' });
    expect(buildSettings({ ...base, timeouts: raw.timeouts })).toEqual({ settings: { ...base, timeouts: { readMs: 900_000, connectMs: 500, writeMs: 60_000 } } });
  });

  it.each(['60s', '-1', '1e3', '0.0001', ''])('refuses API_READ_TIMEOUT=%j in one line', (value) => {
    expect(buildSettings({ ...base, timeouts: { read: value } })).toEqual({ errors: [`API_READ_TIMEOUT "${value}": must be a number of seconds, such as 60 or 0.5`] });
  });

  it('takes the router from APIOPERATORISTIO_ROUTER, and refuses an unknown one', () => {
    expect(settingsFromEnv({ APIOPERATORISTIO_ROUTER: 'httproute' }).router).toBe('httproute');
    expect(buildSettings({ ...base, router: 'httproute' })).toEqual({ settings: { ...base, router: 'httproute' } });
    expect(buildSettings({ ...base, router: 'virtualservice' })).toEqual({ settings: base });
    expect(buildSettings({ ...base, router: 'gateway' })).toEqual({ errors: ['router "gateway": must be virtualservice (Istio VirtualServices) or httproute (Gateway API HTTPRoutes)'] });
  });
});
