import { condition, events } from '../test-support/plans.js';
import { later, plan, PRD, prdCluster } from '../test-support/product-catalog.js';

describe('reconcile: invalid spec', () => {
  it('touches no child, keeps apiStatus, and warns once', async () => {
    const c = prdCluster();
    await c.converge(PRD);
    const api = c.api(PRD);
    const before = structuredClone({ vs: c.stores.virtualServices.list(), apiStatus: api.status?.apiStatus });
    const generation = api.metadata.generation!;
    c.put({ ...api, metadata: { ...api.metadata, generation: generation + 1 }, spec: { ...api.spec, port: '8080' } });
    const first = plan(c, later);
    expect(first.outcome).toBe('invalid');
    expect(first.actions.map((a) => a.type)).toEqual(['event', 'writeStatus']);
    expect(events(first)).toEqual(['Warning InvalidSpec']);
    expect(condition(first, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'InvalidSpec',
      message: 'spec.port: must be an integer between 1 and 65535, got "8080" (string)',
      observedGeneration: generation + 1,
    });
    expect(condition(first, 'Routed')).toMatchObject({ status: 'True', observedGeneration: generation });
    expect(first.status.apiStatus).toEqual(before.apiStatus);
    await c.execute(c.api(PRD), first.actions);
    const second = plan(c, later);
    expect(second).toMatchObject({ outcome: 'invalid', actions: [] });
    expect(c.stores.virtualServices.list()).toEqual(before.vs);
  });
});
