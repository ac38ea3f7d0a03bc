import fc from 'fast-check';
import type { Service } from './types.js';
import { buildUrl, gatewayAddress, urlHost } from './url.js';

function gatewayService(
  ingress: { ip?: string; hostname?: string }[] | undefined,
  ports: { name?: string; port: number }[] = [{ name: 'http2', port: 80 }],
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'istio-ingressgateway', namespace: 'istio-ingress' },
    spec: { type: 'LoadBalancer', ports },
    status: ingress === undefined ? {} : { loadBalancer: { ingress } },
  };
}

describe('gatewayAddress', () => {
  it.each([
    ['no Service', undefined, {}, ''],
    ['no address yet', gatewayService(undefined), {}, ''],
    ['empty ingress list', gatewayService([]), {}, ''],
    ['ip', gatewayService([{ ip: '10.0.0.1' }]), { host: '10.0.0.1' }, ''],
    ['hostname', gatewayService([{ hostname: 'lb.example.com' }]), { host: 'lb.example.com' }, ''],
    ['ip preferred over hostname', gatewayService([{ ip: '10.0.0.1', hostname: 'lb' }]), { host: '10.0.0.1' }, ''],
    ['first ingress only', gatewayService([{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }]), { host: '10.0.0.1' }, ''],
    ['http on 8080', gatewayService([], [{ name: 'http', port: 8080 }]), {}, ':8080'],
    ['http2 on 443', gatewayService([], [{ name: 'http2', port: 443 }]), {}, ''],
    ['other names ignored', gatewayService([], [{ name: 'status-port', port: 15021 }]), {}, ''],
    [
      'first http-ish port wins',
      gatewayService([], [{ name: 'https', port: 8443 }, { name: 'http', port: 8080 }, { name: 'http2', port: 80 }]),
      {},
      ':8080',
    ],
  ])('%s', (_label, svc, host, suffix) => {
    expect(gatewayAddress(svc)).toEqual({ ...host, portSuffix: suffix });
  });
});

describe('buildUrl', () => {
  const lb = gatewayService([{ ip: '203.0.113.7' }], [{ name: 'http2', port: 8080 }]);
  it.each([
    ['spec hostname first', { hostname: 'api.example.com' }, 'pub.example.com', lb, 'https://api.example.com:8080/p'],
    ['then the public hostname', {}, 'pub.example.com', lb, 'https://pub.example.com:8080/p'],
    ['then the load balancer', {}, undefined, lb, 'https://203.0.113.7:8080/p'],
    ['IPv6 public hostname bracketed', {}, '2001:db8::1', undefined, 'https://[2001:db8::1]/p'],
    ['no address: no url', {}, undefined, gatewayService(undefined), undefined],
  ])('%s', (_label, extra, publicHostname, svc, url) => {
    expect(buildUrl({ path: '/p', ...extra }, { publicHostname }, svc && gatewayAddress(svc)).url).toBe(url);
  });

  it('reports the load balancer address as ip even when a hostname is used for the url', () => {
    expect(buildUrl({ path: '/p', hostname: 'api.example.com' }, {}, gatewayAddress(lb))).toEqual({
      url: 'https://api.example.com:8080/p',
      ip: '203.0.113.7',
    });
  });

  it('builds developerUI on the same base', () => {
    expect(buildUrl({ path: '/p', developerUI: '/p/docs' }, {}, gatewayAddress(lb)).developerUI).toBe('https://203.0.113.7:8080/p/docs');
  });

  it('has no developerUI without a host', () => {
    expect(buildUrl({ path: '/p', developerUI: '/docs' }, {}, undefined)).toEqual({});
  });
});

describe('url properties', () => {
  const path = fc.stringMatching(/^\/[a-zA-Z0-9/_.-]{0,30}$/);
  const port = fc.integer({ min: 1, max: 65535 });

  it('brackets every IPv6 host and only those', () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV6(), fc.ipV4(), fc.domain()), path, (host, p) => {
        const url = buildUrl({ path: p }, { publicHostname: host }, undefined).url!;
        const bracketed = url.startsWith('https://[');
        expect(bracketed).toBe(host.includes(':'));
        expect(url).toBe(`https://${bracketed ? `[${host}]` : host}${p}`);
      }),
    );
  });

  it('omits the port suffix exactly for 80 and 443, and keeps the path as given', () => {
    fc.assert(
      fc.property(port, path, fc.constantFrom('http', 'http2'), (n, p, name) => {
        const svc = gatewayService([{ hostname: 'lb.example.com' }], [{ name, port: n }]);
        const url = buildUrl({ path: p }, {}, gatewayAddress(svc)).url!;
        const expected = n === 80 || n === 443 ? 'https://lb.example.com' : `https://lb.example.com:${n}`;
        expect(url).toBe(expected + p);
      }),
    );
  });

  it('urlHost brackets every IPv6 address, whatever its text form', () => {
    fc.assert(fc.property(fc.ipV6(), (ip) => expect(urlHost(ip)).toBe(`[${ip}]`)));
  });
});
