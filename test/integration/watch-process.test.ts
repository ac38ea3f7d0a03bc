// `kubectl oda-api watch` as a process, the way it runs in a Pod or on a laptop: health
// endpoints, SIGTERM, two replicas with leader election and failover, and an API server
// restart mid-run (on a private control plane, so other tests are not disturbed).
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeClient } from '../../src/kube/client.js';
import { adminClient, createNamespace, createService, deleteNamespace, kubeconfigPath, usePrivateControlPlane, waitFor } from '../support/cluster.js';
import { createApi, createGateway, getApi } from '../support/canvas.js';
import { captured, type Captured } from '../support/process.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

type Operator = Captured;

function watch(args: string[], kubeconfig = kubeconfigPath()): Operator {
  const { NODE_ENV: _jest, ...env } = process.env;
  const child = spawn('kubectl', ['oda-api', 'watch', '--log-format', 'json', ...args], {
    env: { ...env, KUBECONFIG: kubeconfig, PATH: `${join(root, 'bin')}:${process.env.PATH}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, exited } = captured(child);
  return { child, output, exited };
}

const logged = (op: Operator, msg: string) => async () => op.output().split('\n').some((l) => l.includes(`"msg":"${msg}"`));
const routed = (client: KubeClient, ns: string, name: string) => async () => (await getApi(client, ns, name)).status?.apiStatus?.uid !== undefined;

describe('on the shared control plane', () => {
  let client: KubeClient;
  let ns: string;
  let gateway: string;
  const running: Operator[] = [];
  beforeAll(() => {
    client = adminClient();
  });
  beforeEach(async () => {
    ns = await createNamespace(client);
    gateway = (await createGateway(client, ns, { ip: '192.0.2.9' })).gateway;
    await createService(client, ns, { name: 'impl' });
  });
  afterEach(async () => {
    for (const op of running.splice(0)) if (op.child.exitCode === null) op.child.kill('SIGKILL');
    await deleteNamespace(client, ns);
  });

  test('serves health, readiness and metrics, and exits 0 on SIGTERM within a few seconds', async () => {
    const op = watch(['--standalone', '-n', ns, '--gateway', gateway, '--health-address', '127.0.0.1:0']);
    running.push(op);
    await waitFor('serving', logged(op, 'serving health and metrics'), 30_000);
    const url = JSON.parse(op.output().split('\n').find((l) => l.includes('serving health'))!).url as string;
    await waitFor('ready', async () => (await fetch(`${url}/readyz`)).status === 200, 30_000);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    await createApi(client, ns, 'probe');
    await waitFor('routed', routed(client, ns, 'probe'));
    // The counter moves when the reconcile returns, just after its last write (the status) is visible.
    let metrics = '';
    await waitFor('a successful reconcile counted', async () =>
      /^controller_runtime_reconcile_total\{controller="exposedapi",result="success"\} [1-9]/m.test((metrics = await (await fetch(`${url}/metrics`)).text())),
    );
    expect(metrics).toMatch(/^oda_api_reconcile_outcomes_total\{outcome="created"\} [1-9]/m);
    expect(metrics).toMatch(/^workqueue_adds_total\{name="exposedapi",controller="exposedapi"\} [1-9]/m);
    expect(metrics).toMatch(/^leader_election_master_status\{name="oda-api-operator"\} 1$/m);
    expect(metrics).toMatch(/^oda_api_managed_apis 1$/m);
    expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(metrics).toMatch(/^nodejs_eventloop_lag_seconds /m);

    const stopped = Date.now();
    op.child.kill('SIGTERM');
    expect(await op.exited).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(5000);
    expect(op.output()).toContain('"msg":"stopped"');
  }, 60_000);

  test('two replicas: one leads and writes; when it is killed the other takes over', async () => {
    const args = ['-n', ns, '--gateway', gateway, '--health-address', 'none', '--lease-namespace', ns];
    const first = watch(args);
    running.push(first);
    await waitFor('a leader', logged(first, 'became leader'), 30_000);
    const second = watch(args);
    running.push(second);
    await waitFor('the standby synced', logged(second, 'caches synced'), 30_000);
    await createApi(client, ns, 'one');
    await waitFor('routed by the leader', routed(client, ns, 'one'));
    expect(second.output()).not.toContain('became leader');
    expect(second.output()).not.toContain('"msg":"reconciled"');

    first.child.kill('SIGKILL'); // a crash: the lease is not released
    await waitFor('the standby to take over', logged(second, 'became leader'), 30_000);
    await createApi(client, ns, 'two');
    await waitFor('routed by the new leader', routed(client, ns, 'two'));
    // A clean stop releases the lease.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const lease = await client.get<{ spec: { holderIdentity?: string } }>(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/oda-api-operator`);
    expect(lease.spec.holderIdentity).toBeUndefined();
  }, 90_000);
});

describe('on a private control plane', () => {
  const privateCp = usePrivateControlPlane();

  test('the API server restarted mid-run: the operator recovers (relisting on 410) and loses nothing', async () => {
    const cp = privateCp();
    const ns = await createNamespace(cp.client);
    const { gateway } = await createGateway(cp.client, ns, { ip: '192.0.2.10' });
    await createService(cp.client, ns, { name: 'impl' });
    const op = watch(['--standalone', '-n', ns, '--gateway', gateway, '--health-address', 'none'], cp.kubeconfig);
    try {
      await waitFor('synced', logged(op, 'caches synced'), 30_000);
      await createApi(cp.client, ns, 'before');
      await waitFor('routed before the restart', routed(cp.client, ns, 'before'));

      await cp.restartApiServer(1000);
      // Made after the restart: only a watch that recovered sees it.
      await createApi(cp.client, ns, 'after');
      await waitFor('routed after the restart', routed(cp.client, ns, 'after'), 60_000);
      expect(op.output()).toContain('"msg":"watch restarted"');
      expect(op.child.exitCode).toBeNull();
    } finally {
      op.child.kill('SIGTERM');
      await op.exited;
    }
  }, 120_000);
});
