// Finding the ingress gateway: the Istio Gateway named by the settings selects gateway
// pods by label; the Service in front of those pods carries the external address.
// Choosing by the Gateway's selector (not "the first istio=ingressgateway Service
// cluster-wide") keeps the URL right on clusters with several gateways.

import type { KubeObject, Service } from './types.js';
import { ISTIO_GROUP } from './constants.js';
import { isRecord } from './validate.js';

const DEFAULT_GATEWAY_LABELS: Record<string, string> = { istio: 'ingressgateway' };

/** Newest first: the versions of VirtualService we know how to write. */
const VIRTUAL_SERVICE_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];

export interface NamespacedName {
  namespace: string;
  name: string;
}

/** `name` resolves in `defaultNamespace` (the VirtualService's, as Istio does); `namespace/name` as given. */
export function parseGatewaySetting(setting: string, defaultNamespace: string): NamespacedName {
  const slash = setting.indexOf('/');
  return slash < 0
    ? { namespace: defaultNamespace, name: setting }
    : { namespace: setting.slice(0, slash), name: setting.slice(slash + 1) };
}

/** The gateway reference as `namespace/name`, for comparing references written either way. */
export function normaliseGateway(setting: string, defaultNamespace: string): string {
  const { namespace, name } = parseGatewaySetting(setting, defaultNamespace);
  return `${namespace}/${name}`;
}

function gatewaySelector(gateway: KubeObject | undefined): Record<string, string> | undefined {
  const spec = gateway?.spec;
  const selector = isRecord(spec) ? spec.selector : undefined;
  if (!isRecord(selector) || Object.keys(selector).length === 0) return undefined;
  return Object.fromEntries(Object.entries(selector).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/**
 * The labels a Service in front of the gateway carries, to watch just such Services:
 * Istio's ingress Services are labelled like the pods they select, so the Gateway's
 * selector (istio=ingressgateway without one).
 */
export function gatewayServiceLabels(gateway: KubeObject | undefined): Record<string, string> {
  return gatewaySelector(gateway) ?? DEFAULT_GATEWAY_LABELS;
}

const contains = (labels: Record<string, string> | undefined, wanted: Record<string, string>): boolean =>
  labels !== undefined && Object.entries(wanted).every(([k, v]) => labels[k] === v);

/** LoadBalancer Services first (they have the external address), then namespace/name. */
function preferred(a: Service, b: Service): number {
  const lb = (s: Service) => (s.spec?.type === 'LoadBalancer' ? 0 : 1);
  const key = (s: Service) => `${s.metadata.namespace ?? ''}/${s.metadata.name}`;
  return lb(a) - lb(b) || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

/**
 * The Service in front of the Gateway's pods: one whose selector includes every label
 * of the Gateway's selector (so it selects only gateway pods). Without a known Gateway
 * (or one without a selector) falls back to a Service labelled istio=ingressgateway.
 */
export function pickGatewayService(gateway: KubeObject | undefined, services: readonly Service[]): Service | undefined {
  const selector = gatewaySelector(gateway);
  const candidates =
    selector === undefined
      ? services.filter((s) => contains(s.metadata.labels, DEFAULT_GATEWAY_LABELS))
      : services.filter((s) => contains(s.spec?.selector, selector));
  return [...candidates].sort(preferred)[0];
}

/**
 * `networking.istio.io/<version>` for the newest served version we can write, or
 * undefined when none is served. Accepts bare versions or group/version strings.
 */
export function pickVirtualServiceVersion(servedVersions: readonly string[]): string | undefined {
  const served = new Set(servedVersions.map((v) => v.slice(v.lastIndexOf('/') + 1)));
  const version = VIRTUAL_SERVICE_VERSIONS.find((v) => served.has(v));
  return version === undefined ? undefined : `${ISTIO_GROUP}/${version}`;
}
