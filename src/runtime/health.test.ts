import { Gauge, Registry } from 'prom-client';
import { HealthAddressError, parseAddress, startHealthServer, type Check, type HealthServer } from './health.js';

describe('parseAddress', () => {
  it.each([
    ['127.0.0.1:8080', { host: '127.0.0.1', port: 8080 }],
    ['localhost:0', { host: 'localhost', port: 0 }],
    [':9090', { host: undefined, port: 9090 }],
    ['[::1]:80', { host: '::1', port: 80 }],
    ['0.0.0.0:65535', { host: '0.0.0.0', port: 65535 }],
  ])('%s', (address, expected) => expect(parseAddress(address)).toEqual(expected));

  it.each(['abc', '8080', 'host:', 'host:http', 'a:b:1', '::1:80', 'host:-1', 'host:1.5'])('rejects %j', (address) =>
    expect(() => parseAddress(address)).toThrow(`health address "${address}": must be host:port`),
  );

  it('rejects a port out of range', () => {
    expect(() => parseAddress('host:65536')).toThrow('health address "host:65536": port must be 0 to 65535');
  });
});

describe('health server', () => {
  let live: Check;
  let ready: Check;
  let metrics: Registry;
  let server: HealthServer;

  beforeEach(async () => {
    live = { ok: true };
    ready = { ok: false, detail: 'caches not synced: exposedapis' };
    metrics = new Registry();
    new Gauge({ name: 'x', help: 'X', registers: [metrics] }).set(1);
    server = await startHealthServer({ address: '127.0.0.1:0', liveness: () => live, readiness: () => ready, metrics });
  });
  afterEach(() => server.close());

  const get = async (path: string, method = 'GET') => {
    const res = await fetch(server.url + path, { method });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  };

  it('listens on the given host and a free port', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
  });

  it('answers liveness on /healthz and /livez from the check, each time anew', async () => {
    expect(await get('/healthz')).toEqual({ status: 200, type: 'text/plain; charset=utf-8', body: 'ok' });
    expect(await get('/livez?verbose')).toMatchObject({ status: 200, body: 'ok' });
    live = { ok: false, detail: 'watch exposedapis silent for 300s' };
    expect(await get('/healthz')).toMatchObject({ status: 503, body: 'watch exposedapis silent for 300s' });
    expect(await get('/livez')).toMatchObject({ status: 503, body: 'watch exposedapis silent for 300s' });
  });

  it('answers readiness on /readyz, with the detail while not ready', async () => {
    expect(await get('/readyz')).toMatchObject({ status: 503, body: 'caches not synced: exposedapis' });
    ready = { ok: true };
    expect(await get('/readyz')).toMatchObject({ status: 200, body: 'ok' });
  });

  it('reports a check that throws as failing rather than crashing', async () => {
    await server.close();
    const broken = new Registry();
    new Gauge({
      name: 'y',
      help: 'Y',
      registers: [broken],
      collect() {
        throw new Error('render failed');
      },
    });
    server = await startHealthServer({
      address: '127.0.0.1:0',
      liveness: () => {
        throw new Error('state unavailable');
      },
      readiness: () => ({ ok: false }),
      metrics: broken,
    });
    expect(await get('/healthz')).toMatchObject({ status: 503, body: 'state unavailable' });
    expect(await get('/readyz')).toMatchObject({ status: 503, body: 'not ok' });
    expect(await get('/metrics')).toMatchObject({ status: 500, body: 'cannot render metrics: render failed' });
    expect(await get('/healthz')).toMatchObject({ status: 503 });
  });

  it('serves /metrics in the Prometheus text format, from the registry at each scrape', async () => {
    expect(await get('/metrics')).toEqual({ status: 200, type: 'text/plain; version=0.0.4; charset=utf-8', body: '# HELP x X\n# TYPE x gauge\nx 1\n' });
    (metrics.getSingleMetric('x') as Gauge).set(2);
    expect((await get('/metrics')).body).toContain('\nx 2\n');
  });

  it('answers 404 elsewhere and 405 for other methods', async () => {
    expect(await get('/')).toMatchObject({ status: 404 });
    expect(await get('/healthz/extra')).toMatchObject({ status: 404 });
    expect(await get('/healthz', 'POST')).toMatchObject({ status: 405 });
    expect(await get('/healthz', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('gives a one-line error when the port is taken', async () => {
    const port = new URL(server.url).port;
    const address = `127.0.0.1:${port}`;
    const taken = startHealthServer({ address, liveness: () => live, readiness: () => ready, metrics });
    await expect(taken).rejects.toThrow(new HealthAddressError(`health address "${address}": port ${port} is already in use`));
    await expect(taken).rejects.toBeInstanceOf(HealthAddressError);
  });

  it('gives a one-line error when the host is not an address of this machine', async () => {
    // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a machine.
    const elsewhere = startHealthServer({ address: '192.0.2.1:0', liveness: () => live, readiness: () => ready, metrics });
    await expect(elsewhere).rejects.toThrow(new HealthAddressError('health address "192.0.2.1:0": the host is not an address of this machine'));
  });

  it('stops answering once closed, even after keep-alive requests', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200 });
    await server.close();
    await expect(fetch(server.url + '/healthz')).rejects.toThrow();
    server = { url: server.url, close: async () => {} };
  });
});
