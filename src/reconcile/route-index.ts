// The routes on the gateways, indexed by path prefix. The conflict check asks only which
// routes share a path's prefixes, and is asked once per reconcile: scanning or rebuilding
// the whole table for it made a burst of N APIs cost N² (5,000 APIs: most of the CPU).
// The index is kept one owner at a time, so a change costs that owner's routes.

import type { Route, RouteTable } from './types.js';

/** Where `path` is, or would go, in the sorted `paths`. */
function lowerBound(paths: readonly string[], path: string): number {
  let lo = 0;
  let hi = paths.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (paths[mid] < path) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class RouteIndex implements RouteTable {
  private readonly byOwner = new Map<string, readonly Route[]>();
  private readonly byPath = new Map<string, Set<Route>>();
  /** The path prefixes held, sorted: the ones extending a prefix follow it. */
  private readonly paths: string[] = [];

  /** A table of these routes alone. */
  static of(routes: readonly Route[]): RouteIndex {
    const index = new RouteIndex();
    routes.forEach((r, i) => index.set(String(i), [r]));
    return index;
  }

  /** Replaces the routes held under `key` (one owner's); none removes them. */
  set(key: string, routes: readonly Route[]): void {
    for (const r of this.byOwner.get(key) ?? []) this.unindex(r);
    if (routes.length === 0) this.byOwner.delete(key);
    else this.byOwner.set(key, routes);
    for (const r of routes) this.index(r);
  }

  relatives(path: string): Route[] {
    const found: Route[] = [];
    for (let i = 1; i < path.length; i++) found.push(...(this.byPath.get(path.slice(0, i)) ?? []));
    for (let j = lowerBound(this.paths, path); j < this.paths.length && this.paths[j].startsWith(path); j++) {
      found.push(...this.byPath.get(this.paths[j])!);
    }
    return found;
  }

  private index(route: Route): void {
    let routes = this.byPath.get(route.pathPrefix);
    if (!routes) {
      this.byPath.set(route.pathPrefix, (routes = new Set()));
      this.paths.splice(lowerBound(this.paths, route.pathPrefix), 0, route.pathPrefix);
    }
    routes.add(route);
  }

  private unindex(route: Route): void {
    const routes = this.byPath.get(route.pathPrefix);
    if (!routes) return;
    routes.delete(route);
    if (routes.size > 0) return;
    this.byPath.delete(route.pathPrefix);
    this.paths.splice(lowerBound(this.paths, route.pathPrefix), 1);
  }
}
