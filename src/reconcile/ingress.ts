// Where an API is reached from outside, by router: the Istio ingress gateway Service in
// front of the configured Gateway's pods (virtualservice), or the Gateway API Gateway
// itself, by its status.addresses and listener port (httproute). Pure.

import type { ClusterView, Settings } from './types.js';
import { describeParent, gatewayApiAddress, parentRefFor } from './gateway-api.js';
import { gatewayAddress, type GatewayAddress } from './url.js';

export interface Ingress {
  /** What the address comes from, for messages: `ingress gateway Service ns/name`, `Gateway ns/name`. */
  what: string;
  address: GatewayAddress;
}

/** The API's ingress, or why none was found (one line). */
export type IngressLookup = Ingress | { missing: string };

export function ingressFor(namespace: string, view: ClusterView, settings: Settings): IngressLookup {
  if (settings.router === 'httproute') {
    const parent = parentRefFor(settings.gateway, namespace);
    const gateway = view.gatewayApiGateway(parent.namespace, parent.name);
    if (!gateway) return { missing: `no Gateway API Gateway ${describeParent(parent)} found` };
    return { what: `Gateway ${describeParent(parent)}`, address: gatewayApiAddress(gateway, namespace) };
  }
  const service = view.gatewayService();
  if (!service) return { missing: `no ingress gateway Service found for gateway ${settings.gateway}` };
  return { what: `ingress gateway Service ${service.metadata.namespace ?? ''}/${service.metadata.name}`, address: gatewayAddress(service) };
}

export const addressOf = (ingress: IngressLookup): GatewayAddress | undefined => ('address' in ingress ? ingress.address : undefined);
