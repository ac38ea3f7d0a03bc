import { capabilitiesFromCrds, Crd, CRD_NAMES } from './crds.js';

const crd = (name: string, versions: [string, boolean, boolean?][], established = true, deleting = false): Crd => ({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name, ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { versions: versions.map(([v, served, status]) => ({ name: v, served, ...(status ? { subresources: { status: {} } } : {}) })) },
  status: { conditions: [{ type: 'Established', status: established ? 'True' : 'False' }] },
});

const canvas = [
  crd(CRD_NAMES.exposedApis, [['v1', true, true]]),
  crd(CRD_NAMES.components, [['v1', true, true], ['v1beta3', true]]),
  crd(CRD_NAMES.virtualServices, [['v1', true], ['v1beta1', true], ['v1alpha3', true]]),
  crd(CRD_NAMES.gateways, [['v1beta1', true], ['v1', false]]),
  crd(CRD_NAMES.serviceMonitors, [['v1', true]]),
  crd(CRD_NAMES.envoyFilters, [['v1alpha3', true]]),
  crd(CRD_NAMES.requestAuthentications, [['v1', true]]),
  crd(CRD_NAMES.authorizationPolicies, [['v1', true]]),
  crd(CRD_NAMES.destinationRules, [['v1', false], ['v1beta1', true], ['v1alpha3', true]]),
  crd(CRD_NAMES.httpRoutes, [['v1', true], ['v1beta1', true]]),
  crd(CRD_NAMES.gatewayApiGateways, [['v1', true]]),
];

test('a full Canvas: every kind served, the newest VirtualService and Gateway versions served', () => {
  expect(capabilitiesFromCrds(canvas)).toEqual({
    exposedApiServed: true,
    exposedApiStatusSubresource: true,
    virtualServiceApiVersion: 'networking.istio.io/v1',
    gatewayApiVersion: 'networking.istio.io/v1beta1',
    serviceMonitorServed: true,
    componentServed: true,
    componentStatusSubresource: true,
    envoyFilterServed: true,
    securityPoliciesServed: true,
    destinationRuleApiVersion: 'networking.istio.io/v1beta1',
    httpRouteServed: true,
    gatewayApiServed: true,
  });
});

test('no CRDs: nothing served', () => {
  expect(capabilitiesFromCrds([])).toEqual({
    exposedApiServed: false,
    exposedApiStatusSubresource: false,
    virtualServiceApiVersion: undefined,
    gatewayApiVersion: undefined,
    serviceMonitorServed: false,
    componentServed: false,
    componentStatusSubresource: false,
    envoyFilterServed: false,
    securityPoliciesServed: false,
    httpRouteServed: false,
    gatewayApiServed: false,
  });
});

test('a CRD not yet established, or being deleted, is not served', () => {
  const caps = capabilitiesFromCrds([
    crd(CRD_NAMES.exposedApis, [['v1', true]], false),
    crd(CRD_NAMES.serviceMonitors, [['v1', true]], true, true),
  ]);
  expect(caps).toMatchObject({ exposedApiServed: false, serviceMonitorServed: false });
});

test('only v1 of the ODA and Prometheus kinds counts; other CRDs are ignored', () => {
  const caps = capabilitiesFromCrds([
    crd(CRD_NAMES.exposedApis, [['v1beta3', true]]),
    crd(CRD_NAMES.serviceMonitors, [['v1', false]]),
    crd('widgets.example.com', [['v1', true]]),
  ]);
  expect(caps).toMatchObject({ exposedApiServed: false, serviceMonitorServed: false, componentServed: false });
});
