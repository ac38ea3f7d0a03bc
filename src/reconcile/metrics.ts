// Metrics APIs (apiType prometheus/openmetrics): how they are scraped depends on the
// metrics mode. This file holds the mode itself and the ServiceMonitor child.

import type { ExposedAPI, KubeObject, MetricsMode, Service, ServicePort, Settings } from './types.js';
import type { ApiSpec, BasicAuthSpec, SecretKeyRef } from './spec.js';
import { SERVICE_MONITOR_API_VERSION, SERVICE_MONITOR_KIND } from './constants.js';
import { childMetadata } from './ownership.js';

export function isMetricsApi(apiType: string): boolean {
  return apiType === 'prometheus' || apiType === 'openmetrics';
}

const MODES: readonly MetricsMode[] = ['ServiceMonitor', 'PrometheusAnnotation', 'DataDogAnnotation'];

/**
 * The metrics mode from its setting. Case-insensitive, and a trailing `s` is accepted
 * because the Canvas documentation spells one of them `DataDogAnnotations`.
 */
export function parseMetricsMode(value: string): MetricsMode | undefined {
  const wanted = value.trim().toLowerCase();
  return MODES.find((m) => m.toLowerCase() === wanted || `${m.toLowerCase()}s` === wanted);
}

/** Why a child cannot be built, phrased for a condition. */
export interface Problem {
  reason: string;
  message: string;
}

/** The Service port an API's `spec.port` names. */
export function servicePortFor(service: Service, port: number): ServicePort | undefined {
  return service.spec?.ports?.find((p) => p.port === port);
}

const labelText = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

const selects = (selector: Record<string, string>, labels: Record<string, string> | undefined): boolean =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/**
 * A label selector picking the implementation Service and no other Service of its
 * namespace: the Canvas charts' `name: <implementation>` label when present, else all
 * of the Service's labels when those are unique to it.
 */
function serviceSelector(
  service: Service,
  others: readonly Service[],
): { selector: Record<string, string> } | { problem: Problem } {
  const name = service.metadata.name;
  const labels = service.metadata.labels ?? {};
  if (labels.name === name) return { selector: { name } };
  const fix = `add the label name=${name} to Service ${name}`;
  if (Object.keys(labels).length === 0) {
    const message = `Service ${name} has no labels for a ServiceMonitor to select it by; ${fix}`;
    return { problem: { reason: 'ServiceNotSelectable', message } };
  }
  const alsoSelected = others
    .filter((s) => s.metadata.name !== name && selects(labels, s.metadata.labels))
    .map((s) => s.metadata.name)
    .sort();
  if (alsoSelected.length > 0) {
    const message = `the labels of Service ${name} (${labelText(labels)}) also select Service ${alsoSelected.join(', ')}; ${fix}`;
    return { problem: { reason: 'ServiceNotSelectable', message } };
  }
  return { selector: { ...labels } };
}

const secretKeyRef = (ref: SecretKeyRef): SecretKeyRef => ({
  name: ref.name,
  key: ref.key,
  ...(ref.optional === undefined ? {} : { optional: ref.optional }),
});

/** Only the fields the ServiceMonitor schema knows, whatever else the spec carries. */
const basicAuth = (auth: BasicAuthSpec) => ({ username: secretKeyRef(auth.username), password: secretKeyRef(auth.password) });

export function desiredServiceMonitor(
  api: ExposedAPI,
  spec: ApiSpec,
  service: Service,
  servicesInNamespace: readonly Service[],
  settings: Pick<Settings, 'scrapeInterval'>,
): { object: KubeObject } | { problem: Problem } {
  const chosen = serviceSelector(service, servicesInNamespace);
  if ('problem' in chosen) return chosen;
  const port = servicePortFor(service, spec.port);
  if (port === undefined) {
    return { problem: { reason: 'PortNotFound', message: `Service ${service.metadata.name} has no port ${spec.port}` } };
  }
  // A named port is the stable reference; an unnamed one is reached by its target port.
  const target = port.name ? { port: port.name } : { targetPort: port.targetPort ?? port.port };
  const endpoint = {
    ...target,
    path: spec.path,
    interval: settings.scrapeInterval,
    scheme: 'http',
    ...(spec.basicAuth ? { basicAuth: basicAuth(spec.basicAuth) } : {}),
  };
  return {
    object: {
      apiVersion: SERVICE_MONITOR_API_VERSION,
      kind: SERVICE_MONITOR_KIND,
      metadata: childMetadata(api),
      spec: { selector: { matchLabels: chosen.selector }, endpoints: [endpoint] },
    },
  };
}
