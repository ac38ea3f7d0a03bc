// Child processes the tests run: one watched as it runs (its combined output so far and its
// exit code), or one run to its end (its stdout, stderr and code).
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

/** What a command printed and how it ended. */
export interface Finished {
  code: number;
  stdout: string;
  stderr: string;
}

/** Resolves when the child (stdout and stderr piped) has ended; code -1 when a signal ended it. */
export function finished(child: ChildProcess): Promise<Finished> {
  return new Promise((done, fail) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}
