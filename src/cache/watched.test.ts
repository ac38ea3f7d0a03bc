import type { Discovered } from '../kube/discovery.js';
import { watches, watchKey, type WatchInputs } from './watched.js';

const bare: Discovered = { serviceMonitorServed: false, exposedApiServed: true, exposedApiStatusSubresource: true, componentServed: false, componentStatusSubresource: false } as Discovered;
const istio = { ...bare, virtualServiceApiVersion: 'networking.istio.io/v1beta1', gatewayApiVersion: 'networking.istio.io/v1', serviceMonitorServed: true, componentServed: true };
const inputs = (w: Partial<WatchInputs>): WatchInputs => ({ caps: bare, inScope: () => true, gateway: 'canvas/gw', pods: true, ...w });
const keys = (w: Partial<WatchInputs>) => watches(inputs(w)).map(watchKey);

test('all namespaces (-A): one cluster-wide watch per kind; EndpointSlices only those of a Service', () => {
  expect(keys({})).toEqual([
    'services /api/v1/services',
    'endpointSlices /apis/discovery.k8s.io/v1/endpointslices?labelSelector=kubernetes.io/service-name',
    'exposedApis /apis/oda.tmforum.org/v1/exposedapis',
    'pods /api/v1/pods',
  ]);
  expect(keys({ caps: istio })).toEqual(
    expect.arrayContaining(['virtualServices /apis/networking.istio.io/v1beta1/virtualservices', 'gateways /apis/networking.istio.io/v1/gateways', 'serviceMonitors /apis/monitoring.coreos.com/v1/servicemonitors', 'components /apis/oda.tmforum.org/v1/components']),
  );
});

test('namespaces: per-namespace watches, ExposedAPIs and VirtualServices cluster-wide, the Gateway by name, the gateway Service by its labels', () => {
  const scoped = { caps: istio, namespaces: ['a', 'b'], inScope: (n: string) => n === 'a' || n === 'b', gatewayServiceLabels: { istio: 'ingress', app: 'gw' } };
  expect(keys(scoped)).toEqual([
    'services /api/v1/namespaces/a/services',
    'services /api/v1/namespaces/b/services',
    'services /api/v1/services?labelSelector=app=gw,istio=ingress',
    'endpointSlices /apis/discovery.k8s.io/v1/namespaces/a/endpointslices?labelSelector=kubernetes.io/service-name',
    'endpointSlices /apis/discovery.k8s.io/v1/namespaces/b/endpointslices?labelSelector=kubernetes.io/service-name',
    'exposedApis /apis/oda.tmforum.org/v1/exposedapis',
    'virtualServices /apis/networking.istio.io/v1beta1/virtualservices',
    'gateways /apis/networking.istio.io/v1/namespaces/canvas/gateways?fieldSelector=metadata.name=gw',
    'serviceMonitors /apis/monitoring.coreos.com/v1/namespaces/a/servicemonitors',
    'serviceMonitors /apis/monitoring.coreos.com/v1/namespaces/b/servicemonitors',
    'components /apis/oda.tmforum.org/v1/namespaces/a/components',
    'components /apis/oda.tmforum.org/v1/namespaces/b/components',
    'pods /api/v1/namespaces/a/pods',
    'pods /api/v1/namespaces/b/pods',
  ]);
  // The gateway Service's watch keeps only what no namespace watch keeps.
  const gatewayServices = watches(inputs(scoped)).find((w) => w.store === 'services' && !w.namespace)!;
  expect([gatewayServices.owns('a'), gatewayServices.owns('istio-system')]).toEqual([false, true]);
});

test('DestinationRules, when served: per namespace in scope (an MCP API\'s sits beside it), in the newest served version', () => {
  const caps = { ...istio, destinationRuleApiVersion: 'networking.istio.io/v1' };
  expect(keys({ caps, namespaces: ['a', 'b'] }).filter((k) => k.startsWith('destinationRules'))).toEqual([
    'destinationRules /apis/networking.istio.io/v1/namespaces/a/destinationrules',
    'destinationRules /apis/networking.istio.io/v1/namespaces/b/destinationrules',
  ]);
  expect(keys({ caps })).toContain('destinationRules /apis/networking.istio.io/v1/destinationrules');
  expect(keys({ caps: istio }).some((k) => k.startsWith('destinationRules'))).toBe(false);
});

test('a bare gateway name resolves in every namespace: every Gateway of that name', () => {
  expect(keys({ caps: istio, namespaces: ['a'], gateway: 'gw' })).toContain('gateways /apis/networking.istio.io/v1/gateways?fieldSelector=metadata.name=gw');
});

test('no pods unless wanted; no gateway Service before the Gateway is read', () => {
  const w = keys({ namespaces: ['a'], pods: false });
  expect(w.some((k) => k.startsWith('pods'))).toBe(false);
  expect(w.filter((k) => k.startsWith('services'))).toEqual(['services /api/v1/namespaces/a/services']);
});

test('a namespace glob matching nothing yet: only the cluster-wide kinds', () => {
  expect(keys({ namespaces: [], gatewayServiceLabels: { istio: 'ingressgateway' } })).toEqual([
    'services /api/v1/services?labelSelector=istio=ingressgateway',
    'exposedApis /apis/oda.tmforum.org/v1/exposedapis',
  ]);
});

test('no ExposedAPI watch once its CRD is gone', () => {
  expect(keys({ caps: { ...bare, exposedApiServed: false } as WatchInputs['caps'] }).some((w) => w.startsWith('exposedApis'))).toBe(false);
});
