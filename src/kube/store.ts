// An in-memory index of objects of one kind, keyed by namespace/name, with named
// secondary indexes (client-go's Indexers). The one-shot command fills stores from LISTs; the watch runtime
// keeps them current from watches. Either way the engine reads them through StoreView.
import type { KubeObject } from '../reconcile/types.js';

/** Secondary indexes by name: each maps an object to the keys it is found under. */
export type Indexers<T, I extends string> = Record<I, (object: T) => readonly string[]>;

export class Store<T extends KubeObject = KubeObject, I extends string = never> {
  private readonly byNamespace = new Map<string, Map<string, T>>();
  /** index name -> index key -> namespace/name of the objects found under it. */
  private readonly byIndex = new Map<I, Map<string, Set<string>>>();
  private readonly listeners = new Set<(namespace: string, name: string) => void>();
  /** Bumped on every change, so derived data can be cached until the store changes. */
  version = 0;

  /** The indexers as a list, made once: index() and unindex() run on every change. */
  private readonly indexerList: [I, (object: T) => readonly string[]][];

  constructor(indexers?: Indexers<T, I>) {
    this.indexerList = indexers ? (Object.entries(indexers) as [I, (object: T) => readonly string[]][]) : [];
  }

  static keyOf(o: KubeObject): string {
    return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  }

  /** Calls `listener` with the namespace and name of each object added, changed or removed from now on; returns the function that unsubscribes. */
  onChange(listener: (namespace: string, name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(namespace: string, name: string): T | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  list(namespace?: string): T[] {
    if (namespace !== undefined) return [...(this.byNamespace.get(namespace)?.values() ?? [])];
    return [...this.byNamespace.values()].flatMap((m) => [...m.values()]);
  }

  /** Objects found under `key` in the index `index`. */
  indexed(index: I, key: string): T[] {
    const keys = this.byIndex.get(index)?.get(key);
    if (!keys) return [];
    return [...keys].map((k) => {
      const [ns, name] = k.split('/');
      return this.get(ns, name)!;
    });
  }

  get size(): number {
    let n = 0;
    for (const m of this.byNamespace.values()) n += m.size;
    return n;
  }

  upsert(object: T): void {
    const ns = object.metadata.namespace ?? '';
    const previous = this.get(ns, object.metadata.name);
    if (previous) this.unindex(previous);
    let names = this.byNamespace.get(ns);
    if (!names) this.byNamespace.set(ns, (names = new Map()));
    names.set(object.metadata.name, object);
    this.index(object);
    this.changed(ns, object.metadata.name);
  }

  remove(namespace: string, name: string): T | undefined {
    const names = this.byNamespace.get(namespace);
    const previous = names?.get(name);
    if (!previous) return undefined;
    names!.delete(name);
    if (names!.size === 0) this.byNamespace.delete(namespace);
    this.unindex(previous);
    this.changed(namespace, name);
    return previous;
  }

  /** Replaces the whole content (after a relist). */
  replace(objects: T[]): void {
    const gone = this.list();
    this.byNamespace.clear();
    this.byIndex.clear();
    this.version++; // emptied counts as a change too
    for (const o of gone) this.changed(o.metadata.namespace ?? '', o.metadata.name);
    for (const o of objects) this.upsert(o);
  }

  private changed(namespace: string, name: string): void {
    this.version++;
    for (const listener of this.listeners) listener(namespace, name);
  }

  private index(o: T): void {
    for (const [index, keysOf] of this.indexerList) {
      let byKey = this.byIndex.get(index);
      if (!byKey) this.byIndex.set(index, (byKey = new Map()));
      for (const key of keysOf(o)) {
        let set = byKey.get(key);
        if (!set) byKey.set(key, (set = new Set()));
        set.add(Store.keyOf(o));
      }
    }
  }

  private unindex(o: T): void {
    for (const [index, keysOf] of this.indexerList) {
      const byKey = this.byIndex.get(index);
      for (const key of keysOf(o)) {
        const set = byKey?.get(key);
        set?.delete(Store.keyOf(o));
        if (set?.size === 0) byKey!.delete(key);
      }
    }
  }

}

/**
 * The part of a Store that one informer keeps: the objects of the namespaces it owns.
 * Informers of one kind in several namespaces fill one Store this way, and a relist or
 * a stop replaces or empties only their own part.
 */
export class StoreSlice<T extends KubeObject = KubeObject> {
  constructor(
    private readonly store: Store<T>,
    /** Whether objects of this namespace are this slice's ('' for cluster-scoped ones). */
    readonly owns: (namespace: string) => boolean,
    /** The one namespace it owns, when it owns one: lists go straight to it. */
    private readonly namespace?: string,
  ) {}

  get(namespace: string, name: string): T | undefined {
    return this.owns(namespace) ? this.store.get(namespace, name) : undefined;
  }

  list(): T[] {
    return this.namespace !== undefined ? this.store.list(this.namespace) : this.store.list().filter((o) => this.owns(o.metadata.namespace ?? ''));
  }

  upsert(object: T): void {
    if (this.owns(object.metadata.namespace ?? '')) this.store.upsert(object);
  }

  remove(namespace: string, name: string): T | undefined {
    return this.owns(namespace) ? this.store.remove(namespace, name) : undefined;
  }

  replace(objects: T[]): void {
    for (const o of this.list()) this.store.remove(o.metadata.namespace ?? '', o.metadata.name);
    for (const o of objects) this.upsert(o);
  }
}
