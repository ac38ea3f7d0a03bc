// `kubectl oda-api reconcile` and `diff` as users run them: through the real kubectl
// binary, against the real control plane, reading exit codes, stdout and stderr.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { KubeClient } from '../../src/kube/client.js';
import { adminClient, createNamespace, createService, deleteNamespace, kubeconfigPath } from '../support/cluster.js';
import { createApi, createGateway, getApi, getVs, kubectlOdaApi } from '../support/canvas.js';

let client: KubeClient;
let ns: string;
let scope: string[];

beforeAll(() => {
  client = adminClient();
});
beforeEach(async () => {
  ns = await createNamespace(client);
  const settings = await createGateway(client, ns, { ip: '198.51.100.7' });
  await createService(client, ns, { name: 'impl' });
  scope = ['-n', ns, '--gateway', settings.gateway];
});
afterEach(async () => {
  await deleteNamespace(client, ns);
});

const oneLine = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

test('--version works through kubectl', async () => {
  const r = await kubectlOdaApi(['--version']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^kubectl-oda-api\/\d+\.\d+\.\d+ /);
});

test('reconcile prints one row per API and exits 0 when all converged', async () => {
  await createApi(client, ns, 'orders');
  const r = await kubectlOdaApi(['reconcile', ...scope]);
  expect(r.code).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+URL\s+READY\s+RESULT$/);
  expect(lines[1]).toMatch(new RegExp(`^${ns}\\s+orders\\s+https://198\\.51\\.100\\.7/${ns}/orders\\s+false\\s+created$`));
  expect(r.stderr).toBe('');
});

test('-o json has the documented shape, with conditions and actions', async () => {
  await createApi(client, ns, 'orders');
  const r = await kubectlOdaApi(['reconcile', ...scope, '-o', 'json']);
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc).toMatchObject({ apiVersion: 'oda-api.tmforum.org/v1', kind: 'ReconcileReport', dryRun: 'none', missing: [] });
  expect(doc.items).toHaveLength(1);
  expect(doc.items[0]).toMatchObject({ namespace: ns, name: 'orders', outcome: 'created', ready: false, message: null });
  expect(doc.items[0].actions).toContain('created VirtualService orders');
  expect(doc.items[0].conditions.map((c: { type: string }) => c.type)).toContain('Ready');
  const yaml = await kubectlOdaApi(['reconcile', ...scope, '-o', 'yaml']);
  expect(yaml.stdout).toContain('kind: ReconcileReport');
  expect(yaml.stdout).toContain('outcome: unchanged');
});

test('an invalid API makes the run exit 1, and the other APIs are still reconciled', async () => {
  await createApi(client, ns, 'good');
  await createApi(client, ns, 'bad', { port: 70000 });
  const r = await kubectlOdaApi(['reconcile', ...scope]);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/bad\s+.*invalid: spec\.port/);
  await expect(getVs(client, ns, 'good')).resolves.toBeDefined();
});

test('usage errors exit 2 with one line naming the problem', async () => {
  for (const args of [
    ['reconcile', '--output', 'xml'],
    ['reconcile', '--no-such-flag'],
    ['reconcile', '--metrics-mode', 'Graphite'],
    ['reconcile', '--gateway', 'a/b/c'],
    ['reconcile', '-A', '-n', 'x'],
    ['watch', '--workers', '0'],
  ]) {
    const r = await kubectlOdaApi(args);
    expect({ args, code: r.code }).toEqual({ args, code: 2 });
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/^error: /);
  }
  const mode = await kubectlOdaApi(['reconcile', '--metrics-mode', 'Graphite']);
  expect(mode.stderr).toContain('metrics mode "Graphite"');
  // oclif says why on a second line: it stays in the one line.
  const workers = await kubectlOdaApi(['watch', '--workers', '0']);
  expect(workers.stderr).toBe('error: Parsing --workers: Expected an integer greater than or equal to 1 but received: 0\n');
});

test('an unreachable cluster exits 2 with one line naming the server', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oda-api-kc-'));
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath());
  const file = join(dir, 'kubeconfig');
  writeFileSync(file, config.exportConfig().replace(/https:\/\/127\.0\.0\.1:\d+/, 'https://127.0.0.1:1'));
  const r = await kubectlOdaApi(['reconcile', '--kubeconfig', file]);
  expect(r.code).toBe(2);
  oneLine(r.stderr);
  expect(r.stderr).toBe('error: cannot connect to the API server at https://127.0.0.1:1: connection refused\n');
});

test('diff shows the change, exits 1, writes nothing; after reconcile it exits 0', async () => {
  await createApi(client, ns, 'orders');
  const before = await getApi(client, ns, 'orders');
  const diff = await kubectlOdaApi(['diff', ...scope]);
  expect({ code: diff.code, stderr: diff.stderr }).toEqual({ code: 1, stderr: '' });
  expect(diff.stdout).toContain(`+++ /merged/networking.istio.io.v1.VirtualService.${ns}.orders`);
  expect(diff.stdout).toContain('+kind: VirtualService');
  expect(diff.stdout).toContain('+status:');
  expect(diff.stdout).not.toContain('managedFields');
  expect(diff.stdout).not.toMatch(/\x1b\[/); // plain in a pipe
  await expect(getVs(client, ns, 'orders')).rejects.toMatchObject({ status: 404 });
  expect((await getApi(client, ns, 'orders')).metadata.resourceVersion).toBe(before.metadata.resourceVersion);

  const client_ = await kubectlOdaApi(['reconcile', ...scope, '--dry-run=client']);
  expect(client_.code).toBe(1);
  expect(client_.stdout).toContain('+kind: VirtualService');

  expect((await kubectlOdaApi(['reconcile', ...scope])).code).toBe(0);
  const clean = await kubectlOdaApi(['diff', ...scope]);
  expect(clean).toMatchObject({ code: 0, stdout: '', stderr: '' });
});

test('reconcile --dry-run prints the rows reconcile prints, after the diff: would create, then unchanged', async () => {
  await createApi(client, ns, 'orders');
  const row = (result: string) => new RegExp(`^${ns}\\s+orders\\s+https://198\\.51\\.100\\.7/${ns}/orders\\s+false\\s+${result}$`, 'm');
  const planned = await kubectlOdaApi(['reconcile', ...scope, '--dry-run=server']);
  expect({ code: planned.code, stderr: planned.stderr }).toEqual({ code: 1, stderr: '' });
  expect(planned.stdout).toContain('+kind: VirtualService');
  expect(planned.stdout).toMatch(/\n\nNAMESPACE\s+NAME\s+URL\s+READY\s+RESULT\n/);
  expect(planned.stdout).toMatch(row('would create'));
  await expect(getVs(client, ns, 'orders')).rejects.toMatchObject({ status: 404 });

  const done = await kubectlOdaApi(['reconcile', ...scope]);
  expect(done.stdout).toMatch(row('created'));
  for (const dryRun of ['server', 'client']) {
    const same = await kubectlOdaApi(['reconcile', ...scope, `--dry-run=${dryRun}`]);
    expect({ code: same.code, stderr: same.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = same.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+URL\s+READY\s+RESULT$/);
    expect(lines.slice(1).join('\n')).toMatch(row('unchanged'));
    expect(lines).toHaveLength(2);
  }
});

test('KUBECTL_EXTERNAL_DIFF replaces the built-in diff', async () => {
  await createApi(client, ns, 'orders');
  const r = await kubectlOdaApi(['diff', ...scope], { KUBECTL_EXTERNAL_DIFF: 'diff -q' });
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(new RegExp(`Only in .*/merged: networking\\.istio\\.io\\.v1\\.VirtualService\\.${ns}\\.orders`));
});

test('a name that does not exist fails the run with a message', async () => {
  const r = await kubectlOdaApi(['reconcile', ...scope, 'nope']);
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('ExposedAPI "nope" not found');
});
