import { RouteIndex, routesHeld } from '../reconcile/index.js';
import type { KubeObject } from '../reconcile/types.js';
import { exposedApi, SETTINGS, CAPABILITIES, NS } from '../test-support/objects.js';
import { newStores, StoreView } from './view.js';

/** A VirtualService no ExposedAPI manages, routing `prefix` on the gateway. */
const foreignVs = (name: string, prefix: string): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: { name, namespace: NS, creationTimestamp: '2025-01-01T00:00:00Z' },
  spec: { gateways: ['gw'], hosts: ['*'], http: [{ match: [{ uri: { prefix } }] }] },
});

const paths = (view: StoreView, path: string) => view.routes().relatives(path).map((r) => `${r.owner.kind} ${r.owner.name} ${r.pathPrefix}`).sort();

describe('StoreView.routes', () => {
  it('follows the stores: APIs and VirtualServices added, changed and removed after the table was first read', () => {
    const stores = newStores();
    stores.exposedApis.upsert(exposedApi('orders', { path: '/orders' }));
    const view = new StoreView(stores, CAPABILITIES, SETTINGS);
    expect(paths(view, '/orders')).toEqual(['ExposedAPI orders /orders']);

    stores.exposedApis.upsert(exposedApi('orders', { path: '/shop/orders' }));
    stores.virtualServices.upsert(foreignVs('legacy', '/shop'));
    expect(paths(view, '/orders')).toEqual([]);
    expect(paths(view, '/shop')).toEqual(['ExposedAPI orders /shop/orders', 'VirtualService legacy /shop']);

    stores.virtualServices.remove(NS, 'legacy');
    stores.exposedApis.replace([]);
    expect(paths(view, '/shop')).toEqual([]);
  });

  it('holds what a table built from scratch holds', () => {
    const stores = newStores();
    const view = new StoreView(stores, CAPABILITIES, SETTINGS);
    view.routes();
    for (let i = 0; i < 50; i++) stores.exposedApis.upsert(exposedApi(`api${i}`, { path: `/p/${i % 7}` }));
    stores.virtualServices.upsert(foreignVs('api3', '/p'));
    for (let i = 0; i < 50; i += 3) stores.exposedApis.remove(NS, `api${i}`);
    const scratch = new RouteIndex();
    for (const api of stores.exposedApis.list()) scratch.set(api.metadata.name, routesHeld(api, { virtualService: stores.virtualServices.get(NS, api.metadata.name) }, SETTINGS));
    scratch.set('legacy', routesHeld(undefined, { virtualService: stores.virtualServices.get(NS, 'api3') }, SETTINGS));
    for (const path of ['/p', '/p/1', '/p/6', '/q']) {
      expect(paths(view, path)).toEqual(scratch.relatives(path).map((r) => `${r.owner.kind} ${r.owner.name} ${r.pathPrefix}`).sort());
    }
  });
});
