// The running operator where real Canvases differ from a laptop: CRDs installed and removed
// while it runs, replicas started with different scopes, the Canvas's own ClusterRole (no
// Leases, no Gateways), a permission missing and then granted, and a frozen API server.
// One private control plane, started with only the ODA and Istio CRDs, serves every test
// in order (the first installs the ServiceMonitor CRD; the last freezes it).
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { KubeClient } from '../../src/kube/client.js';
import { createNamespace, createPod, createService, grantClusterRules, newServiceAccount, setPodReady, usePrivateControlPlane, waitFor } from '../support/cluster.js';
import { components, condition, createApi, createGateway, getApi, kubectlOdaApi, serviceMonitors } from '../support/canvas.js';
import { OperatorProcess, startWatch } from '../support/operator.js';

const here = dirname(fileURLToPath(import.meta.url));
const projectCrds = resolve(here, '..', 'crds');
const crdsFolder = (files: string[]) => {
  const dir = mkdtempSync(join(tmpdir(), 'oda-api-crds-'));
  for (const f of files) copyFileSync(join(projectCrds, f), join(dir, f));
  return dir;
};
const odaAndIstio = crdsFolder(['oda-exposedapis.yaml', 'oda-components.yaml', 'istio-virtualservices.yaml', 'istio-gateways.yaml']);
const serviceMonitorCrd = crdsFolder(['prometheus-servicemonitors.yaml']);
const canvasRules = parse(readFileSync(resolve(here, '..', 'fixtures', 'canvas-clusterrole-rules.yaml'), 'utf8')) as Record<string, unknown>[];

const privateCp = usePrivateControlPlane(odaAndIstio);
const running: OperatorProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((op) => op.stop()));
});

function watch(args: string[], kubeconfig = privateCp().kubeconfig, env: Record<string, string> = {}): OperatorProcess {
  const op = startWatch(args, kubeconfig, env);
  running.push(op);
  return op;
}

/** On failure, shows the end of the operator's log with the error. */
const withLog = async <T>(op: OperatorProcess, work: Promise<T>): Promise<T> => {
  try {
    return await work;
  } catch (err) {
    throw new Error(`${(err as Error).message}\noperator log:\n${op.output().slice(-4000)}`);
  }
};
const logged = (op: OperatorProcess, text: string) => async () => op.logged(text).length > 0;
const probe = async (op: OperatorProcess, path: string) => {
  const res = await fetch(`${op.healthUrl()}${path}`);
  return { status: res.status, body: await res.text() };
};
const serving = (op: OperatorProcess) => waitFor('the health server', async () => op.healthUrl(), 30_000);

async function canvasNamespace(client: KubeClient, ip: string): Promise<{ ns: string; gateway: string }> {
  const ns = await createNamespace(client);
  const { gateway } = await createGateway(client, ns, { ip });
  await createService(client, ns, { name: 'impl' });
  return { ns, gateway };
}

test('a CRD installed, removed and reinstalled while running is followed within seconds', async () => {
  const cp = privateCp();
  const { ns, gateway } = await canvasNamespace(cp.client, '192.0.2.71');
  await setPodReady(cp.client, ns, await createPod(cp.client, ns, { app: 'impl' }), true);
  const op = watch(['--standalone', '-n', ns, '--gateway', gateway, '--health-address', '127.0.0.1:0']);
  await waitFor('synced', logged(op, 'caches synced'), 60_000);
  await createApi(cp.client, ns, 'metrics', { apiType: 'prometheus' });
  await waitFor('routed', async () => (await getApi(cp.client, ns, 'metrics')).status?.apiStatus?.url);

  const installed = Date.now();
  const { installCrds } = await import('../../scripts/cluster.mjs');
  installCrds(cp.kubeconfig, serviceMonitorCrd);
  await waitFor('the ServiceMonitor', () => cp.client.get(`${serviceMonitors(ns)}/metrics`), 15_000);
  const seconds = (Date.now() - installed) / 1000;
  const status = await kubectlOdaApi(['status', '-n', ns, 'metrics'], { KUBECONFIG: cp.kubeconfig });
  expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
  expect(status.stdout + status.stderr).not.toContain('no operator has reconciled');
  expect(condition(await getApi(cp.client, ns, 'metrics'), 'MetricsConfigured')?.status).toBe('True');

  const kubectl = (...args: string[]) => spawnSync('kubectl', ['--kubeconfig', cp.kubeconfig, ...args], { encoding: 'utf8' });
  expect(kubectl('delete', 'crd', 'servicemonitors.monitoring.coreos.com', '--wait=true').status).toBe(0);
  await waitFor('the operator to say so', logged(op, 'no longer served'));
  await waitFor('MetricsConfigured false', async () => condition(await getApi(cp.client, ns, 'metrics'), 'MetricsConfigured')?.status === 'False');
  expect(op.child.exitCode).toBeNull();
  expect((await probe(op, '/readyz')).status).toBe(200);

  installCrds(cp.kubeconfig, serviceMonitorCrd);
  await waitFor('the ServiceMonitor again', () => cp.client.get(`${serviceMonitors(ns)}/metrics`), 15_000);
  await waitFor('MetricsConfigured again', async () => condition(await getApi(cp.client, ns, 'metrics'), 'MetricsConfigured')?.status === 'True');
  expect(op.logged('now served').map((l) => l.resource)).toEqual(['servicemonitors', 'servicemonitors']);
  console.log(`ServiceMonitor created ${seconds.toFixed(1)}s after its CRD was installed`);
}, 120_000);

test('two replicas with different -n scopes contend for one Lease: one leader; disjoint shards name their own', async () => {
  const cp = privateCp();
  const a = await canvasNamespace(cp.client, '192.0.2.72');
  const b = await canvasNamespace(cp.client, '192.0.2.73');
  const first = watch(['-n', `${a.ns},${b.ns}`, '--gateway', a.gateway, '--health-address', 'none']);
  await waitFor('a leader', logged(first, 'became leader'), 60_000);
  const second = watch(['-n', b.ns, '--gateway', b.gateway, '--health-address', 'none']);
  await waitFor('the second to see the Lease held', logged(second, 'is held by'), 60_000);
  expect(first.logged('became leader')[0].lease).toBe('default/oda-api-operator');
  expect(second.logged('became leader')).toEqual([]);

  // A shard on purpose: its own Lease name.
  const shard = watch(['-n', a.ns, '--gateway', a.gateway, '--health-address', 'none', '--lease-name', 'oda-api-operator-shard-a']);
  await waitFor('the shard to lead its own Lease', logged(shard, 'became leader'), 60_000);
  expect(shard.logged('became leader')[0].lease).toBe('default/oda-api-operator-shard-a');
  expect(second.logged('became leader')).toEqual([]);
}, 120_000);

test("under the Canvas's ClusterRole (no Leases, no Gateways) a Canvas converges, and each gap is said once", async () => {
  const cp = privateCp();
  const ns = await createNamespace(cp.client, 'components');
  const ingress = await createNamespace(cp.client, 'istio-ingress');
  // What the Canvas has: the ingress gateway Service, labelled as Istio labels it.
  await cp.client.request('POST', `/api/v1/namespaces/${ingress}/services`, {
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istio-ingressgateway', labels: { istio: 'ingressgateway' } },
      spec: { type: 'LoadBalancer', selector: { istio: 'ingressgateway' }, ports: [{ name: 'http2', port: 80, targetPort: 8080 }] },
    },
  });
  await cp.client.request('PATCH', `/api/v1/namespaces/${ingress}/services/istio-ingressgateway/status`, {
    contentType: 'application/merge-patch+json',
    body: { status: { loadBalancer: { ingress: [{ ip: '192.0.2.74' }] } } },
  });
  await createService(cp.client, ns, { name: 'impl' });
  const component = await cp.client.request<{ metadata: { uid: string } }>('POST', components(ns), {
    body: { apiVersion: 'oda.tmforum.org/v1', kind: 'Component', metadata: { name: 'comp' }, spec: {} },
  });
  const owner = { ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: 'comp', uid: component.metadata.uid }] };
  const api = await createApi(cp.client, ns, 'api', {}, owner);
  await createApi(cp.client, ns, 'metrics', { apiType: 'prometheus' }, owner);
  await cp.client.request('PATCH', `${components(ns)}/comp`, {
    contentType: 'application/merge-patch+json',
    body: { status: { coreAPIs: [{ name: 'api', uid: api.metadata.uid }] } },
  });
  await setPodReady(cp.client, ns, await createPod(cp.client, ns, { app: 'impl' }), true);
  const { kubeconfig } = await newServiceAccount(cp.client, ns, canvasRules);

  // As the Canvas runs it: its ConfigMap in the environment, one replica, no --standalone.
  const op = watch(['--health-address', '127.0.0.1:0'], kubeconfig, {
    COMPONENT_NAMESPACE: ns,
    OPENMETRICS_IMPLEMENTATION: 'PrometheusAnnotation',
    APIOPERATORISTIO_COMPONENTGATEWAY: 'canvas/component-gateway',
    LOGGING: '20',
  });
  await withLog(op, waitFor('ready rolled up into the Component', async () => {
    const c = await cp.client.get<{ status: { coreAPIs: { ready?: boolean; url?: string }[] } }>(`${components(ns)}/comp`);
    return c.status.coreAPIs[0].ready === true && c.status.coreAPIs[0].url === `https://192.0.2.74/${ns}/api` && c;
  }, 60_000));
  const routed = condition(await getApi(cp.client, ns, 'api'), 'Routed');
  expect(routed).toMatchObject({ status: 'True', message: expect.stringContaining('could not be verified') });
  const pods = await cp.client.get<{ items: { metadata: { annotations?: Record<string, string> } }[] }>(`/api/v1/namespaces/${ns}/pods`);
  expect(pods.items[0].metadata.annotations?.['prometheus.io/scrape']).toBe('true');
  expect(condition(await getApi(cp.client, ns, 'metrics'), 'Ready')?.status).toBe('True');
  expect(await probe(op, '/readyz')).toEqual({ status: 200, body: 'ok' });

  expect(op.logged('running as the single replica')).toEqual([expect.objectContaining({ level: 'warning' })]);
  expect(op.logged('cannot read Istio Gateways')).toEqual([expect.objectContaining({ level: 'warning' })]);
  expect(op.lines().filter((l) => l.level === 'error')).toEqual([]);
  expect(op.logged('watch restarted')).toEqual([]);

  // The one-shot reconcile says the same, once, and converges too.
  const once = await kubectlOdaApi(['reconcile', '-n', ns, '--metrics-mode', 'PrometheusAnnotation', '--gateway', 'canvas/component-gateway'], { KUBECONFIG: kubeconfig });
  expect(once.code).toBe(0);
  expect(once.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^warning: cannot read Istio Gateways, so gateway canvas\/component-gateway could not be verified/)]);
}, 120_000);

test('forbidden to list ExposedAPIs: one ERROR line naming it, readiness says what is missing, recovers once granted', async () => {
  const cp = privateCp();
  const { ns, gateway } = await canvasNamespace(cp.client, '192.0.2.75');
  await createApi(cp.client, ns, 'late');
  const withoutApis = canvasRules.map((r) =>
    (r.apiGroups as string[]).includes('oda.tmforum.org') ? { ...r, resources: ['components', 'components/status'] } : r,
  );
  const sa = await newServiceAccount(cp.client, ns, [
    ...withoutApis,
    { apiGroups: ['networking.istio.io'], resources: ['gateways'], verbs: ['get', 'list', 'watch'] },
  ]);
  const op = watch(['--standalone', '-n', ns, '--gateway', gateway, '--health-address', '127.0.0.1:0'], sa.kubeconfig);
  await serving(op);
  await withLog(op, waitFor('the error', logged(op, 'forbidden'), 30_000));
  const readyz = await waitFor('readiness to name it', async () => {
    const r = await probe(op, '/readyz');
    return r.status === 503 && r.body.includes('missing permission') && r;
  });
  expect(readyz.body).toContain(`User "system:serviceaccount:${ns}:${sa.name}" cannot list resource "exposedapis"`);
  expect((await probe(op, '/healthz')).status).toBe(200);
  // Several quiet retries later: still that one line.
  await new Promise((r) => setTimeout(r, 4000));
  const errors = op.lines().filter((l) => l.level === 'error' || l.level === 'warning');
  expect(errors).toEqual([expect.objectContaining({ level: 'error', msg: expect.stringContaining('cannot list and watch exposedapis') })]);
  expect(String(errors[0].error)).toContain(`system:serviceaccount:${ns}:${sa.name}`);

  await grantClusterRules(cp.client, ns, sa.name, [
    { apiGroups: ['oda.tmforum.org'], resources: ['exposedapis', 'exposedapis/status'], verbs: ['get', 'list', 'watch', 'patch'] },
  ]);
  await waitFor('routed once granted', async () => (await getApi(cp.client, ns, 'late')).status?.apiStatus?.url, 45_000);
  expect(await probe(op, '/readyz')).toEqual({ status: 200, body: 'ok' });
  expect(op.logged('permission granted')).toHaveLength(1);
}, 120_000);

test('liveness fails within the documented silence limit while the API server is frozen, and recovers after', async () => {
  const cp = privateCp();
  const { ns, gateway } = await canvasNamespace(cp.client, '192.0.2.76');
  const op = watch(['--standalone', '-n', ns, '--gateway', gateway, '--health-address', '127.0.0.1:0', '--liveness-silence', '8']);
  await serving(op);
  await waitFor('ready', async () => (await probe(op, '/readyz')).status === 200, 60_000);
  // Something to hear about just before the freeze: the silence starts from the last answer.
  await createApi(cp.client, ns, 'before');
  await waitFor('routed before the freeze', async () => (await getApi(cp.client, ns, 'before')).status?.apiStatus?.url, 30_000);
  expect((await probe(op, '/healthz')).status).toBe(200);

  cp.freeze();
  const frozen = Date.now();
  try {
    const dead = await waitFor('liveness to fail', async () => {
      const r = await probe(op, '/healthz');
      return r.status === 503 && r;
    }, 30_000, 250);
    expect(dead.body).toMatch(/^no answer from the API server for \d+s \(limit 8s\)$/);
    // Within the limit (from the last answer, just before the freeze) plus the probe interval.
    expect(Date.now() - frozen).toBeLessThan(8000 + 2000);
  } finally {
    cp.thaw();
  }
  await createApi(cp.client, ns, 'after');
  await waitFor('liveness back', async () => (await probe(op, '/healthz')).status === 200, 30_000);
  await waitFor('routed after the thaw', async () => (await getApi(cp.client, ns, 'after')).status?.apiStatus?.url, 30_000);
  expect(op.child.exitCode).toBeNull();
}, 120_000);
