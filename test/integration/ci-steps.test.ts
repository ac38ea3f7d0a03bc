// .ci/run's step runner: a failing step must not stop the steps after it, and the summary
// line must be printed whatever happened (CI reads it), before CI fails.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function runSteps(script: string): { status: number | null; stdout: string } {
  const r = spawnSync('bash', ['-c', `. .ci/steps.sh\n${script}`], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout };
}

test('every step runs after a failure, the summary counts every report, then the run fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ci-steps-'));
  const report = join(dir, 'a.json');
  writeFileSync(report, JSON.stringify({ numPassedTests: 7, numFailedTests: 1, numRuntimeErrorTestSuites: 1 }));
  const marker = join(dir, 'ran');
  const { status, stdout } = runSteps(`
    step first false
    step second touch ${marker}
    summarise ${report} ${join(dir, 'missing.json')}
  `);
  expect(stdout).toContain('first: exit 1');
  expect(stdout).toContain('second: exit 0');
  expect(stdout).toMatch(/^tests: 7 passed, 3 failed$/m);
  expect(stdout).toMatch(/^failed step: first$/m);
  expect(status).toBe(1);
  expect(spawnSync('test', ['-f', marker]).status).toBe(0);
});

test('all steps passing: the summary line and exit 0', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ci-steps-'));
  const report = join(dir, 'a.json');
  writeFileSync(report, JSON.stringify({ numPassedTests: 3, numFailedTests: 0 }));
  const { status, stdout } = runSteps(`step only true\nsummarise ${report}`);
  expect(stdout).toMatch(/^tests: 3 passed, 0 failed$/m);
  expect(status).toBe(0);
});
