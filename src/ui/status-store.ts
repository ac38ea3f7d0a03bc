// The dashboard's status store: rows keyed by API, recomputed from a source when told
// which APIs may have changed, at most once per throttle interval, and announced to
// subscribers only when a row really changed. The engine feeds it; Ink only reads it.
import { deepEqual } from '../reconcile/deep-equal.js';
import { Listeners } from './listeners.js';
import type { ApiRow, RowFields } from './row.js';

export interface RowSource {
  /** Keys of every API in scope. */
  keys(): Iterable<string>;
  /** The API's row and when it last changed in the cluster; undefined when gone or out of scope. */
  row(key: string): { fields: RowFields; since: number } | undefined;
}

export interface StatusStoreOptions {
  /** Recompute at most this often; default 150 ms. */
  throttleMs?: number;
  now?: () => number;
}

export class StatusStore {
  private readonly byKey = new Map<string, ApiRow>();
  private snapshot: readonly ApiRow[] = [];
  private readonly dirty = new Set<string>();
  private everything = false;
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = -Infinity;
  private readonly listeners = new Listeners();
  private readonly throttleMs: number;
  private readonly now: () => number;
  /** Bumped on every emitted change. */
  version = 0;

  constructor(
    private readonly source: RowSource,
    options: StatusStoreOptions = {},
  ) {
    this.throttleMs = options.throttleMs ?? 150;
    this.now = options.now ?? Date.now;
  }

  readonly subscribe = this.listeners.subscribe;

  /** Every row, as one array that stays the same object until something changes. */
  readonly rows = (): readonly ApiRow[] => this.snapshot;

  get(key: string): ApiRow | undefined {
    return this.byKey.get(key);
  }

  /** Marks APIs (or all of them) for recomputation at the next flush. */
  invalidate(keys: Iterable<string> | 'all'): void {
    if (keys === 'all') this.everything = true;
    else for (const key of keys) this.dirty.add(key);
    this.schedule();
  }

  /** Recomputes what was invalidated now; returns whether any row changed. */
  flush(): boolean {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.now();
    this.lastFlush = now;
    const keys = this.everything ? new Set([...this.source.keys(), ...this.byKey.keys()]) : new Set(this.dirty);
    this.everything = false;
    this.dirty.clear();
    let changed = false;
    for (const key of keys) changed = this.recompute(key, now) || changed;
    if (changed) {
      this.snapshot = [...this.byKey.values()];
      this.version++;
      this.listeners.notify();
    }
    return changed;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private recompute(key: string, now: number): boolean {
    const next = this.source.row(key);
    const previous = this.byKey.get(key);
    if (!next) return this.byKey.delete(key);
    if (previous && sameFields(previous, next.fields)) return false;
    // A row seen for the first time is as old as the API's last change in the cluster.
    this.byKey.set(key, { ...next.fields, changedAt: previous ? now : next.since });
    return true;
  }

  /** A burst of changes is coalesced; after a flush the next waits out the throttle interval. */
  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.throttleMs - this.now());
    this.timer = setTimeout(() => this.flush(), wait);
  }
}

function sameFields(row: ApiRow, fields: RowFields): boolean {
  const { changedAt: _, ...rest } = row;
  return deepEqual(rest, fields);
}
