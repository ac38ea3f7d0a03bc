// A child process the tests watch: its combined output so far and its exit code.
import type { ChildProcess } from 'node:child_process';

export interface Captured {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output: () => string;
  exited: Promise<number | null>;
}

/** Collects a spawned child's output (stdio must be piped) and its exit. */
export function captured(child: ChildProcess): Captured {
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}
