// The objects every scenario works on: ExposedAPIs in one namespace, each with what a
// Canvas Component brings along: a Service, a pod behind it, and a Component per three
// APIs (core, management and metrics). The harness plays the kubelet (it makes pods ready)
// and the Component operator (it lists each new API in its Component's status).
import { GATEWAY_IP, pool, sleep } from './canvas.mjs';

export { sleep };

export const NODE = 'bench-node';
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

/** Which API of its Component the i-th API is. */
const ROLES = [
  { suffix: 'core', apiType: 'openapi', segment: 'coreFunction', list: 'coreAPIs' },
  { suffix: 'mgmt', apiType: 'openapi', segment: 'managementFunction', list: 'managementAPIs' },
  { suffix: 'metrics', apiType: 'prometheus', segment: 'managementFunction', list: 'managementAPIs' },
];

export const apiUrl = (path) => `https://${GATEWAY_IP}${path}`;

export class Workload {
  constructor(canvas, namespace, parallel) {
    this.client = canvas.client;
    this.caps = canvas.caps;
    this.ns = namespace;
    this.parallel = parallel;
    this.components = new Map(); // component index -> Promise of its uid
    this.apis = new Map(); // API name -> the ExposedAPI as last written by the harness
    this.ready = new Map(); // API name -> whether its pod is ready
    this.ips = new Map(); // pod name -> its IP
  }

  path(kind, name = '', sub = '') {
    const base = { pods: '/api/v1', services: '/api/v1', exposedapis: '/apis/oda.tmforum.org/v1', components: '/apis/oda.tmforum.org/v1' }[kind];
    return `${base}/namespaces/${this.ns}/${kind}${name ? `/${name}` : ''}${sub ? `/${sub}` : ''}`;
  }

  static nameOf(i) {
    return `comp-${Math.floor(i / 3)}-${ROLES[i % 3].suffix}`;
  }

  /** The namespace, the Node, and the companions of APIs 0..n-1, with every endpoint ready. */
  async prepare(n) {
    await this.client.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.ns } } });
    await this.client.request('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } } }).catch((err) => {
      if (err.status !== 409) throw err;
    });
    await pool(range(n), this.parallel, (i) => this.addCompanions(i));
    await this.endpointsReady(n);
  }

  /** Service, ready pod and (for the first API of three) Component of the i-th API. */
  async addCompanions(i) {
    const name = Workload.nameOf(i);
    await this.component(Math.floor(i / 3));
    await this.client.request('POST', this.path('services'), {
      body: { apiVersion: 'v1', kind: 'Service', metadata: { name, labels: { name } }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 8080 }] } },
    });
    await this.client.request('POST', this.path('pods'), {
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec: { nodeName: NODE, containers: [{ name: 'app', image: 'example.invalid/app:1' }] } },
    });
    await this.setReady(name, true);
  }

  component(index) {
    if (!this.components.has(index)) this.components.set(index, this.createComponent(`comp-${index}`));
    return this.components.get(index);
  }

  async createComponent(name) {
    const status = { coreAPIs: [], managementAPIs: [], securityAPIs: [] };
    const body = { apiVersion: 'oda.tmforum.org/v1', kind: 'Component', metadata: { name }, spec: {}, status };
    const created = await this.client.request('POST', this.path('components'), { body });
    if (this.caps.componentStatusSubresource) {
      await this.client.request('PATCH', this.path('components', name, 'status'), { contentType: MERGE, body: { status } });
    }
    return created.metadata.uid;
  }

  /** Plays the kubelet: the pod Running with its IP, Ready or not. */
  async setReady(name, ready) {
    if (!this.ips.has(name)) this.ips.set(name, ipNumber(this.ips.size + 1));
    const ip = this.ips.get(name);
    const status = ready ? 'True' : 'False';
    await this.client.request('PATCH', this.path('pods', name, 'status'), {
      contentType: MERGE,
      body: { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status }, { type: 'ContainersReady', status }] } },
    });
    this.ready.set(name, ready);
  }

  /** Waits until the endpoint-slice controller has caught up, so readiness is not its lag. */
  async endpointsReady(n, timeoutMs = 60_000 + n * 100) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const slices = await this.client.get(`/apis/discovery.k8s.io/v1/namespaces/${this.ns}/endpointslices`);
      const ready = new Set(slices.items.filter((s) => s.endpoints?.some((e) => e.conditions?.ready !== false)).map((s) => s.metadata.labels?.['kubernetes.io/service-name']));
      if (ready.size >= n) return;
      if (Date.now() > deadline) throw new Error(`only ${ready.size} of ${n} Services got a ready endpoint in ${timeoutMs / 1000}s`);
      await sleep(500);
    }
  }

  pathOf(i) {
    return `/${this.ns}/${Workload.nameOf(i)}`;
  }

  /** Creates the i-th ExposedAPI, owned by its Component. */
  async createApi(i) {
    const name = Workload.nameOf(i);
    const role = ROLES[i % 3];
    const component = `comp-${Math.floor(i / 3)}`;
    const uid = await this.component(Math.floor(i / 3));
    const api = await this.client.request('POST', this.path('exposedapis'), {
      body: {
        apiVersion: 'oda.tmforum.org/v1',
        kind: 'ExposedAPI',
        metadata: { name, labels: { 'oda.tmforum.org/componentName': component }, ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: component, uid }] },
        spec: { name: `${component}-${role.suffix}`, apiType: role.apiType, segment: role.segment, implementation: name, path: this.pathOf(i), port: 8080 },
      },
    });
    this.apis.set(name, api);
    return api;
  }

  /** Plays the Component operator: lists the new API in its Component's status; returns where (entries never move). */
  async listInComponent(i, api) {
    const role = ROLES[i % 3];
    const component = `comp-${Math.floor(i / 3)}`;
    const updated = await this.client.request('PATCH', this.path('components', component, this.caps.componentStatusSubresource ? 'status' : ''), {
      contentType: JSON_PATCH,
      body: [{ op: 'add', path: `/status/${role.list}/-`, value: { name: api.metadata.name, uid: api.metadata.uid } }],
    });
    const index = updated.status[role.list].findIndex((e) => e.uid === api.metadata.uid);
    return { component, list: role.list, index };
  }

  /** Another path for the API, and back again on the next change: its route and URL must follow. */
  nextPath(name) {
    const current = this.apis.get(name).spec.path;
    return current.endsWith('/v2') ? current.slice(0, -3) : `${current}/v2`;
  }

  async setPath(name, path) {
    const api = await this.client.request('PATCH', this.path('exposedapis', name), { contentType: MERGE, body: { spec: { path } } });
    this.apis.set(name, api);
    return api;
  }

  async deleteApi(name) {
    const api = this.apis.get(name);
    this.apis.delete(name);
    await this.client.request('DELETE', this.path('exposedapis', name));
    return api;
  }
}

const ipNumber = (k) => `10.${64 + ((k >> 16) & 63)}.${(k >> 8) & 255}.${k & 255}`;
export const range = (n, from = 0) => Array.from({ length: n }, (_, i) => from + i);
