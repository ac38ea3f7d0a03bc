import type { KubeObject, Route } from './types.js';
import { hostsOverlap, listenersOf, listenersOverlap } from './listeners.js';

const gateway = (namespace: string, name: string, selector: Record<string, string>, servers: object[]): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: { namespace, name },
  spec: { selector, servers },
});
const http = (hosts: string[], number = 80) => ({ port: { number, name: 'http', protocol: 'HTTP' }, hosts });
const route = (namespace: string, gatewayRef: string, hosts = ['*']): Route => ({
  owner: { kind: 'ExposedAPI', namespace, name: 'api', creationTimestamp: '' },
  gateways: [gatewayRef],
  hosts,
  pathPrefix: '/api',
});
const ingress = { istio: 'ingressgateway' };
const lookup = (...gateways: KubeObject[]) => (ns: string, name: string) =>
  gateways.find((g) => g.metadata.namespace === ns && g.metadata.name === name);

describe('hostsOverlap', () => {
  it.each<[string, string, boolean]>([
    ['*', 'a.example', true],
    ['a.example', 'A.EXAMPLE', true],
    ['*.example', 'a.example', true],
    ['*.example', '*.a.example', true],
    ['*.example', 'example', false],
    ['a.example', 'b.example', false],
    ['*.a.example', '*.b.example', false],
  ])('%s and %s -> %s', (a, b, expected) => {
    expect(hostsOverlap(a, b)).toBe(expected);
    expect(hostsOverlap(b, a)).toBe(expected);
  });
});

describe('listenersOf', () => {

  it('is the selected workload, port and the hosts served there', () => {
    const gw = gateway('a', 'component-gateway', ingress, [http(['*']), http(['api.example'], 443)]);
    expect(listenersOf(route('a', 'a/component-gateway'), lookup(gw))).toEqual([
      { workload: 'workload:istio=ingressgateway', port: 80, hosts: ['*'] },
      { workload: 'workload:istio=ingressgateway', port: 443, hosts: ['api.example'] },
    ]);
  });

  it('leaves out servers whose hosts the route does not have, or that do not admit its namespace', () => {
    const gw = gateway('gw', 'g', ingress, [http(['web.example']), http(['other/*'], 8080), http(['./*'], 8081), http(['a/*', '*/x.example'], 8082)]);
    expect(listenersOf(route('a', 'gw/g', ['api.example']), lookup(gw))).toEqual([{ workload: 'workload:istio=ingressgateway', port: 8082, hosts: ['api.example'] }]);
    expect(listenersOf(route('gw', 'gw/g', ['api.example']), lookup(gw)).map((l) => l.port)).toEqual([8081]);
  });

  it('falls back to the Gateway name when the Gateway cannot be read, selects nothing or has no servers', () => {
    expect(listenersOf(route('a', 'a/gw'), lookup())).toEqual([{ workload: 'gateway:a/gw', hosts: ['*'] }]);
    expect(listenersOf(route('a', 'a/gw'), lookup(gateway('a', 'gw', ingress, [])))).toEqual([{ workload: 'gateway:a/gw', hosts: ['*'] }]);
    expect(listenersOf(route('a', 'a/gw'), lookup(gateway('a', 'gw', {}, [http(['*'])])))).toEqual([{ workload: 'gateway:a/gw', hosts: ['*'] }]);
  });
});

describe('listenersOverlap', () => {
  const inA = gateway('a', 'component-gateway', ingress, [http(['*'])]);
  const inB = gateway('b', 'component-gateway', ingress, [http(['*'])]);

  it('two Gateways with different names or namespaces selecting the same workload, port and host are one listener', () => {
    const find = lookup(inA, inB);
    expect(listenersOverlap(listenersOf(route('a', 'a/component-gateway'), find), listenersOf(route('b', 'b/component-gateway'), find))).toBe(true);
  });

  it.each<[string, KubeObject, Route]>([
    ['another workload', gateway('b', 'component-gateway', { istio: 'internal' }, [http(['*'])]), route('b', 'b/component-gateway')],
    ['another port', gateway('b', 'component-gateway', ingress, [http(['*'], 8080)]), route('b', 'b/component-gateway')],
    ['another host', gateway('b', 'component-gateway', ingress, [http(['b.example'])]), route('b', 'b/component-gateway', ['b.example'])],
  ])('%s is another listener', (_label, other, otherRoute) => {
    const find = lookup(gateway('a', 'component-gateway', ingress, [http(['a.example', 'c.example'])]), other);
    expect(listenersOverlap(listenersOf(route('a', 'a/component-gateway', ['a.example']), find), listenersOf(otherRoute, find))).toBe(false);
  });
});
