import { KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../reconcile/types.js';
import { CAPABILITIES, SETTINGS, service } from '../test-support/objects.js';
import { KubeClient } from './client.js';
import { loadStores, unverified } from './load.js';
import { StoreView } from './view.js';

/** Answers each LIST from a table, after the delay its entry gives; anything else is an empty list. */
class ListsInOrder extends KubeClient {
  constructor(private readonly answers: Record<string, { items: KubeObject[]; delayMs: number }>) {
    super(new KubeConfig());
  }

  override get<T>(path: string): Promise<T> {
    const answer = this.answers[path] ?? { items: [], delayMs: 0 };
    return new Promise((resolve) => setTimeout(() => resolve({ items: structuredClone(answer.items) } as T), answer.delayMs));
  }
}

const selector = { istio: 'ingress' };
const gateway: KubeObject = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'components' }, spec: { selector } };
const ingress = service('ingressgateway', { metadata: { name: 'ingressgateway', namespace: 'istio-ingress', labels: selector }, spec: { type: 'LoadBalancer', selector, ports: [{ name: 'http2', port: 80 }] } });
const scope = { matches: (ns: string) => ns === 'components', literal: ['components'], description: 'components' };

describe('loadStores', () => {
  // The namespace's Services and the gateway's (by label, once the Gateway is read) are two LISTs
  // at once: a large namespace answered last must not drop the gateway Service.
  it.each([
    ['after', 200],
    ['before', 0],
  ])('keeps the gateway Service when the namespace’s Services arrive %s it', async (_when, delayMs) => {
    const client = new ListsInOrder({
      '/api/v1/namespaces/components/services': { items: [service('impl')], delayMs },
      '/apis/networking.istio.io/v1/namespaces/components/gateways': { items: [gateway], delayMs: 0 },
      '/api/v1/services': { items: [ingress], delayMs: 20 },
    });
    const { stores } = await loadStores(client, CAPABILITIES, SETTINGS, scope);
    expect(stores.services.list().map((s) => `${s.metadata.namespace}/${s.metadata.name}`).sort()).toEqual(['components/impl', 'istio-ingress/ingressgateway']);
    expect(new StoreView(stores, CAPABILITIES, SETTINGS).gatewayService()?.metadata.name).toBe('ingressgateway');
  });
});

describe('unverified', () => {
  const forbidden = (key: string) => new Map([[key, `cannot list ${key.split('.')[0]}: forbidden`]]);

  it('says what a kind that could not be read leaves unchecked, for the router in use', () => {
    expect(unverified(forbidden('gateways.networking.istio.io'), SETTINGS)).toEqual([expect.stringMatching(/^cannot read Istio Gateways, so gateway .* could not be verified/)]);
    expect(unverified(forbidden('httproutes.gateway.networking.k8s.io'), SETTINGS)).toEqual([expect.stringMatching(/^cannot read HTTPRoutes, so any an earlier --router httproute left are not pruned/)]);
    // Under the httproute router the APIs themselves fail, saying so; no second line.
    expect(unverified(forbidden('httproutes.gateway.networking.k8s.io'), { ...SETTINGS, router: 'httproute' })).toEqual([]);
    expect(unverified(forbidden('gateways.gateway.networking.k8s.io'), { ...SETTINGS, router: 'httproute' })).toEqual([expect.stringMatching(/^cannot read Gateway API Gateways, so the address of gateway .* is unknown/)]);
  });
});
