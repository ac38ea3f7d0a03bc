import type { KubeObject, Settings } from './types.js';
import { condition, events, ofType } from '../test-support/plans.js';
import { later, NS, plan, PRD, prdApi, prdCluster, settings } from '../test-support/product-catalog.js';

describe('reconcile: conflicts', () => {
  const older = prdApi({}, { name: 'older-api', uid: 'older', creationTimestamp: '2025-01-01T00:00:00Z' });

  it('yields to an earlier API with the same route, naming it, and removes its own VirtualService', async () => {
    const c = prdCluster();
    await c.converge(PRD);
    c.put(older);
    const result = plan(c, later);
    expect(result.outcome).toBe('conflict');
    expect(ofType(result.actions, 'delete')).toEqual([
      { type: 'delete', apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', namespace: NS, name: 'prd-api' },
    ]);
    expect(condition(result, 'Routed')).toMatchObject({ status: 'False', reason: 'Conflict', message: expect.stringContaining('ExposedAPI components/older-api') });
    expect(condition(result, 'Ready')).toMatchObject({ status: 'False', reason: 'Conflict' });
    expect(events(result)).toEqual(['Normal Deleted', 'Warning Conflict']);
    expect(result.status.apiStatus).not.toHaveProperty('url');
    expect(result.status.apiStatus).not.toHaveProperty('uid');
    expect(ofType(result.actions, 'patchComponent')[0].entry).toEqual({ ready: false });
  });

  it('is routed again once the conflict is gone', async () => {
    const c = prdCluster();
    c.put(older);
    await c.converge(PRD);
    c.stores.exposedApis.remove(NS, 'older-api');
    const result = plan(c, later);
    expect(result.outcome).toBe('created');
    expect(events(result)).toEqual(['Normal Created', 'Normal Ready', 'Normal Routed']);
  });

  it('keeps its route against a later API', () => {
    const c = prdCluster();
    c.put(prdApi({}, { name: 'newer', uid: 'newer', creationTimestamp: '2025-03-01T00:00:00Z' }));
    expect(plan(c).outcome).toBe('created');
  });

  it('yields to an unmanaged VirtualService on the same gateway, host and path', () => {
    const unmanaged: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'hand-made', namespace: NS, creationTimestamp: '2024-01-01T00:00:00Z' },
      spec: { hosts: ['*'], gateways: ['component-gateway'], http: [{ match: [{ uri: { prefix: '/prd/v4' } }] }] },
    };
    const c = prdCluster();
    c.put(unmanaged);
    const result = plan(c);
    expect(condition(result, 'Routed')?.message).toContain('VirtualService components/hand-made');
  });

  it('never overwrites a same-named VirtualService it does not own', () => {
    const foreign: KubeObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'prd-api', namespace: NS, creationTimestamp: '2025-05-01T00:00:00Z' },
      spec: { hosts: ['other.example'], gateways: ['component-gateway'], http: [] },
    };
    const c = prdCluster();
    c.put(foreign);
    const result = plan(c);
    expect(result.outcome).toBe('conflict');
    expect(ofType(result.actions, 'apply')).toEqual([]);
    expect(condition(result, 'Routed')).toMatchObject({ reason: 'VirtualServiceNotOwned' });
  });
});

describe('reconcile: gateways of other namespaces', () => {
  const elsewhere = () => prdApi({}, { name: 'older-api', namespace: 'other', uid: 'older', creationTimestamp: '2025-01-01T00:00:00Z' });

  it('does not conflict with the same path behind another namespace’s gateway of the same short name', () => {
    const c = prdCluster();
    c.put(elsewhere());
    expect(plan(c).outcome).toBe('created');
  });

  it('conflicts across namespaces when the gateway is named with its namespace', () => {
    const shared: Settings = { ...settings, gateway: 'istio-system/public' };
    const c = prdCluster();
    c.put(elsewhere());
    expect(plan(c, undefined, shared).outcome).toBe('conflict');
  });
});
