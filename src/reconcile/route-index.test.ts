import fc from 'fast-check';
import type { Route } from './types.js';
import { RouteIndex } from './route-index.js';

const route = (name: string, pathPrefix: string): Route => ({
  owner: { kind: 'ExposedAPI', namespace: 'ns', name, creationTimestamp: '' },
  gateways: ['ns/gw'],
  hosts: ['*'],
  pathPrefix,
});

/** What relatives() must answer, by brute force over every route held. */
const expected = (held: Map<string, Route[]>, path: string): Route[] =>
  [...held.values()].flat().filter((r) => r.pathPrefix.startsWith(path) || path.startsWith(r.pathPrefix));

const names = (routes: Route[]) => routes.map((r) => `${r.owner.name}${r.pathPrefix}`).sort();

describe('RouteIndex', () => {
  it('finds the routes on prefixes of a path, on the path itself and on paths extending it', () => {
    const index = RouteIndex.of([route('a', '/a'), route('ab', '/a/b'), route('abc', '/a/b/c'), route('ax', '/ax'), route('b', '/b')]);
    expect(names(index.relatives('/a/b'))).toEqual(['a/a', 'ab/a/b', 'abc/a/b/c']);
    expect(names(index.relatives('/a'))).toEqual(['a/a', 'ab/a/b', 'abc/a/b/c', 'ax/ax']);
    expect(names(index.relatives('/c'))).toEqual([]);
  });

  it('replaces an owner’s routes, and forgets them when set to none', () => {
    const index = RouteIndex.of([route('other', '/a')]);
    index.set('mine', [route('mine', '/a/b')]);
    index.set('mine', [route('mine', '/c')]);
    expect(names(index.relatives('/a'))).toEqual(['other/a']);
    expect(names(index.relatives('/c'))).toEqual(['mine/c']);
    index.set('mine', []);
    expect(index.relatives('/c')).toEqual([]);
  });

  it('answers as a scan of every route would, after any sequence of changes', () => {
    const path = fc.array(fc.constantFrom('a', 'b', '/'), { minLength: 1, maxLength: 4 }).map((cs) => `/${cs.join('')}`);
    const change = fc.record({ owner: fc.constantFrom('p', 'q', 'r', 's'), paths: fc.array(path, { maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 25 }), path, (changes, asked) => {
        const index = new RouteIndex();
        const held = new Map<string, Route[]>();
        for (const c of changes) {
          const routes = c.paths.map((p) => route(c.owner, p));
          index.set(c.owner, routes);
          held.set(c.owner, routes);
        }
        expect(names(index.relatives(asked))).toEqual(names(expected(held, asked)));
      }),
    );
  });
});
