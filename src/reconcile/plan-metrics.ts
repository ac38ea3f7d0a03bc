// The metrics part of a reconcile: a ServiceMonitor or pod annotations for metrics APIs,
// depending on the mode, and removal of whichever of them is no longer wanted (after an
// apiType or mode change), including the finalizer that guards pod annotations.

import type { Action, ClusterView, ExposedAPI, Pod, Service, Settings } from './types.js';
import type { ApiSpec } from './spec.js';
import type { ConditionInput } from './conditions.js';
import { ANNOTATION_OWNER, FINALIZER, SERVICE_MONITOR_API_VERSION, SERVICE_MONITOR_KIND } from './constants.js';
import { childMatches } from './match.js';
import { desiredServiceMonitor, isMetricsApi } from './metrics.js';
import { apiNamespace, controlledBy } from './ownership.js';
import { annotatedFor, desiredPodAnnotations, isAnnotationMode, podAnnotationPatch, type AnnotationMode } from './pod-annotations.js';

export interface MetricsPlan {
  actions: Action[];
  /** MetricsConfigured; only for metrics APIs. */
  condition?: ConditionInput;
  problem?: 'error';
}

const configured = (reason: string, message: string): ConditionInput => ({
  type: 'MetricsConfigured',
  status: 'True',
  reason,
  message,
});
const failed = (reason: string, message: string): MetricsPlan => ({
  actions: [],
  condition: { type: 'MetricsConfigured', status: 'False', reason, message },
  problem: 'error',
});

const hasFinalizer = (api: ExposedAPI): boolean => api.metadata.finalizers?.includes(FINALIZER) ?? false;

/** Patches taking every pod that carries this API's annotations back to none. */
export function annotationRemovals(api: ExposedAPI, pods: readonly Pod[]): Action[] {
  return pods.flatMap((pod): Action[] => {
    const patch = podAnnotationPatch(pod, api.metadata.name, undefined);
    return patch ? [{ type: 'annotatePod', namespace: apiNamespace(api), name: pod.metadata.name, annotations: patch }] : [];
  });
}

/** Pods of the namespace carrying this API's annotations. */
export function annotatedPods(api: ExposedAPI, view: ClusterView): Pod[] {
  return view.pods(apiNamespace(api), {}).filter((pod) => annotatedFor(pod, api.metadata.name));
}

function planServiceMonitor(api: ExposedAPI, spec: ApiSpec, service: Service | undefined, view: ClusterView, settings: Settings): MetricsPlan {
  const namespace = apiNamespace(api);
  const name = api.metadata.name;
  if (!view.capabilities.serviceMonitorServed) {
    return failed('ServiceMonitorCRDMissing', 'no ServiceMonitor CRD (monitoring.coreos.com/v1) is served by this cluster; install the Prometheus operator or choose an annotation metrics mode');
  }
  if (service === undefined) return failed('ServiceNotFound', `Service ${spec.implementation} not found in namespace ${namespace}`);
  const built = desiredServiceMonitor(api, spec, service, view.services(namespace), settings);
  if ('problem' in built) return failed(built.problem.reason, built.problem.message);
  const live = view.serviceMonitor(namespace, name);
  if (live !== undefined && !controlledBy(live, api)) {
    return failed('ServiceMonitorNotOwned', `ServiceMonitor ${namespace}/${name} exists and is not managed by this ExposedAPI; delete or rename it`);
  }
  const actions: Action[] = [];
  if (live === undefined) actions.push({ type: 'apply', object: built.object, change: 'create' });
  else if (!childMatches(built.object, live)) actions.push({ type: 'apply', object: built.object, change: 'update' });
  return {
    actions,
    condition: configured('ServiceMonitorConfigured', `ServiceMonitor ${namespace}/${name} scrapes ${spec.path} of Service ${spec.implementation} every ${settings.scrapeInterval}`),
  };
}

function planAnnotations(api: ExposedAPI, spec: ApiSpec, service: Service | undefined, view: ClusterView, mode: AnnotationMode): MetricsPlan {
  const namespace = apiNamespace(api);
  const name = api.metadata.name;
  // Pods are not our children: the finalizer lets us take the annotations off again.
  const finalizer: Action[] = hasFinalizer(api) ? [] : [{ type: 'addFinalizer', finalizer: FINALIZER }];
  if (service === undefined) {
    return { ...failed('ServiceNotFound', `Service ${spec.implementation} not found in namespace ${namespace}`), actions: finalizer };
  }
  const selector = service.spec?.selector ?? {};
  if (Object.keys(selector).length === 0) {
    return { ...failed('ServiceHasNoSelector', `Service ${spec.implementation} has no selector, so its pods cannot be found to annotate`), actions: finalizer };
  }
  const selected = view.pods(namespace, selector).filter((pod) => !pod.metadata.deletionTimestamp);
  // One set of scrape annotations per pod: pods already claimed by another API are left alone.
  const claimed = selected.filter((pod) => (pod.metadata.annotations?.[ANNOTATION_OWNER] ?? name) !== name);
  const ours = selected.filter((pod) => !claimed.includes(pod));
  const oursByName = new Set(ours.map((pod) => pod.metadata.name));
  const annotate = ours.flatMap((pod): Action[] => {
    const patch = podAnnotationPatch(pod, name, desiredPodAnnotations(api, spec, service, pod, mode));
    return patch ? [{ type: 'annotatePod', namespace, name: pod.metadata.name, annotations: patch }] : [];
  });
  // Pods no longer selected (the Service selector or implementation changed) are cleaned up.
  const stale = annotationRemovals(api, annotatedPods(api, view).filter((pod) => !oursByName.has(pod.metadata.name)));
  const actions = [...finalizer, ...annotate, ...stale];
  if (claimed.length > 0) {
    const owners = [...new Set(claimed.map((p) => p.metadata.annotations?.[ANNOTATION_OWNER]))].join(', ');
    const pods = claimed.map((p) => p.metadata.name).sort().join(', ');
    return { ...failed('PodsAnnotatedByAnotherAPI', `pods ${pods} already carry the metrics annotations of ExposedAPI ${owners}`), actions };
  }
  const scraper = mode === 'PrometheusAnnotation' ? 'Prometheus' : 'DataDog';
  return { actions, condition: configured('PodsAnnotated', `pods of Service ${spec.implementation} are annotated for ${scraper} scraping`) };
}

/** Removes the ServiceMonitor and pod annotations this API no longer wants. */
function prune(api: ExposedAPI, view: ClusterView, keepServiceMonitor: boolean, keepAnnotations: boolean): Action[] {
  const namespace = apiNamespace(api);
  const name = api.metadata.name;
  const actions: Action[] = [];
  const monitor = view.capabilities.serviceMonitorServed ? view.serviceMonitor(namespace, name) : undefined;
  if (!keepServiceMonitor && monitor !== undefined && controlledBy(monitor, api)) {
    actions.push({ type: 'delete', apiVersion: SERVICE_MONITOR_API_VERSION, kind: SERVICE_MONITOR_KIND, namespace, name });
  }
  if (!keepAnnotations) {
    actions.push(...annotationRemovals(api, annotatedPods(api, view)));
    // Executors carry actions out in order, so the finalizer goes only after the pods are clean.
    if (hasFinalizer(api)) actions.push({ type: 'removeFinalizer', finalizer: FINALIZER });
  }
  return actions;
}

export function planMetrics(api: ExposedAPI, spec: ApiSpec, view: ClusterView, settings: Settings): MetricsPlan {
  const mode = settings.metricsMode;
  const metrics = isMetricsApi(spec.apiType);
  const wantMonitor = metrics && mode === 'ServiceMonitor';
  const wantAnnotations = metrics && isAnnotationMode(mode);
  const service = metrics ? view.service(apiNamespace(api), spec.implementation) : undefined;
  const plan: MetricsPlan = !metrics
    ? { actions: [] }
    : isAnnotationMode(mode)
      ? planAnnotations(api, spec, service, view, mode)
      : planServiceMonitor(api, spec, service, view, settings);
  return { ...plan, actions: [...plan.actions, ...prune(api, view, wantMonitor, wantAnnotations)] };
}
