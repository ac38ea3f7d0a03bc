// Where an API can be reached from outside: https:// + host + port suffix + path.
// The host is the API's own hostname, else the configured public hostname, else the
// ingress gateway's load balancer address (which may not be assigned yet).

import type { Service, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import { isIPv6 } from './names.js';

/** Standard ports for which the URL carries no `:port`. */
const STANDARD_PORTS = [80, 443];
/** Gateway Service port names that carry the public HTTP(S) traffic. */
const HTTP_PORT_NAMES = ['http', 'http2'];

export interface GatewayAddress {
  /** The load balancer's ip, else its hostname; absent while none is assigned. */
  host?: string;
  /** `:<port>` of the gateway's http/http2 port, or '' for 80, 443 or no such port. */
  portSuffix: string;
}

export function gatewayAddress(gatewayService: Service | undefined): GatewayAddress {
  const ingress = gatewayService?.status?.loadBalancer?.ingress?.[0];
  const host = ingress?.ip || ingress?.hostname || undefined;
  // The first matching port wins, in the Service's own order (as the Canvas does).
  const port = gatewayService?.spec?.ports?.find((p) => HTTP_PORT_NAMES.includes(p.name ?? ''));
  const portSuffix = port && !STANDARD_PORTS.includes(port.port) ? `:${port.port}` : '';
  return host === undefined ? { portSuffix } : { host, portSuffix };
}

/** A host as it appears in a URL: IPv6 literals need brackets. */
export function urlHost(host: string): string {
  return isIPv6(host) ? `[${host}]` : host;
}

export interface ApiAddress {
  /** Absent while no host is known (no hostname configured and no load balancer address). */
  url?: string;
  /** Only when the spec has a developerUI and a host is known. */
  developerUI?: string;
  /** The gateway load balancer's ip or hostname, when assigned. */
  ip?: string;
}

/** `gateway`: the ingress's address (ingress.ts); undefined when no ingress was found. */
export function buildUrl(
  spec: Pick<ApiSpec, 'hostname' | 'path' | 'developerUI'>,
  settings: Pick<Settings, 'publicHostname'>,
  gateway: GatewayAddress = { portSuffix: '' },
): ApiAddress {
  const host = spec.hostname ?? settings.publicHostname ?? gateway.host;
  const address: ApiAddress = {};
  if (host !== undefined) {
    const base = `https://${urlHost(host)}${gateway.portSuffix}`;
    address.url = base + spec.path;
    if (spec.developerUI !== undefined) address.developerUI = base + spec.developerUI;
  }
  if (gateway.host !== undefined) address.ip = gateway.host;
  return address;
}
