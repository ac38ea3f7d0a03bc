import fc from 'fast-check';
import type { ExposedAPI, KubeObject, Route, Settings } from './types.js';
import { compareRoutes, findConflict, routeOfExposedAPI, routesHeld, routesKeptFor, routesOfVirtualService, routesOverlap } from './conflicts.js';
import { RouteIndex } from './route-index.js';

const settings: Settings = { metricsMode: 'ServiceMonitor', gateway: 'component-gateway', scrapeInterval: '15s' };

function route(name: string, created: string, hosts = ['*'], over: Partial<Route> = {}): Route {
  return {
    owner: { kind: 'ExposedAPI', namespace: 'components', name, creationTimestamp: created },
    gateways: ['components/component-gateway'],
    hosts,
    pathPrefix: '/api',
    ...over,
  };
}

describe('routeOfExposedAPI', () => {
  const api: ExposedAPI = {
    apiVersion: 'oda.tmforum.org/v1',
    kind: 'ExposedAPI',
    metadata: { name: 'prd', namespace: 'components', creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: { name: 'x', apiType: 'openapi', implementation: 'svc', path: '/api', port: 80 },
  };

  it('takes the gateway (resolved in the API namespace), host and path', () => {
    expect(routeOfExposedAPI(api, { ...settings, publicHostname: 'pub.example' })).toEqual({
      owner: { kind: 'ExposedAPI', namespace: 'components', name: 'prd', creationTimestamp: '2025-01-01T00:00:00Z' },
      gateways: ['components/component-gateway'],
      hosts: ['pub.example'],
      pathPrefix: '/api',
    });
  });

  it('has none while invalid or deleting', () => {
    expect(routeOfExposedAPI({ ...api, spec: { ...api.spec, port: 'x' } }, settings)).toBeUndefined();
    expect(routeOfExposedAPI({ ...api, metadata: { ...api.metadata, deletionTimestamp: '2025-01-02T00:00:00Z' } }, settings)).toBeUndefined();
  });
});

describe('routesOfVirtualService', () => {
  const vs = (spec: Record<string, unknown>, ownerKind?: string): KubeObject => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: {
      name: 'legacy',
      namespace: 'apps',
      creationTimestamp: '2024-01-01T00:00:00Z',
      ...(ownerKind ? { ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: ownerKind, name: 'x', uid: 'u', controller: true }] } : {}),
    },
    spec,
  });
  const owner = { kind: 'VirtualService', namespace: 'apps', name: 'legacy', creationTimestamp: '2024-01-01T00:00:00Z', serving: true };

  it('has one route per prefix, gateways resolved in its namespace, mesh left out', () => {
    const spec = {
      hosts: ['a.example'],
      gateways: ['mesh', 'gw', 'istio-system/pub'],
      http: [
        { match: [{ uri: { prefix: '/a' } }, { uri: { exact: '/x' } }, { uri: { prefix: '/b' } }] },
        { match: [{ uri: { prefix: '/a' } }] },
        { route: [] },
      ],
    };
    expect(routesOfVirtualService(vs(spec))).toEqual(
      ['/a', '/b', '/'].map((pathPrefix) => ({ owner, gateways: ['apps/gw', 'istio-system/pub'], hosts: ['a.example'], pathPrefix })),
    );
  });

  it.each([
    ['mesh only', { hosts: ['a'], gateways: ['mesh'], http: [{}] }, undefined],
    ['no gateways', { hosts: ['a'], http: [{}] }, undefined],
    ['managed by an ExposedAPI', { hosts: ['a'], gateways: ['gw'], http: [{}] }, 'ExposedAPI'],
  ])('has none: %s', (_label, spec, ownerKind) => {
    expect(routesOfVirtualService(vs(spec, ownerKind))).toEqual([]);
  });

  it('counts a VirtualService controlled by something else as unmanaged', () => {
    expect(routesOfVirtualService(vs({ hosts: ['a'], gateways: ['gw'], http: [{}] }, 'Deployment'))).toHaveLength(1);
  });
});

describe('routesOverlap', () => {
  const a = route('a', '2025-01-01T00:00:00Z', ['api.example']);
  it.each<[string, Partial<Route>, boolean]>([
    ['same key', {}, true],
    ['host case differs', { hosts: ['API.example'] }, true],
    ['wildcard host', { hosts: ['*'] }, true],
    ['other host', { hosts: ['web.example'] }, false],
    ['other path', { pathPrefix: '/web' }, false],
    ['a path under it, which it shadows', { pathPrefix: '/api/v2' }, true],
    ['other gateway', { gateways: ['istio-system/gw'] }, false],
    ['one gateway in common', { gateways: ['istio-system/gw', 'components/component-gateway'] }, true],
  ])('%s -> %s', (_label, over, expected) => {
    const b = { ...route('b', '2025-01-01T00:00:00Z', ['api.example']), ...over };
    expect(routesOverlap(a, b)).toBe(expected);
    expect(routesOverlap(b, a)).toBe(expected);
  });

  it('resolves a short gateway name in the owner namespace', () => {
    const short = { ...route('b', 'x'), gateways: ['component-gateway'] };
    expect(routesOverlap(a, short)).toBe(true);
    expect(routesOverlap(a, { ...short, owner: { ...short.owner, namespace: 'other' } })).toBe(false);
  });
});

describe('findConflict', () => {
  const early = route('zeta', '2025-01-01T00:00:00Z');
  const late = route('alpha', '2025-02-01T00:00:00Z');

  it('lets the earlier route keep it', () => {
    expect(findConflict(late, RouteIndex.of([early, late]))).toBe(early);
    expect(findConflict(early, RouteIndex.of([early, late]))).toBeUndefined();
  });

  it('breaks a creation-time tie by namespace/name', () => {
    const a = route('a', '2025-01-01T00:00:00Z');
    const b = route('b', '2025-01-01T00:00:00Z');
    expect(findConflict(b, RouteIndex.of([a]))).toBe(a);
    expect(findConflict(a, RouteIndex.of([b]))).toBeUndefined();
  });

  it('lets the route already served win a creation-time tie, whatever the names', () => {
    const a = route('a', '2025-01-01T00:00:00Z');
    const served = route('b', '2025-01-01T00:00:00Z');
    served.owner.serving = true;
    expect(findConflict(a, RouteIndex.of([a, served]))).toBe(served);
    expect(findConflict(served, RouteIndex.of([a, served]))).toBeUndefined();
  });

  it('is no conflict with an older copy of its own route', () => {
    expect(findConflict(late, RouteIndex.of([{ ...late, hosts: ['x'] }]))).toBeUndefined();
  });

  it('is not blocked by a route that itself lost', () => {
    const first = route('first', '2025-01-01T00:00:00Z', ['a.example']);
    const wildcard = route('wild', '2025-01-02T00:00:00Z', ['*']);
    const mine = route('mine', '2025-01-03T00:00:00Z', ['b.example']);
    const all = [first, wildcard, mine];
    expect(findConflict(wildcard, RouteIndex.of(all))).toBe(first);
    expect(findConflict(mine, RouteIndex.of(all))).toBeUndefined();
  });

  it('sees an unmanaged VirtualService as a contender', () => {
    const vs: Route = { ...early, owner: { ...early.owner, kind: 'VirtualService', name: 'legacy' } };
    expect(findConflict(late, RouteIndex.of([vs]))).toBe(vs);
  });
});

describe('conflict properties', () => {
  const arbRoute = fc.record({
    name: fc.constantFrom('a', 'b', 'c', 'd', 'e'),
    namespace: fc.constantFrom('n1', 'n2'),
    kind: fc.constantFrom('ExposedAPI' as const, 'VirtualService' as const),
    day: fc.integer({ min: 1, max: 4 }),
    host: fc.constantFrom('*', 'a.example', 'b.example'),
    path: fc.constantFrom('/x', '/y'),
    gateway: fc.constantFrom('gw', 'n1/gw', 'n2/gw'),
  }).map(
    (r): Route => ({
      owner: { kind: r.kind, namespace: r.namespace, name: r.name, creationTimestamp: `2025-01-0${r.day}T00:00:00Z` },
      gateways: [r.gateway],
      hosts: [r.host],
      pathPrefix: r.path,
    }),
  );
  const key = (r: Route) => `${r.owner.kind}/${r.owner.namespace}/${r.owner.name}`;
  // One route per owner, as the cluster view provides.
  const arbRoutes = fc.uniqueArray(arbRoute, { selector: key, maxLength: 12 });

  it('picks the same winner whatever the input order', () => {
    fc.assert(
      fc.property(arbRoutes, fc.integer(), (routes, seed) => {
        const shuffled = [...routes].sort((a, b) => ((key(a) + seed).localeCompare(key(b) + seed) * (seed % 2 ? 1 : -1)));
        for (const r of routes) expect(findConflict(r, RouteIndex.of(shuffled))).toBe(findConflict(r, RouteIndex.of(routes)));
      }),
    );
  });

  it('grants no two overlapping routes, and only refuses routes that overlap a granted one', () => {
    fc.assert(
      fc.property(arbRoutes, (routes) => {
        const granted = routes.filter((r) => findConflict(r, RouteIndex.of(routes)) === undefined);
        for (const a of granted) for (const b of granted) if (a !== b) expect(routesOverlap(a, b)).toBe(false);
        for (const r of routes) {
          const winner = findConflict(r, RouteIndex.of(routes));
          if (winner === undefined) continue;
          expect(granted).toContain(winner);
          expect(routesOverlap(r, winner)).toBe(true);
          expect(compareRoutes(winner, r)).toBeLessThan(0);
        }
      }),
    );
  });

  it('grants exactly one route among identical route keys when no wildcard is involved', () => {
    fc.assert(
      fc.property(fc.uniqueArray(arbRoute.filter((r) => r.hosts[0] !== '*'), { selector: key, minLength: 1, maxLength: 12 }), (routes) => {
        const k = (r: Route) => `${r.gateways[0].includes('/') ? r.gateways[0] : `${r.owner.namespace}/${r.gateways[0]}`}|${r.hosts[0]}|${r.pathPrefix}`;
        const groups = new Map<string, Route[]>();
        for (const r of routes) groups.set(k(r), [...(groups.get(k(r)) ?? []), r]);
        for (const group of groups.values()) {
          expect(group.filter((r) => findConflict(r, RouteIndex.of(routes)) === undefined)).toHaveLength(1);
        }
      }),
    );
  });

  it('orders routes totally', () => {
    fc.assert(
      fc.property(arbRoute, arbRoute, arbRoute, (a, b, c) => {
        expect(Math.sign(compareRoutes(a, b)) + Math.sign(compareRoutes(b, a))).toBe(0);
        expect(compareRoutes(a, b) === 0).toBe(key(a) === key(b) && a.owner.creationTimestamp === b.owner.creationTimestamp);
        if (compareRoutes(a, b) <= 0 && compareRoutes(b, c) <= 0) expect(compareRoutes(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });
});

describe('prefix shadowing', () => {
  const at = (name: string, day: number, pathPrefix: string, hosts = ['*']) =>
    route(name, `2025-01-0${day}T00:00:00Z`, hosts, { pathPrefix });

  it.each<[string, string, boolean]>([
    ['/a', '/a/b', true],
    ['/a', '/ab', true], // Istio prefixes are string prefixes
    ['/a/b', '/a/c', false],
    ['/', '/anything', true],
  ])('%s and %s overlap: %s', (x, y, expected) => {
    expect(routesOverlap(at('x', 1, x), at('y', 1, y))).toBe(expected);
  });

  it('the later route loses, whether it is the shorter or the longer prefix', () => {
    const short = at('short', 1, '/a');
    const long = at('long', 2, '/a/b');
    expect(findConflict(long, RouteIndex.of([short, long]))).toBe(short);
    expect(findConflict(short, RouteIndex.of([short, long]))).toBeUndefined();
    const earlyLong = at('long', 1, '/a/b');
    const lateShort = at('short', 2, '/a');
    expect(findConflict(lateShort, RouteIndex.of([earlyLong, lateShort]))).toBe(earlyLong);
  });

  it('a prefix that lost to an older route does not block the routes it would shadow', () => {
    const sibling = at('sibling', 1, '/a/c');
    const short = at('short', 2, '/a');
    const long = at('long', 3, '/a/b');
    const all = [sibling, short, long];
    expect(findConflict(short, RouteIndex.of(all))).toBe(sibling);
    expect(findConflict(long, RouteIndex.of(all))).toBeUndefined();
  });

  it('on other hosts, nested prefixes do not meet', () => {
    expect(findConflict(at('long', 2, '/a/b', ['b.example']), RouteIndex.of([at('short', 1, '/a', ['a.example'])]))).toBeUndefined();
  });
});

describe('conflicts across Gateways serving one listener', () => {
  const gw = (namespace: string, selector: Record<string, string>): KubeObject => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { namespace, name: 'component-gateway' },
    spec: { selector, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
  });
  const inNs = (namespace: string, name: string, day: number): Route => ({
    owner: { kind: 'ExposedAPI', namespace, name, creationTimestamp: `2025-01-0${day}T00:00:00Z` },
    gateways: [`${namespace}/component-gateway`],
    hosts: ['*'],
    pathPrefix: '/api',
  });
  const a = inNs('a', 'first', 1);
  const b = inNs('b', 'second', 2);

  it('two namespaces, each with a component-gateway selecting the same workload: one route wins', () => {
    const find = (ns: string) => gw(ns, { istio: 'ingressgateway' });
    expect(findConflict(b, RouteIndex.of([a, b]), find)).toBe(a);
    expect(findConflict(a, RouteIndex.of([a, b]), find)).toBeUndefined();
  });

  it('Gateways selecting different workloads are different listeners', () => {
    const find = (ns: string) => gw(ns, { istio: `ingress-${ns}` });
    expect(findConflict(b, RouteIndex.of([a, b]), find)).toBeUndefined();
  });

  it('without readable Gateways, judged by the Gateway names', () => {
    expect(findConflict(b, RouteIndex.of([a, b]))).toBeUndefined();
  });
});

describe('conflict properties with nested paths and shared listeners', () => {
  // Both namespaces' `gw` select one workload: every `gw` route shares a listener.
  const gateways: Record<string, KubeObject> = Object.fromEntries(
    ['n1', 'n2'].map((ns) => [
      ns,
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Gateway',
        metadata: { namespace: ns, name: 'gw' },
        spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80 }, hosts: ['*'] }] },
      },
    ]),
  );
  const find = (ns: string, name: string) => (name === 'gw' ? gateways[ns] : undefined);
  const arb = fc
    .record({
      name: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      namespace: fc.constantFrom('n1', 'n2'),
      day: fc.integer({ min: 1, max: 4 }),
      host: fc.constantFrom('*', 'a.example', 'b.example'),
      path: fc.constantFrom('/', '/x', '/x/y', '/xy', '/x/y/z', '/q'),
      gateway: fc.constantFrom('gw', 'other'),
    })
    .map(
      (r): Route => ({
        owner: { kind: 'ExposedAPI', namespace: r.namespace, name: r.name, creationTimestamp: `2025-01-0${r.day}T00:00:00Z` },
        gateways: [r.gateway],
        hosts: [r.host],
        pathPrefix: r.path,
      }),
    );
  const routes = fc.uniqueArray(arb, { selector: (r) => `${r.owner.namespace}/${r.owner.name}`, maxLength: 12 });

  it('grants no two overlapping routes, and refuses only routes that overlap an earlier granted one', () => {
    fc.assert(
      fc.property(routes, (all) => {
        const granted = all.filter((r) => findConflict(r, RouteIndex.of(all), find) === undefined);
        for (const x of granted) for (const y of granted) if (x !== y) expect(routesOverlap(x, y, find)).toBe(false);
        for (const r of all) {
          const winner = findConflict(r, RouteIndex.of(all), find);
          if (winner === undefined) continue;
          expect(granted).toContain(winner);
          expect(routesOverlap(r, winner, find)).toBe(true);
          expect(compareRoutes(winner, r)).toBeLessThan(0);
        }
      }),
    );
  });
});

describe('routesKeptFor', () => {
  const api: ExposedAPI = {
    apiVersion: 'oda.tmforum.org/v1',
    kind: 'ExposedAPI',
    metadata: { name: 'prd', namespace: 'components', uid: 'u-1', creationTimestamp: '2025-01-01T00:00:00Z' },
    spec: { name: 'x', apiType: 'openapi', implementation: 'svc', path: '/api v5', port: 80 },
  };
  const vs: KubeObject = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name: 'prd', namespace: 'components', ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', name: 'prd', uid: 'u-1', controller: true }] },
    spec: { hosts: ['*'], gateways: ['component-gateway'], http: [{ match: [{ uri: { prefix: '/api' } }] }] },
  };

  it('an invalid API still holds the route its kept VirtualService serves', () => {
    expect(routesKeptFor(api, vs)).toEqual([
      { owner: { kind: 'ExposedAPI', namespace: 'components', name: 'prd', creationTimestamp: '2025-01-01T00:00:00Z', serving: true }, gateways: ['components/component-gateway'], hosts: ['*'], pathPrefix: '/api' },
    ]);
  });

  it('holds only its asked route when valid (its own VirtualService serving it), nothing without a VirtualService or with one it does not control', () => {
    const valid = { ...api, spec: { ...api.spec, path: '/api' } };
    expect(routesHeld(valid, { virtualService: vs }, settings)).toEqual([expect.objectContaining({ pathPrefix: '/api', owner: expect.objectContaining({ kind: 'ExposedAPI', serving: true }) })]);
    expect(routesHeld(api, { virtualService: vs }, settings)).toEqual(routesKeptFor(api, vs));
    expect(routesKeptFor(api, undefined)).toEqual([]);
    expect(routesKeptFor({ ...api, metadata: { ...api.metadata, uid: 'other' } }, vs)).toEqual([]);
  });
});
