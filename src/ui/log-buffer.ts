// The last lines the operator logged, for the dashboard's log pane: the logger writes
// here instead of over the table.
import { Listeners } from './listeners.js';

export class LogBuffer {
  private snapshot: readonly string[] = [];
  private partial = '';
  private readonly listeners = new Listeners();

  constructor(private readonly limit = 200) {}

  readonly subscribe = this.listeners.subscribe;

  /** Every kept line, as one array that stays the same object until a line arrives. */
  readonly lines = (): readonly string[] => this.snapshot;

  /** A stream's write: whole lines are kept, a trailing partial line waits for its end. */
  write(chunk: string): boolean {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    if (parts.length > 0) {
      this.snapshot = [...this.snapshot, ...parts].slice(-this.limit);
      this.listeners.notify();
    }
    return true;
  }
}
