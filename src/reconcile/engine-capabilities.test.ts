import { condition, events, eventsDone, ofType } from '../test-support/plans.js';
import { plan, PRD, prdApi, prdCluster } from '../test-support/product-catalog.js';

describe('reconcile: missing CRDs and Component', () => {
  it('reports a cluster without Istio as an error', () => {
    const c = prdCluster();
    c.capabilities = { ...c.capabilities, virtualServiceApiVersion: undefined };
    const result = plan(c);
    expect(result.outcome).toBe('error');
    expect(ofType(result.actions, 'apply')).toEqual([]);
    expect(condition(result, 'Routed')).toMatchObject({ status: 'False', reason: 'VirtualServiceCRDMissing' });
    expect(events(result)).toContain('Warning VirtualServiceCRDMissing');
  });

  it('routes to the configured Gateway when Gateways may not be read, saying it could not be verified', () => {
    const c = prdCluster();
    c.capabilities = { ...c.capabilities, gatewayUnverified: true };
    const result = plan(c);
    expect(ofType(result.actions, 'apply')).toHaveLength(1);
    expect(condition(result, 'Routed')).toMatchObject({ status: 'True', message: expect.stringContaining('the Gateway could not be verified') });
  });

  it('comes back later while the Component entry is missing', () => {
    const c = prdCluster();
    c.stores.components.replace([]);
    const result = plan(c);
    expect(result.requeueAfterMs).toBe(5000);
    expect(result.outcome).toBe('created');
  });
});

describe('reconcile: policies', () => {
  it('reports features it cannot enforce, once', async () => {
    const passes = await prdCluster(prdApi({ quota: { limit: '100' }, template: 'gold' })).converge(PRD);
    const first = passes[0];
    expect(condition(first, 'PoliciesEnforced')).toMatchObject({
      status: 'False',
      reason: 'NotEnforced',
      message: expect.stringMatching(/^not enforced: quota \(no standard Istio resource .*\); template \(a template names a gateway-specific policy bundle/),
    });
    expect(events(first)).toContain('Warning NotEnforced');
    expect(passes.flatMap(eventsDone).filter((e) => e === 'Warning NotEnforced')).toHaveLength(1);
    expect(condition(first, 'Ready')?.status).toBe('True');
  });
});
