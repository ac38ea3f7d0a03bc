// Restarting the API server on the same etcd data, on a control plane of this file's own
// (so other test files sharing the run's cluster are not disturbed).
import type { KubeClient } from '../../src/kube/client.js';
import { createNamespace, usePrivateControlPlane, waitFor } from '../support/cluster.js';

const privateCp = usePrivateControlPlane();
let client: KubeClient;
let ns: string;

beforeAll(async () => {
  client = privateCp().client;
  ns = await createNamespace(client);
});

const api = (n: string) => `/apis/oda.tmforum.org/v1/namespaces/${n}/exposedapis`;
const exposedApi = (name: string) => ({
  apiVersion: 'oda.tmforum.org/v1',
  kind: 'ExposedAPI',
  metadata: { name },
  spec: { name, apiType: 'openapi', implementation: 'svc', path: `/${name}`, port: 8080 },
});

interface Seen {
  type: string;
  name: string;
  rv: string;
}

test('watches survive an API server restart: resume from the last resourceVersion, relist on 410', async () => {
  const seen: Seen[] = [];
  const errors: { code?: number }[] = [];
  const onEvent = (type: string, obj: Record<string, unknown>) =>
    type === 'ERROR' ? errors.push(obj as { code?: number }) : seen.push({ type, name: (obj.metadata as { name: string }).name, rv: (obj.metadata as { resourceVersion: string }).resourceVersion });
  const list = await client.get<{ metadata: { resourceVersion: string } }>(api(ns));
  let closed = false;
  const first = await client.watch(api(ns), { resourceVersion: list.metadata.resourceVersion }, onEvent, () => (closed = true));
  await client.request('POST', api(ns), { body: exposedApi('before') });
  await waitFor('the first event', async () => seen.length === 1);

  await privateCp().restartApiServer();
  await waitFor('the watch to be closed by the restart', async () => closed, 30_000);
  first.abort();

  // Written after the restart, before anyone watches again: only a resumed watch sees it.
  await client.request('POST', api(ns), { body: exposedApi('after') });
  const resumed = await client.watch(api(ns), { resourceVersion: seen[0].rv }, onEvent, () => {});
  try {
    // A restarted API server's watch cache starts at the current revision, so an older
    // resourceVersion is answered with 410 Gone (as in a real cluster), or served if the
    // cache still holds it. Either way a client that relists on 410 loses nothing.
    await waitFor('the missed event or a 410', async () => seen.length === 2 || errors.length > 0);
    if (errors.length > 0) {
      expect(errors[0].code).toBe(410);
      const relist = await client.get<{ items: { metadata: { name: string } }[]; metadata: { resourceVersion: string } }>(api(ns));
      expect(relist.items.map((i) => i.metadata.name).sort()).toEqual(['after', 'before']);
      const fresh = await client.watch(api(ns), { resourceVersion: relist.metadata.resourceVersion }, onEvent, () => {});
      await client.request('POST', api(ns), { body: exposedApi('later') });
      await waitFor('an event on the watch started after the relist', async () => seen.some((e) => e.name === 'later'));
      fresh.abort();
    } else {
      expect(seen.map((e) => [e.type, e.name])).toEqual([
        ['ADDED', 'before'],
        ['ADDED', 'after'],
      ]);
    }
  } finally {
    resumed.abort();
  }
}, 120_000);
