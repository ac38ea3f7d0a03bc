import type { Settings } from './types.js';
import { ANNOTATION_OWNER, FINALIZER } from './constants.js';
import { condition, events, ofType } from '../test-support/plans.js';
import { later, NS, now, plan, PRD, prdApi, prdCluster, prdPod, settings } from '../test-support/product-catalog.js';

describe('reconcile: metrics through pod annotations', () => {
  const metricsApi = () => prdApi({ apiType: 'openmetrics', path: '/metrics' });
  const prometheus: Settings = { ...settings, metricsMode: 'PrometheusAnnotation' };

  it('adds the finalizer before annotating every selected pod', () => {
    const c = prdCluster(metricsApi());
    c.put(prdPod('prd-1'), prdPod('unrelated', { app: 'web' }));
    const result = plan(c, now, prometheus);
    const types = result.actions.map((a) => a.type);
    expect(types.indexOf('addFinalizer')).toBeLessThan(types.indexOf('annotatePod'));
    expect(ofType(result.actions, 'annotatePod')).toEqual(
      ['prd-0', 'prd-1'].map((name) => ({
        type: 'annotatePod',
        namespace: NS,
        name,
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9000', 'prometheus.io/path': '/metrics', [ANNOTATION_OWNER]: 'prd-api' },
      })),
    );
    expect(events(result)).toContain('Normal PodsAnnotated');
    expect(ofType(result.actions, 'apply').map((a) => a.object.kind)).toEqual(['VirtualService']);
  });

  it('annotates pods created later, and converges', async () => {
    const c = prdCluster(metricsApi());
    await c.converge(PRD, prometheus);
    c.put(prdPod('prd-new'));
    const result = plan(c, later, prometheus);
    expect(ofType(result.actions, 'annotatePod').map((a) => a.name)).toEqual(['prd-new']);
  });

  it('moves from annotations to a ServiceMonitor: annotations off, then the finalizer', async () => {
    const c = prdCluster(metricsApi());
    await c.converge(PRD, prometheus);
    expect(c.api(PRD).metadata.finalizers).toEqual([FINALIZER]);
    const result = plan(c, later);
    const types = result.actions.map((a) => a.type);
    expect(ofType(result.actions, 'annotatePod')[0].annotations).toEqual({
      'prometheus.io/scrape': null,
      'prometheus.io/port': null,
      'prometheus.io/path': null,
      [ANNOTATION_OWNER]: null,
    });
    expect(types.indexOf('annotatePod')).toBeLessThan(types.indexOf('removeFinalizer'));
    expect(ofType(result.actions, 'apply').map((a) => a.object.kind)).toEqual(['ServiceMonitor']);
  });

  it('switches DataDog for Prometheus annotations on the same pods', async () => {
    const c = prdCluster(metricsApi());
    await c.converge(PRD, prometheus);
    const datadog: Settings = { ...settings, metricsMode: 'DataDogAnnotation' };
    await c.converge(PRD, datadog);
    expect(Object.keys(c.stores.pods.get(NS, 'prd-0')!.metadata.annotations ?? {}).sort()).toEqual(['ad.datadoghq.com/app.checks', ANNOTATION_OWNER]);
  });

  it('leaves pods annotated for another API alone', () => {
    const c = prdCluster(metricsApi());
    const pod = prdPod();
    pod.metadata.annotations = { [ANNOTATION_OWNER]: 'someone-else' };
    c.put(pod);
    const result = plan(c, now, prometheus);
    expect(ofType(result.actions, 'annotatePod')).toEqual([]);
    expect(condition(result, 'MetricsConfigured')).toMatchObject({ status: 'False', reason: 'PodsAnnotatedByAnotherAPI' });
  });
});

describe('reconcile: deletion', () => {
  const deleting = <T extends { metadata: object }>(o: T): T => ({ ...o, metadata: { ...o.metadata, deletionTimestamp: '2025-06-02T00:00:00Z' } });

  it('cleans up on deletion and lets the API go', async () => {
    const prometheus: Settings = { ...settings, metricsMode: 'PrometheusAnnotation' };
    const c = prdCluster(prdApi({ apiType: 'openmetrics', path: '/metrics' }));
    await c.converge(PRD, prometheus);
    c.put(deleting(c.api(PRD)));
    const result = plan(c, later, prometheus);
    expect(result.outcome).toBe('deleted');
    expect(result.actions.map((a) => a.type)).toEqual(['annotatePod', 'removeFinalizer']);
    await c.execute(c.api(PRD), result.actions);
    expect(c.stores.pods.get(NS, 'prd-0')!.metadata.annotations).toEqual({});
  });

  it('does nothing but report on deletion without our finalizer', () => {
    const c = prdCluster(deleting(prdApi()));
    expect(plan(c)).toMatchObject({ outcome: 'deleted', actions: [] });
  });
});
