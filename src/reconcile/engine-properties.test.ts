import fc from 'fast-check';
import type { Settings } from './types.js';
import { reconcile } from './engine.js';
import { gatewayService, now, PRD, prdApi, prdCluster, settings } from '../test-support/product-catalog.js';

describe('reconcile: properties', () => {
  const scenario = fc.record({
    apiType: fc.constantFrom('openapi', 'prometheus', 'openmetrics', 'mcp'),
    mode: fc.constantFrom<Settings['metricsMode']>('ServiceMonitor', 'PrometheusAnnotation', 'DataDogAnnotation'),
    hostname: fc.option(fc.constantFrom('api.example.com', '2001:db8::1'), { nil: undefined }),
    cors: fc.boolean(),
    ready: fc.boolean(),
    address: fc.boolean(),
    component: fc.boolean(),
    monitors: fc.boolean(),
  });

  it('converges within a few passes, and the converged state writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const spec: Record<string, unknown> = { apiType: s.apiType, ...(s.hostname ? { hostname: s.hostname } : {}), ...(s.cors ? { CORS: { enabled: true } } : {}) };
        const c = prdCluster(prdApi(spec));
        if (!s.ready) c.stores.endpointSlices.replace([]);
        if (!s.address) c.put({ ...gatewayService(), status: {} });
        if (!s.component) c.stores.components.replace([]);
        c.capabilities = { ...c.capabilities, serviceMonitorServed: s.monitors };
        const mode: Settings = { ...settings, metricsMode: s.mode };
        const passes = await c.converge(PRD, mode);
        const last = passes.at(-1)!;
        expect(passes.length).toBeLessThanOrEqual(3);
        expect(['unchanged', 'error']).toContain(last.outcome);
        expect(last.status.implementation).toEqual({ ready: s.ready });
        expect(last.status.apiStatus?.url !== undefined).toBe(s.address || s.hostname !== undefined);
        expect(last.requeueAfterMs).toBe(s.component ? undefined : 5000);
      }),
      { numRuns: 200 },
    );
  });

  it('is deterministic: the same input gives the same plan', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const c = prdCluster(prdApi({ apiType: s.apiType }));
        const mode: Settings = { ...settings, metricsMode: s.mode };
        expect(reconcile(c.api(PRD), c.view(mode), mode, now)).toEqual(reconcile(structuredClone(c.api(PRD)), c.view(mode), mode, now));
      }),
    );
  });
});
