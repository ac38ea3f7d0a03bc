// Shows a dry run the way `kubectl diff` does: two folders, `live` and `merged`, one YAML
// file per object named group.version.Kind.namespace.name, compared with `diff -u -N`
// or with KUBECTL_EXTERNAL_DIFF. Server noise is stripped so only real changes show.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import chalk from 'chalk';
import { stringify } from 'yaml';
import type { KubeObject } from '../reconcile/types.js';
import type { Change } from '../kube/executor.js';

/** The diff program (diff, or KUBECTL_EXTERNAL_DIFF) could not be run: the user's to fix. */
export class DiffProgramError extends Error {}

const NOISE = ['managedFields', 'resourceVersion', 'generation', 'creationTimestamp', 'uid'];

function clean(object: KubeObject | undefined): string {
  if (!object) return '';
  const copy = structuredClone(object);
  for (const key of NOISE) delete (copy.metadata as unknown as Record<string, unknown>)[key];
  return stringify(copy);
}

export interface DiffResult {
  output: string;
  /** 0 no differences, 1 differences, >1 the diff program failed. */
  exitCode: number;
}

export function showDiff(changes: Map<string, Change>, colour: boolean): DiffResult {
  const root = mkdtempSync(join(tmpdir(), 'oda-api-diff-'));
  const live = join(root, 'live');
  const merged = join(root, 'merged');
  mkdirSync(live);
  mkdirSync(merged);
  try {
    let differs = false;
    for (const [key, change] of changes) {
      const before = clean(change.before);
      const after = clean(change.after);
      if (before === after) continue;
      differs = true;
      if (before) writeFileSync(join(live, key), before);
      if (after) writeFileSync(join(merged, key), after);
    }
    if (!differs) return { output: '', exitCode: 0 };
    const external = process.env.KUBECTL_EXTERNAL_DIFF?.trim();
    const [program, ...args] = external ? external.split(/\s+/) : ['diff', '-u', '-N'];
    const run = spawnSync(program, [...args, live, merged], { encoding: 'utf8' });
    if (run.error) throw new DiffProgramError(`cannot run the diff program "${program}": ${run.error.message}`);
    if (run.status !== null && run.status > 1) return { output: run.stdout + run.stderr, exitCode: run.status };
    const output = external ? run.stdout : relabel(run.stdout, root);
    return { output: colour && !external ? colourise(output) : output, exitCode: 1 };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Show paths relative to the temp folder, as kubectl does, so output is stable. */
const relabel = (text: string, root: string) => text.split(`${root}/`).join('/');

function colourise(text: string): string {
  return text
    .split('\n')
    .map((l) =>
      l.startsWith('+++') || l.startsWith('---') || l.startsWith('diff ')
        ? chalk.bold(l)
        : l.startsWith('+')
          ? chalk.green(l)
          : l.startsWith('-')
            ? chalk.red(l)
            : l.startsWith('@@')
              ? chalk.cyan(l)
              : l,
    )
    .join('\n');
}
