// The operator image, proven to run: its layers unpacked into a root filesystem, its
// entrypoint run as its user (chroot), in-cluster style: a ServiceAccount token and CA
// where Kubernetes mounts them, KUBERNETES_SERVICE_HOST/PORT pointing at the control plane.
import { KubeConfig } from '@kubernetes/client-node';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildManifests } from '../../src/deploy/manifests.js';
import type { KubeClient } from '../../src/kube/client.js';
import { adminClient, RBAC_COLLECTIONS, createNamespace, createPod, createService, deleteNamespace, kubeconfigPath, setPodReady, uniqueName, waitFor } from '../support/cluster.js';
import { components, createApi, createGateway, getApi } from '../support/canvas.js';
import { tarEntries, withParents } from '../../scripts/image/tar.mjs';
import { Container, SERVICE_ACCOUNT_DIR, buildLog, imageArchive, mountServiceAccount, runImage, runInImage, unpackImage, UnpackedImage } from '../support/image.js';

let client: KubeClient;
let image: UnpackedImage;
let ns: string;
let clusterRole: string;
const running: Container[] = [];

beforeAll(() => {
  client = adminClient();
  image = unpackImage(imageArchive());
}, 20 * 60_000); // a cold build downloads Node and the Debian packages
afterAll(async () => {
  image?.remove();
  if (clusterRole) {
    for (const kind of ['ClusterRoleBinding', 'ClusterRole']) await client.request('DELETE', `${RBAC_COLLECTIONS[kind]('')}/${clusterRole}`).catch(() => {});
  }
});
afterEach(async () => {
  for (const c of running.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  if (ns) await deleteNamespace(client, ns);
  ns = '';
});

/** The ServiceAccount and RBAC of `kubectl oda-api manifests` (cluster-wide names made unique); returns its token. */
async function operatorServiceAccount(namespace: string): Promise<string> {
  clusterRole = uniqueName('oda-api-image');
  let serviceAccount = '';
  type Rbac = { kind: string; metadata: { name: string }; roleRef?: { name: string } };
  // -A: the ClusterRole grants everything, so the image is tested apart from how the operator scopes its watches.
  for (const object of buildManifests({ namespace, image: 'unused', replicas: 1, served: 'all', gateway: 'component-gateway' }) as Rbac[]) {
    const path = RBAC_COLLECTIONS[object.kind];
    if (!path) continue;
    if (object.kind === 'ServiceAccount') serviceAccount = object.metadata.name;
    if (object.kind.startsWith('Cluster')) object.metadata.name = clusterRole;
    if (object.kind === 'ClusterRoleBinding') object.roleRef!.name = clusterRole;
    await client.request('POST', path(namespace), { body: object });
  }
  const token = await client.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  return token.status.token;
}

/** The control plane's CA and loopback address, as a Pod would see its API server. */
function clusterEndpoint(): { ca: string; env: Record<string, string> } {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath());
  const cluster = config.getCurrentCluster()!;
  const ca = cluster.caData ? Buffer.from(cluster.caData, 'base64').toString() : readFileSync(cluster.caFile!, 'utf8');
  const server = new URL(cluster.server);
  return { ca, env: { KUBERNETES_SERVICE_HOST: server.hostname, KUBERNETES_SERVICE_PORT: server.port } };
}

function start(args: string[] | undefined, env: Record<string, string> = {}): Container {
  const container = runImage(image, args, env);
  running.push(container);
  return container;
}

test('the tar writer: same bytes every time, whatever the input order; GNU tar reads names, links, modes and owners', () => {
  const long = `app/node_modules/${'deep/'.repeat(30)}file.js`;
  const entries = withParents([
    { path: long, type: 'file', data: Buffer.from('x'.repeat(600)) },
    { path: 'usr/local/bin/tool', type: 'file', data: Buffer.from('#!/bin/sh\n'), mode: 0o755 },
    { path: 'bin/sh', type: 'symlink', link: 'dash' },
    { path: 'home/nonroot', type: 'dir', uid: 65532, gid: 65532 },
  ]);
  const tar = tarEntries(entries, 1_700_000_000);
  expect(tarEntries([...entries].reverse(), 1_700_000_000).equals(tar)).toBe(true);
  const listing = execFileSync('tar', ['-tv', '--numeric-owner', '--full-time'], { input: tar, encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } }).trim().split('\n');
  const shown = (e: (typeof entries)[number]) => (e.type === 'dir' ? `${e.path}/` : e.type === 'symlink' ? `${e.path} -> ${e.link}` : e.path);
  expect(listing.map((l) => l.split(/\s+/).slice(5).join(' '))).toEqual([...entries].sort((x, y) => (x.path < y.path ? -1 : 1)).map(shown));
  const line = (name: string) => listing.find((l) => l.endsWith(` ${name}`))!;
  expect(line('usr/local/bin/tool')).toMatch(/^-rwxr-xr-x 0\/0 +10 2023-11-14 22:13:20 /);
  expect(line('home/nonroot/')).toMatch(/^drwxr-xr-x 65532\/65532 /);
  expect(line(long)).toMatch(/^-rw-r--r-- 0\/0 +600 /);
});

test('the image config: non-root numeric user, entrypoint `kubectl-oda_api watch`, OCI annotations, reproducible', () => {
  if (buildLog) expect(buildLog).toMatch(/reproducible, a second build gave the same manifest digest sha256:[0-9a-f]{64}/);
  expect(image.config.User).toBe('65532:65532');
  expect([...image.config.Entrypoint, ...image.config.Cmd]).toEqual(['kubectl-oda_api', 'watch']);
  expect(image.config.Env).toContain('PATH=/usr/local/bin:/usr/bin:/bin');
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
  expect(image.annotations).toMatchObject({
    'org.opencontainers.image.version': pkg.version,
    'org.opencontainers.image.licenses': pkg.license,
    'org.opencontainers.image.source': 'https://github.com/tmforum-oda/kubectl-oda-api',
  });
  expect(image.annotations['org.opencontainers.image.revision']).toMatch(/^[0-9a-f]{40}$/);
  // A launcher on PATH for each command of the package, and for `kopf` (the Canvas chart's command line) once the package has it.
  const launchers = [...Object.keys(pkg.bin), ...(existsSync('bin/kopf') ? ['kopf'] : [])];
  for (const name of launchers) expect(readFileSync(join(image.rootfs, 'usr/local/bin', name), 'utf8')).toMatch(/^#!\/bin\/sh\nexec node \/app\/bin\//);
  // Nothing a shell session would use beyond /bin/sh; no npm or corepack.
  expect(readdirSync(join(image.rootfs, 'bin')).sort()).toEqual(['dash', 'sh']);
  expect(readdirSync(join(image.rootfs, 'usr/local/bin')).filter((f) => !['kopf', 'kubectl-oda_api', 'node'].includes(f))).toEqual([]);
  expect(readdirSync(join(image.rootfs, 'usr')).sort()).toEqual(['lib', 'local']);
  expect(execFileSync('find', [image.rootfs, '-name', 'npm', '-o', '-name', 'corepack'], { encoding: 'utf8' })).toBe('');
});

test('run in-cluster style, the image converges a Canvas: URL, readiness, Component roll-up', async () => {
  ns = await createNamespace(client, 'img');
  const token = await operatorServiceAccount(ns);
  const { ca, env } = clusterEndpoint();
  mountServiceAccount(image, { token, 'ca.crt': ca, namespace: ns });
  const { gateway } = await createGateway(client, ns, { ip: '192.0.2.60' });
  await createService(client, ns, { name: 'impl' });
  const component = await client.request<{ metadata: { uid: string } }>('POST', components(ns), {
    body: { apiVersion: 'oda.tmforum.org/v1', kind: 'Component', metadata: { name: 'comp' }, spec: {} },
  });
  const api = await createApi(client, ns, 'api', {}, { ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: 'comp', uid: component.metadata.uid }] });
  await client.request('PATCH', `${components(ns)}/comp`, {
    contentType: 'application/merge-patch+json',
    body: { status: { coreAPIs: [{ name: 'api', uid: api.metadata.uid }] } },
  });

  // As the Deployment runs it: the image's command with flags as args, POD_NAMESPACE from the downward API.
  const op = start(['watch', '-n', ns, '--gateway', gateway, '--health-address', 'none', '--log-format', 'json'], { ...env, POD_NAMESPACE: ns });
  await waitFor('leadership through a Lease in POD_NAMESPACE', async () => op.output().includes('"msg":"became leader"'), 60_000);
  await waitFor('the URL', async () => (await getApi(client, ns, 'api')).status?.apiStatus?.url === `https://192.0.2.60/${ns}/api`, 30_000);
  await setPodReady(client, ns, await createPod(client, ns, { app: 'impl' }), true);
  await waitFor('ready, rolled up into the Component', async () => {
    const c = await client.get<{ status: { coreAPIs: { ready?: boolean; url?: string }[] } }>(`${components(ns)}/comp`);
    return c.status.coreAPIs[0].ready === true && c.status.coreAPIs[0].url === `https://192.0.2.60/${ns}/api`;
  }, 30_000);
  expect((await getApi(client, ns, 'api')).status?.implementation?.ready).toBe(true);
  op.child.kill('SIGTERM');
  expect(await op.exited).toBe(0);
  expect(op.output()).not.toMatch(/\n\s+at /);
}, 120_000);

test('image swap: the Canvas chart\'s own command line runs this operator from the image (its kopf)', async () => {
  ns = await createNamespace(client, 'img');
  const token = await operatorServiceAccount(ns);
  const { ca, env } = clusterEndpoint();
  mountServiceAccount(image, { token, 'ca.crt': ca, namespace: ns });
  const { gateway } = await createGateway(client, ns, { ip: '192.0.2.61' });
  await createService(client, ns, { name: 'impl' });
  await createApi(client, ns, 'api');

  // What the Canvas's api-operator-istio Deployment runs, with its ConfigMap in the environment.
  const canvasConfigMap = {
    LOGGING: '20',
    COMPONENT_NAMESPACE: ns,
    COMPONENT_NAMESPACES_CLI: `-n ${ns}`,
    OPENMETRICS_IMPLEMENTATION: 'ServiceMonitor',
    APIOPERATORISTIO_COMPONENTGATEWAY: gateway,
  };
  const op = runInImage(image, ['/bin/sh', '-c', 'kopf run $COMPONENT_NAMESPACES_CLI --verbose /apiOperatorIstio.py'], { ...env, ...canvasConfigMap });
  running.push(op);
  await waitFor('the URL', async () => (await getApi(client, ns, 'api')).status?.apiStatus?.url === `https://192.0.2.61/${ns}/api`, 60_000);
  await setPodReady(client, ns, await createPod(client, ns, { app: 'impl' }), true);
  await waitFor('ready', async () => (await getApi(client, ns, 'api')).status?.implementation?.ready === true, 30_000);
  expect(op.output().match(/apiOperatorIstio\.py/g)).toHaveLength(1); // the replaced script, said once
  // dash does not exec the last command of `sh -c`: the operator is the shell's child (docs/kopf.md).
  const operatorPid = Number(readFileSync(`/proc/${op.child.pid}/task/${op.child.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
  process.kill(operatorPid, 'SIGTERM');
  expect(await op.exited).toBe(0);
  expect(op.output()).not.toMatch(/\n\s+at /);
}, 120_000);

test('the image caps V8\'s heap at 256 MiB (NODE_OPTIONS), so a burst\'s garbage is collected rather than kept', async () => {
  const node = runInImage(image, ['node', '-p', 'v8.getHeapStatistics().heap_size_limit / 2 ** 20']);
  expect(await node.exited).toBe(0);
  // The old space's cap plus the young generation: unset, V8 takes a quarter of the machine's memory.
  const limitMiB = Number(node.output().trim());
  expect(limitMiB).toBeGreaterThanOrEqual(256);
  expect(limitMiB).toBeLessThan(300);
});

describe('bad input inside the image: one clear line, exit 2, no stack trace', () => {
  const expectOneLine = async (container: Container, message: RegExp) => {
    expect(await container.exited).toBe(2);
    const lines = container.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  };

  test('no kubeconfig and no ServiceAccount token', async () => {
    mountServiceAccount(image, {});
    await expectOneLine(start(undefined), /^error: no kubeconfig: KUBECONFIG is not set and ~\/.kube\/config does not exist \(pass --kubeconfig, or run in a pod with a ServiceAccount\)$/);
  });

  test('a token the user cannot read', async () => {
    const endpoint = clusterEndpoint();
    mountServiceAccount(image, { token: 'x', 'ca.crt': endpoint.ca, namespace: 'default' });
    chmodSync(join(image.rootfs, SERVICE_ACCOUNT_DIR, 'token'), 0o600); // root's; the image runs as 65532
    await expectOneLine(start(undefined, endpoint.env), /^error: cannot read the ServiceAccount token \/var\/run\/secrets\/kubernetes.io\/serviceaccount\/token: EACCES$/);
  });

  test('no CA certificate', async () => {
    mountServiceAccount(image, { token: 'x', namespace: 'default' });
    await expectOneLine(start(undefined, clusterEndpoint().env), /^error: cannot read the cluster CA certificate \/var\/run\/secrets\/kubernetes.io\/serviceaccount\/ca.crt: ENOENT$/);
  });

  test('a token but no KUBERNETES_SERVICE_HOST/PORT', async () => {
    mountServiceAccount(image, { token: 'x', 'ca.crt': clusterEndpoint().ca, namespace: 'default' });
    await expectOneLine(start(undefined), /^error: in-cluster configuration needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT/);
  });
});
