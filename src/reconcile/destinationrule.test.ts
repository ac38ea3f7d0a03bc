// The MCP API's DestinationRule, built and compared: pure functions.
import type { KubeObject } from './types.js';
import { desiredDestinationRule, destinationRuleMatches, durationOf, implementationHost, mcpConnectTimeoutMs, targetsHost } from './destinationrule.js';
import { exposedApi } from '../test-support/objects.js';
import type { ApiSpec } from './spec.js';

const api = exposedApi('tools', {}, { uid: 'u1', labels: { team: 'a' } });
const spec = { apiType: 'mcp', implementation: 'tools-svc' } as ApiSpec;
const rule = (host: unknown): KubeObject => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'x', namespace: 'components' }, spec: { host } });

describe('desiredDestinationRule', () => {
  it('sets the connect timeout for the implementation host, owned by the API and labelled like it', () => {
    const dr = desiredDestinationRule(api, spec, 5000, 'networking.istio.io/v1', 'components');
    expect(dr).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: {
        name: 'tools',
        namespace: 'components',
        labels: { team: 'a' },
        ownerReferences: [{ apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', name: 'tools', uid: 'u1', controller: true, blockOwnerDeletion: true }],
      },
      spec: { host: 'tools-svc.components.svc.cluster.local', trafficPolicy: { connectionPool: { tcp: { connectTimeout: '5s' } } } },
    });
  });

  it('writes durations as Istio reads them', () => {
    expect([durationOf(60000), durationOf(1500), durationOf(1)]).toEqual(['60s', '1.5s', '0.001s']);
  });
});

describe('mcpConnectTimeoutMs', () => {
  it('is set for MCP APIs only, from 1 ms (the CRD refuses less)', () => {
    expect(mcpConnectTimeoutMs(spec, { timeouts: { connectMs: 2000 } })).toBe(2000);
    expect(mcpConnectTimeoutMs({ apiType: 'openapi' }, { timeouts: { connectMs: 2000 } })).toBeUndefined();
    expect(mcpConnectTimeoutMs(spec, { timeouts: { readMs: 2000 } })).toBeUndefined();
    expect(mcpConnectTimeoutMs(spec, { timeouts: { connectMs: 0 } })).toBeUndefined();
  });
});

describe('targetsHost', () => {
  it.each([
    ['tools-svc', true],
    ['tools-svc.components', true],
    ['tools-svc.components.svc', true],
    ['tools-svc.components.svc.cluster.local', true],
    ['*.components.svc.cluster.local', true],
    ['*.svc.cluster.local', true],
    ['*', true],
    ['other', false],
    ['tools-svc.elsewhere.svc.cluster.local', false],
    ['*.elsewhere.svc.cluster.local', false],
    ['tools-svc-2.components.svc.cluster.local', false],
    [undefined, false],
  ])('%s: %s', (host, expected) => {
    expect(targetsHost(rule(host), 'tools-svc', 'components')).toBe(expected);
  });

  it('names the host as Istio does', () => {
    expect(implementationHost('a', 'b')).toBe('a.b.svc.cluster.local');
  });
});

describe('destinationRuleMatches', () => {
  const desired = desiredDestinationRule(api, spec, 5000, 'networking.istio.io/v1', 'components');
  const live = (change: (o: KubeObject) => void): KubeObject => {
    const o = structuredClone(desired);
    o.metadata = { ...o.metadata, uid: 'dr-uid', resourceVersion: '7' };
    change(o);
    return o;
  };

  it('matches a live rule with fields of other managers beside ours', () => {
    expect(destinationRuleMatches(desired, live(() => undefined))).toBe(true);
    const more = live((o) => {
      const policy = (o.spec as { trafficPolicy: Record<string, unknown> }).trafficPolicy;
      policy.loadBalancer = { simple: 'ROUND_ROBIN' };
      o.metadata.labels = { ...o.metadata.labels, extra: 'x' };
    });
    expect(destinationRuleMatches(desired, more)).toBe(true);
  });

  it('differs when our timeout, host, label or owner differs', () => {
    expect(destinationRuleMatches(desired, live((o) => ((o.spec as Record<string, unknown>).trafficPolicy = { connectionPool: { tcp: { connectTimeout: '9s' } } })))).toBe(false);
    expect(destinationRuleMatches(desired, live((o) => ((o.spec as Record<string, unknown>).host = 'elsewhere')))).toBe(false);
    expect(destinationRuleMatches(desired, live((o) => (o.metadata.labels = {})))).toBe(false);
    expect(destinationRuleMatches(desired, live((o) => (o.metadata.ownerReferences = [])))).toBe(false);
  });
});
