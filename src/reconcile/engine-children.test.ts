import type { KubeObject } from './types.js';
import { condition, events, ofType } from '../test-support/plans.js';
import { later, NS, now, plan, PRD, prdCluster } from '../test-support/product-catalog.js';

type Http = { route: { destination: { port: { number: number } } }[] }[];

describe('reconcile: existing children', () => {
  it('puts back a VirtualService edited by someone else', async () => {
    const c = prdCluster();
    await c.converge(PRD);
    const edited = structuredClone(c.stores.virtualServices.get(NS, PRD)!);
    (edited.spec as { http: Http }).http[0].route[0].destination.port.number = 9999;
    c.put(edited);
    const result = plan(c, later);
    expect(result.outcome).toBe('updated');
    expect(ofType(result.actions, 'apply')).toEqual([expect.objectContaining({ change: 'update' })]);
    expect(events(result)).toEqual(['Normal Updated']);
  });

  it('recreates a deleted VirtualService', async () => {
    const c = prdCluster();
    await c.converge(PRD);
    c.stores.virtualServices.replace([]);
    expect(plan(c, later).outcome).toBe('created');
  });

  it('adopts a VirtualService made by the Python operator without rewriting an equal spec', async () => {
    const c = prdCluster();
    await c.converge(PRD);
    const vs: KubeObject = structuredClone(c.stores.virtualServices.get(NS, PRD)!);
    vs.metadata.ownerReferences = [{ apiVersion: 'oda.tmforum.org/v1beta4', kind: 'ExposedAPI', name: 'prd-api', uid: 'api-uid', controller: true, blockOwnerDeletion: true }];
    c.put(vs);
    const result = plan(c, later);
    // Only the ownerReference apiVersion differs: that is a real difference, applied in place.
    expect(ofType(result.actions, 'apply').map((a) => a.change)).toEqual(['update']);
  });

  it('keeps status keys it does not manage, and the transition times of unchanged conditions', async () => {
    const c = prdCluster();
    c.put({ ...c.api(PRD), status: { deployment_status: 'Complete' } });
    await c.converge(PRD);
    c.stores.endpointSlices.replace([]);
    const result = plan(c, later);
    expect(result.status.deployment_status).toBe('Complete');
    expect(result.status.implementation).toEqual({ ready: false });
    expect(condition(result, 'Routed')?.lastTransitionTime).toBe(now.toISOString());
    expect(condition(result, 'ImplementationReady')).toMatchObject({ status: 'False', reason: 'NoReadyEndpoints', lastTransitionTime: later.toISOString() });
    expect(condition(result, 'Ready')).toMatchObject({ status: 'False', reason: 'NoReadyEndpoints' });
    expect(ofType(result.actions, 'patchComponent')[0].entry.ready).toBe(false);
  });

  it('writes status to /status when the CRD has that subresource', () => {
    const c = prdCluster();
    c.capabilities = { ...c.capabilities, exposedApiStatusSubresource: true };
    expect(ofType(plan(c).actions, 'writeStatus')[0].subresource).toBe(true);
  });
});
