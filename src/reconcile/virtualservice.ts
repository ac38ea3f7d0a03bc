// The VirtualService routing an ExposedAPI through the ingress gateway. Defaults match
// the Canvas operator's, so clusters moving over see no change in their routes.

import type { ExposedAPI, KubeObject, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import { VIRTUAL_SERVICE_KIND } from './constants.js';
import { corsPolicy } from './cors.js';
import { childMetadata } from './ownership.js';
import { needsEnvoyFilter, routeName } from './envoyfilter.js';

/** `[spec.hostname]`, else `[public hostname]`, else every host. */
export function routeHosts(spec: Pick<ApiSpec, 'hostname'>, settings: Pick<Settings, 'publicHostname'>): string[] {
  return [spec.hostname ?? settings.publicHostname ?? '*'];
}

export function desiredVirtualService(
  api: ExposedAPI,
  spec: ApiSpec,
  settings: Settings,
  apiVersion: string,
): KubeObject {
  const cors = corsPolicy(spec.CORS);
  const route = {
    // Named only when the API's EnvoyFilter must find it (the name is in Envoy's route table): other routes stay as the Canvas writes them.
    ...(needsEnvoyFilter(spec) ? { name: routeName(api) } : {}),
    match: [{ uri: { prefix: spec.path } }],
    route: [{ destination: { host: spec.implementation, port: { number: spec.port } } }],
    ...(cors ? { corsPolicy: cors } : {}),
  };
  return {
    apiVersion,
    kind: VIRTUAL_SERVICE_KIND,
    metadata: childMetadata(api),
    spec: {
      hosts: routeHosts(spec, settings),
      gateways: [settings.gateway],
      http: [route],
    },
  };
}
