// Helpers for integration tests against the real control plane started by
// global-setup.mjs: clients, a fresh namespace per test, playing the kubelet, and
// restarting the API server.
import { KubeConfig } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeClient, isNotFound } from '../../src/kube/client.js';

export const kubeconfigPath = (): string => {
  const path = process.env.ODA_API_TEST_KUBECONFIG;
  if (!path) throw new Error('ODA_API_TEST_KUBECONFIG is not set: run integration tests through jest (global setup starts the control plane)');
  return path;
};

export const adminClient = (): KubeClient => KubeClient.load({ kubeconfig: kubeconfigPath() });

/** A client authenticating with a bearer token (e.g. a ServiceAccount's) instead of the admin cert; of the run's cluster unless given another's config. */
export function tokenClient(token: string, of?: KubeConfig): KubeClient {
  const admin = of ?? new KubeConfig();
  if (!of) admin.loadFromFile(kubeconfigPath());
  const cluster = admin.getCurrentCluster()!;
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [cluster],
    users: [{ name: 'token', token }],
    contexts: [{ name: 'token', cluster: cluster.name, user: 'token' }],
    currentContext: 'token',
  });
  return new KubeClient(config);
}

/** Writes a kubeconfig that authenticates with a bearer token (e.g. a ServiceAccount's); returns its path. */
export function writeTokenKubeconfig(token: string, of?: KubeConfig): string {
  const file = join(mkdtempSync(join(tmpdir(), 'oda-api-kc-')), 'kubeconfig');
  writeFileSync(file, tokenClient(token, of).config.exportConfig());
  return file;
}

/** Creates a ServiceAccount bound to a new ClusterRole with these rules; returns a kubeconfig for it. */
export async function serviceAccountWithRules(client: KubeClient, namespace: string, rules: object[]): Promise<string> {
  return (await newServiceAccount(client, namespace, rules)).kubeconfig;
}

/** A new ServiceAccount bound to a new ClusterRole with these rules: its name and a kubeconfig with its token. */
export async function newServiceAccount(client: KubeClient, namespace: string, rules: object[]): Promise<{ name: string; kubeconfig: string }> {
  const name = uniqueName('sa');
  await client.request('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } } });
  await grantClusterRules(client, namespace, name, rules);
  const token = await client.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  return { name, kubeconfig: writeTokenKubeconfig(token.status.token, client.config) };
}

/** Where each kind of `kubectl oda-api manifests`' ServiceAccount and RBAC objects is created. */
export const RBAC_COLLECTIONS: Record<string, (namespace: string) => string> = {
  ServiceAccount: (ns) => `/api/v1/namespaces/${ns}/serviceaccounts`,
  ClusterRole: () => '/apis/rbac.authorization.k8s.io/v1/clusterroles',
  ClusterRoleBinding: () => '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
  Role: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`,
  RoleBinding: (ns) => `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`,
};
/** Binds a ServiceAccount to a new ClusterRole with these rules (on top of what it has). */
export async function grantClusterRules(client: KubeClient, namespace: string, serviceAccount: string, rules: object[]): Promise<void> {
  const name = uniqueName(serviceAccount);
  await client.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', {
    body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules },
  });
  await client.request('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    body: {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name: serviceAccount, namespace }],
    },
  });
}

export const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(4).toString('hex')}`;

/** Creates a fresh namespace; delete it with deleteNamespace in afterAll/afterEach. */
export async function createNamespace(client: KubeClient, prefix = 't'): Promise<string> {
  const name = uniqueName(prefix);
  await client.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
  return name;
}

export async function deleteNamespace(client: KubeClient, name: string): Promise<void> {
  // No kubelet confirms pod deletion here, so pods go with a zero grace period or the namespace never finishes terminating.
  await client.request('DELETE', `/api/v1/namespaces/${name}/pods`, { query: { gracePeriodSeconds: 0 } });
  await client.request('DELETE', `/api/v1/namespaces/${name}`).catch((err) => {
    if (!isNotFound(err)) throw err;
  });
}

/** Polls fn until it returns a truthy value; fails with the last error or value after timeoutMs. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs}ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

// --- playing the kubelet -------------------------------------------------------

const NODE = 'test-node';
let podCounter = 0;

/** Creates the one Node pods are bound to (nothing heartbeats for it; no controller needs it to). */
export async function ensureNode(client: KubeClient): Promise<string> {
  try {
    await client.request('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } } });
  } catch (err) {
    if (!(err instanceof Error && 'status' in err && (err as { status: number }).status === 409)) throw err;
  }
  return NODE;
}

export interface ServiceSpec {
  name: string;
  port?: number;
  targetPort?: number | string;
  portName?: string;
  labels?: Record<string, string>;
  selector?: Record<string, string>;
}

/** Creates a ClusterIP Service selecting `app=<name>` (or the given selector). */
export async function createService(client: KubeClient, namespace: string, spec: ServiceSpec): Promise<Record<string, unknown>> {
  const selector = spec.selector ?? { app: spec.name };
  return client.request('POST', `/api/v1/namespaces/${namespace}/services`, {
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: spec.name, labels: spec.labels ?? { name: spec.name } },
      spec: {
        selector,
        ports: [{ name: spec.portName ?? 'http', port: spec.port ?? 8080, targetPort: spec.targetPort ?? 8080 }],
      },
    },
  });
}

/** Creates a Pod bound to the test Node with the given labels; it starts not ready. */
export async function createPod(client: KubeClient, namespace: string, labels: Record<string, string>, containerPort = 8080): Promise<string> {
  await ensureNode(client);
  const name = uniqueName('pod');
  await client.request('POST', `/api/v1/namespaces/${namespace}/pods`, {
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, labels },
      spec: { nodeName: NODE, containers: [{ name: 'app', image: 'example.invalid/app:1', ports: [{ name: 'http', containerPort }] }] },
    },
  });
  return name;
}

/** Sets the Pod's status as a kubelet would: Running, with an IP, Ready true or false. */
export async function setPodReady(client: KubeClient, namespace: string, pod: string, ready: boolean): Promise<void> {
  podCounter += 1;
  const ip = `10.244.${(podCounter >> 8) & 255}.${(podCounter & 255) || 1}`;
  const now = new Date().toISOString();
  const status = ready ? 'True' : 'False';
  await client.request('PATCH', `/api/v1/namespaces/${namespace}/pods/${pod}/status`, {
    contentType: 'application/merge-patch+json',
    body: {
      status: {
        phase: 'Running',
        podIP: ip,
        podIPs: [{ ip }],
        hostIP: '127.0.0.1',
        conditions: [
          { type: 'Ready', status, lastTransitionTime: now },
          { type: 'ContainersReady', status, lastTransitionTime: now },
        ],
      },
    },
  });
}

/** Ready endpoint count over all EndpointSlices of a Service (absent `ready` counts as ready). */
export async function readyEndpoints(client: KubeClient, namespace: string, service: string): Promise<{ total: number; ready: number }> {
  const list = await client.get<{ items: { endpoints?: { conditions?: { ready?: boolean } }[] }[] }>(
    `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`,
    { labelSelector: `kubernetes.io/service-name=${service}` },
  );
  const endpoints = list.items.flatMap((s) => s.endpoints ?? []);
  return { total: endpoints.length, ready: endpoints.filter((e) => e.conditions?.ready !== false).length };
}

// --- faults -----------------------------------------------------------------------

/**
 * A control plane of the test file's own, for tests that break it (restarting the API
 * server would fail every other test sharing the run's cluster). Start in beforeAll.
 */
export interface PrivateControlPlane {
  kubeconfig: string;
  client: KubeClient;
  /** Stops the API server (etcd keeps its data), waits downMs, starts it again and waits until ready. */
  restartApiServer(downMs?: number): Promise<void>;
  /** Freezes the whole control plane (SIGSTOP): connections stay open and nothing answers, as in a hung API server. */
  freeze(): void;
  /** Lets a frozen control plane run again (SIGCONT). */
  thaw(): void;
  stop(): Promise<void>;
}

/**
 * Starts a private control plane before the tests of the enclosing describe (or file) and
 * stops it after them; call the returned function inside tests to reach it.
 */
export function usePrivateControlPlane(crds?: string | false): () => PrivateControlPlane {
  let cp: PrivateControlPlane | undefined;
  beforeAll(async () => {
    cp = await startPrivateControlPlane(crds);
  }, 120_000);
  afterAll(async () => {
    await cp?.stop();
  });
  return () => cp!;
}

/** `crds`: a folder of CRD files to install (default: the run's CRDs), or false for none. */
export async function startPrivateControlPlane(crds?: string | false): Promise<PrivateControlPlane> {
  const { up, down, installCrds } = await import('../../scripts/cluster.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'oda-api-private-'));
  const state = await up(dir);
  if (crds !== false) installCrds(state.kubeconfig, crds);
  const control = async (action: 'stop' | 'start') => {
    const res = await fetch(`${state.control}/apiserver/${action}`, { method: 'POST' });
    if (!res.ok) throw new Error(`apiserver ${action} failed: ${await res.text()}`);
  };
  return {
    kubeconfig: state.kubeconfig,
    client: KubeClient.load({ kubeconfig: state.kubeconfig }),
    async restartApiServer(downMs = 500) {
      await control('stop');
      await new Promise((r) => setTimeout(r, downMs));
      await control('start');
    },
    freeze: () => process.kill(state.pid, 'SIGSTOP'),
    thaw: () => process.kill(state.pid, 'SIGCONT'),
    async stop() {
      try {
        process.kill(state.pid, 'SIGCONT'); // a frozen process would not act on the SIGTERM of down()
      } catch {
        // already gone
      }
      await down(dir);
    },
  };
}
