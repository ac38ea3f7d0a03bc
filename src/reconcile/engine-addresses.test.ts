import { condition, events, ofType } from '../test-support/plans.js';
import { gatewayService, later, plan, PRD, prdApi, prdCluster } from '../test-support/product-catalog.js';

describe('reconcile: addresses', () => {
  it('reports a pending gateway address, and fills the url in when it arrives', async () => {
    const c = prdCluster();
    c.put({ ...gatewayService(), status: {} });
    const pending = (await c.converge(PRD)).at(-1)!;
    expect(pending.status.apiStatus).not.toHaveProperty('url');
    expect(condition(pending, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'GatewayAddressPending',
      message: 'the ingress gateway Service istio-ingress/istio-ingressgateway has no external address yet',
    });
    c.put(gatewayService());
    const filled = plan(c, later);
    expect(filled.status.apiStatus?.url).toBe('https://203.0.113.7/prd/v4');
    expect(events(filled)).toEqual(['Normal Ready']);
  });

  it('names a missing gateway', () => {
    const c = prdCluster();
    c.stores.services.remove('istio-ingress', 'istio-ingressgateway');
    const result = plan(c);
    expect(condition(result, 'Ready')).toMatchObject({ reason: 'GatewayNotFound', message: expect.stringContaining('component-gateway') });
    expect(events(result)).toContain('Warning GatewayNotFound');
  });

  it('uses the API hostname, with the gateway port and developerUI', () => {
    const c = prdCluster(prdApi({ hostname: 'api.example.com', developerUI: '/prd/v4/docs' }));
    const gateway = gatewayService();
    gateway.spec!.ports = [{ name: 'http2', port: 8080 }];
    c.put(gateway);
    const result = plan(c);
    expect(result.status.apiStatus).toMatchObject({
      url: 'https://api.example.com:8080/prd/v4',
      developerUI: 'https://api.example.com:8080/prd/v4/docs',
    });
    expect(ofType(result.actions, 'apply')[0].object.spec).toMatchObject({ hosts: ['api.example.com'] });
    expect(ofType(result.actions, 'patchComponent')[0].entry.developerUI).toBe('https://api.example.com:8080/prd/v4/docs');
  });
});
