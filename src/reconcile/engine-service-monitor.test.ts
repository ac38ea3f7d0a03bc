import { condition, ofType } from '../test-support/plans.js';
import { later, NS, now, plan, PRD, prdApi, prdCluster } from '../test-support/product-catalog.js';

describe('reconcile: metrics through a ServiceMonitor', () => {
  const metricsApi = () => prdApi({ apiType: 'prometheus', path: '/metrics' });

  it('creates a ServiceMonitor next to the VirtualService', async () => {
    const c = prdCluster(metricsApi());
    const result = (await c.converge(PRD))[0];
    expect(ofType(result.actions, 'apply').map((a) => a.object.kind)).toEqual(['VirtualService', 'ServiceMonitor']);
    expect(condition(result, 'MetricsConfigured')).toMatchObject({ status: 'True', reason: 'ServiceMonitorConfigured' });
    expect(c.stores.serviceMonitors.list()[0].spec).toEqual({
      selector: { matchLabels: { name: 'prd-svc' } },
      endpoints: [{ port: 'http', path: '/metrics', interval: '15s', scheme: 'http' }],
    });
  });

  it('deletes the ServiceMonitor when the API is no longer a metrics API', async () => {
    const c = prdCluster(metricsApi());
    await c.converge(PRD);
    const api = c.api(PRD);
    c.put({ ...api, spec: { ...api.spec, apiType: 'openapi' } });
    const result = plan(c, later);
    expect(ofType(result.actions, 'delete')).toEqual([
      { type: 'delete', apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', namespace: NS, name: 'prd-api' },
    ]);
    expect(condition(result, 'MetricsConfigured')).toBeUndefined();
  });

  it('fails this API only when ServiceMonitors are not served', () => {
    const c = prdCluster(metricsApi());
    c.capabilities = { ...c.capabilities, serviceMonitorServed: false };
    const result = plan(c, now);
    expect(result.outcome).toBe('error');
    expect(ofType(result.actions, 'apply').map((a) => a.object.kind)).toEqual(['VirtualService']);
    expect(condition(result, 'MetricsConfigured')).toMatchObject({ status: 'False', reason: 'ServiceMonitorCRDMissing' });
  });

  it('explains when no selector can pick the Service alone', () => {
    const c = prdCluster(metricsApi());
    const svc = c.stores.services.get(NS, 'prd-svc')!;
    c.put(
      { ...svc, metadata: { name: 'prd-svc', namespace: NS, labels: { app: 'prd' } } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'prd-web', namespace: NS, labels: { app: 'prd' } } },
    );
    const result = plan(c);
    expect(condition(result, 'MetricsConfigured')).toMatchObject({ status: 'False', reason: 'ServiceNotSelectable', message: expect.stringContaining('prd-web') });
  });
});
