import type { KubeObject } from '../reconcile/types.js';
import { ApiError } from './client.js';
import { MemoryCluster } from './memory-cluster.js';
import { COMPONENT, EXPOSED_API, virtualServiceResource } from './resources.js';
import { newStores } from './view.js';

const vs = (hosts: string[]): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name: 'a', namespace: 'ns' },
  spec: { hosts },
});
const api = { apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', metadata: { name: 'a', namespace: 'ns', generation: 1, resourceVersion: '7' }, spec: {} };
const apiRef = { resource: EXPOSED_API, namespace: 'ns', name: 'a' };

test('a created object gets a uid, a creation time and generation 1, and lands in its store', async () => {
  const cluster = new MemoryCluster(newStores());
  const created = await cluster.apply(vs(['x']));
  expect(created.metadata).toMatchObject({ uid: expect.stringMatching(/^uid-/), generation: 1, creationTimestamp: expect.stringMatching(/Z$/) });
  expect(cluster.stores.virtualServices.get('ns', 'a')).toEqual(created);
});

test('an update keeps the uid, takes a new resourceVersion, and a new generation only when more than metadata changed', async () => {
  const cluster = new MemoryCluster(newStores());
  const created = await cluster.apply(vs(['x']));
  const same = await cluster.apply(vs(['x']));
  expect(same.metadata).toMatchObject({ uid: created.metadata.uid, generation: 1 });
  expect(same.metadata.resourceVersion).not.toBe(created.metadata.resourceVersion);
  expect((await cluster.apply(vs(['y']))).metadata.generation).toBe(2);
});

test('a status write bumps the generation on the main resource, not through /status; metadata never does', async () => {
  const stores = newStores();
  stores.exposedApis.upsert(api);
  const cluster = new MemoryCluster(stores);
  expect((await cluster.mergePatch(apiRef, { status: { a: 1 } })).metadata.generation).toBe(2);
  expect((await cluster.mergePatch({ ...apiRef, status: true }, { status: { a: 2 } })).metadata.generation).toBe(2);
  const finalized = await cluster.mergePatch(apiRef, { metadata: { finalizers: ['f'], resourceVersion: '7' } });
  expect(finalized.metadata).toMatchObject({ generation: 2, finalizers: ['f'] });
  expect(stores.exposedApis.get('ns', 'a')).toEqual(finalized);
});

test('it keeps a copy of what it is given: editing the applied object later does not change the cluster', async () => {
  const cluster = new MemoryCluster(newStores());
  const desired = vs(['x']);
  await cluster.apply(desired);
  (desired.spec as { hosts: string[] }).hosts.push('y');
  expect(cluster.stores.virtualServices.get('ns', 'a')!.spec).toEqual({ hosts: ['x'] });
});

test('patching an object that is not there is a 404, as on the API server; deleting one is not an error', async () => {
  const cluster = new MemoryCluster(newStores());
  await expect(cluster.jsonPatch({ resource: COMPONENT, namespace: 'ns', name: 'c' }, [])).rejects.toEqual(expect.any(ApiError));
  await expect(cluster.mergePatch(apiRef, {})).rejects.toMatchObject({ status: 404, path: '/apis/oda.tmforum.org/v1/namespaces/ns/exposedapis/a' });
  await expect(cluster.delete({ resource: virtualServiceResource('v1'), namespace: 'ns', name: 'a' })).resolves.toBeUndefined();
});
