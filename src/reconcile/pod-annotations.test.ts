import type { Container, ExposedAPI, Pod, Service, ServicePort } from './types.js';
import type { ApiSpec } from './spec.js';
import { desiredPodAnnotations, metricsTarget, podAnnotationPatch } from './pod-annotations.js';

const api: ExposedAPI = {
  apiVersion: 'oda.tmforum.org/v1',
  kind: 'ExposedAPI',
  metadata: { name: 'prd-metrics', namespace: 'components', uid: 'u-1' },
  spec: {},
};
const spec: ApiSpec = { name: 'metrics', apiType: 'prometheus', implementation: 'prd-svc', path: '/metrics', port: 9090 };
const service = (ports: ServicePort[]): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'prd-svc', namespace: 'components' },
  spec: { selector: { app: 'prd' }, ports },
});
const pod = (containers: Container[], annotations?: Record<string, string>): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'prd-0', namespace: 'components', ...(annotations ? { annotations } : {}) },
  spec: { containers },
});
const app: Container = { name: 'app', ports: [{ name: 'http', containerPort: 8080 }] };
const sidecar: Container = { name: 'exporter', ports: [{ name: 'prom', containerPort: 9100 }] };

describe('metricsTarget', () => {
  it.each<[string, ServicePort[], number, string | undefined]>([
    ['numeric targetPort', [{ port: 9090, targetPort: 9100 }], 9100, 'exporter'],
    ['named targetPort', [{ port: 9090, targetPort: 'prom' }], 9100, 'exporter'],
    ['named targetPort nobody exposes', [{ port: 9090, targetPort: 'nope' }], 9090, undefined],
    ['no targetPort: the Service port', [{ port: 9090 }], 9090, undefined],
    ['spec.port not on the Service', [{ port: 80, targetPort: 8080 }], 9090, undefined],
    ['numeric target on the first container', [{ port: 9090, targetPort: 8080 }], 8080, 'app'],
  ])('%s', (_label, ports, port, container) => {
    const target = metricsTarget(service(ports), 9090, pod([app, sidecar]));
    expect(target.port).toBe(port);
    expect(target.container?.name).toBe(container);
  });
});

describe('desiredPodAnnotations', () => {
  const svc = service([{ name: 'metrics', port: 9090, targetPort: 'prom' }]);

  it('Prometheus: scrape, the container port and the path', () => {
    expect(desiredPodAnnotations(api, spec, svc, pod([app, sidecar]), 'PrometheusAnnotation')).toEqual({
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9100',
      'prometheus.io/path': '/metrics',
      'oda.tmforum.org/metrics-exposedapi': 'prd-metrics',
    });
  });

  it('DataDog: an openmetrics check on the container exposing the port, in the API namespace', () => {
    const annotations = desiredPodAnnotations(api, spec, svc, pod([app, sidecar]), 'DataDogAnnotation');
    expect(Object.keys(annotations).sort()).toEqual(['ad.datadoghq.com/exporter.checks', 'oda.tmforum.org/metrics-exposedapi']);
    expect(JSON.parse(annotations['ad.datadoghq.com/exporter.checks'])).toEqual({
      openmetrics: {
        instances: [
          {
            openmetrics_endpoint: 'http://prd-svc.components.svc.cluster.local:9090/metrics',
            namespace: 'components',
            metrics: ['.*'],
          },
        ],
      },
    });
  });

  it('DataDog: the first container when none exposes the port', () => {
    const annotations = desiredPodAnnotations(api, spec, service([{ port: 9090 }]), pod([app, sidecar]), 'DataDogAnnotation');
    expect(annotations).toHaveProperty(['ad.datadoghq.com/app.checks']);
  });
});

describe('podAnnotationPatch', () => {
  const want = { 'prometheus.io/scrape': 'true', 'oda.tmforum.org/metrics-exposedapi': 'prd-metrics' };

  it.each<[string, Record<string, string> | undefined, Record<string, string> | undefined, Record<string, string | null> | undefined]>([
    ['adds what is missing', { other: 'x' }, want, want],
    ['nothing when already there', { ...want, other: 'x' }, want, undefined],
    ['changes a differing value', { ...want, 'prometheus.io/scrape': 'false' }, want, { 'prometheus.io/scrape': 'true' }],
    [
      'removes ours, keeps the rest',
      { ...want, 'prometheus.io/path': '/m', other: 'x' },
      undefined,
      { 'prometheus.io/scrape': null, 'prometheus.io/path': null, 'oda.tmforum.org/metrics-exposedapi': null },
    ],
    [
      'switching mode drops the old mode keys',
      { ...want, 'prometheus.io/port': '1' },
      { 'ad.datadoghq.com/app.checks': '{}', 'oda.tmforum.org/metrics-exposedapi': 'prd-metrics' },
      { 'ad.datadoghq.com/app.checks': '{}', 'prometheus.io/scrape': null, 'prometheus.io/port': null },
    ],
    ['never removes from a pod we did not mark', { 'prometheus.io/scrape': 'true' }, undefined, undefined],
    [
      'keeps the annotations a pod came with when first marking it',
      { 'prometheus.io/path': '/own' },
      want,
      want,
    ],
    ['nothing to remove on an unannotated pod', undefined, undefined, undefined],
  ])('%s', (_label, current, desired, expected) => {
    expect(podAnnotationPatch(pod([app], current), 'prd-metrics', desired)).toEqual(expected);
  });

  it('does not remove the annotations of another API', () => {
    const current = { 'prometheus.io/scrape': 'true', 'oda.tmforum.org/metrics-exposedapi': 'other-api' };
    expect(podAnnotationPatch(pod([app], current), 'prd-metrics', undefined)).toBeUndefined();
  });
});
