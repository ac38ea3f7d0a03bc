// A small Canvas per test: an Istio Gateway with its own ingress Service (so tests running
// in parallel never share one), ExposedAPIs, Components, and a way to run the plugin.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KubeClient } from '../../src/kube/client.js';
import type { ExposedAPI, KubeObject, Settings } from '../../src/reconcile/types.js';
import { kubeconfigPath } from './cluster.js';
import { finished, type Finished } from './process.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const exposedApis = (ns: string) => `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis`;
export const virtualServices = (ns: string) => `/apis/networking.istio.io/v1/namespaces/${ns}/virtualservices`;
export const serviceMonitors = (ns: string) => `/apis/monitoring.coreos.com/v1/namespaces/${ns}/servicemonitors`;
export const components = (ns: string) => `/apis/oda.tmforum.org/v1/namespaces/${ns}/components`;

/** Creates a Gateway `gw` in ns and an ingress Service for it; returns the settings to use. */
export async function createGateway(client: KubeClient, ns: string, address?: { ip?: string; hostname?: string }, httpPort = 80): Promise<Settings> {
  const selector = { istio: `ingress-${ns}` };
  await client.request('POST', `/apis/networking.istio.io/v1/namespaces/${ns}/gateways`, {
    body: {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw' },
      spec: { selector, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] },
    },
  });
  await client.request('POST', `/api/v1/namespaces/${ns}/services`, {
    body: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ingressgateway', labels: selector },
      spec: { type: 'LoadBalancer', selector, ports: [{ name: 'http2', port: httpPort, targetPort: 8080 }] },
    },
  });
  if (address) await setGatewayAddress(client, ns, address);
  return { metricsMode: 'ServiceMonitor', gateway: `${ns}/gw`, scrapeInterval: '15s' };
}

/** Gateway API HTTPRoutes of a namespace (the httproute router's children). */
export const httpRoutes = (ns: string) => `/apis/gateway.networking.k8s.io/v1/namespaces/${ns}/httproutes`;

/**
 * A Gateway API Gateway `gw` in `ns` (named as createGateway's Istio one, so one gateway
 * setting serves both routers): an HTTP listener on 8080 admitting routes from every
 * namespace, and the address its controller would report.
 */
export async function createGatewayApiGateway(client: KubeClient, ns: string, address = '198.51.100.30'): Promise<void> {
  const path = `/apis/gateway.networking.k8s.io/v1/namespaces/${ns}/gateways`;
  await client.request('POST', path, {
    body: {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'gw' },
      spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 8080, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } }] },
    },
  });
  await client.request('PATCH', `${path}/gw/status`, { contentType: 'application/merge-patch+json', body: { status: { addresses: [{ type: 'IPAddress', value: address }] } } });
}

/** Plays the Gateway's controller (no Istio runs here): accepts the HTTPRoute on its parent; returns the resourceVersion of that write. */
export async function acceptRoute(client: KubeClient, ns: string, name: string): Promise<string> {
  const route = await client.get<KubeObject & { spec: { parentRefs: unknown[] } }>(`${httpRoutes(ns)}/${name}`);
  const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const conditions = [{ type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Route was valid', observedGeneration: route.metadata.generation, lastTransitionTime: at }];
  const parents = [{ parentRef: route.spec.parentRefs[0], controllerName: 'istio.io/gateway-controller', conditions }];
  const written = await client.request<KubeObject>('PATCH', `${httpRoutes(ns)}/${name}/status`, { contentType: 'application/merge-patch+json', body: { status: { parents } } });
  return written.metadata.resourceVersion!;
}

/** Plays the cloud load balancer: gives the ingress Service an external address. */
export async function setGatewayAddress(client: KubeClient, ns: string, address: { ip?: string; hostname?: string }): Promise<void> {
  await client.request('PATCH', `/api/v1/namespaces/${ns}/services/ingressgateway/status`, {
    contentType: 'application/merge-patch+json',
    body: { status: { loadBalancer: { ingress: [address] } } },
  });
}

/**
 * Creates an ExposedAPI; the default path carries the namespace, because every API in the
 * cluster shares the gateway and routes conflict across namespaces (as they should).
 */
export async function createApi(
  client: KubeClient,
  ns: string,
  name: string,
  spec: Record<string, unknown> = {},
  metadata: Record<string, unknown> = {},
): Promise<ExposedAPI> {
  return client.request<ExposedAPI>('POST', exposedApis(ns), {
    body: {
      apiVersion: 'oda.tmforum.org/v1',
      kind: 'ExposedAPI',
      metadata: { name, ...metadata },
      spec: { name, apiType: 'openapi', implementation: 'impl', path: `/${ns}/${name}`, port: 8080, ...spec },
    },
  });
}

export const getApi = (client: KubeClient, ns: string, name: string) => client.get<ExposedAPI>(`${exposedApis(ns)}/${name}`);
export const getVs = (client: KubeClient, ns: string, name: string) => client.get<KubeObject & { spec: Record<string, unknown> }>(`${virtualServices(ns)}/${name}`);

export const condition = (api: ExposedAPI, type: string) => api.status?.conditions?.find((c) => c.type === type);

export type CliResult = Finished;

/**
 * Runs `kubectl oda-api <args>` as a user would, through the real kubectl binary. `limitMs`
 * stops (SIGTERM) a command that should have failed at once but runs on, such as `watch`.
 */
export async function kubectlOdaApi(args: string[], env: Record<string, string> = {}, limitMs?: number): Promise<CliResult> {
  const { NODE_ENV: _jest, ...userEnv } = process.env; // users do not run with jest's NODE_ENV=test
  const child = spawn('kubectl', ['oda-api', ...args], {
    env: { ...userEnv, KUBECONFIG: kubeconfigPath(), PATH: `${join(root, 'bin')}:${process.env.PATH}`, CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const limit = limitMs === undefined ? undefined : setTimeout(() => child.kill('SIGTERM'), limitMs);
  try {
    return await finished(child);
  } finally {
    clearTimeout(limit);
  }
}
