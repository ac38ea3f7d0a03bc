import type { Discovered } from '../kube/discovery.js';
import { collectionPath } from '../kube/resources.js';
import { watchedResources } from './watched.js';

const bare: Discovered = { serviceMonitorServed: false, exposedApiStatusSubresource: true, componentServed: false, componentStatusSubresource: false };
const watched = (caps: Discovered & { exposedApiServed?: boolean }) => watchedResources(caps).map(([store, r]) => `${store} ${collectionPath(r)}`);

test('a cluster without the optional CRDs: the core collections, ExposedAPIs and pods', () => {
  expect(watched(bare)).toEqual([
    'services /api/v1/services',
    'endpointSlices /apis/discovery.k8s.io/v1/endpointslices',
    'exposedApis /apis/oda.tmforum.org/v1/exposedapis',
    'pods /api/v1/pods',
  ]);
});

test('Istio at the version the cluster serves, ServiceMonitors and Components when served', () => {
  const caps = { ...bare, virtualServiceApiVersion: 'networking.istio.io/v1beta1', gatewayApiVersion: 'networking.istio.io/v1', serviceMonitorServed: true, componentServed: true };
  expect(watched(caps)).toEqual(
    expect.arrayContaining([
      'virtualServices /apis/networking.istio.io/v1beta1/virtualservices',
      'gateways /apis/networking.istio.io/v1/gateways',
      'serviceMonitors /apis/monitoring.coreos.com/v1/servicemonitors',
      'components /apis/oda.tmforum.org/v1/components',
    ]),
  );
});

test('no ExposedAPI watch once its CRD is gone', () => {
  expect(watched({ ...bare, exposedApiServed: false }).some((w) => w.startsWith('exposedApis'))).toBe(false);
});
