// The `kopf` entry point run as the Canvas chart runs its Python operator:
//   /bin/sh -c "kopf run $COMPONENT_NAMESPACES_CLI --verbose /apiOperatorIstio.py"
// with the chart's ConfigMap as the environment, in its own PID namespace (the shell is
// PID 1, as in the container), against the real control plane.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeClient } from '../../src/kube/client.js';
import { adminClient, createNamespace, createPod, createService, deleteNamespace, kubeconfigPath, setPodReady, waitFor } from '../support/cluster.js';
import { components, createApi, createGateway, getApi, serviceMonitors, virtualServices } from '../support/canvas.js';
import { captured, finished, type Captured } from '../support/process.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CANVAS_COMMAND = 'kopf run $COMPONENT_NAMESPACES_CLI --verbose /apiOperatorIstio.py';

interface Container extends Captured {
  /** The host pid of the container's PID 1 (the shell), where the kubelet sends SIGTERM. */
  pid1: () => number;
}

const baseEnv = () => {
  const { NODE_ENV: _jest, HOSTNAME: _host, ...env } = process.env;
  return { ...env, KUBECONFIG: kubeconfigPath(), PATH: `${join(root, 'bin')}:${process.env.PATH}` };
};

/** `sh -c command` as a container's PID 1: a new PID namespace; cwd empty so unquoted globs stay globs. */
function container(command: string, env: Record<string, string>): Container {
  const child = spawn('unshare', ['--user', '--map-root-user', '--pid', '--fork', '--kill-child', '/bin/sh', '-c', command], {
    env: { ...baseEnv(), ...env },
    cwd: mkdtempSync(join(tmpdir(), 'kopf-cwd-')),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { output, exited } = captured(child);
  const pid1 = () => Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  return { child, output, exited, pid1 };
}

const kopf = (args: string[]) => finished(spawn('kopf', args, { env: baseEnv(), stdio: ['ignore', 'pipe', 'pipe'] }));

/** The exit code, or 'still running' when the grace period (the kubelet's SIGKILL) would have passed. */
const exitCodeWithin = (op: Container, ms: number) =>
  Promise.race([op.exited, new Promise<string>((r) => setTimeout(() => r('still running'), ms).unref())]);

const lines = (op: Container, text: string) => op.output().split('\n').filter((l) => l.includes(text));

describe('the Canvas command line, with the ConfigMap environment', () => {
  let client: KubeClient;
  const namespaces: string[] = [];
  let op: Container | undefined;
  beforeAll(() => {
    client = adminClient();
  });
  afterEach(async () => {
    if (op && op.child.exitCode === null) op.child.kill('SIGKILL');
    for (const ns of namespaces.splice(0)) await deleteNamespace(client, ns);
  });

  test('converges a Canvas in the globbed namespaces only, and stops cleanly when its Pod is deleted', async () => {
    const literal = await createNamespace(client, 'kopfa');
    const globbed = await createNamespace(client, 'kopfg');
    const outside = await createNamespace(client, 'kopfx');
    namespaces.push(literal, globbed, outside);
    const glob = `${globbed.slice(0, -3)}*`;
    await createGateway(client, literal, { ip: '192.0.2.60' });
    for (const ns of namespaces) await createService(client, ns, { name: 'impl' });

    // A Component with two APIs in the literal namespace, one API in the globbed one, one outside.
    const component = await client.request<{ metadata: { uid: string } }>('POST', components(literal), {
      body: { apiVersion: 'oda.tmforum.org/v1', kind: 'Component', metadata: { name: 'comp' }, spec: {} },
    });
    const owner = { ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: 'comp', uid: component.metadata.uid }] };
    const api = await createApi(client, literal, 'orders', {}, owner);
    await createApi(client, literal, 'metrics', { apiType: 'prometheus', path: `/${literal}/metrics` }, owner);
    await client.request('PATCH', `${components(literal)}/comp`, {
      contentType: 'application/merge-patch+json',
      body: { status: { coreAPIs: [{ name: 'orders', uid: api.metadata.uid }] } },
    });
    await createApi(client, globbed, 'globbed');
    await createApi(client, outside, 'outside');
    const implPod = await createPod(client, literal, { app: 'impl' });
    await setPodReady(client, literal, implPod, true);
    // The operator's own Pod: the hostname names it, as in Kubernetes.
    const operatorPod = await createPod(client, literal, { app: 'api-operator-istio' });

    op = container(CANVAS_COMMAND, {
      // api-operator-istio-configmap, as the Canvas chart renders it (Canvas defaults, our namespaces)
      LOGGING: '20',
      COMPONENT_NAMESPACE: `${literal},${glob}`,
      COMPONENT_NAMESPACES_CLI: `-n ${literal} -n ${glob}`,
      OPENMETRICS_IMPLEMENTATION: 'PrometheusAnnotation',
      APIOPERATORISTIO_PUBLICHOSTNAME: 'canvas.example.org',
      APIOPERATORISTIO_COMPONENTGATEWAY: `${literal}/gw`,
      HOSTNAME: operatorPod,
      // The chart sets no POD_NAMESPACE (the ServiceAccount's namespace file gives it in a Pod);
      // set here so the leader-election Lease stays in this test's namespace.
      POD_NAMESPACE: literal,
    });

    try {
      await convergedAndStopped(literal, globbed, outside, implPod, operatorPod, op);
    } catch (err) {
      (err as Error).message += `\n--- operator output ---\n${op.output()}`;
      throw err;
    }
  }, 120_000);

  async function convergedAndStopped(literal: string, globbed: string, outside: string, implPod: string, operatorPod: string, op: Container) {
    await waitFor('the URL and readiness rolled up into the Component', async () => {
      const c = await client.get<{ status: { coreAPIs: { ready?: boolean; url?: string }[] } }>(`${components(literal)}/comp`);
      return c.status.coreAPIs[0].ready === true && c.status.coreAPIs[0].url === `https://canvas.example.org/${literal}/orders`;
    }, 60_000);
    await waitFor('the globbed namespace served', async () => (await getApi(client, globbed, 'globbed')).status?.apiStatus?.url);
    // OPENMETRICS_IMPLEMENTATION=PrometheusAnnotation: the pod is annotated, no ServiceMonitor.
    await waitFor('the metrics pod annotated', async () => {
      const pod = await client.get<{ metadata: { annotations?: Record<string, string> } }>(`/api/v1/namespaces/${literal}/pods/${implPod}`);
      return pod.metadata.annotations?.['prometheus.io/scrape'] === 'true';
    });
    await expect(client.get(`${serviceMonitors(literal)}/metrics`)).rejects.toMatchObject({ status: 404 });
    // Outside the globs: untouched.
    expect((await getApi(client, outside, 'outside')).status?.apiStatus).toBeUndefined();
    await expect(client.get(`${virtualServices(outside)}/outside`)).rejects.toMatchObject({ status: 404 });

    // Said once at INFO; LOGGING=20 holds despite --verbose.
    expect(lines(op, 'INFO  kopf script ignored: the operator is built in scripts=["/apiOperatorIstio.py"]')).toHaveLength(1);
    expect(lines(op, 'INFO  --verbose ignored: LOGGING sets the log level')).toHaveLength(1);
    expect(lines(op, ' DEBUG ')).toEqual([]);

    // Deleting a Pod: the API server sets deletionTimestamp, then the kubelet sends SIGTERM
    // to PID 1 only (the shell, which does not pass it on).
    await client.request('DELETE', `/api/v1/namespaces/${literal}/pods/${operatorPod}`);
    process.kill(op.pid1(), 'SIGTERM');
    expect(await exitCodeWithin(op, 30_000)).toBe(0);
    expect(lines(op, 'pod is being deleted: stopping')).toHaveLength(1);
    expect(op.output()).toContain('INFO  stopped');
  }
});

describe('kopf run as a Pod with probes would start it', () => {
  test('--liveness serves the health endpoints, --standalone skips the Lease, --debug logs debug; SIGTERM to kopf stops it', async () => {
    const client = adminClient();
    const ns = await createNamespace(client, 'kopfl');
    try {
      const { gateway } = await createGateway(client, ns, { ip: '192.0.2.61' });
      const op = container(`exec kopf run -n ${ns} --standalone --debug --liveness http://127.0.0.1:0/healthz`, {
        APIOPERATORISTIO_COMPONENTGATEWAY: gateway,
        LOGGING: '30',
      });
      try {
        const url = await waitFor('the health server', async () => /serving health and metrics url=(\S+)/.exec(op.output())?.[1], 30_000);
        await waitFor('ready', async () => (await fetch(`${url}/readyz`)).status === 200, 30_000);
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
        await createApi(client, ns, 'probe');
        await waitFor('a DEBUG line (--debug over LOGGING=30)', async () => lines(op, ' DEBUG event ').length > 0);
        expect(op.output()).not.toContain('became leader');
        // With `exec`, kopf is PID 1 itself: the kubelet's SIGTERM reaches it.
        process.kill(op.pid1(), 'SIGTERM');
        expect(await exitCodeWithin(op, 30_000)).toBe(0);
        expect(op.output()).toContain('INFO  stopped');
      } finally {
        if (op.child.exitCode === null) op.child.kill('SIGKILL');
      }
    } finally {
      await deleteNamespace(client, ns);
    }
  }, 90_000);
});

describe('the executable, as users run it', () => {
  test('kopf --help and kopf run --help print the short text', async () => {
    for (const args of [['--help'], ['run', '--help']]) {
      const r = await kopf(args);
      expect(r).toMatchObject({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(/^Usage: kopf run /);
    }
  });

  test('any other command or flag: one line naming it, exit 2', async () => {
    for (const [args, message] of [
      [['freeze'], 'unknown command "freeze"'],
      [['run', '-m', 'operator'], 'unknown option -m'],
      [['run', '--log-format', 'json', '/apiOperatorIstio.py'], 'unknown option --log-format'],
      [['run', '--liveness', 'https://0.0.0.0:8080/healthz'], 'only http:// is served'],
    ] as const) {
      const r = await kopf([...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(message);
      expect(r.stdout).toBe('');
    }
  });

  test('a bad ConfigMap value (LOGGING, OPENMETRICS_IMPLEMENTATION) is one line and exit 2', async () => {
    for (const [env, message] of [
      [{ LOGGING: 'loud' }, 'log level "loud"'],
      [{ OPENMETRICS_IMPLEMENTATION: 'Graphite' }, 'metrics mode "Graphite"'],
    ] as const) {
      const op = container(CANVAS_COMMAND, { ...env, COMPONENT_NAMESPACES_CLI: '-n components' });
      expect(await op.exited).toBe(2);
      expect(op.output().trim().split('\n').filter((l) => l.startsWith('error:'))).toEqual([expect.stringContaining(message)]);
      expect(op.output()).not.toMatch(/\n\s+at /);
    }
  });
});
