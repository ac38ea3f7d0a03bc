import fc from 'fast-check';
import type { KubeObject } from './types.js';
import { childMatches } from './match.js';
import { deepEqual } from './deep-equal.js';

const desired: KubeObject = {
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: {
    name: 'prd',
    namespace: 'components',
    labels: { app: 'prd' },
    ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', name: 'prd', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
  },
  spec: {
    hosts: ['*'],
    gateways: ['component-gateway'],
    http: [{ match: [{ uri: { prefix: '/p' } }], route: [{ destination: { host: 'svc', port: { number: 80 } } }] }],
  },
};
const clone = (o: KubeObject): KubeObject => structuredClone(o);

describe('childMatches', () => {
  it('matches a live copy with server fields and extras from others', () => {
    const live = clone(desired);
    Object.assign(live.metadata, { uid: 'vs-1', resourceVersion: '7', generation: 2, creationTimestamp: 'x' });
    live.metadata.labels = { ...live.metadata.labels, 'other/label': 'x' };
    live.metadata.ownerReferences = [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'c', uid: 'c-1' }, ...live.metadata.ownerReferences!];
    (live.spec as Record<string, unknown>).exportTo = ['.'];
    live.status = { validationMessages: [] };
    live.apiVersion = 'networking.istio.io/v1alpha3';
    expect(childMatches(desired, live)).toBe(true);
  });

  it.each<[string, (live: KubeObject) => void]>([
    ['a label of ours changed', (l) => (l.metadata.labels = { app: 'other' })],
    ['a label of ours removed', (l) => (l.metadata.labels = {})],
    ['our owner reference gone', (l) => delete l.metadata.ownerReferences],
    ['our owner reference no longer controller', (l) => (l.metadata.ownerReferences![0].controller = false)],
    ['a host changed', (l) => ((l.spec as { hosts: string[] }).hosts = ['a.example'])],
    ['a host added', (l) => ((l.spec as { hosts: string[] }).hosts.push('a.example'))],
    ['gateways removed', (l) => delete (l.spec as Record<string, unknown>).gateways],
    ['an extra field inside our http route', (l) => ((l.spec as { http: object[] }).http[0] = { ...(l.spec as { http: object[] }).http[0], corsPolicy: {} })],
    ['a route port changed', (l) => ((l.spec as { http: { route: { destination: { port: { number: number } } }[] }[] }).http[0].route[0].destination.port.number = 81)],
    ['no spec at all', (l) => delete l.spec],
  ])('does not match when %s', (_label, edit) => {
    const live = clone(desired);
    edit(live);
    expect(childMatches(desired, live)).toBe(false);
  });

  it('compares a selector map whole, as it is atomic', () => {
    const want: KubeObject = { ...clone(desired), spec: { selector: { matchLabels: { name: 'svc' } } } };
    const live: KubeObject = { ...clone(desired), spec: { selector: { matchLabels: { name: 'svc', extra: 'x' } } } };
    expect(childMatches(want, live)).toBe(false);
  });

  it('matches itself, and not after any change to a spec list', () => {
    fc.assert(
      fc.property(fc.array(fc.domain(), { minLength: 1, maxLength: 3 }), fc.array(fc.domain(), { minLength: 1, maxLength: 3 }), (a, b) => {
        const want = { ...clone(desired), spec: { ...(desired.spec as object), hosts: a } };
        const live = { ...clone(desired), spec: { ...(desired.spec as object), hosts: b } };
        expect(childMatches(want, clone(want))).toBe(true);
        expect(childMatches(want, live)).toBe(deepEqual(a, b));
      }),
    );
  });
});

describe('deepEqual', () => {
  it.each<[unknown, unknown, boolean]>([
    [{ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }, true],
    [{ a: 1, b: undefined }, { a: 1 }, true],
    [[1, 2], [2, 1], false],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [[], {}, false],
    [null, {}, false],
    ['1', 1, false],
  ])('%j vs %j -> %s', (a, b, expected) => {
    expect(deepEqual(a, b)).toBe(expected);
    expect(deepEqual(b, a)).toBe(expected);
  });
});
