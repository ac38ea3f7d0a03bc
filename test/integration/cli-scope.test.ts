// The scope as users type it, through kubectl against the real control plane:
// `-n NAMESPACE NAME` (kubectl's own habit) names one API, and an empty or malformed
// scope is a usage error in every command instead of widening or matching nothing.
import type { KubeClient } from '../../src/kube/client.js';
import { adminClient, createNamespace, createPod, createService, deleteNamespace, readyEndpoints, setPodReady, waitFor } from '../support/cluster.js';
import { createApi, createGateway, exposedApis, getVs, kubectlOdaApi, type CliResult } from '../support/canvas.js';

let client: KubeClient;

beforeAll(() => {
  client = adminClient();
});

describe('-n NAMESPACE NAME names one API in every command that takes names', () => {
  let ns: string;
  let gateway: string[];

  // Two APIs: `ready` has a ready pod behind it, `other` never gets one.
  beforeAll(async () => {
    ns = await createNamespace(client);
    const settings = await createGateway(client, ns, { ip: '198.51.100.9' });
    gateway = ['--gateway', settings.gateway];
    await createService(client, ns, { name: 'impl' });
    const pod = await createPod(client, ns, { app: 'impl' });
    await setPodReady(client, ns, pod, true);
    await waitFor('a ready endpoint', async () => (await readyEndpoints(client, ns, 'impl')).ready === 1);
    await createApi(client, ns, 'ready');
    await createApi(client, ns, 'other', { implementation: 'nothing-here' });
    await createApi(client, ns, 'fresh');
    // NAME before -n: means `ready` with or without the fix.
    const r = await kubectlOdaApi(['reconcile', 'ready', '-n', ns, ...gateway]);
    expect(r.code).toBe(0);
  });
  afterAll(async () => {
    await deleteNamespace(client, ns);
  });

  test('reconcile -n NS NAME reconciles only NAME', async () => {
    const r = await kubectlOdaApi(['reconcile', '-n', ns, 'fresh', ...gateway]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const rows = r.stdout.trim().split('\n').slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(new RegExp(`^${ns}\\s+fresh\\s`));
    await expect(getVs(client, ns, 'other')).rejects.toMatchObject({ status: 404 });
  });

  test('diff -n NS NAME shows only NAME (nothing left to change once it is reconciled)', async () => {
    // `other` has a change pending, whatever ran before: only `ready` must be looked at.
    await client.request('PATCH', `${exposedApis(ns)}/other`, { contentType: 'application/merge-patch+json', body: { spec: { path: `/${ns}/other-${Date.now()}` } } });
    const r = await kubectlOdaApi(['diff', '-n', ns, 'ready', ...gateway]);
    expect(r).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  test('status -n NS NAME walks the chain of NAME', async () => {
    const walk = await kubectlOdaApi(['status', '-n', ns, 'ready', ...gateway]);
    expect(walk.stdout.split('\n')[0]).toBe(`ExposedAPI ${ns}/ready`);
    expect(walk.code).toBe(0);
    const json = await kubectlOdaApi(['status', '-n', ns, 'ready', '-o', 'json', ...gateway]);
    expect(JSON.parse(json.stdout).items.map((i: { name: string }) => i.name)).toEqual(['ready']);
  });

  test('status -n NS NAME --wait waits only for NAME', async () => {
    const r = await kubectlOdaApi(['status', '-n', ns, 'ready', '--wait', '--timeout', '10s', ...gateway]);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout).not.toContain('other');
  });

  test('-n stays repeatable: -n A -n B NAME', async () => {
    const r = await kubectlOdaApi(['status', '-n', 'nowhere', '-n', ns, 'ready', '-o', 'json', ...gateway]);
    expect(JSON.parse(r.stdout).items.map((i: { name: string }) => i.name)).toEqual(['ready']);
  });
});

describe('an empty or malformed scope is a usage error in every command', () => {
  // A `watch` that took a bad scope for a good one would run on: stop it.
  const run = (args: string[], env: Record<string, string> = {}) => kubectlOdaApi(args, env, 30_000);
  const commands = [['reconcile'], ['diff'], ['status'], ['status', '--wait', '--timeout', '5s'], ['dashboard'], ['watch', '--standalone', '--health-address', 'none']];

  const oneUsageLine = (r: CliResult, says: string) => {
    expect({ code: r.code, lines: r.stderr.trim().split('\n').length }).toEqual({ code: 2, lines: 1 });
    expect(r.stderr).toMatch(/^error: /);
    expect(r.stderr).toContain(says);
  };

  test.each([
    ['', '-n is empty'],
    [' , ', '-n is empty'],
    ['Components', '"Components" can match no namespace'],
    ['team-[ab]', '"team-[ab]" can match no namespace'],
    ['a,,b', 'an empty entry between commas'],
    ['!', '"!" must be followed by'],
    ['-team', '"-team" is not a namespace name'],
  ])('-n %j', async (value, says) => {
    // Every command shares the check (see parseNamespacePatterns' unit tests for the rules): one is enough here.
    oneUsageLine(await run(['reconcile', '-n', value]), says);
  });

  test.each(commands.map((c) => [c.join(' ')]))("%s -n '' and -n 'team-[ab]'", async (command) => {
    oneUsageLine(await run([...command.split(' '), '-n', '']), '-n is empty');
    oneUsageLine(await run([...command.split(' '), '-n', 'team-[ab]']), '"team-[ab]" can match no namespace');
  });

  test.each(commands.map((c) => [c.join(' ')]))('%s with COMPONENT_NAMESPACE set but empty: an error too, not every namespace', async (command) => {
    for (const value of ['', ',']) oneUsageLine(await run(command.split(' '), { COMPONENT_NAMESPACE: value }), 'COMPONENT_NAMESPACE is empty');
  });

  test('-n overrides COMPONENT_NAMESPACE', async () => {
    // -n and -A override it, as flags override their environment variables.
    const overridden = await run(['status', '-n', 'nowhere'], { COMPONENT_NAMESPACE: '' });
    expect({ code: overridden.code, stderr: overridden.stderr }).toEqual({ code: 0, stderr: '' });
  });
});
