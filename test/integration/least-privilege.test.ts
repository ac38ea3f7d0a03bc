// Least privilege, proven: the RBAC objects `kubectl oda-api manifests` prints are applied
// as they are, and the operator runs as that ServiceAccount (its token only, leader
// election on, as the Deployment runs it). Every behaviour must still work, for a glob scope
// (a ClusterRole) and for plain namespace names (Roles for every write, a ClusterRole for reads only).
import { ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildManifests, OPERATOR_NAME, type ManifestOptions } from '../../src/deploy/manifests.js';
import { FIELD_MANAGER } from '../../src/reconcile/constants.js';
import type { KubeClient } from '../../src/kube/client.js';
import type { KubernetesObject } from '@kubernetes/client-node';
import { adminClient, RBAC_COLLECTIONS, createNamespace, createPod, createService, deleteNamespace, setPodReady, uniqueName, waitFor, writeTokenKubeconfig } from '../support/cluster.js';
import { acceptRoute, components, createApi, createGateway, createGatewayApiGateway, getApi, httpRoutes, kubectlOdaApi, serviceMonitors } from '../support/canvas.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// The cluster-wide objects get a name of this file's own: other test files (the chart's)
// create the operator's ClusterRole under its usual name at the same time.
const CLUSTER_ROLE = uniqueName('oda-api-least-privilege');
let client: KubeClient;
let namespaces: string[] = [];
let operator: ChildProcess | undefined;

beforeAll(() => {
  client = adminClient();
});
afterEach(async () => {
  operator?.kill('SIGTERM');
  for (const ns of namespaces.splice(0)) await deleteNamespace(client, ns);
  for (const kind of ['ClusterRoleBinding', 'ClusterRole']) {
    await client.request('DELETE', `${RBAC_COLLECTIONS[kind]('')}/${CLUSTER_ROLE}`).catch(() => {});
  }
});

const newNamespace = async (prefix: string) => {
  const ns = await createNamespace(client, prefix);
  namespaces.push(ns);
  return ns;
};

/** Creates the ServiceAccount and RBAC objects of `manifests` as printed (but the cluster-wide names); returns a kubeconfig with its token. */
async function applyManifests(options: ManifestOptions): Promise<string> {
  for (const object of buildManifests(options) as (KubernetesObject & { roleRef?: { kind: string; name: string } })[]) {
    const path = RBAC_COLLECTIONS[object.kind!];
    if (!path) continue;
    if (object.kind!.startsWith('Cluster')) object.metadata!.name = CLUSTER_ROLE;
    if (object.roleRef?.kind === 'ClusterRole') object.roleRef.name = CLUSTER_ROLE;
    await client.request('POST', path(object.metadata!.namespace ?? ''), { query: { fieldManager: 'oda-api-tests' }, body: object });
  }
  const token = await client.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${options.namespace}/serviceaccounts/${OPERATOR_NAME}/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  return writeTokenKubeconfig(token.status.token);
}

/**
 * A Canvas in `ns` (a Component with an API and a metrics API) served by `watch` and then
 * `reconcile` with these scope flags and kubeconfig: routing, status, ServiceMonitor, Component
 * roll-up, readiness, Events, leader election, pod annotations and their clean-up, a rate limit's
 * EnvoyFilter and an API key's policies at the gateway and their deletion with the API, an MCP
 * API's DestinationRule (API_CONNECT_TIMEOUT) and its pruning, nothing forbidden.
 */
async function convergesACanvas(ns: string, scope: string[], gateway: string, leaseNamespace: string, kubeconfig: string): Promise<void> {
  await createService(client, ns, { name: 'impl' });
  const component = await client.request<{ metadata: { uid: string } }>('POST', components(ns), {
    body: { apiVersion: 'oda.tmforum.org/v1', kind: 'Component', metadata: { name: 'comp' }, spec: {} },
  });
  const owner = { ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: 'comp', uid: component.metadata.uid }] };
  const api = await createApi(client, ns, 'api', {}, owner);
  await createApi(client, ns, 'metrics', { apiType: 'prometheus', path: `/${ns}/metrics` }, owner);
  // A rate limit: its EnvoyFilter goes to the gateway workload's namespace (here the Gateway's, the default).
  // API keys too (an issuer is configured below): a RequestAuthentication and an AuthorizationPolicy beside it.
  await createApi(client, ns, 'limited', { rateLimit: { enabled: true, limit: '5' }, apiKeyVerification: { enabled: true } });
  const filter = `/apis/networking.istio.io/v1alpha3/namespaces/${gateway.split('/')[0]}/envoyfilters/oda-api-${ns}-limited`;
  const keyPolicy = `/apis/security.istio.io/v1/namespaces/${gateway.split('/')[0]}/authorizationpolicies/oda-api-${ns}-limited`;
  // An MCP API with a connect timeout: a DestinationRule beside it.
  await createApi(client, ns, 'tools', { apiType: 'mcp' });
  const rule = `/apis/networking.istio.io/v1/namespaces/${ns}/destinationrules/tools`;
  const jwt = ['--jwt-issuer', 'https://idp.example', '--jwks-uri', 'https://idp.example/certs'];
  await client.request('PATCH', `${components(ns)}/comp`, {
    contentType: 'application/merge-patch+json',
    body: { status: { coreAPIs: [{ name: 'api', uid: api.metadata.uid }] } },
  });

  let output = '';
  const { NODE_ENV: _jest, ...env } = process.env;
  operator = spawn('kubectl', ['oda-api', 'watch', ...scope, ...jwt, '--gateway', gateway, '--lease-namespace', leaseNamespace, '--health-address', 'none', '--log-format', 'json'], {
    env: { ...env, KUBECONFIG: kubeconfig, PATH: `${join(root, 'bin')}:${process.env.PATH}`, API_CONNECT_TIMEOUT: '5' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  operator.stdout!.on('data', (d) => (output += d));
  operator.stderr!.on('data', (d) => (output += d));

  // Leader election with the Role's Lease rights.
  await waitFor('leadership', async () => output.includes('"msg":"became leader"'), 30_000);
  // Routing, status, ServiceMonitor, Component roll-up, readiness, Events.
  await waitFor('both APIs routed with URLs', async () => {
    const [a, m] = await Promise.all([getApi(client, ns, 'api'), getApi(client, ns, 'metrics')]);
    return !!a.status?.apiStatus?.url && !!m.status?.apiStatus?.url;
  });
  await expect(client.get(`${serviceMonitors(ns)}/metrics`)).resolves.toBeDefined();
  await waitFor('the rate limit written at the gateway', () => client.get(filter).catch(() => undefined));
  await waitFor('the API key policy written at the gateway', () => client.get(keyPolicy).catch(() => undefined));
  await waitFor('the MCP API\'s DestinationRule written', () => client.get(rule).catch(() => undefined));
  const pod = await createPod(client, ns, { app: 'impl' });
  await setPodReady(client, ns, pod, true);
  await waitFor('ready rolled up into the Component', async () => {
    const c = await client.get<{ status: { coreAPIs: { ready?: boolean; url?: string }[] } }>(`${components(ns)}/comp`);
    return c.status.coreAPIs[0].ready === true && c.status.coreAPIs[0].url === `https://192.0.2.50/${ns}/api`;
  });
  const events = await client.get<{ items: { source?: { component?: string } }[] }>(`/api/v1/namespaces/${ns}/events`);
  expect(events.items.some((e) => e.source?.component === FIELD_MANAGER)).toBe(true);

  expect(output).not.toMatch(/forbidden/i);
  operator.kill('SIGTERM');
  await new Promise((r) => operator!.once('exit', r));
  expect(output).toContain('"msg":"stopped"');

  // Switching to pod annotations, as the same ServiceAccount: the ServiceMonitor is pruned,
  // the pod annotated, the finalizer added; deleting the API takes the annotations off.
  const reconcile = ['reconcile', ...scope, ...jwt, '--gateway', gateway, '--metrics-mode', 'PrometheusAnnotation'];
  const annotate = await kubectlOdaApi(reconcile, { KUBECONFIG: kubeconfig });
  expect({ code: annotate.code, stderr: annotate.stderr, stdout: annotate.stdout }).toMatchObject({ code: 0, stderr: '' });
  const annotations = async () => (await client.get<{ metadata: { annotations?: Record<string, string> } }>(`/api/v1/namespaces/${ns}/pods/${pod}`)).metadata.annotations;
  expect((await annotations())?.['prometheus.io/scrape']).toBe('true');
  await expect(client.get(`${serviceMonitors(ns)}/metrics`)).rejects.toMatchObject({ status: 404 });
  // Run without API_CONNECT_TIMEOUT: the MCP API's DestinationRule is pruned.
  await expect(client.get(rule)).rejects.toMatchObject({ status: 404 });
  await client.request('DELETE', `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis/tools`);
  await client.request('DELETE', `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis/metrics`);
  await client.request('DELETE', `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis/limited`);
  const cleanup = await kubectlOdaApi(reconcile, { KUBECONFIG: kubeconfig });
  expect({ code: cleanup.code, stderr: cleanup.stderr }).toEqual({ code: 0, stderr: '' });
  expect((await annotations())?.['prometheus.io/scrape']).toBeUndefined();
  await expect(getApi(client, ns, 'metrics')).rejects.toMatchObject({ status: 404 });
  // The rate-limited API's filter, deleted before its finalizer lets it go.
  await expect(client.get(filter)).rejects.toMatchObject({ status: 404 });
  await expect(client.get(keyPolicy)).rejects.toMatchObject({ status: 404 });
  await waitFor('the rate-limited API gone', () => getApi(client, ns, 'limited').then(() => false, () => true));
}

test('with a glob, the operator does everything with exactly the ClusterRole and Role of `manifests`', async () => {
  const ns = await newNamespace('t');
  // Matches this namespace only: its name ends in random hex.
  const glob = `${ns.slice(0, -1)}?`;
  const { gateway } = await createGateway(client, ns, { ip: '192.0.2.50' });
  const kubeconfig = await applyManifests({ namespace: ns, image: 'unused', replicas: 1, served: [glob], gateway });
  await convergesACanvas(ns, ['-n', glob], gateway, ns, kubeconfig);
}, 120_000);

test('with plain names, the operator does everything with the Roles of `manifests` and reads alone cluster-wide', async () => {
  // The operator, the components and the gateway each in a namespace of their own, as in a Canvas.
  const [operatorNs, comps, gatewayNs] = [await newNamespace('op'), await newNamespace('comps'), await newNamespace('gw')];
  const { gateway } = await createGateway(client, gatewayNs, { ip: '192.0.2.50' });
  const options: ManifestOptions = { namespace: operatorNs, image: 'unused', replicas: 1, served: [comps], gateway };
  // Every write goes through a Role; cluster-wide only reads.
  const clusterRole = buildManifests(options).find((o) => o.kind === 'ClusterRole') as { rules: { verbs: string[] }[] };
  expect(new Set(clusterRole.rules.flatMap((r) => r.verbs))).toEqual(new Set(['get', 'list', 'watch']));
  const kubeconfig = await applyManifests(options);
  await convergesACanvas(comps, ['-n', comps], gateway, operatorNs, kubeconfig);
}, 120_000);

test('with the httproute router and plain names, the operator routes, attaches policies to the Gateway and cleans up with the Roles of `manifests`', async () => {
  const [operatorNs, comps, gatewayNs] = [await newNamespace('op'), await newNamespace('comps'), await newNamespace('gw')];
  const { gateway } = await createGateway(client, gatewayNs, { ip: '192.0.2.51' });
  await createGatewayApiGateway(client, gatewayNs, '198.51.100.51');
  const kubeconfig = await applyManifests({ namespace: operatorNs, image: 'unused', replicas: 1, served: [comps], gateway, router: 'httproute' });
  await createService(client, comps, { name: 'impl' });
  await createApi(client, comps, 'limited', { rateLimit: { enabled: true, limit: '5' }, apiKeyVerification: { enabled: true } });

  let output = '';
  const { NODE_ENV: _jest, ...env } = process.env;
  const jwt = ['--jwt-issuer', 'https://idp.example', '--jwks-uri', 'https://idp.example/certs'];
  operator = spawn('kubectl', ['oda-api', 'watch', '-n', comps, ...jwt, '--gateway', gateway, '--router', 'httproute', '--lease-namespace', operatorNs, '--health-address', 'none', '--log-format', 'json'], {
    env: { ...env, KUBECONFIG: kubeconfig, PATH: `${join(root, 'bin')}:${process.env.PATH}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  operator.stdout!.on('data', (d) => (output += d));
  operator.stderr!.on('data', (d) => (output += d));

  await waitFor('the HTTPRoute', () => client.get(`${httpRoutes(comps)}/limited`).catch(() => undefined), 30_000);
  await acceptRoute(client, comps, 'limited');
  await waitFor('the API routed with the Gateway address', async () => (await getApi(client, comps, 'limited')).status?.apiStatus?.url === `https://198.51.100.51:8080/${comps}/limited`, 30_000);
  const filter = `/apis/networking.istio.io/v1alpha3/namespaces/${gatewayNs}/envoyfilters/oda-api-${comps}-limited`;
  const keyPolicy = `/apis/security.istio.io/v1/namespaces/${gatewayNs}/authorizationpolicies/oda-api-${comps}-limited`;
  const written = await waitFor('the rate limit attached to the Gateway', () => client.get<{ spec: Record<string, unknown> }>(filter).catch(() => undefined), 30_000);
  expect(written.spec.targetRefs).toEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'gw' }]);
  await waitFor('the API key policy attached to the Gateway', () => client.get(keyPolicy).catch(() => undefined), 30_000);

  await client.request('DELETE', `/apis/oda.tmforum.org/v1/namespaces/${comps}/exposedapis/limited`);
  await waitFor('the API gone, its gateway children first', () => getApi(client, comps, 'limited').then(() => false, () => true), 30_000);
  await expect(client.get(filter)).rejects.toMatchObject({ status: 404 });
  await expect(client.get(keyPolicy)).rejects.toMatchObject({ status: 404 });
  expect(output).not.toMatch(/forbidden/i);
  operator.kill('SIGTERM');
  await new Promise((r) => operator!.once('exit', r));
  expect(output).toContain('"msg":"stopped"');
}, 120_000);
