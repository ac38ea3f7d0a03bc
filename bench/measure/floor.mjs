// The floor: the least any operator could do. It is told by the harness what changed
// (no watches, no caches, no reads) and makes only the writes an API needs, as fast as
// the API server takes them, with the harness's parallelism. Writes for one API stay in
// order, so a path change never lands before the create it follows.
//
// Two contracts, both measured in every run:
// - `full` (the fair floor): what the Canvas contract needs of an API: server-side apply
//   of its VirtualService (the shape ours writes), of its ServiceMonitor for a metrics API,
//   a merge patch of its status, and its entry in the Component's status (url and ready,
//   a JSON patch guarded by the entry's uid, as ours writes it).
// - `routing` (the 2-write floor of earlier reports): the VirtualService and the status only.
import { KubeClient } from '../../dist/kube/client.js';
import { GATEWAY, GATEWAY_IP } from '../canvas.mjs';
import { apiUrl } from '../workload.mjs';

const FIELD_MANAGER = 'oda-api-bench-floor';
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
export const CONTRACTS = ['full', 'routing'];

export function floorDriver({ canvas, parallel, contract = 'full' }) {
  if (!CONTRACTS.includes(contract)) throw new Error(`floor contract must be one of ${CONTRACTS.join(', ')}, not "${contract}"`);
  const full = contract === 'full';
  const client = KubeClient.load({ kubeconfig: canvas.operatorKubeconfig }); // counted as the operator's
  const { caps } = canvas;
  let running = 0;
  const waiting = [];
  const chains = new Map(); // API name -> its last queued write
  const entries = new Map(); // API name -> where the harness listed it in its Component
  const readiness = new Map(); // API name -> the readiness it was last told
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
      if (err.status !== 404) fail(new Error(`the floor (${contract}) failed a write: ${err.message}`));
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

  const apiPath = (api) => `/apis/oda.tmforum.org/v1/namespaces/${api.metadata.namespace}/exposedapis/${api.metadata.name}`;
  const patchStatus = (api, status) =>
    client.request('PATCH', apiPath(api) + (caps.exposedApiStatusSubresource ? '/status' : ''), { contentType: MERGE, body: { status } });

  const childMetadata = (api) => {
    const { namespace, name, uid, labels } = api.metadata;
    return { name, namespace, labels, ownerReferences: [{ apiVersion: api.apiVersion, kind: api.kind, name, uid, controller: true, blockOwnerDeletion: true }] };
  };
  const applyVirtualService = (api) => {
    const { namespace, name } = api.metadata;
    const { path, port, implementation } = api.spec;
    return client.apply(
      `/apis/${caps.virtualServiceApiVersion}/namespaces/${namespace}/virtualservices/${name}`,
      {
        apiVersion: caps.virtualServiceApiVersion,
        kind: 'VirtualService',
        metadata: childMetadata(api),
        spec: { hosts: ['*'], gateways: [GATEWAY], http: [{ match: [{ uri: { prefix: path } }], route: [{ destination: { host: implementation, port: { number: port } } }] }] },
      },
      FIELD_MANAGER,
    );
  };
  /** The workload's Services are labelled { name } and serve the port named http. */
  const applyServiceMonitor = (api) =>
    client.apply(
      `/apis/monitoring.coreos.com/v1/namespaces/${api.metadata.namespace}/servicemonitors/${api.metadata.name}`,
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: childMetadata(api),
        spec: { selector: { matchLabels: { name: api.spec.implementation } }, endpoints: [{ port: 'http', path: api.spec.path, interval: '15s', scheme: 'http' }] },
      },
      FIELD_MANAGER,
    );
  const patchEntry = (api, entry) => {
    const base = `/status/${entry.list}/${entry.index}`;
    const ops = [
      { op: 'test', path: `${base}/uid`, value: api.metadata.uid },
      { op: 'add', path: `${base}/url`, value: apiUrl(api.spec.path) },
      { op: 'add', path: `${base}/ready`, value: readiness.get(api.metadata.name) ?? false },
    ];
    const path = `/apis/oda.tmforum.org/v1/namespaces/${api.metadata.namespace}/components/${entry.component}${caps.componentStatusSubresource ? '/status' : ''}`;
    return client.request('PATCH', path, { contentType: JSON_PATCH, body: ops });
  };

  /** `entry`: where the API is listed in its Component, when known as the write is queued. */
  async function route(api, entry) {
    const { name } = api.metadata;
    const { path, port, implementation } = api.spec;
    const vs = await applyVirtualService(api);
    if (full && api.spec.apiType === 'prometheus') await applyServiceMonitor(api);
    const apiStatus = { name, uid: vs.metadata.uid, path, port, implementation, url: apiUrl(path), ip: GATEWAY_IP };
    await patchStatus(api, { apiStatus, implementation: { ready: readiness.get(name) } });
    if (full && entry) await patchEntry(api, entry);
  }
  const told = (api, ready) => {
    readiness.set(api.metadata.name, ready);
    const entry = entries.get(api.metadata.name); // now: an entry listed later gets its own patch from listed()
    queue(api.metadata.name, () => route(api, entry));
  };

  return {
    contract,
    async start(_ns, existing = []) {
      for (const api of existing) told(api, true);
    },
    failed: () => failure,
    created: told,
    updated: told,
    /** The harness listed the API in its Component (as the Component operator does): its entry gets the url and readiness. */
    listed(api, entry) {
      entries.set(api.metadata.name, entry);
      if (full) queue(api.metadata.name, () => patchEntry(api, entry));
    },
    readiness(api, ready) {
      readiness.set(api.metadata.name, ready);
      const entry = entries.get(api.metadata.name);
      queue(api.metadata.name, async () => {
        await patchStatus(api, { implementation: { ready } });
        if (full && entry) await patchEntry(api, entry);
      });
    },
    async settle() {
      while (chains.size) await Promise.race([Promise.all(chains.values()), failure]);
    },
    figures: () => undefined,
  };
}
