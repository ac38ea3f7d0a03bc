import fc from 'fast-check';
import type { KubeObject, Service } from './types.js';
import { normaliseGateway, parseGatewaySetting, pickGatewayService, pickVirtualServiceVersion } from './gateway.js';

function svc(
  namespace: string,
  name: string,
  opts: { selector?: Record<string, string>; labels?: Record<string, string>; type?: string } = {},
): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: { type: opts.type ?? 'ClusterIP', ...(opts.selector ? { selector: opts.selector } : {}) },
  };
}
function gateway(selector?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name: 'component-gateway', namespace: 'components' },
    spec: selector === undefined ? {} : { selector },
  };
}
const name = (s: Service | undefined) => (s ? `${s.metadata.namespace}/${s.metadata.name}` : undefined);

describe('parseGatewaySetting', () => {
  it.each([
    ['component-gateway', 'components', { namespace: 'components', name: 'component-gateway' }],
    ['istio-system/public', 'components', { namespace: 'istio-system', name: 'public' }],
  ])('%s in %s', (setting, ns, expected) => {
    expect(parseGatewaySetting(setting, ns)).toEqual(expected);
  });

  it('normalises both spellings to the same key', () => {
    expect(normaliseGateway('gw', 'a')).toBe(normaliseGateway('a/gw', 'b'));
    expect(normaliseGateway('gw', 'a')).not.toBe(normaliseGateway('gw', 'b'));
  });
});

describe('pickGatewayService', () => {
  const internal = svc('istio-internal', 'internal-gw', {
    selector: { istio: 'internalgateway' },
    labels: { istio: 'ingressgateway' },
    type: 'LoadBalancer',
  });
  const publicLb = svc('istio-ingress', 'istio-ingressgateway', {
    selector: { istio: 'ingressgateway', app: 'istio-ingressgateway' },
    labels: { istio: 'ingressgateway' },
    type: 'LoadBalancer',
  });
  const publicClusterIp = svc('istio-ingress', 'aaa-gw-metrics', { selector: { istio: 'ingressgateway' } });
  const all = [internal, publicClusterIp, publicLb];

  it.each<[string, KubeObject | undefined, Service[], string | undefined]>([
    ['Service selecting the Gateway pods, LoadBalancer preferred', gateway({ istio: 'ingressgateway' }), all, 'istio-ingress/istio-ingressgateway'],
    ['a Gateway for other pods picks their Service', gateway({ istio: 'internalgateway' }), all, 'istio-internal/internal-gw'],
    ['no Service selects the Gateway pods', gateway({ istio: 'nothing' }), all, undefined],
    ['unknown Gateway falls back to the istio=ingressgateway label', undefined, [publicClusterIp, publicLb, internal], 'istio-ingress/istio-ingressgateway'],
    ['Gateway without selector falls back too', gateway(), [publicClusterIp, internal], 'istio-internal/internal-gw'],
    ['nothing at all', undefined, [], undefined],
  ])('%s', (_label, gw, services, expected) => {
    expect(name(pickGatewayService(gw, services))).toBe(expected);
  });

  it('does not pick a Service whose selector is only a subset of the Gateway selector', () => {
    const broad = svc('x', 'broad', { selector: { app: 'gw' }, type: 'LoadBalancer' });
    expect(pickGatewayService(gateway({ app: 'gw', istio: 'ingressgateway' }), [broad])).toBeUndefined();
  });

  it('picks the same Service whatever the input order', () => {
    const candidates = fc.array(
      fc.record({
        ns: fc.constantFrom('a', 'b', 'c'),
        name: fc.constantFrom('x', 'y', 'z'),
        lb: fc.boolean(),
      }),
      { maxLength: 8 },
    );
    fc.assert(
      fc.property(candidates, (specs) => {
        const services = specs.map((s) =>
          svc(s.ns, s.name, { selector: { istio: 'ingressgateway' }, type: s.lb ? 'LoadBalancer' : 'ClusterIP' }),
        );
        const gw = gateway({ istio: 'ingressgateway' });
        const picked = pickGatewayService(gw, services);
        const reversed = pickGatewayService(gw, [...services].reverse());
        expect(name(reversed)).toBe(name(picked));
        expect(picked?.spec?.type).toBe(
          services.length === 0 ? undefined : services.some((s) => s.spec?.type === 'LoadBalancer') ? 'LoadBalancer' : 'ClusterIP',
        );
      }),
    );
  });
});

describe('pickVirtualServiceVersion', () => {
  it.each<[string[], string | undefined]>([
    [['v1alpha3', 'v1beta1', 'v1'], 'networking.istio.io/v1'],
    [['v1alpha3', 'v1beta1'], 'networking.istio.io/v1beta1'],
    [['v1alpha3'], 'networking.istio.io/v1alpha3'],
    [['networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'], 'networking.istio.io/v1beta1'],
    [['v2'], undefined],
    [[], undefined],
  ])('%j -> %s', (served, expected) => {
    expect(pickVirtualServiceVersion(served)).toBe(expected);
  });
});
