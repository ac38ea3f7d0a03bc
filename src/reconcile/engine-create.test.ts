import { ofType, events, eventsDone } from '../test-support/plans.js';
import { now, plan, PRD, prdCluster } from '../test-support/product-catalog.js';

describe('reconcile: a new API', () => {
  const first = plan(prdCluster());

  it('creates the VirtualService and reports it', () => {
    expect(first.outcome).toBe('created');
    expect(ofType(first.actions, 'apply')).toEqual([expect.objectContaining({ change: 'create', object: expect.objectContaining({ kind: 'VirtualService' }) })]);
    expect(events(first)).toEqual(['Normal Created', 'Normal Ready']);
  });

  it('writes the Canvas status fields and conditions, on the main resource without a status subresource', () => {
    const [write] = ofType(first.actions, 'writeStatus');
    expect(write.subresource).toBe(false);
    expect(write.status.apiStatus).toEqual({
      name: 'prd-api',
      path: '/prd/v4',
      port: 8080,
      implementation: 'prd-svc',
      url: 'https://203.0.113.7/prd/v4',
      ip: '203.0.113.7',
    });
    expect(write.status.implementation).toEqual({ ready: true });
    expect(write.status.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'Ready=True',
      'Routed=True',
      'ImplementationReady=True',
      'PoliciesEnforced=True',
    ]);
    // Generation 1 now; the write itself makes it 2 (no status subresource), so that is what was observed.
    expect(write.status.conditions?.every((c) => c.observedGeneration === 2 && c.lastTransitionTime === now.toISOString())).toBe(true);
  });

  it('rolls url and readiness up into the Component entry', () => {
    expect(ofType(first.actions, 'patchComponent')).toEqual([
      expect.objectContaining({ list: 'coreAPIs', index: 0, uid: 'api-uid', entry: { url: 'https://203.0.113.7/prd/v4', ready: true } }),
    ]);
  });

  it('creates the VirtualService before the rest, which names its uid: the status is written once', async () => {
    expect(first.actions.slice(0, first.replanAfter).map((a) => a.type)).toEqual(['apply', 'event']);
    const passes = await prdCluster().converge(PRD);
    expect(passes.map((p) => p.outcome)).toEqual(['created', 'updated', 'unchanged']);
    expect(passes.flatMap((p) => ofType(p.actions.slice(0, p.replanAfter), 'writeStatus'))).toHaveLength(1);
    expect(ofType(passes[1].actions, 'writeStatus')[0].status.apiStatus?.uid).toMatch(/^uid-/);
    expect(passes.flatMap(eventsDone)).toEqual(['Normal Created', 'Normal Ready']);
  });

  it('leaves nothing for later once the VirtualService exists', async () => {
    expect((await prdCluster().converge(PRD)).slice(1).every((p) => p.replanAfter === undefined)).toBe(true);
  });
});
