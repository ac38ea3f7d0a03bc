// The Helm chart rendered and linted by a real helm: a Canvas's api-operator-istio values carry
// over, the RBAC is exactly that of `kubectl oda-api manifests`, and wrong values are refused
// with a message naming the key.
import type { KubernetesObject, V1ClusterRole, V1ConfigMap, V1Deployment } from '@kubernetes/client-node';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { buildManifests } from '../../src/deploy/manifests.js';
import { chartDir, helm, parseObjects } from '../support/helm.js';

/** A Canvas's values for its api-operator-istio sub-chart, with the image swapped for this operator's. */
const canvasValues = {
  global: { image: { registry: 'registry.example.org' }, imagePullSecrets: ['regcred', { name: 'mirror-cred' }] },
  deployment: {
    operatorName: 'api-operator-istio',
    apiopImage: 'oda/kubectl-oda-api',
    apiopVersion: '0.1.0',
    apiopPrereleaseSuffix: 'rc1',
    apiopImagePullPolicy: 'IfNotPresent',
    istioGateway: true,
    monitoredNamespaces: 'components,odacompns-*',
    ingressClass: { enabled: false, name: 'nginx' },
    openMetricsImplementation: 'ServiceMonitor',
    keycloak: { port: 8083 },
    hostName: 'canvas.example.org',
    httpsRedirect: false,
    credentialName: 'canvas-tls',
  },
  configmap: { loglevel: '10', publicHostname: 'apis.example.org', componentGateway: 'canvas/component-gateway' },
};

function valuesFile(values: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'oda-api-values-')), 'values.yaml');
  writeFileSync(file, stringify(values));
  return file;
}

async function render(...args: string[]): Promise<KubernetesObject[]> {
  const result = await helm(['template', 'oda-api', chartDir, '--namespace', 'canvas', ...args]);
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return parseObjects(result.stdout);
}

const find = <T extends KubernetesObject>(objects: KubernetesObject[], kind: string): T => {
  const found = objects.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as T;
};

test('helm lint passes with the defaults and with a Canvas\'s values', async () => {
  for (const args of [[], ['-f', valuesFile(canvasValues)]]) {
    const result = await helm(['lint', '--strict', chartDir, ...args]);
    expect({ code: result.code, stdout: result.stdout }).toEqual({ code: 0, stdout: expect.stringContaining('0 chart(s) failed') });
  }
});

test('a Canvas\'s values carry over: image, pull secrets, settings and the component-gateway', async () => {
  const objects = await render('-f', valuesFile(canvasValues));
  const deployment = find<V1Deployment>(objects, 'Deployment');
  const pod = deployment.spec!.template.spec!;
  const container = pod.containers[0];
  expect(container.image).toBe('registry.example.org/oda/kubectl-oda-api:0.1.0-rc1');
  expect(container.imagePullPolicy).toBe('Always'); // a prerelease suffix always pulls, as in the Canvas
  expect(pod.imagePullSecrets).toEqual([{ name: 'regcred' }, { name: 'mirror-cred' }]);

  const config = find<V1ConfigMap>(objects, 'ConfigMap');
  expect(container.envFrom).toEqual([{ configMapRef: { name: config.metadata!.name } }]);
  expect(config.data).toEqual({
    LOGGING: '10',
    COMPONENT_NAMESPACE: 'components,odacompns-*',
    COMPONENT_NAMESPACES_CLI: '-n components -n odacompns-*',
    OPENMETRICS_IMPLEMENTATION: 'ServiceMonitor',
    APIOPERATORISTIO_COMPONENTGATEWAY: 'canvas/component-gateway',
    APIOPERATORISTIO_PUBLICHOSTNAME: 'apis.example.org',
    APIOPERATORISTIO_ROUTER: 'virtualservice',
  });

  const gateway = find<KubernetesObject & { spec: unknown }>(objects, 'Gateway');
  expect(gateway.metadata).toMatchObject({ name: 'component-gateway', namespace: 'canvas', annotations: { 'helm.sh/resource-policy': 'keep' } });
  expect(gateway.spec).toEqual({
    selector: { istio: 'ingressgateway' },
    servers: [
      { port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['canvas.example.org'], tls: { httpsRedirect: false } },
      { port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['canvas.example.org'], tls: { mode: 'SIMPLE', credentialName: 'canvas-tls' } },
    ],
  });

  const withoutGateway = await render('-f', valuesFile(canvasValues), '--set', 'deployment.istioGateway=false');
  expect(withoutGateway.some((o) => o.kind === 'Gateway')).toBe(false);
});

test('the defaults: two leader-elected replicas, probes, metrics port, resources and a locked-down pod', async () => {
  const objects = await render();
  const deployment = find<V1Deployment>(objects, 'Deployment');
  expect(deployment.metadata!.annotations).toEqual({ 'oda.tmforum.org/availability-class': 'high-availability' });
  expect(deployment.spec!.replicas).toBe(2);
  const pod = deployment.spec!.template.spec!;
  const container = pod.containers[0];
  expect(container.image).toBe('ghcr.io/tmforum-oda/kubectl-oda-api:0.1.0');
  expect(container.command).toEqual(['kubectl-oda_api', 'watch']);
  expect(container.args).toEqual(['--log-format', 'json', '--health-address', '0.0.0.0:8081', '--lease-namespace', '$(POD_NAMESPACE)']);
  expect(container.env).toEqual([
    { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
  ]);
  expect(container.ports).toEqual([{ name: 'http-metrics', containerPort: 8081, protocol: 'TCP' }]);
  expect(container.livenessProbe!.httpGet).toEqual({ path: '/healthz', port: 'http-metrics' });
  expect(container.readinessProbe!.httpGet).toEqual({ path: '/readyz', port: 'http-metrics' });
  expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } });
  expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } });
  expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
  // The Canvas's defaults, so a Canvas that set nothing keeps its behaviour.
  expect(find<V1ConfigMap>(objects, 'ConfigMap').data).toMatchObject({ OPENMETRICS_IMPLEMENTATION: 'PrometheusAnnotation', LOGGING: '20' });

  expect(find(objects, 'PodDisruptionBudget')).toMatchObject({ spec: { minAvailable: 1 } });
  expect(objects.some((o) => o.kind === 'ServiceMonitor')).toBe(false);
  const monitored = await render('--set', 'serviceMonitor.enabled=true', '--set', 'podDisruptionBudget.enabled=false');
  expect(find(monitored, 'ServiceMonitor')).toMatchObject({ spec: { endpoints: [{ port: 'http-metrics', path: '/metrics' }] } });
  expect(find(monitored, 'Service')).toMatchObject({ spec: { ports: [{ name: 'http-metrics', port: 8081, targetPort: 'http-metrics' }] } });
  expect(monitored.some((o) => o.kind === 'PodDisruptionBudget')).toBe(false);
});

/** The ClusterRole's rules and each Role's (by namespace), checking every binding names its role and the ServiceAccount. */
function rbacOf(objects: KubernetesObject[]) {
  const byKind = (kind: string) => objects.filter((o) => o.kind === kind) as (KubernetesObject & { rules?: unknown; roleRef?: unknown; subjects?: unknown })[];
  for (const binding of [...byKind('ClusterRoleBinding'), ...byKind('RoleBinding')]) {
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: binding.kind!.replace('Binding', ''), name: 'oda-api-operator' });
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'oda-api-operator', namespace: 'canvas' }]);
  }
  expect(byKind('RoleBinding').map((b) => b.metadata!.namespace).sort()).toEqual(byKind('Role').map((r) => r.metadata!.namespace).sort());
  return {
    clusterRules: find<V1ClusterRole>(objects, 'ClusterRole').rules,
    roles: Object.fromEntries(byKind('Role').map((r) => [r.metadata!.namespace, r.rules])),
  };
}

test.each([
  ['the defaults (globs)', 'components,odacompns-*', 'canvas/component-gateway'],
  ['plain names, the gateway elsewhere', 'comps-b, comps-a,comps-b', 'istio-ingress/component-gateway'],
  ['plain names, the gateway and the Lease among them', 'canvas,comps', 'canvas/component-gateway'],
  ['plain names, a bare gateway name', 'comps-a,comps-b', 'component-gateway'],
  ['an exclusion', '!kube-system', 'component-gateway'],
  ['router httproute, plain names, the Gateway elsewhere', 'comps-a,comps-b', 'gw-ns/canvas-gw', 'httproute'],
  ['router httproute, plain names, a bare Gateway name', 'comps-a,comps-b', 'canvas-gw', 'httproute'],
])('the RBAC is exactly that of `kubectl oda-api manifests`: %s', async (_, namespaces, gateway, router = 'virtualservice') => {
  const objects = await render('-f', valuesFile({ deployment: { monitoredNamespaces: namespaces }, configmap: { componentGateway: gateway, router } }));
  const served = namespaces.split(',').map((n) => n.trim());
  const manifests = buildManifests({ namespace: 'canvas', image: 'unused', replicas: 1, served, gateway, router });
  expect(rbacOf(objects)).toEqual(rbacOf(manifests));
});

test.each([
  ['deployment.openMetricsImplementation=Prometheus', 'openMetricsImplementation'],
  ['deployment.monitoredNamespaces=Components;odacompns', 'monitoredNamespaces'],
  ['configmap.loglevel=verbose', 'loglevel'],
  ['configmap.componentGateway=canvas/Component_Gateway', 'componentGateway'],
  ['configmap.router=ingress', 'router'],
])('wrong values are refused, naming the key: %s', async (setting, key) => {
  const result = await helm(['template', 'oda-api', chartDir, '--set', setting]);
  expect(result.code).not.toBe(0);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(key);
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
});
