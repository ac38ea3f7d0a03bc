// The floor: the least any operator could do. It is told by the harness what changed
// (no watches, no caches, no reads) and makes only the writes an API needs: server-side
// apply of its VirtualService (the shape ours writes) and a merge patch of its status,
// as fast as the API server takes them, with the harness's parallelism. Writes for one
// API stay in order, so a path change never lands before the create it follows.
import { KubeClient } from '../../dist/kube/client.js';
import { GATEWAY, GATEWAY_IP } from '../canvas.mjs';
import { apiUrl } from '../workload.mjs';

const FIELD_MANAGER = 'oda-api-bench-floor';
const MERGE = 'application/merge-patch+json';

export function floorDriver({ canvas, parallel }) {
  const client = KubeClient.load({ kubeconfig: canvas.operatorKubeconfig }); // counted as the operator's
  const { caps } = canvas;
  let running = 0;
  const waiting = [];
  const chains = new Map(); // API name -> its last queued write
  let fail;
  const failure = new Promise((_, reject) => (fail = reject)); // the first failed write
  failure.catch(() => {});

  const slot = async (fn) => {
    if (running < parallel) running++;
    else await new Promise((r) => waiting.push(r)); // a finished write hands its slot over
    try {
      await fn();
    } catch (err) {
      // An API deleted meanwhile needs nothing more.
      if (err.status !== 404) fail(new Error(`the floor failed a write: ${err.message}`));
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
  const queue = (name, fn) => {
    const next = (chains.get(name) ?? Promise.resolve()).then(() => slot(fn));
    chains.set(name, next);
    next.then(() => chains.get(name) === next && chains.delete(name));
  };

  const statusPath = (api) =>
    `/apis/oda.tmforum.org/v1/namespaces/${api.metadata.namespace}/exposedapis/${api.metadata.name}${caps.exposedApiStatusSubresource ? '/status' : ''}`;
  const patchStatus = (api, status) => client.request('PATCH', statusPath(api), { contentType: MERGE, body: { status } });

  async function route(api, ready) {
    const { namespace, name, uid } = api.metadata;
    const { path, port, implementation } = api.spec;
    const vs = await client.apply(
      `/apis/${caps.virtualServiceApiVersion}/namespaces/${namespace}/virtualservices/${name}`,
      {
        apiVersion: caps.virtualServiceApiVersion,
        kind: 'VirtualService',
        metadata: { name, namespace, labels: api.metadata.labels, ownerReferences: [{ apiVersion: api.apiVersion, kind: api.kind, name, uid, controller: true, blockOwnerDeletion: true }] },
        spec: { hosts: ['*'], gateways: [GATEWAY], http: [{ match: [{ uri: { prefix: path } }], route: [{ destination: { host: implementation, port: { number: port } } }] }] },
      },
      FIELD_MANAGER,
    );
    const apiStatus = { name, uid: vs.metadata.uid, path, port, implementation, url: apiUrl(path), ip: GATEWAY_IP };
    await patchStatus(api, { apiStatus, implementation: { ready } });
  }

  return {
    async start(_ns, existing = []) {
      for (const api of existing) queue(api.metadata.name, () => route(api, true));
    },
    failed: () => failure,
    created: (api, ready) => queue(api.metadata.name, () => route(api, ready)),
    updated: (api, ready) => queue(api.metadata.name, () => route(api, ready)),
    readiness: (api, ready) => queue(api.metadata.name, () => patchStatus(api, { implementation: { ready } })),
    async settle() {
      while (chains.size) await Promise.race([Promise.all(chains.values()), failure]);
    },
    figures: () => undefined,
  };
}
