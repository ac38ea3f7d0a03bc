// The operator's API requests, counted by the API server itself, never by the operator.
//
// apiserver_request_total has no label for the client, and in the local control plane the
// harness, the controller manager and an operator run with the admin kubeconfig would all
// be one user. So the operator gets an identity of its own: the ServiceAccount
// oda-api-bench/operator (bound to cluster-admin, so any --operator-cmd has what it
// needs), with a token in a kubeconfig of its own. One API Priority and Fairness
// FlowSchema per verb and resource matches that ServiceAccount and nothing else, so the
// API server counts every request it makes, and only those, in
// apiserver_flowcontrol_dispatched_requests_total{flow_schema=...}. The FlowSchemas send
// the requests to the priority level `workload-low`, where a ServiceAccount's requests go
// without them, so the operator is served as in a real cluster. Watches are counted when
// they start; a server-side apply is a `patch`. The floor and the one-shot `reconcile`
// run with the same identity and are counted the same way.
import { writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { KubeClient } from '../../dist/kube/client.js';

const NAMESPACE = 'oda-api-bench';
const SERVICE_ACCOUNT = 'operator';
const PREFIX = 'oda-api-bench';
const READ_VERBS = ['get', 'list', 'watch'];
const WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection'];
/** Column names, as a person reads them. */
export const VERBS = ['GET', 'LIST', 'WATCH', 'CREATE', 'UPDATE', 'PATCH', 'DELETE', 'DELETECOLLECTION'];
/** Counted each; any other resource is counted as `other`, discovery and /version as `nonresource`. */
const RESOURCES = [
  'exposedapis', 'exposedapis/status', 'components', 'components/status', 'virtualservices', 'servicemonitors',
  'services', 'endpointslices', 'gateways', 'pods', 'events', 'leases', 'namespaces',
];

/** FlowSchema name -> `VERB resource`. */
const SCHEMAS = new Map();
for (const verb of [...READ_VERBS, ...WRITE_VERBS]) {
  for (const resource of [...RESOURCES, 'other']) SCHEMAS.set(`${PREFIX}.${verb}.${resource.replace('/', '-')}`, `${verb.toUpperCase()} ${resource}`);
}
SCHEMAS.set(`${PREFIX}.nonresource`, 'GET nonresource');

function flowSchema(name, key) {
  const subjects = [{ kind: 'ServiceAccount', serviceAccount: { namespace: NAMESPACE, name: SERVICE_ACCOUNT } }];
  const [verb, resource] = key.toLowerCase().split(' ');
  const rule =
    resource === 'nonresource'
      ? { subjects, nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }] }
      : { subjects, resourceRules: [{ verbs: [verb], apiGroups: ['*'], resources: [resource === 'other' ? '*' : resource], clusterScope: true, namespaces: ['*'] }] };
  return {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
    kind: 'FlowSchema',
    metadata: { name },
    // Below the mandatory exempt and probes schemas, above every default one; `other` after the named resources.
    spec: { priorityLevelConfiguration: { name: 'workload-low' }, matchingPrecedence: resource === 'other' ? 60 : 50, distinguisherMethod: { type: 'ByUser' }, rules: [rule] },
  };
}

/**
 * Creates the operator's ServiceAccount and FlowSchemas, writes its kubeconfig to `file`
 * and returns once the API server counts its requests.
 */
export async function operatorIdentity(client, file) {
  const post = (path, body) => client.request('POST', path, { body });
  await post('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  await post(`/api/v1/namespaces/${NAMESPACE}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SERVICE_ACCOUNT } });
  await post('/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: PREFIX },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'ServiceAccount', namespace: NAMESPACE, name: SERVICE_ACCOUNT }],
  });
  await Promise.all([...SCHEMAS].map(([name, key]) => post('/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas', flowSchema(name, key))));
  const token = await post(`/api/v1/namespaces/${NAMESPACE}/serviceaccounts/${SERVICE_ACCOUNT}/token`, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    spec: { expirationSeconds: 24 * 3600 },
  });
  const cluster = client.config.getCurrentCluster();
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'bench', cluster: { server: cluster.server, 'certificate-authority-data': cluster.caData } }],
    users: [{ name: SERVICE_ACCOUNT, user: { token: token.status.token } }],
    contexts: [{ name: 'bench', context: { cluster: 'bench', user: SERVICE_ACCOUNT, namespace: 'default' } }],
    'current-context': 'bench',
  };
  writeFileSync(file, JSON.stringify(kubeconfig, null, 2), { mode: 0o600 });
  await attributed(client, file);
}

/** Waits until a request made with the operator's kubeconfig shows up under its FlowSchema. */
async function attributed(client, file, timeoutMs = 30_000) {
  const operator = KubeClient.load({ kubeconfig: file });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const before = (await scrape(client)).get('GET namespaces') ?? 0;
    await operator.get(`/api/v1/namespaces/${NAMESPACE}`);
    if (((await scrape(client)).get('GET namespaces') ?? 0) > before) return;
    if (Date.now() > deadline) throw new Error(`the API server did not attribute the operator's requests to its FlowSchemas within ${timeoutMs / 1000}s`);
    await sleep(250);
  }
}

/** The operator's requests so far, by `VERB resource`. */
async function scrape(client) {
  const response = await client.request('GET', '/metrics');
  const text = typeof response === 'string' ? response : response.message;
  const counts = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_flowcontrol_dispatched_requests_total{')) continue;
    const key = SCHEMAS.get(line.match(/flow_schema="([^"]*)"/)?.[1]);
    if (key) counts.set(key, (counts.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
  }
  return counts;
}

/** A window over which the operator's requests are counted: open it at the start, close() it at the end. */
export async function openWindow(canvas) {
  await canvas.collectorReady;
  const before = await scrape(canvas.client);
  return {
    /** The operator's requests in the window: by verb, by `VERB resource`, the totals of reads and writes, and the writes that were Events. */
    async close() {
      const byKey = {};
      for (const [key, after] of await scrape(canvas.client)) {
        const n = after - (before.get(key) ?? 0);
        if (n > 0) byKey[key] = n;
      }
      const byVerb = Object.fromEntries(VERBS.map((v) => [v, 0]));
      for (const [key, n] of Object.entries(byKey)) byVerb[key.split(' ')[0]] += n;
      const sum = (verbs) => verbs.reduce((t, v) => t + byVerb[v.toUpperCase()], 0);
      const events = WRITE_VERBS.reduce((t, v) => t + (byKey[`${v.toUpperCase()} events`] ?? 0), 0);
      return { byVerb, byKey, reads: sum(READ_VERBS), writes: sum(WRITE_VERBS), events };
    },
  };
}
