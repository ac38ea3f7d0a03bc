// Noise: objects the operator has no business with, as a cluster full of other workloads
// has them. Each unit is what one Deployment with one replica brings: a Service, its
// EndpointSlice and a running Pod, in namespaces out of the operator's scope. No
// controller runs them: the harness plays the kubelet (pod status) and the endpoint-slice
// controller (the Service has no selector, so the real one leaves its slice to us).
// While a scenario runs, a few units a second flip readiness (the pod and its slice), so
// the operator's watches see churn it must ignore.
import { pool, sleep } from './canvas.mjs';
import { NODE, range } from './workload.mjs';

const MERGE = 'application/merge-patch+json';
const UNITS_PER_NAMESPACE = 100;
export const NOISE_OBJECTS_PER_UNIT = 3;
export const NOISE_CHANGES_PER_SECOND = 5;

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const namespaceOf = (u) => `noise-${Math.floor(u / UNITS_PER_NAMESPACE)}`;
const nameOf = (u) => `app-${u % UNITS_PER_NAMESPACE}`;
const ipOf = (u) => `10.${128 + ((u >> 16) & 63)}.${(u >> 8) & 255}.${u & 255}`;

export class Noise {
  #changing;

  constructor(client, parallel) {
    this.client = client;
    this.parallel = parallel;
    this.units = 0;
    this.changes = 0;
  }

  /** Creates `units` units, `parallel` requests in flight; namespaces first. */
  async create(units) {
    this.units = units;
    await this.client.request('POST', '/api/v1/nodes', { body: { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } } }).catch((err) => {
      if (err.status !== 409) throw err;
    });
    const namespaces = [...new Set(range(units).map(namespaceOf))];
    await pool(namespaces, this.parallel, (name) => this.client.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } }));
    await pool(range(units), this.parallel, (u) => this.createUnit(u));
  }

  async createUnit(u) {
    const [ns, name] = [namespaceOf(u), nameOf(u)];
    const labels = { app: name };
    await this.client.request('POST', `/api/v1/namespaces/${ns}/services`, {
      body: { apiVersion: 'v1', kind: 'Service', metadata: { name, labels }, spec: { ports: [{ name: 'http', port: 8080 }] } },
    });
    await this.client.request('POST', `/api/v1/namespaces/${ns}/pods`, {
      body: { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { nodeName: NODE, containers: [{ name: 'app', image: 'example.invalid/app:1', ports: [{ containerPort: 8080 }] }] } },
    });
    await this.setPodReady(u, true);
    await this.client.request('POST', `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`, { body: this.slice(u, true) });
  }

  slice(u, ready) {
    const [ns, name] = [namespaceOf(u), nameOf(u)];
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name, labels: { [SERVICE_NAME_LABEL]: name, 'endpointslice.kubernetes.io/managed-by': 'oda-api-bench' } },
      addressType: 'IPv4',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      endpoints: [{ addresses: [ipOf(u)], conditions: { ready }, nodeName: NODE, targetRef: { kind: 'Pod', namespace: ns, name } }],
    };
  }

  setPodReady(u, ready) {
    const status = ready ? 'True' : 'False';
    const ip = ipOf(u);
    return this.client.request('PATCH', `/api/v1/namespaces/${namespaceOf(u)}/pods/${nameOf(u)}/status`, {
      contentType: MERGE,
      body: { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status }, { type: 'ContainersReady', status }] } },
    });
  }

  /** Flips one unit's readiness (pod and slice) NOISE_CHANGES_PER_SECOND times a second until stopChanging(). */
  startChanging() {
    const ready = new Map(); // unit -> readiness, once flipped
    const changing = { stopped: false };
    changing.done = (async () => {
      for (let k = 0; !changing.stopped && this.units > 0; k++) {
        const u = (k * 7919) % this.units; // a prime stride visits every unit before repeating
        const next = !(ready.get(u) ?? true);
        ready.set(u, next);
        await Promise.all([
          this.setPodReady(u, next),
          this.client.request('PATCH', `/apis/discovery.k8s.io/v1/namespaces/${namespaceOf(u)}/endpointslices/${nameOf(u)}`, {
            contentType: MERGE,
            body: { endpoints: this.slice(u, next).endpoints },
          }),
        ]);
        this.changes++;
        await sleep(1000 / NOISE_CHANGES_PER_SECOND);
      }
    })();
    changing.done.catch(() => {}); // reported by stopChanging()
    this.#changing = changing;
  }

  /** Stops the changes; throws if one of them failed. */
  async stopChanging() {
    if (!this.#changing) return;
    this.#changing.stopped = true;
    await this.#changing.done;
  }

  figures() {
    return { units: this.units, objects: this.units * NOISE_OBJECTS_PER_UNIT, changes: this.changes, changesPerSecond: NOISE_CHANGES_PER_SECOND };
  }
}
