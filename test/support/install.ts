// The plugin installed as users install it, for the install tests: a command run through
// the real kubectl with a PATH of our choosing (so the clone's bin/ is not what runs), and a
// folder of links that makes such a PATH without Node on it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliResult } from './canvas.js';
import { kubeconfigPath } from './cluster.js';
import { finished } from './process.js';

/** `kubectl <args>` with exactly this PATH and the run's kubeconfig (plus env). */
export function kubectlOnPath(path: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const { NODE_ENV: _jest, ...userEnv } = process.env; // users do not run with jest's NODE_ENV=test
  return finished(spawn('kubectl', args, { env: { ...userEnv, KUBECONFIG: kubeconfigPath(), CI: 'true', ...env, PATH: path }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Where a command is on the test's PATH. */
export function which(command: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} is not on PATH`);
  return r.stdout.trim();
}

/** A new folder holding links to these executables (name: target): a PATH entry with nothing else, no Node. */
export function linkFolder(links: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'oda-api-path-'));
  mkdirSync(dir, { recursive: true });
  for (const [name, target] of Object.entries(links)) symlinkSync(target, join(dir, name));
  return dir;
}
