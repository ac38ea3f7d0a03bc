// Policies and routers when parts are missing: no EnvoyFilter CRD (a cluster without Istio's full
// CRD set), no Gateway API CRDs under the httproute router, or no permission to write
// EnvoyFilters where the gateway runs. Only the APIs that need a
// filter fail, saying why; the others converge as before.
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminClient, createNamespace, createService, deleteNamespace, serviceAccountWithRules, usePrivateControlPlane } from '../support/cluster.js';
import { createApi, createGateway, getVs, kubectlOdaApi } from '../support/canvas.js';

const projectCrds = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'crds');
type Item = { name: string; outcome: string; message: string | null; conditions: { type: string; status: string; reason: string; message: string }[] };

describe('on a cluster without the EnvoyFilter CRD', () => {
  const privateCp = usePrivateControlPlane(false);

  /** The ODA, Istio routing and Prometheus CRDs only: no EnvoyFilter, no Gateway API. */
  async function installSome(kubeconfig: string): Promise<void> {
    const { installCrds } = await import('../../scripts/cluster.mjs');
    const dir = mkdtempSync(join(tmpdir(), 'oda-api-crds-'));
    for (const f of ['oda-exposedapis.yaml', 'oda-components.yaml', 'istio-virtualservices.yaml', 'istio-gateways.yaml', 'prometheus-servicemonitors.yaml']) copyFileSync(join(projectCrds, f), join(dir, f));
    installCrds(kubeconfig, dir);
  }

  test('a rate-limited API fails saying the CRD is missing; its route and the other APIs are fine', async () => {
    const cp = privateCp();
    await installSome(cp.kubeconfig);
    const ns = await createNamespace(cp.client);
    const settings = await createGateway(cp.client, ns, { ip: '192.0.2.1' });
    await createService(cp.client, ns, { name: 'impl' });
    await createApi(cp.client, ns, 'plain');
    await createApi(cp.client, ns, 'limited', { rateLimit: { enabled: true, limit: '5' } });

    const r = await kubectlOdaApi(['reconcile', '-n', ns, '--gateway', settings.gateway, '-o', 'json'], { KUBECONFIG: cp.kubeconfig });
    expect(r.code).toBe(1);
    const items = JSON.parse(r.stdout).items as Item[];
    expect(items.find((i) => i.name === 'plain')).toMatchObject({ outcome: 'created' });
    const limited = items.find((i) => i.name === 'limited')!;
    expect(limited.outcome).toBe('error');
    expect(limited.message).toContain('rateLimit (no EnvoyFilter CRD (networking.istio.io/v1alpha3) is served by this cluster; install Istio)');
    expect(limited.conditions.find((c) => c.type === 'PoliciesEnforced')).toMatchObject({ status: 'False', reason: 'EnvoyFilterCRDMissing' });
    await expect(getVs(cp.client, ns, 'limited')).resolves.toBeDefined();
  }, 60_000);

  test('with --router httproute and no Gateway API CRDs, each API fails saying so, and its VirtualService keeps serving', async () => {
    const cp = privateCp();
    await installSome(cp.kubeconfig);
    const ns = await createNamespace(cp.client);
    const settings = await createGateway(cp.client, ns, { ip: '192.0.2.2' });
    await createService(cp.client, ns, { name: 'impl' });
    await createApi(cp.client, ns, 'served');
    const before = await kubectlOdaApi(['reconcile', '-n', ns, '--gateway', settings.gateway], { KUBECONFIG: cp.kubeconfig });
    expect(before.code).toBe(0);

    const r = await kubectlOdaApi(['reconcile', '-n', ns, '--gateway', settings.gateway, '--router', 'httproute', '-o', 'json'], { KUBECONFIG: cp.kubeconfig });
    expect(r.code).toBe(1);
    const [item] = JSON.parse(r.stdout).items as Item[];
    expect(item).toMatchObject({ name: 'served', outcome: 'error' });
    expect(item.message).toContain('no HTTPRoute CRD (gateway.networking.k8s.io/v1) is served by this cluster; install the Gateway API CRDs');
    expect(item.conditions.find((c) => c.type === 'Routed')).toMatchObject({ status: 'False', reason: 'HTTPRouteCRDMissing' });
    await expect(getVs(cp.client, ns, 'served')).resolves.toBeDefined();
  }, 60_000);
});

test('no permission to write EnvoyFilters fails only the APIs that need one, naming the permission', async () => {
  const client = adminClient();
  const ns = await createNamespace(client);
  try {
    const settings = await createGateway(client, ns, { ip: '192.0.2.3' });
    await createService(client, ns, { name: 'impl' });
    await createApi(client, ns, 'plain');
    await createApi(client, ns, 'tools', { apiType: 'mcp' });
    // Everything the one-shot needs, EnvoyFilters read but not written.
    const kubeconfig = await serviceAccountWithRules(client, ns, [
      { apiGroups: ['oda.tmforum.org'], resources: ['exposedapis', 'components'], verbs: ['get', 'list', 'patch'] },
      { apiGroups: ['networking.istio.io'], resources: ['virtualservices', 'gateways'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
      { apiGroups: ['networking.istio.io'], resources: ['envoyfilters'], verbs: ['list'] },
      { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors'], verbs: ['list'] },
      { apiGroups: [''], resources: ['services', 'pods'], verbs: ['get', 'list'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ]);
    const r = await kubectlOdaApi(['reconcile', '-n', ns, '--gateway', settings.gateway], { KUBECONFIG: kubeconfig });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`${ns}\\s+plain\\s+\\S+\\s+false\\s+created`));
    expect(r.stdout).toMatch(/tools\s+.*error: .*forbidden.*envoyfilters/);
    await expect(getVs(client, ns, 'plain')).resolves.toBeDefined();
  } finally {
    // The MCP API may hold the policy finalizer: take it off so the namespace can go.
    await client.request('PATCH', `/apis/oda.tmforum.org/v1/namespaces/${ns}/exposedapis/tools`, {
      contentType: 'application/merge-patch+json',
      body: { metadata: { finalizers: null } },
    }).catch(() => undefined);
    await deleteNamespace(client, ns);
  }
});

test('EnvoyFilters not readable at all (the Canvas chart\'s ClusterRole): nothing is written, only the APIs that need one fail', async () => {
  const client = adminClient();
  const ns = await createNamespace(client);
  try {
    const settings = await createGateway(client, ns, { ip: '192.0.2.4' });
    await createService(client, ns, { name: 'impl' });
    await createApi(client, ns, 'plain');
    await createApi(client, ns, 'limited', { rateLimit: { enabled: true, limit: '5' } });
    const kubeconfig = await serviceAccountWithRules(client, ns, [
      { apiGroups: ['oda.tmforum.org'], resources: ['exposedapis', 'components'], verbs: ['get', 'list', 'patch'] },
      { apiGroups: ['networking.istio.io'], resources: ['virtualservices', 'gateways'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
      { apiGroups: ['monitoring.coreos.com'], resources: ['servicemonitors'], verbs: ['list'] },
      { apiGroups: [''], resources: ['services', 'pods'], verbs: ['get', 'list'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ]);
    const r = await kubectlOdaApi(['reconcile', '-n', ns, '--gateway', settings.gateway, '-o', 'json'], { KUBECONFIG: kubeconfig });
    expect(r.code).toBe(1);
    const items = JSON.parse(r.stdout).items as Item[];
    expect(items.find((i) => i.name === 'plain')).toMatchObject({ outcome: 'created' });
    const limited = items.find((i) => i.name === 'limited')!;
    expect(limited).toMatchObject({ outcome: 'error', message: expect.stringContaining('EnvoyFilters may not be listed') });
    expect(limited.conditions.find((c) => c.type === 'PoliciesEnforced')).toMatchObject({ reason: 'EnvoyFiltersForbidden' });
    const filters = await client.get<{ items: unknown[] }>(`/apis/networking.istio.io/v1alpha3/namespaces/${ns}/envoyfilters`);
    expect(filters.items).toEqual([]);
  } finally {
    await deleteNamespace(client, ns);
  }
});
