import type { KubernetesObject, V1ClusterRole, V1ClusterRoleBinding, V1Deployment, V1PolicyRule, V1Role, V1RoleBinding } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import {
  HEALTH_PORT,
  OPERATOR_NAME,
  buildManifests,
  defaultImage,
  manifestOptionErrors,
  renderJson,
  renderYaml,
  type ManifestOptions,
} from './manifests.js';

/** The Canvas's defaults: the namespace `components`, the gateway `component-gateway`. */
const options: ManifestOptions = { namespace: 'canvas', image: 'example.org/oda-api:1.2.3', replicas: 2, served: ['components'], gateway: 'component-gateway' };
const objects = buildManifests(options);
/** -A: the ClusterRole grants everything, the one Role only the Lease. */
const everywhere = buildManifests({ ...options, served: 'all' });
const find = <T extends KubernetesObject>(kind: string, among = everywhere): T => {
  const found = among.filter((o) => o.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0] as T;
};
/** What the operator does in every namespace it serves, as the tests expect it. */
const servedRules: V1PolicyRule[] = [
  { apiGroups: ['oda.tmforum.org'], resources: ['exposedapis', 'components'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: ['oda.tmforum.org'], resources: ['exposedapis/status', 'components/status'], verbs: ['patch'] },
  { apiGroups: ['networking.istio.io'], resources: ['virtualservices'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
  { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
  { apiGroups: ['networking.istio.io'], resources: ['destinationrules'], verbs: ['get', 'list', 'watch', 'create', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch', 'patch'] },
  { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['get', 'list', 'watch'] },
  { apiGroups: ['events.k8s.io'], resources: ['events'], verbs: ['create', 'patch'] },
];
const crds: V1PolicyRule = {
  apiGroups: ['apiextensions.k8s.io'],
  resources: ['customresourcedefinitions'],
  resourceNames: [
    'exposedapis.oda.tmforum.org',
    'components.oda.tmforum.org',
    'virtualservices.networking.istio.io',
    'gateways.networking.istio.io',
    'servicemonitors.monitoring.coreos.com',
    'envoyfilters.networking.istio.io',
    'requestauthentications.security.istio.io',
    'authorizationpolicies.security.istio.io',
    'destinationrules.networking.istio.io',
    'httproutes.gateway.networking.k8s.io',
    'gateways.gateway.networking.k8s.io',
  ],
  verbs: ['list', 'watch'],
};
/** The APIs' EnvoyFilters sit in the gateway workload's namespace, known only at run time: cluster-wide, ours listed by label. */
const gatewayChildren = (verbs: string[]): V1PolicyRule[] => [
  { apiGroups: ['networking.istio.io'], resources: ['envoyfilters'], verbs },
  { apiGroups: ['security.istio.io'], resources: ['requestauthentications', 'authorizationpolicies'], verbs },
];
const envoyFilters = gatewayChildren(['list', 'watch', 'create', 'patch', 'delete']);
/** With plain names: read cluster-wide, written by a Role in the gateway workload's namespace. */
const envoyFilterReads = gatewayChildren(['list', 'watch']);
const envoyFilterWrites = gatewayChildren(['create', 'patch', 'delete']);
const lease: V1PolicyRule[] = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [OPERATOR_NAME], verbs: ['get', 'update'] },
];
const allRules = (among: KubernetesObject[]): V1PolicyRule[] => among.flatMap((o) => (o as V1Role).rules ?? []);

describe('buildManifests with -A', () => {
  const objects = everywhere;

  it('builds the six objects, in an order kubectl can create them in', () => {
    expect(objects.map((o) => `${o.apiVersion} ${o.kind}`)).toEqual([
      'v1 ServiceAccount',
      'rbac.authorization.k8s.io/v1 ClusterRole',
      'rbac.authorization.k8s.io/v1 ClusterRoleBinding',
      'rbac.authorization.k8s.io/v1 Role',
      'rbac.authorization.k8s.io/v1 RoleBinding',
      'apps/v1 Deployment',
    ]);
    for (const o of objects) expect(o.metadata?.name).toBe(OPERATOR_NAME);
  });

  it('puts namespaced objects in the install namespace and cluster objects in none', () => {
    const namespaces = Object.fromEntries(objects.map((o) => [o.kind, o.metadata?.namespace]));
    expect(namespaces).toEqual({
      ServiceAccount: 'canvas',
      ClusterRole: undefined,
      ClusterRoleBinding: undefined,
      Role: 'canvas',
      RoleBinding: 'canvas',
      Deployment: 'canvas',
    });
  });

  it('grants cluster-wide exactly what the operator uses', () => {
    expect(find<V1ClusterRole>('ClusterRole').rules).toEqual([
      ...servedRules,
      { apiGroups: ['networking.istio.io', 'gateway.networking.k8s.io'], resources: ['gateways'], verbs: ['get', 'list', 'watch'] },
      crds,
      ...envoyFilters,
    ]);
  });

  it('grants the Lease in the install namespace only, get and update by name', () => {
    expect(find<V1Role>('Role').rules).toEqual([
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
      { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [OPERATOR_NAME], verbs: ['get', 'update'] },
    ]);
  });

  it('has no wildcard, no secrets, no workloads and no RBAC objects in any rule, whatever the scope', () => {
    const forms = [everywhere, buildManifests(options), buildManifests({ ...options, served: ['a', 'b'], gateway: 'gw/g' }), buildManifests({ ...options, served: ['team-*'] })];
    for (const rule of forms.flatMap(allRules)) {
      for (const value of [...(rule.apiGroups ?? []), ...(rule.resources ?? []), ...rule.verbs, ...(rule.resourceNames ?? [])]) {
        expect(value).not.toContain('*');
      }
      expect(rule.nonResourceURLs).toBeUndefined();
      expect(rule.apiGroups).not.toContain('apps');
      expect(rule.apiGroups).not.toContain('rbac.authorization.k8s.io');
      expect(rule.resources).not.toContain('secrets');
      expect(rule.verbs).not.toContain('escalate');
      expect(rule.verbs).not.toContain('bind');
      expect(rule.verbs).not.toContain('impersonate');
    }
  });

  it('binds both roles to the ServiceAccount', () => {
    const subjects = [{ kind: 'ServiceAccount', name: OPERATOR_NAME, namespace: 'canvas' }];
    const clusterBinding = find<V1ClusterRoleBinding>('ClusterRoleBinding');
    expect(clusterBinding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: OPERATOR_NAME });
    expect(clusterBinding.subjects).toEqual(subjects);
    const binding = find<V1RoleBinding>('RoleBinding');
    expect(binding.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: OPERATOR_NAME });
    expect(binding.subjects).toEqual(subjects);
  });
});

describe('buildManifests with plain namespace names', () => {
  const clusterReads: V1PolicyRule[] = [
    { apiGroups: ['oda.tmforum.org'], resources: ['exposedapis'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['networking.istio.io'], resources: ['virtualservices'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: [''], resources: ['services'], verbs: ['get', 'list', 'watch'] },
  ];
  const theGateway: V1PolicyRule = { apiGroups: ['networking.istio.io', 'gateway.networking.k8s.io'], resources: ['gateways'], resourceNames: ['component-gateway'], verbs: ['get', 'list', 'watch'] };
  /** namespace -> rules of the Role there, with its binding checked. */
  const rolesOf = (among: KubernetesObject[]) => {
    const bindings = among.filter((o): o is V1RoleBinding => o.kind === 'RoleBinding');
    const roles = among.filter((o): o is V1Role => o.kind === 'Role');
    expect(bindings.map((b) => b.metadata!.namespace)).toEqual(roles.map((r) => r.metadata!.namespace));
    for (const b of bindings) {
      expect(b.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: OPERATOR_NAME });
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: OPERATOR_NAME, namespace: 'canvas' }]);
    }
    return Object.fromEntries(roles.map((r) => [r.metadata!.namespace, r.rules]));
  };

  it('writes only through Roles: one in each namespace served, the Gateway\'s and the Lease\'s; reads what spans the cluster', () => {
    const literal = buildManifests({ ...options, served: ['comps-b', 'comps-a', 'comps-b'], gateway: 'istio-ingress/component-gateway' });
    expect(find<V1ClusterRole>('ClusterRole', literal).rules).toEqual([...clusterReads, crds, ...envoyFilterReads]);
    expect(find<V1ClusterRoleBinding>('ClusterRoleBinding', literal).roleRef.kind).toBe('ClusterRole');
    expect(rolesOf(literal)).toEqual({
      canvas: lease,
      'comps-a': servedRules,
      'comps-b': servedRules,
      'istio-ingress': [theGateway, ...envoyFilterWrites],
    });
    expect(literal.map((o) => `${o.kind} ${o.metadata!.namespace ?? ''}`)).toEqual([
      'ServiceAccount canvas',
      'ClusterRole ',
      'ClusterRoleBinding ',
      'Role canvas',
      'RoleBinding canvas',
      'Role comps-a',
      'RoleBinding comps-a',
      'Role comps-b',
      'RoleBinding comps-b',
      'Role istio-ingress',
      'RoleBinding istio-ingress',
      'Deployment canvas',
    ]);
  });

  it('puts everything one namespace needs in one Role', () => {
    const together = buildManifests({ ...options, served: ['canvas'], gateway: 'canvas/component-gateway' });
    expect(rolesOf(together)).toEqual({ canvas: [...lease, ...servedRules, theGateway, ...envoyFilterWrites] });
  });

  it('reads a Gateway given by bare name in every namespace, by that name only (Istio resolves it in each route\'s namespace)', () => {
    const bare = buildManifests({ ...options, served: ['comps-a'], gateway: 'component-gateway' });
    expect(find<V1ClusterRole>('ClusterRole', bare).rules).toEqual([...clusterReads, theGateway, crds, ...envoyFilterReads]);
    expect(rolesOf(bare)).toEqual({ canvas: lease, 'comps-a': servedRules, 'istio-system': envoyFilterWrites });
  });

  it('with the httproute router, writes the gateway children in the Gateway API Gateway\'s namespace (each served one for a bare name), and says the router', () => {
    const named = buildManifests({ ...options, served: ['components'], gateway: 'gw-ns/canvas-gateway', router: 'httproute' });
    const gatewayRead = { ...theGateway, resourceNames: ['canvas-gateway'] };
    expect(rolesOf(named)).toEqual({ canvas: lease, components: servedRules, 'gw-ns': [gatewayRead, ...envoyFilterWrites] });
    const bare = buildManifests({ ...options, served: ['comps-a', 'comps-b'], gateway: 'component-gateway', router: 'httproute' });
    expect(rolesOf(bare)).toEqual({ canvas: lease, 'comps-a': [...servedRules, ...envoyFilterWrites], 'comps-b': [...servedRules, ...envoyFilterWrites] });
    const env = find<V1Deployment>('Deployment', named).spec!.template.spec!.containers[0].env ?? [];
    expect(env).toContainEqual({ name: 'APIOPERATORISTIO_ROUTER', value: 'httproute' });
    expect(manifestOptionErrors({ ...options, router: 'ingress' })).toEqual([expect.stringContaining('router "ingress": must be virtualservice')]);
  });

  it('writes EnvoyFilters where the gateway workload is said to run', () => {
    const canvas = buildManifests({ ...options, served: ['components'], gateway: 'components/component-gateway', gatewayWorkloadNamespace: 'istio-ingress' });
    expect(rolesOf(canvas)).toEqual({ canvas: lease, components: [...servedRules, theGateway], 'istio-ingress': envoyFilterWrites });
    expect(manifestOptionErrors({ ...options, served: ['components'], gatewayWorkloadNamespace: 'Istio' })).toEqual([expect.stringContaining('gateway workload namespace "Istio" is not a valid name')]);
  });
});

describe('buildManifests with globs', () => {
  it.each([[['components', 'odacompns-*']], [['!kube-system']], [['team-?']]])('grants everything cluster-wide, and Namespaces to follow, for %j', (patterns) => {
    const globs = buildManifests({ ...options, served: patterns, gateway: 'istio-ingress/component-gateway' });
    expect(find<V1ClusterRole>('ClusterRole', globs).rules).toEqual([
      ...servedRules,
      { apiGroups: ['networking.istio.io', 'gateway.networking.k8s.io'], resources: ['gateways'], verbs: ['get', 'list', 'watch'] },
      crds,
      ...envoyFilters,
      { apiGroups: [''], resources: ['namespaces'], verbs: ['list', 'watch'] },
    ]);
    expect(find<V1Role>('Role', globs).rules).toEqual(lease);
  });
});

describe('the Deployment', () => {
  const deployment = find<V1Deployment>('Deployment', objects);
  const pod = deployment.spec!.template;
  const [container] = pod.spec!.containers;

  it('runs the image under the ServiceAccount, with the replicas asked for', () => {
    expect(deployment.spec!.replicas).toBe(2);
    expect(pod.spec!.containers).toHaveLength(1);
    expect(container.image).toBe('example.org/oda-api:1.2.3');
    expect(pod.spec!.serviceAccountName).toBe(OPERATOR_NAME);
    expect(deployment.spec!.selector.matchLabels).toEqual(pod.metadata!.labels);
  });

  it('runs watch with leader election, JSON logs, health on the declared port and the Lease in its namespace', () => {
    expect(container.args).toEqual(['watch', '--log-format', 'json', '--health-address', `0.0.0.0:${HEALTH_PORT}`, '--lease-namespace', '$(POD_NAMESPACE)']);
    expect(container.args).not.toContain('--standalone');
  });

  it('passes the Canvas settings with their defaults, and the pod name and namespace', () => {
    expect(container.env).toEqual([
      { name: 'COMPONENT_NAMESPACE', value: 'components' },
      { name: 'OPENMETRICS_IMPLEMENTATION', value: 'ServiceMonitor' },
      { name: 'APIOPERATORISTIO_PUBLICHOSTNAME', value: '' },
      { name: 'APIOPERATORISTIO_COMPONENTGATEWAY', value: 'component-gateway' },
      { name: 'LOGGING', value: '20' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
    ]);
  });

  it('serves the namespaces and routes through the gateway the RBAC is made for', () => {
    const env = (o: ManifestOptions) => find<V1Deployment>('Deployment', buildManifests(o)).spec!.template.spec!.containers[0];
    const scoped = env({ ...options, served: ['comps', 'team-*'], gateway: 'istio-ingress/gw' });
    expect(scoped.env).toEqual(expect.arrayContaining([
      { name: 'COMPONENT_NAMESPACE', value: 'comps,team-*' },
      { name: 'APIOPERATORISTIO_COMPONENTGATEWAY', value: 'istio-ingress/gw' },
    ]));
    expect(scoped.args).not.toContain('--all-namespaces');
    const all = env({ ...options, served: 'all' });
    expect(all.args).toEqual(['watch', '--all-namespaces', '--log-format', 'json', '--health-address', `0.0.0.0:${HEALTH_PORT}`, '--lease-namespace', '$(POD_NAMESPACE)']);
    expect(all.env!.map((e) => e.name)).not.toContain('COMPONENT_NAMESPACE');
  });

  it('probes and scrapes the port the container declares', () => {
    expect(container.ports).toEqual([{ name: 'health', containerPort: HEALTH_PORT, protocol: 'TCP' }]);
    expect(container.livenessProbe!.httpGet).toEqual({ path: '/healthz', port: 'health' });
    expect(container.readinessProbe!.httpGet).toEqual({ path: '/readyz', port: 'health' });
    expect(pod.metadata!.annotations).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': String(HEALTH_PORT),
      'prometheus.io/path': '/metrics',
    });
  });

  it('runs locked down, with bounded resources', () => {
    expect(pod.spec!.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } });
  });

  it('follows the options', () => {
    const other = buildManifests({ ...options, served: 'all', namespace: 'ops', image: 'img:9', replicas: 3 });
    const d = other.find((o) => o.kind === 'Deployment') as V1Deployment;
    expect(d.metadata!.namespace).toBe('ops');
    expect(d.spec!.replicas).toBe(3);
    expect(d.spec!.template.spec!.containers[0].image).toBe('img:9');
    const binding = other.find((o) => o.kind === 'ClusterRoleBinding') as V1ClusterRoleBinding;
    expect(binding.subjects![0].namespace).toBe('ops');
  });
});

describe('rendering', () => {
  it('prints YAML documents separated by ---, reading back to the same objects', () => {
    const text = renderYaml(objects);
    expect(text.split('\n').filter((l) => l === '---')).toHaveLength(objects.length - 1);
    expect(parseAllDocuments(text).map((d) => d.toJS())).toEqual(objects);
  });

  it('keeps strings that look like numbers or booleans as strings', () => {
    const text = renderYaml(objects);
    expect(text).toContain('value: "20"');
    expect(text).toContain('value: ""');
    expect(text).toContain('prometheus.io/scrape: "true"');
  });

  it('prints JSON as a v1 List', () => {
    expect(JSON.parse(renderJson(objects))).toEqual({ apiVersion: 'v1', kind: 'List', items: objects });
  });
});

describe('manifestOptionErrors', () => {
  it('accepts usable options', () => {
    expect(manifestOptionErrors(options)).toEqual([]);
    expect(manifestOptionErrors({ ...options, namespace: 'a', replicas: 1 })).toEqual([]);
    expect(manifestOptionErrors({ ...options, namespace: 'x'.repeat(63) })).toEqual([]);
  });

  it.each(['', 'Canvas', '-canvas', 'canvas-', 'can.vas', 'can_vas', 'x'.repeat(64)])('rejects the namespace %j', (namespace) => {
    expect(manifestOptionErrors({ ...options, namespace })).toEqual([expect.stringContaining(`namespace "${namespace}"`)]);
  });

  it.each([0, -1, 1.5])('rejects %j replicas', (replicas) => {
    expect(manifestOptionErrors({ ...options, replicas })).toEqual([`replicas must be a whole number of at least 1, got ${replicas}`]);
  });

  it.each(['', 'img :1'])('rejects the image %j', (image) => {
    expect(manifestOptionErrors({ ...options, image })).toEqual([expect.stringContaining('is not a valid image reference')]);
  });

  it('reports every problem at once', () => {
    expect(manifestOptionErrors({ ...options, namespace: 'A', image: '', replicas: 0 })).toHaveLength(3);
    expect(manifestOptionErrors({ ...options, namespace: 'A', image: '', replicas: 0, served: ['Comps'], gateway: 'a/b/c' })).toHaveLength(5);
  });

  it('rejects namespaces to serve that -n would refuse, and a malformed gateway', () => {
    expect(manifestOptionErrors({ ...options, served: ['comps', ''] })).toEqual(['-n "comps,": an empty entry between commas']);
    expect(manifestOptionErrors({ ...options, gateway: 'Canvas/gw' })).toEqual([expect.stringContaining('gateway "Canvas/gw"')]);
    expect(manifestOptionErrors({ ...options, served: 'all' })).toEqual([]);
  });
});

describe('defaultImage', () => {
  it('tags the published image with the version', () => {
    expect(defaultImage('0.1.0')).toBe('ghcr.io/tmforum-oda/kubectl-oda-api:0.1.0');
  });
});
