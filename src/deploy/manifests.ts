// The objects that run the operator in a cluster: a ServiceAccount, least-privilege RBAC
// and a leader-elected Deployment. Pure: the command prints what this returns.
import type {
  KubernetesObject,
  V1ClusterRole,
  V1ClusterRoleBinding,
  V1Deployment,
  V1EnvVar,
  V1Role,
  V1RoleBinding,
  V1ServiceAccount,
} from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { gatewayError, parseNamespacePatterns, routerError } from '../reconcile/index.js';
import { rbacFor, type Served } from './rbac.js';

/** Name of every object, and of the leader-election Lease (the watch command's default). */
export const OPERATOR_NAME = 'oda-api-operator';
export const DEFAULT_NAMESPACE = 'canvas';
export const DEFAULT_REPLICAS = 2;
export const HEALTH_PORT = 8081;
/** The user and group the image runs as (scripts/image and the Dockerfile). */
export const IMAGE_UID = 65532;

export const defaultImage = (version: string): string => `ghcr.io/tmforum-oda/kubectl-oda-api:${version}`;

export interface ManifestOptions {
  /** Where the ServiceAccount, Deployment and Lease live. */
  namespace: string;
  image: string;
  replicas: number;
  /** The namespaces the Deployment serves; the RBAC follows them (see rbac.ts). */
  served: Served;
  /** The Istio Gateway, name or namespace/name: the Deployment routes through it and may read it. */
  gateway: string;
  /** `httproute` for Gateway API routing (APIOPERATORISTIO_ROUTER); absent: virtualservice. */
  router?: string;
  /** Where the gateway's ingress pods run, so EnvoyFilters may be written there (plain names); default: rbac.ts defaultWorkloadNamespace. */
  gatewayWorkloadNamespace?: string;
}

const LABELS = { 'app.kubernetes.io/name': OPERATOR_NAME };
const RBAC = 'rbac.authorization.k8s.io';

/**
 * The Canvas operator's settings, with the Canvas chart's defaults; the watch command reads them.
 * The namespaces and the gateway come from the options, as the RBAC is made for them.
 */
function canvasEnv({ served, gateway, router }: ManifestOptions): Record<string, string> {
  return {
    // -A is an argument instead: no value of COMPONENT_NAMESPACE means every namespace.
    ...(served === 'all' ? {} : { COMPONENT_NAMESPACE: served.join(',') }),
    OPENMETRICS_IMPLEMENTATION: 'ServiceMonitor',
    APIOPERATORISTIO_PUBLICHOSTNAME: '',
    APIOPERATORISTIO_COMPONENTGATEWAY: gateway,
    ...(router === 'httproute' ? { APIOPERATORISTIO_ROUTER: router } : {}),
    LOGGING: '20',
  };
}

// Kubernetes' DNS-1123 label: what a namespace name must be.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Every problem with the options, one sentence each; empty when they are usable. */
export function manifestOptionErrors(options: ManifestOptions): string[] {
  const errors: string[] = [];
  const { namespace, image, replicas, served, gateway } = options;
  if (namespace.length > 63 || !DNS_LABEL.test(namespace)) {
    errors.push(`namespace "${namespace}" is not a valid name (lower-case letters, digits and '-', at most 63 characters)`);
  }
  if (!image || /\s/.test(image)) errors.push(`image "${image}" is not a valid image reference`);
  if (!Number.isInteger(replicas) || replicas < 1) errors.push(`replicas must be a whole number of at least 1, got ${replicas}`);
  if (served !== 'all') {
    const parsed = parseNamespacePatterns(served, '-n');
    if ('error' in parsed) errors.push(parsed.error);
  }
  const badGateway = gatewayError(gateway);
  if (badGateway) errors.push(badGateway);
  const badRouter = options.router === undefined ? undefined : routerError(options.router);
  if (badRouter) errors.push(badRouter);
  const workload = options.gatewayWorkloadNamespace;
  if (workload !== undefined && (workload.length > 63 || !DNS_LABEL.test(workload))) {
    errors.push(`gateway workload namespace "${workload}" is not a valid name (lower-case letters, digits and '-', at most 63 characters)`);
  }
  return errors;
}

const meta = (name: string, namespace?: string) => ({ name, ...(namespace ? { namespace } : {}), labels: { ...LABELS } });

function deployment(options: ManifestOptions): V1Deployment {
  const { namespace, image, replicas, served } = options;
  // apiVersion as the server defaults it: fieldRef is atomic, so leaving it out makes a later
  // server-side apply conflict with an earlier client-side one.
  const fromPod = (fieldPath: string) => ({ valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath } } });
  const env: V1EnvVar[] = [
    ...Object.entries(canvasEnv(options)).map(([name, value]) => ({ name, value })),
    // POD_NAME identifies this replica in the Lease; POD_NAMESPACE is where the Lease lives.
    { name: 'POD_NAME', ...fromPod('metadata.name') },
    { name: 'POD_NAMESPACE', ...fromPod('metadata.namespace') },
  ];
  const probe = (path: string) => ({ httpGet: { path, port: 'health' }, periodSeconds: 10 });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta(OPERATOR_NAME, namespace),
    spec: {
      replicas,
      selector: { matchLabels: { ...LABELS } },
      template: {
        metadata: {
          labels: { ...LABELS },
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(HEALTH_PORT),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: OPERATOR_NAME,
          // The image's `nonroot` user, numeric so the kubelet can check runAsNonRoot.
          securityContext: { runAsNonRoot: true, runAsUser: IMAGE_UID, runAsGroup: IMAGE_UID, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'operator',
              image,
              // No --standalone: replicas elect a leader, so only one writes.
              args: [
                'watch',
                ...(served === 'all' ? ['--all-namespaces'] : []),
                '--log-format',
                'json',
                '--health-address',
                `0.0.0.0:${HEALTH_PORT}`,
                '--lease-namespace',
                '$(POD_NAMESPACE)',
              ],
              env,
              ports: [{ name: 'health', containerPort: HEALTH_PORT, protocol: 'TCP' }],
              livenessProbe: probe('/healthz'),
              readinessProbe: probe('/readyz'),
              // No CPU limit: throttling would stall the watches; memory is capped.
              resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
            },
          ],
        },
      },
    },
  };
}

/** Everything to apply, in an order `kubectl apply` can create it in. */
export function buildManifests(options: ManifestOptions): KubernetesObject[] {
  const { namespace } = options;
  const rbac = rbacFor(options.served, options.gateway, namespace, OPERATOR_NAME, options.gatewayWorkloadNamespace, options.router);
  const roleRef = (kind: string) => ({ apiGroup: RBAC, kind, name: OPERATOR_NAME });
  const subjects = [{ kind: 'ServiceAccount', name: OPERATOR_NAME, namespace }];
  const serviceAccount: V1ServiceAccount = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(OPERATOR_NAME, namespace) };
  const clusterRole: V1ClusterRole = { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: meta(OPERATOR_NAME), rules: rbac.clusterRules };
  const clusterRoleBinding: V1ClusterRoleBinding = {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: meta(OPERATOR_NAME),
    roleRef: roleRef('ClusterRole'),
    subjects,
  };
  const roles = rbac.roles.flatMap(([ns, rules]) => {
    const role: V1Role = { apiVersion: `${RBAC}/v1`, kind: 'Role', metadata: meta(OPERATOR_NAME, ns), rules };
    const binding: V1RoleBinding = { apiVersion: `${RBAC}/v1`, kind: 'RoleBinding', metadata: meta(OPERATOR_NAME, ns), roleRef: roleRef('Role'), subjects };
    return [role, binding];
  });
  return [serviceAccount, clusterRole, clusterRoleBinding, ...roles, deployment(options)];
}

export function renderYaml(objects: KubernetesObject[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}

/** A v1 List, as `kubectl get -o json` prints several objects. */
export function renderJson(objects: KubernetesObject[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }, null, 2)}\n`;
}
