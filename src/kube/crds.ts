// What the cluster serves, read from the CustomResourceDefinitions themselves: the watch
// runtime follows these objects, so a CRD installed, removed or changed while it runs is
// seen within seconds (discovery documents lag behind and are only read once).
import { pickVirtualServiceVersion } from '../reconcile/index.js';
import type { KubeObject } from '../reconcile/types.js';
import type { Discovered } from './discovery.js';

export const CRD_NAMES = {
  exposedApis: 'exposedapis.oda.tmforum.org',
  components: 'components.oda.tmforum.org',
  virtualServices: 'virtualservices.networking.istio.io',
  gateways: 'gateways.networking.istio.io',
  serviceMonitors: 'servicemonitors.monitoring.coreos.com',
  envoyFilters: 'envoyfilters.networking.istio.io',
  requestAuthentications: 'requestauthentications.security.istio.io',
  authorizationPolicies: 'authorizationpolicies.security.istio.io',
  destinationRules: 'destinationrules.networking.istio.io',
  httpRoutes: 'httproutes.gateway.networking.k8s.io',
  gatewayApiGateways: 'gateways.gateway.networking.k8s.io',
} as const;

export interface Crd extends KubeObject {
  spec?: { versions?: { name: string; served?: boolean; subresources?: { status?: object } }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

export interface CrdCapabilities extends Discovered {
  exposedApiServed: boolean;
}

/** Served versions of a CRD that is established and not being deleted. */
function served(crd: Crd | undefined): Map<string, { status: boolean }> {
  const versions = new Map<string, { status: boolean }>();
  if (!crd || crd.metadata.deletionTimestamp) return versions;
  if (!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) return versions;
  for (const v of crd.spec?.versions ?? []) if (v.served) versions.set(v.name, { status: !!v.subresources?.status });
  return versions;
}

/** The capabilities the given CRDs (any of CRD_NAMES, by name) give; absent CRDs give nothing. */
export function capabilitiesFromCrds(crds: readonly Crd[]): CrdCapabilities {
  const byName = (name: string) => crds.find((c) => c.metadata.name === name);
  const exposedApi = served(byName(CRD_NAMES.exposedApis)).get('v1');
  const component = served(byName(CRD_NAMES.components)).get('v1');
  const pick = (name: string) => pickVirtualServiceVersion([...served(byName(name)).keys()]);
  return {
    exposedApiServed: exposedApi !== undefined,
    exposedApiStatusSubresource: exposedApi?.status ?? false,
    virtualServiceApiVersion: pick(CRD_NAMES.virtualServices),
    gatewayApiVersion: pick(CRD_NAMES.gateways),
    serviceMonitorServed: served(byName(CRD_NAMES.serviceMonitors)).has('v1'),
    componentServed: component !== undefined,
    componentStatusSubresource: component?.status ?? false,
    envoyFilterServed: served(byName(CRD_NAMES.envoyFilters)).has('v1alpha3'),
    securityPoliciesServed: served(byName(CRD_NAMES.requestAuthentications)).has('v1') && served(byName(CRD_NAMES.authorizationPolicies)).has('v1'),
    destinationRuleApiVersion: pick(CRD_NAMES.destinationRules),
    httpRouteServed: served(byName(CRD_NAMES.httpRoutes)).has('v1'),
    gatewayApiServed: served(byName(CRD_NAMES.gatewayApiGateways)).has('v1'),
  };
}
