import { diagnose } from './diagnose.js';
import { clusterOf, type ClusterObjects } from '../test-support/cluster.js';
import { endpointSlice, exposedApi, NS, service, SETTINGS } from '../test-support/objects.js';
import type { PodInfo } from './links.js';

const now = new Date('2026-01-02T00:00:00Z');
const pod = (name: string, ready: boolean): PodInfo => ({ metadata: { name }, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });
const marks = (d: ReturnType<typeof diagnose>) => Object.fromEntries(d.links.map((l) => [l.name, l.mark]));
const fact = (d: ReturnType<typeof diagnose>, name: string) => d.links.find((l) => l.name === name)?.fact;

async function run(objects: ClusterObjects, pods: PodInfo[] | undefined, name = 'a') {
  const cluster = clusterOf(objects);
  await cluster.converge(name);
  const view = cluster.view();
  return diagnose(cluster.api(name), view, view.settings, pods, now);
}

test('a healthy API: every link holds and the last line gives its URL', async () => {
  const d = await run({ apis: [exposedApi('a')], services: [service('impl')], slices: [endpointSlice('impl', 2)], gatewayIp: '192.0.2.1' }, [pod('p1', true), pod('p2', true)]);
  expect(marks(d)).toEqual({ spec: 'ok', service: 'ok', pods: 'ok', endpoints: 'ok', gateway: 'ok', route: 'ok', metrics: 'skipped', policy: 'skipped', component: 'skipped', status: 'ok' });
  expect(fact(d, 'pods')).toBe('2 pods match app=impl, 2 ready');
  expect(d.summary).toBe('ready: https://192.0.2.1/a');
  expect(d.available).toBe(true);
});

test('no pods: the first broken link is the pods, and the API reports no ready endpoints', async () => {
  const d = await run({ apis: [exposedApi('a')], services: [service('impl')], slices: [endpointSlice('impl', 0)], gatewayIp: '192.0.2.1' }, []);
  expect(marks(d)).toMatchObject({ pods: 'broken', endpoints: 'broken', gateway: 'ok', route: 'ok' });
  expect(d.summary).toBe('first broken link: pods: no pods match app=impl (the API reports NoReadyEndpoints: Service impl has no ready endpoints)');
  expect(d.available).toBe(false);
});

test('pods that are not ready, and a gateway without an address', async () => {
  const d = await run({ apis: [exposedApi('a')], services: [service('impl')], slices: [endpointSlice('impl', 0, 1)], gatewayIp: null }, [pod('p1', false)]);
  expect(fact(d, 'pods')).toBe('1 pod matches app=impl, none ready');
  expect(fact(d, 'endpoints')).toBe('Service impl has no ready endpoints (1 endpoint in 1 EndpointSlice)');
  expect(fact(d, 'gateway')).toBe('ingress gateway Service components/ingressgateway has no external address yet');
});

test('a missing Service breaks the chain there; pods cannot be judged', async () => {
  const d = await run({ apis: [exposedApi('a')], gatewayIp: '192.0.2.1' }, undefined);
  expect(d.links[1]).toEqual({ name: 'service', mark: 'broken', fact: 'Service impl not found in namespace components' });
  expect(marks(d).pods).toBe('skipped');
  expect(d.summary).toMatch(/^first broken link: service: Service impl not found/);
});

test('a Service without the API\'s port is broken', async () => {
  const d = await run({ apis: [exposedApi('a', { port: 9090 })], services: [service('impl')], gatewayIp: '192.0.2.1' }, []);
  expect(fact(d, 'service')).toBe('Service impl has no port 9090 (it has 8080)');
});

test('an invalid spec is the first broken link and the rest is not judged', async () => {
  const d = await run({ apis: [exposedApi('a', { path: 'no-slash' })] }, undefined);
  expect(d.links[0].mark).toBe('broken');
  expect(d.links[0].fact).toMatch(/^invalid: spec\.path/);
  expect(d.links.slice(1).every((l) => l.mark === 'skipped')).toBe(true);
});

test('a route held by another API: the route link names the holder', async () => {
  const first = exposedApi('first', { path: '/same' }, { creationTimestamp: '2026-01-01T00:00:00Z' });
  const second = exposedApi('second', { path: '/same' }, { creationTimestamp: '2026-01-01T01:00:00Z' });
  const d = await run({ apis: [first, second], services: [service('impl')], slices: [endpointSlice('impl', 1)], gatewayIp: '192.0.2.1' }, [pod('p', true)], 'second');
  expect(marks(d).route).toBe('broken');
  expect(fact(d, 'route')).toMatch(/held by ExposedAPI components\/first/);
});

test('children no operator has written yet are reported as such', () => {
  const view = clusterOf({ apis: [exposedApi('m', { apiType: 'prometheus' })], services: [service('impl')], slices: [endpointSlice('impl', 1)], gatewayIp: '192.0.2.1' }).view();
  const d = diagnose(view.stores.exposedApis.get(NS, 'm')!, view, view.settings, [pod('p', true)], now);
  expect(fact(d, 'route')).toBe('VirtualService components/m does not exist yet (no operator has reconciled this API)');
  expect(fact(d, 'metrics')).toBe('ServiceMonitor components/m does not exist yet (no operator has reconciled this API)');
  expect(marks(d).status).toBe('broken');
  expect(d.summary).toMatch(/^first broken link: route: .*\(the API reports NotReconciled/);
});

test('the Component entry: missing until the Component operator adds it', async () => {
  const owned = exposedApi('a', {}, { ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: 'comp', uid: 'cu' }] });
  const component = { apiVersion: 'oda.tmforum.org/v1', kind: 'Component', metadata: { name: 'comp', namespace: NS }, status: {} };
  const d = await run({ apis: [owned], services: [service('impl')], slices: [endpointSlice('impl', 1)], components: [component], gatewayIp: '192.0.2.1' }, [pod('p', true)]);
  expect(fact(d, 'component')).toBe('Component comp has no entry for this API yet (the Component operator adds it)');
  expect(d.available).toBe(true);
});

test("an MCP API's connect timeout: a policy line naming its DestinationRule, broken while the rule differs", async () => {
  const settings = { ...SETTINGS, timeouts: { connectMs: 5000 } };
  const cluster = clusterOf({ apis: [exposedApi('m', { apiType: 'mcp' })], services: [service('impl')], slices: [endpointSlice('impl', 1)], gatewayIp: '192.0.2.1' }, { settings });
  cluster.capabilities = { ...cluster.capabilities, envoyFilterServed: true, destinationRuleApiVersion: 'networking.istio.io/v1' };
  await cluster.converge('m');
  const policies = () => diagnose(cluster.api('m'), cluster.view(), settings, [], now).links.filter((l) => l.name === 'policy');
  expect(policies()).toContainEqual({ name: 'policy', mark: 'ok', fact: `API_CONNECT_TIMEOUT: enforced: a connect timeout of 5s to impl.${NS}.svc.cluster.local, by DestinationRule ${NS}/m` });
  const rule = cluster.stores.destinationRules.get(NS, 'm')!;
  cluster.put({ ...rule, spec: { ...(rule.spec as object), trafficPolicy: {} } });
  expect(policies()).toContainEqual({ name: 'policy', mark: 'broken', fact: 'the DestinationRule differs from the desired state' });
});
