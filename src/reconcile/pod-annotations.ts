// Metrics by pod annotation (modes PrometheusAnnotation and DataDogAnnotation): every
// pod behind the implementation Service is annotated, and marked with ANNOTATION_OWNER
// so the annotations can be found and removed again (pods are not our children).

import type { Container, ExposedAPI, MetricsMode, Pod, Service } from './types.js';
import type { ApiSpec } from './spec.js';
import { ANNOTATION_OWNER } from './constants.js';
import { servicePortFor } from './metrics.js';
import { apiNamespace } from './ownership.js';

export type AnnotationMode = Exclude<MetricsMode, 'ServiceMonitor'>;

const PROMETHEUS_SCRAPE = 'prometheus.io/scrape';
const PROMETHEUS_PORT = 'prometheus.io/port';
const PROMETHEUS_PATH = 'prometheus.io/path';
const PROMETHEUS_KEYS = [PROMETHEUS_SCRAPE, PROMETHEUS_PORT, PROMETHEUS_PATH];

const dataDogKey = (container: string): string => `ad.datadoghq.com/${container}.checks`;

export function isAnnotationMode(mode: MetricsMode): mode is AnnotationMode {
  return mode !== 'ServiceMonitor';
}

/**
 * The container port behind the API's Service port, and the container exposing it.
 * A numeric targetPort is used as is; a named one is looked up among the pod's
 * container ports; failing both, the Service port itself (the Kubernetes default).
 */
export function metricsTarget(service: Service, port: number, pod: Pod): { port: number; container?: Container } {
  const containers = pod.spec?.containers ?? [];
  const target = servicePortFor(service, port)?.targetPort ?? port;
  if (typeof target === 'string') {
    for (const container of containers) {
      const named = container.ports?.find((p) => p.name === target);
      if (named) return { port: named.containerPort, container };
    }
    return { port };
  }
  return { port: target, container: containers.find((c) => c.ports?.some((p) => p.containerPort === target)) };
}

/** The annotations a pod should carry for this API in this mode. */
export function desiredPodAnnotations(
  api: ExposedAPI,
  spec: ApiSpec,
  service: Service,
  pod: Pod,
  mode: AnnotationMode,
): Record<string, string> {
  const owner = { [ANNOTATION_OWNER]: api.metadata.name };
  const target = metricsTarget(service, spec.port, pod);
  if (mode === 'PrometheusAnnotation') {
    return {
      [PROMETHEUS_SCRAPE]: 'true',
      [PROMETHEUS_PORT]: String(target.port),
      [PROMETHEUS_PATH]: spec.path,
      ...owner,
    };
  }
  const container = target.container ?? pod.spec?.containers?.[0];
  if (container === undefined) return owner;
  const namespace = apiNamespace(api);
  const check = {
    openmetrics: {
      instances: [
        {
          // Through the Service, as DataDog's cluster check runners expect.
          openmetrics_endpoint: `http://${service.metadata.name}.${namespace}.svc.cluster.local:${spec.port}${spec.path}`,
          namespace,
          metrics: ['.*'],
        },
      ],
    },
  };
  return { [dataDogKey(container.name)]: JSON.stringify(check), ...owner };
}

/** Whether this pod carries our annotations for the named API. */
export function annotatedFor(pod: Pod, apiName: string): boolean {
  return pod.metadata.annotations?.[ANNOTATION_OWNER] === apiName;
}

/** The annotations (of either mode) we may have put on a pod that are on it now. */
function ourAnnotationKeys(pod: Pod): string[] {
  const annotations = pod.metadata.annotations ?? {};
  const candidates = [
    ...PROMETHEUS_KEYS,
    ...(pod.spec?.containers ?? []).map((c) => dataDogKey(c.name)),
    ANNOTATION_OWNER,
  ];
  return candidates.filter((key) => key in annotations);
}

/**
 * The merge patch taking a pod's annotations to `desired` (undefined: none of ours),
 * or undefined when nothing needs to change. Keys of ours no longer wanted are nulled,
 * but only on pods we marked, so annotations the pod came with are never removed.
 */
export function podAnnotationPatch(
  pod: Pod,
  apiName: string,
  desired: Record<string, string> | undefined,
): Record<string, string | null> | undefined {
  const current = pod.metadata.annotations ?? {};
  const patch: Record<string, string | null> = {};
  for (const [key, value] of Object.entries(desired ?? {})) {
    if (current[key] !== value) patch[key] = value;
  }
  if (annotatedFor(pod, apiName)) {
    for (const key of ourAnnotationKeys(pod)) {
      if (desired === undefined || !(key in desired)) patch[key] = null;
    }
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}
