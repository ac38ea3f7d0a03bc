// Finds out once what the API server offers: which VirtualService version to write,
// whether ServiceMonitors exist, and where ExposedAPI status goes.
import type { Capabilities } from '../reconcile/types.js';
import { pickVirtualServiceVersion } from '../reconcile/index.js';
import { ApiError, KubeClient } from './client.js';

/** A CRD the command cannot work without is not installed. */
export class MissingCrdError extends Error {}

export interface Discovered extends Capabilities {
  /** e.g. `networking.istio.io/v1`, for reading Gateways. */
  gatewayApiVersion?: string;
  componentServed: boolean;
  componentStatusSubresource: boolean;
}

interface ResourceList {
  resources: { name: string }[];
}

async function resourcesOf(client: KubeClient, groupVersion: string): Promise<Set<string> | undefined> {
  try {
    const list = await client.get<ResourceList>(`/apis/${groupVersion}`);
    return new Set(list.resources.map((r) => r.name));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw err;
  }
}

async function servedVersions(client: KubeClient, group: string): Promise<string[]> {
  try {
    const g = await client.get<{ versions: { version: string }[] }>(`/apis/${group}`);
    return g.versions.map((v) => v.version);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return [];
    throw err;
  }
}

export async function discover(client: KubeClient): Promise<Discovered> {
  const oda = await resourcesOf(client, 'oda.tmforum.org/v1');
  if (!oda?.has('exposedapis')) {
    throw new MissingCrdError('the ExposedAPI CRD (exposedapis.oda.tmforum.org, version v1) is not installed in this cluster');
  }
  const istioVersions = await servedVersions(client, 'networking.istio.io');
  const vsApiVersion = pickVirtualServiceVersion(istioVersions.map((v) => `networking.istio.io/${v}`));
  const istio = vsApiVersion ? await resourcesOf(client, vsApiVersion) : undefined;
  const monitoring = await resourcesOf(client, 'monitoring.coreos.com/v1');
  // EnvoyFilters have one version only, whatever the VirtualServices' newest is.
  const envoyFilters = istioVersions.includes('v1alpha3') ? await resourcesOf(client, 'networking.istio.io/v1alpha3') : undefined;
  const security = await resourcesOf(client, 'security.istio.io/v1');
  const gatewayApi = await resourcesOf(client, 'gateway.networking.k8s.io/v1');
  return {
    exposedApiStatusSubresource: oda.has('exposedapis/status'),
    virtualServiceApiVersion: istio?.has('virtualservices') ? vsApiVersion : undefined,
    gatewayApiVersion: istio?.has('gateways') ? vsApiVersion : undefined,
    serviceMonitorServed: monitoring?.has('servicemonitors') ?? false,
    componentServed: oda.has('components'),
    componentStatusSubresource: oda.has('components/status'),
    envoyFilterServed: envoyFilters?.has('envoyfilters') ?? false,
    securityPoliciesServed: (security?.has('requestauthentications') && security.has('authorizationpolicies')) ?? false,
    // The same newest version as VirtualServices (Istio serves its networking kinds together).
    destinationRuleApiVersion: istio?.has('destinationrules') ? vsApiVersion : undefined,
    httpRouteServed: gatewayApi?.has('httproutes') ?? false,
    gatewayApiServed: gatewayApi?.has('gateways') ?? false,
  };
}
