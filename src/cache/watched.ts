// Which collections the cache watches, given what the cluster serves: one informer per
// Store, at the version the cluster serves.
import type { Discovered } from '../kube/discovery.js';
import { COMPONENT, ENDPOINT_SLICE, EXPOSED_API, gatewayResource, POD, Resource, SERVICE, SERVICE_MONITOR, virtualServiceResource } from '../kube/resources.js';
import type { StoreName } from '../kube/view.js';

/** Stores the operator can work without: a forbidden Gateway LIST means routing to the configured name unverified. */
export const OPTIONAL: ReadonlySet<StoreName> = new Set(['gateways']);

export function watchedResources(caps: Discovered & { exposedApiServed?: boolean }): [StoreName, Resource][] {
  const version = (apiVersion?: string) => apiVersion?.split('/')[1];
  const list: [StoreName, Resource][] = [
    ['services', SERVICE],
    ['endpointSlices', ENDPOINT_SLICE],
  ];
  if (caps.exposedApiServed !== false) list.push(['exposedApis', EXPOSED_API]);
  if (caps.virtualServiceApiVersion) list.push(['virtualServices', virtualServiceResource(version(caps.virtualServiceApiVersion)!)]);
  if (caps.gatewayApiVersion) list.push(['gateways', gatewayResource(version(caps.gatewayApiVersion)!)]);
  if (caps.serviceMonitorServed) list.push(['serviceMonitors', SERVICE_MONITOR]);
  if (caps.componentServed) list.push(['components', COMPONENT]);
  // Pods carry the annotation-mode metrics; watched in every mode so annotations left
  // by an earlier mode are found and removed before the finalizer goes.
  list.push(['pods', POD]);
  return list;
}
