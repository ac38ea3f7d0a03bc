// `kubectl oda-api watch` as a process, as it runs in a Pod: its log lines (JSON), its
// health endpoints and its exit, for tests of the running operator.
import { ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { captured } from './process.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface OperatorProcess {
  child: ChildProcess;
  output(): string;
  /** The JSON log lines so far. */
  lines(): LogLine[];
  /** Lines whose msg contains text. */
  logged(text: string): LogLine[];
  exited: Promise<number | null>;
  /** The health server's base URL, once it has said where it listens. */
  healthUrl(): string | undefined;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<number | null>;
}

/** Starts `kubectl oda-api watch --log-format json <args>` with this kubeconfig and extra environment. */
export function startWatch(args: string[], kubeconfig: string, env: Record<string, string> = {}): OperatorProcess {
  const { NODE_ENV: _jest, POD_NAMESPACE: _pod, ...inherited } = process.env;
  const child = spawn('kubectl', ['oda-api', 'watch', '--log-format', 'json', ...args], {
    env: { ...inherited, KUBECONFIG: kubeconfig, PATH: `${join(root, 'bin')}:${process.env.PATH}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, exited } = captured(child);
  const lines = () =>
    output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);
  return {
    child,
    output,
    lines,
    logged: (text) => lines().filter((l) => l.msg.includes(text)),
    exited,
    healthUrl: () => lines().find((l) => l.msg === 'serving health and metrics')?.url as string | undefined,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
