import type { ExposedAPI } from './types.js';
import { envoyFilterMatches, envoyFilterName, desiredEnvoyFilter, routeName } from './envoyfilter.js';

const api = (name: string, namespace = 'components'): ExposedAPI => ({ apiVersion: 'oda.tmforum.org/v1', kind: 'ExposedAPI', metadata: { name, namespace, uid: 'u' }, spec: {} });

describe('envoyFilterName', () => {
  it('is oda-api-<namespace>-<name>', () => {
    expect(envoyFilterName(api('prd-api'))).toBe('oda-api-components-prd-api');
    expect(routeName(api('prd-api'))).toBe('components.prd-api');
  });

  it('cuts a name too long for Kubernetes with a stable hash, keeping names apart', () => {
    const long = (tail: string) => envoyFilterName(api(`${'a'.repeat(240)}${tail}`));
    expect(long('x')).toHaveLength(253);
    expect(long('x')).toMatch(/-[0-9a-f]{8}$/);
    expect(long('x')).toBe(long('x'));
    expect(long('x')).not.toBe(long('y'));
  });
});

describe('envoyFilterMatches', () => {
  const desired = desiredEnvoyFilter(api('m'), { name: 'm', apiType: 'mcp', implementation: 'i', path: '/m', port: 80 }, {}, { namespace: 'gw', workloadLabels: { istio: 'ingress' } });
  const live = (spec: Record<string, unknown>) => ({ ...desired, spec: { ...(desired.spec as object), ...spec } });

  it('ignores selector labels someone else added (server-side apply cannot take them away), not ours changed', () => {
    expect(envoyFilterMatches(desired, live({ workloadSelector: { labels: { istio: 'ingress', extra: 'x' } } }))).toBe(true);
    expect(envoyFilterMatches(desired, live({ workloadSelector: { labels: { istio: 'other' } } }))).toBe(false);
  });

  it('compares the patches whole (a list, atomic under server-side apply)', () => {
    expect(envoyFilterMatches(desired, live({ configPatches: [] }))).toBe(false);
  });
});
