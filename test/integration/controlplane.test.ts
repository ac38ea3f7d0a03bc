// Proves the local control plane is real: watches, garbage collection, the
// endpointslice controller, RBAC and API server restarts all behave as in a cluster.
import { ApiError, KubeClient } from '../../src/kube/client.js';
import {
  adminClient,
  createNamespace,
  createPod,
  createService,
  deleteNamespace,
  readyEndpoints,
  setPodReady,
  tokenClient,
  waitFor,
} from '../support/cluster.js';

const api = (ns: string) => `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis`;
const exposedApi = (name: string, path = '/x') => ({
  apiVersion: 'oda.tmforum.org/v1',
  kind: 'ExposedAPI',
  metadata: { name },
  spec: { name, apiType: 'openapi', implementation: 'svc', path, port: 8080 },
});

let client: KubeClient;
let ns: string;

beforeAll(async () => {
  client = adminClient();
});
beforeEach(async () => {
  ns = await createNamespace(client);
});
afterEach(async () => {
  await deleteNamespace(client, ns);
});

interface Seen {
  type: string;
  name: string;
  path?: string;
  rv: string;
}

function collect(into: Seen[]) {
  return (type: string, obj: Record<string, unknown>) => {
    const meta = obj.metadata as { name: string; resourceVersion: string };
    const spec = obj.spec as { path?: string } | undefined;
    into.push({ type, name: meta.name, path: spec?.path, rv: meta.resourceVersion });
  };
}

test('a watch on ExposedAPIs sees create, update and delete', async () => {
  const seen: Seen[] = [];
  const list = await client.get<{ metadata: { resourceVersion: string } }>(api(ns));
  const watch = await client.watch(api(ns), { resourceVersion: list.metadata.resourceVersion }, collect(seen), () => {});
  try {
    await client.request('POST', api(ns), { body: exposedApi('a1') });
    await client.request('PATCH', `${api(ns)}/a1`, { contentType: 'application/merge-patch+json', body: { spec: { path: '/y' } } });
    await client.request('DELETE', `${api(ns)}/a1`);
    await waitFor('three events', async () => seen.length >= 3);
    expect(seen.map((e) => [e.type, e.name, e.path])).toEqual([
      ['ADDED', 'a1', '/x'],
      ['MODIFIED', 'a1', '/y'],
      ['DELETED', 'a1', '/y'],
    ]);
  } finally {
    watch.abort();
  }
});

test('deleting an owner makes the garbage collector delete its owned child', async () => {
  const owner = await client.request<{ metadata: { uid: string } }>('POST', api(ns), { body: exposedApi('owner') });
  const vs = `/apis/networking.istio.io/v1/namespaces/${ns}/virtualservices`;
  await client.request('POST', vs, {
    body: {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: {
        name: 'owner',
        ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', name: 'owner', uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: { hosts: ['*'], gateways: ['component-gateway'], http: [{ route: [{ destination: { host: 'svc' } }] }] },
    },
  });
  await client.request('DELETE', `${api(ns)}/owner`);
  await waitFor(
    'the child VirtualService to be garbage collected',
    async () => client.get(`${vs}/owner`).then(() => false, (err) => err instanceof ApiError && err.status === 404),
    // The garbage collector discovers new CRDs on a 30s cycle.
    45_000,
  );
}, 60_000);

test('the endpointslice controller reports a pod ready, then not ready, as the test flips it', async () => {
  await createService(client, ns, { name: 'impl' });
  const pod = await createPod(client, ns, { app: 'impl' });
  await setPodReady(client, ns, pod, true);
  await waitFor('a ready endpoint', async () => (await readyEndpoints(client, ns, 'impl')).ready === 1);
  await setPodReady(client, ns, pod, false);
  await waitFor('the endpoint to turn not ready', async () => {
    const e = await readyEndpoints(client, ns, 'impl');
    return e.total === 1 && e.ready === 0;
  });
});

test('RBAC denies a ServiceAccount without permissions where the admin is allowed', async () => {
  await client.request('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'nobody' } } });
  const tokenRequest = await client.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${ns}/serviceaccounts/nobody/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
  });
  const nobody = tokenClient(tokenRequest.status.token);

  await expect(client.get(api(ns))).resolves.toHaveProperty('items');
  const denied = await nobody.get(api(ns)).catch((err) => err);
  expect(denied).toBeInstanceOf(ApiError);
  expect(denied.status).toBe(403);
  expect(denied.message).toContain('system:serviceaccount:' + ns + ':nobody');
});
