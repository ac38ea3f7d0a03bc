// The chart installed and upgraded by a real helm into the control plane, side by side in a
// Canvas the Python operator served until now (docs/migration.md): the Canvas's component-gateway
// and the Python operator's VirtualServices are adopted in place (same uid: no traffic gap), and the
// operator, run as the installed Deployment would run it (its ServiceAccount's token, its env and
// args), converges the Canvas. Pods cannot start here (no kubelet), so the test starts the container.
import type { V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { createServer } from 'node:net';
import type { KubeClient } from '../../src/kube/client.js';
import { adminClient, createNamespace, createPod, createService, deleteNamespace, setPodReady, uniqueName, waitFor } from '../support/cluster.js';
import { components, createApi, getApi, getVs, virtualServices } from '../support/canvas.js';
import { chartDir, helm, removeUnpackedImage, startContainer, type Container } from '../support/helm.js';

const gatewayPath = (ns: string) => `/apis/networking.istio.io/v1/namespaces/${ns}/gateways/component-gateway`;
const IP = '192.0.2.77';

let client: KubeClient;
let canvas: string; // the release namespace, where the Canvas runs its operator
let comps: string; // a component namespace
const release = uniqueName('oda-api');
const running: Container[] = [];

/** A free local port for the health endpoints (tests run in parallel). */
const freePort = () =>
  new Promise<number>((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });

beforeAll(async () => {
  client = adminClient();
  canvas = await createNamespace(client, 'canvas');
  comps = await createNamespace(client, 'comps');
});
afterAll(async () => {
  for (const c of running) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  if (canvas) await helm(['uninstall', release, '--namespace', canvas, '--ignore-not-found']);
  for (const ns of [canvas, comps]) if (ns) await deleteNamespace(client, ns);
  removeUnpackedImage();
});

async function leftByTheCanvas() {
  // The Canvas chart's Gateway, marked for adoption by this release as docs/migration.md says.
  const gateway = await client.request<{ metadata: { uid: string } }>('POST', `/apis/networking.istio.io/v1/namespaces/${canvas}/gateways`, {
    query: { fieldManager: 'helm' },
    body: {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: {
        name: 'component-gateway',
        labels: { 'app.kubernetes.io/managed-by': 'Helm' },
        annotations: { 'meta.helm.sh/release-name': release, 'meta.helm.sh/release-namespace': canvas },
      },
      spec: { selector: { istio: `ingress-${canvas}` }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
    },
  });
  // Its ingress gateway Service, with the address the cloud load balancer gave it.
  const selector = { istio: `ingress-${canvas}` };
  await client.request('POST', `/api/v1/namespaces/${canvas}/services`, {
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istio-ingress', labels: selector },
      spec: { type: 'LoadBalancer', selector, ports: [{ name: 'http2', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 8443 }] },
    },
  });
  await client.request('PATCH', `/api/v1/namespaces/${canvas}/services/istio-ingress/status`, {
    contentType: 'application/merge-patch+json',
    body: { status: { loadBalancer: { ingress: [{ ip: IP }] } } },
  });

  // A component with one API, routed by the Python operator: its VirtualService (v1alpha3, its own field manager).
  await createService(client, comps, { name: 'impl' });
  const component = await client.request<{ metadata: { uid: string } }>('POST', components(comps), {
    body: { apiVersion: 'oda.tmforum.org/v1', kind: 'Component', metadata: { name: 'comp' }, spec: {} },
  });
  const owner = { ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: 'comp', uid: component.metadata.uid }] };
  const api = await createApi(client, comps, 'api', {}, owner);
  await client.request('PATCH', `${components(comps)}/comp`, {
    contentType: 'application/merge-patch+json',
    body: { status: { coreAPIs: [{ name: 'api', uid: api.metadata.uid }] } },
  });
  const vs = await client.request<{ metadata: { uid: string } }>('POST', `/apis/networking.istio.io/v1alpha3/namespaces/${comps}/virtualservices`, {
    query: { fieldManager: 'kopf' },
    body: {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'VirtualService',
      metadata: {
        name: 'api',
        ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', name: 'api', uid: api.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: { hosts: ['*'], gateways: ['component-gateway'], http: [{ match: [{ uri: { prefix: `/${comps}/api` } }], route: [{ destination: { host: 'impl', port: { number: 8080 } } }] }] },
    },
  });
  return { gatewayUid: gateway.metadata.uid, vsUid: vs.metadata.uid };
}

const getDeployment = () => client.get<V1Deployment>(`/apis/apps/v1/namespaces/${canvas}/deployments/oda-api-operator`);
const coreApi = async () =>
  (await client.get<{ status: { coreAPIs: { ready?: boolean; url?: string }[] } }>(`${components(comps)}/comp`)).status.coreAPIs[0];

async function start(podName: string): Promise<Container> {
  const container = await startContainer(client, await getDeployment(), podName);
  // CI passes the image it built: then the rendered command must run from it.
  expect(container.fromImage).toBe(process.env.ODA_API_TEST_IMAGE !== undefined);
  running.push(container);
  return container;
}

async function stop(container: Container): Promise<void> {
  container.child.kill('SIGTERM');
  expect(await container.exited).toBe(0);
}

test('helm install beside a Canvas\'s Python operator adopts its objects in place and converges; helm upgrade rolls new settings', async () => {
  const { gatewayUid, vsUid } = await leftByTheCanvas();
  const port = await freePort();
  const install = await helm([
    'install', release, chartDir, '--namespace', canvas,
    '--set', `deployment.monitoredNamespaces=${comps}`,
    '--set', `configmap.componentGateway=${canvas}/component-gateway`,
    '--set', `gatewaySelector.istio=ingress-${canvas}`,
    '--set', `healthPort=${port}`,
  ]);
  expect({ code: install.code, stderr: install.stderr }).toEqual({ code: 0, stderr: '' });

  // The Canvas's Gateway is the chart's now: same object, the chart's spec.
  const gateway = await client.get<{ metadata: { uid: string }; spec: { servers: { port: { number: number } }[] } }>(gatewayPath(canvas));
  expect(gateway.metadata.uid).toBe(gatewayUid);
  expect(gateway.spec.servers.map((s) => s.port.number)).toEqual([80, 443]);

  // One replica of the installed Deployment, as its pod would run: leader through the Role's Lease rights.
  const first = await start(`oda-api-operator-${uniqueName('a')}`);
  await waitFor('leadership', async () => first.output().includes(`"lease":"${canvas}/oda-api-operator"`), 30_000);
  const probes = (await getDeployment()).spec!.template.spec!.containers[0];
  await waitFor('ready', async () => (await fetch(`http://127.0.0.1:${port}${probes.readinessProbe!.httpGet!.path}`)).status === 200, 30_000);
  expect((await fetch(`http://127.0.0.1:${port}${probes.livenessProbe!.httpGet!.path}`)).status).toBe(200);

  // The Python operator's VirtualService, adopted in place: same uid, this operator's spec.
  await waitFor('the API routed with its URL', async () => (await getApi(client, comps, 'api')).status?.apiStatus?.url === `https://${IP}/${comps}/api`);
  const adopted = await getVs(client, comps, 'api');
  expect(adopted.metadata.uid).toBe(vsUid);
  expect(adopted.spec.gateways).toEqual([`${canvas}/component-gateway`]);
  const pod = await createPod(client, comps, { app: 'impl' });
  await setPodReady(client, comps, pod, true);
  await waitFor('ready rolled up into the Component', async () => {
    const entry = await coreApi();
    return entry.ready === true && entry.url === `https://${IP}/${comps}/api`;
  });
  await stop(first);

  // helm upgrade with a new setting: the ConfigMap changes, the pods roll (checksum), the new pod uses it.
  const before = (await getDeployment()).spec!.template.metadata!.annotations!['checksum/config'];
  const upgrade = await helm(['upgrade', release, chartDir, '--namespace', canvas, '--reuse-values', '--set', 'configmap.publicHostname=apis.example.org']);
  expect({ code: upgrade.code, stderr: upgrade.stderr }).toEqual({ code: 0, stderr: '' });
  const config = await client.get<V1ConfigMap>(`/api/v1/namespaces/${canvas}/configmaps/oda-api-operator-config`);
  expect(config.data!.APIOPERATORISTIO_PUBLICHOSTNAME).toBe('apis.example.org');
  expect((await getDeployment()).spec!.template.metadata!.annotations!['checksum/config']).not.toBe(before);

  const second = await start(`oda-api-operator-${uniqueName('b')}`);
  await waitFor('the URL on the public hostname', async () => (await coreApi()).url === `https://apis.example.org/${comps}/api`, 30_000);
  const updated = await client.get<{ metadata: { uid: string }; spec: { hosts: string[] } }>(`${virtualServices(comps)}/api`);
  expect(updated.metadata.uid).toBe(vsUid);
  expect(updated.spec.hosts).toEqual(['apis.example.org']);
  await stop(second);
  expect(first.output() + second.output()).not.toMatch(/forbidden/i);

  // Uninstalling keeps the Gateway every route goes through.
  const uninstall = await helm(['uninstall', release, '--namespace', canvas]);
  expect(uninstall.code).toBe(0);
  expect((await client.get<{ metadata: { uid: string } }>(gatewayPath(canvas))).metadata.uid).toBe(gatewayUid);
  await expect(getDeployment()).rejects.toMatchObject({ status: 404 });
}, 120_000);
