// The subscribe/notify half of the small stores the Ink view reads with
// useSyncExternalStore: listeners are told "something changed" and read a snapshot.
export class Listeners {
  private readonly set = new Set<() => void>();

  /** Returns the function that unsubscribes (the shape useSyncExternalStore expects). */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.set.add(listener);
    return () => this.set.delete(listener);
  };

  notify(): void {
    for (const listener of this.set) listener();
  }
}
