// Observes, from the API server's side, what any operator has achieved in a namespace:
// watches ExposedAPIs and VirtualServices and resolves expectations
// ("routed at this path", "ready is true") the moment an event makes them hold. Matching
// VirtualServices by path prefix, not by name, keeps it neutral about how another
// implementation names its children.
import { performance } from 'node:perf_hooks';

const COLLECTIONS = {
  exposedapis: '/apis/oda.tmforum.org/v1',
  virtualservices: '/apis/networking.istio.io/v1',
};

const prefixesOf = (vs) => (vs?.spec?.http ?? []).flatMap((h) => (h.match ?? []).map((m) => m.uri?.prefix)).filter(Boolean);

export class Watcher {
  apis = new Map(); // name -> ExposedAPI
  byPath = new Map(); // spec.path -> API name
  virtualServices = new Map(); // name -> VirtualService
  routes = new Map(); // path prefix -> number of VirtualServices routing it
  pending = new Map(); // API name -> [{ test, resolve }]
  aborts = [];
  stopped = false;

  constructor(client, ns) {
    this.client = client;
    this.ns = ns;
  }

  static async start(client, ns) {
    const w = new Watcher(client, ns);
    await Promise.all(Object.keys(COLLECTIONS).map((c) => w.follow(c)));
    return w;
  }

  async follow(collection) {
    const path = `${COLLECTIONS[collection]}/namespaces/${this.ns}/${collection}`;
    const list = await this.client.get(path);
    for (const item of list.items) this.onEvent(collection, 'ADDED', item);
    const resume = () => {
      if (!this.stopped) this.follow(collection).catch(() => setTimeout(resume, 500));
    };
    const query = { resourceVersion: list.metadata.resourceVersion, allowWatchBookmarks: true, timeoutSeconds: 3600 };
    this.aborts.push(await this.client.watch(path, query, (type, obj) => this.onEvent(collection, type, obj), resume));
  }

  onEvent(collection, type, obj) {
    if (type === 'BOOKMARK' || type === 'ERROR') return;
    const name = obj.metadata.name;
    if (collection === 'exposedapis') {
      const before = this.apis.get(name)?.spec?.path;
      if (before !== undefined && this.byPath.get(before) === name) this.byPath.delete(before);
      if (type === 'DELETED') this.apis.delete(name);
      else {
        this.apis.set(name, obj);
        this.byPath.set(obj.spec?.path, name);
      }
      this.check(name);
      return;
    }
    // Routes per prefix, from each VirtualService's last known state.
    const known = this.virtualServices;
    for (const p of prefixesOf(known.get(name))) this.routes.set(p, this.routes.get(p) - 1);
    if (type === 'DELETED') known.delete(name);
    else known.set(name, obj);
    for (const p of prefixesOf(obj)) {
      if (type !== 'DELETED') this.routes.set(p, (this.routes.get(p) ?? 0) + 1);
      const api = this.byPath.get(p);
      if (api !== undefined) this.check(api);
    }
  }

  check(name) {
    const waiting = this.pending.get(name);
    if (!waiting) return;
    const now = performance.now();
    const left = waiting.filter((e) => !(e.test() && (e.resolve(now), true)));
    if (left.length) this.pending.set(name, left);
    else this.pending.delete(name);
  }

  /** Routed at `path`: a VirtualService routes it and the status has a URL ending in it. */
  routedAt(name, path) {
    const api = this.apis.get(name);
    return !!api && api.spec?.path === path && (this.routes.get(path) ?? 0) > 0 && !!api.status?.apiStatus?.url?.endsWith(path);
  }

  readyIs(name, ready) {
    return this.apis.get(name)?.status?.implementation?.ready === ready;
  }

  /** Resolves to the time (performance.now()) at which test() first holds for the API. */
  when(name, test) {
    return new Promise((resolve) => {
      if (test()) return resolve(performance.now());
      this.pending.set(name, [...(this.pending.get(name) ?? []), { test, resolve }]);
    });
  }

  stop() {
    this.stopped = true;
    for (const a of this.aborts) a.abort();
  }
}
