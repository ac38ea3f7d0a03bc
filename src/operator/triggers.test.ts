import type { ExposedAPI } from '../reconcile/types.js';
import { newStores, StoreView } from '../kube/view.js';
import { apiKeysFor } from './triggers.js';

const api = (namespace: string, name: string, path: string): ExposedAPI => ({
  apiVersion: 'oda.tmforum.org/v1',
  kind: 'ExposedAPI',
  metadata: { namespace, name },
  spec: { name, apiType: 'openapi', implementation: 'impl', path, port: 8080 },
});

function viewWith(...apis: ExposedAPI[]): StoreView {
  const stores = newStores();
  for (const a of apis) stores.exposedApis.upsert(a);
  const capabilities = { serviceMonitorServed: true, exposedApiStatusSubresource: false, componentServed: true, componentStatusSubresource: true };
  return new StoreView(stores, capabilities, { metricsMode: 'ServiceMonitor', gateway: 'component-gateway', scrapeInterval: '15s' });
}

describe('apiKeysFor an ExposedAPI', () => {
  const view = viewWith(api('a', 'root', '/a'), api('b', 'nested', '/a/b'), api('b', 'longer', '/ab'), api('c', 'elsewhere', '/c'));

  it('plans again every API whose path it shares, shadows or is shadowed by', () => {
    const changed = api('x', 'new', '/a/b');
    expect(apiKeysFor('exposedApis', changed, undefined, view).sort()).toEqual(['a/root', 'b/nested', 'x/new']);
    const prefix = api('x', 'new', '/a');
    expect(apiKeysFor('exposedApis', prefix, undefined, view).sort()).toEqual(['a/root', 'b/longer', 'b/nested', 'x/new']);
  });

  it('plans again the rivals of the path it had before an edit', () => {
    const edited = api('x', 'moved', '/c');
    expect(apiKeysFor('exposedApis', edited, api('x', 'moved', '/a/b'), view).sort()).toEqual(['a/root', 'b/nested', 'c/elsewhere', 'x/moved']);
  });
});

describe('apiKeysFor a Component', () => {
  const owned = (namespace: string, name: string, component: string): ExposedAPI => ({
    ...api(namespace, name, `/${name}`),
    metadata: { namespace, name, ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', name: component, uid: `uid-${component}` }] },
  });
  const component = (namespace: string, name: string) => ({ apiVersion: 'oda.tmforum.org/v1', kind: 'Component', metadata: { namespace, name } });

  it('plans again the APIs the Component owns in its namespace, and follows an API moving to another Component', () => {
    const view = viewWith(owned('a', 'orders', 'shop'), owned('a', 'billing', 'shop'), owned('a', 'users', 'crm'), owned('b', 'orders', 'shop'), api('a', 'free', '/free'));
    expect(apiKeysFor('components', component('a', 'shop'), undefined, view).sort()).toEqual(['a/billing', 'a/orders']);
    view.stores.exposedApis.upsert(owned('a', 'billing', 'crm'));
    expect(apiKeysFor('components', component('a', 'shop'), undefined, view)).toEqual(['a/orders']);
    expect(apiKeysFor('components', component('a', 'crm'), undefined, view).sort()).toEqual(['a/billing', 'a/users']);
    view.stores.exposedApis.remove('a', 'orders');
    expect(apiKeysFor('components', component('a', 'shop'), undefined, view)).toEqual([]);
  });
});

describe('apiKeysFor an EnvoyFilter', () => {
  const view = viewWith(api('a', 'root', '/a'));
  const filter = (annotations?: Record<string, string>) => ({
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'EnvoyFilter',
    metadata: { namespace: 'istio-ingress', name: 'oda-api-a-root', ...(annotations ? { annotations } : {}) },
  });

  it('plans again the API it was written for, whatever namespace it sits in', () => {
    expect(apiKeysFor('envoyFilters', filter({ 'oda.tmforum.org/exposedapi': 'a/root' }), undefined, view)).toEqual(['a/root']);
  });

  it('plans again the API whose annotation someone removed', () => {
    expect(apiKeysFor('envoyFilters', filter(), filter({ 'oda.tmforum.org/exposedapi': 'a/root' }), view)).toEqual(['a/root']);
  });

  it('plans nothing for someone else\'s filter', () => {
    expect(apiKeysFor('envoyFilters', filter(), undefined, view)).toEqual([]);
  });
});

describe('apiKeysFor a DestinationRule', () => {
  const mcp = (namespace: string, name: string, implementation: string): ExposedAPI => ({ ...api(namespace, name, `/${name}`), spec: { name, apiType: 'mcp', implementation, path: `/${name}`, port: 8080 } });
  const view = viewWith(mcp('a', 'tools', 'impl'), mcp('a', 'other', 'elsewhere'), api('a', 'plain', '/plain'), mcp('b', 'tools', 'impl'));
  const rule = (host: string, owner?: string) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { namespace: 'a', name: owner ?? 'theirs', ...(owner ? { ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', name: owner, uid: 'u', controller: true }] } : {}) },
    spec: { host },
  });

  it('plans again the API that owns it', () => {
    expect(apiKeysFor('destinationRules', rule('impl.a.svc.cluster.local', 'tools'), undefined, view)).toEqual(['a/tools']);
  });

  it("plans again, for someone else's, the MCP APIs of its namespace whose host it covers, before or after an edit", () => {
    expect(apiKeysFor('destinationRules', rule('impl'), undefined, view)).toEqual(['a/tools']);
    expect(apiKeysFor('destinationRules', rule('unrelated'), rule('impl'), view)).toEqual(['a/tools']);
    expect(apiKeysFor('destinationRules', rule('*.a.svc.cluster.local'), undefined, view).sort()).toEqual(['a/other', 'a/tools']);
    expect(apiKeysFor('destinationRules', rule('unrelated'), undefined, view)).toEqual([]);
  });
});
