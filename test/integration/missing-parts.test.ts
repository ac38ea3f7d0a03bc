// What users see when parts of a Canvas are missing: the ExposedAPI CRD (nothing to do:
// exit 2), the ServiceMonitor CRD or a permission (only the APIs that need it fail).
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adminClient, createNamespace, createService, deleteNamespace, serviceAccountWithRules, usePrivateControlPlane } from '../support/cluster.js';
import { createApi, createGateway, getVs, kubectlOdaApi } from '../support/canvas.js';

const projectCrds = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'crds');

describe('on a cluster without our CRDs', () => {
  const privateCp = usePrivateControlPlane(false);

  test('a missing ExposedAPI CRD exits 2 with one line saying so', async () => {
    const r = await kubectlOdaApi(['reconcile', '-A'], { KUBECONFIG: privateCp().kubeconfig });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('error: the ExposedAPI CRD (exposedapis.oda.tmforum.org, version v1) is not installed in this cluster');
  });

  test('a missing ServiceMonitor CRD fails only the metrics APIs, saying what is missing', async () => {
    const cp = privateCp();
    const { installCrds } = await import('../../scripts/cluster.mjs');
    const dir = mkdtempSync(join(tmpdir(), 'oda-api-crds-'));
    for (const f of ['oda-exposedapis.yaml', 'oda-components.yaml', 'istio-virtualservices.yaml', 'istio-gateways.yaml']) copyFileSync(join(projectCrds, f), join(dir, f));
    installCrds(cp.kubeconfig, dir);
    const ns = await createNamespace(cp.client);
    const settings = await createGateway(cp.client, ns, { ip: '192.0.2.1' });
    await createService(cp.client, ns, { name: 'impl' });
    await createApi(cp.client, ns, 'api');
    await createApi(cp.client, ns, 'metrics', { apiType: 'prometheus', path: `/${ns}/metrics` });

    const r = await kubectlOdaApi(['reconcile', '-n', ns, '--gateway', settings.gateway, '-o', 'json'], { KUBECONFIG: cp.kubeconfig });
    expect(r.code).toBe(1);
    const items = JSON.parse(r.stdout).items;
    expect(items.find((i: { name: string }) => i.name === 'api')).toMatchObject({ outcome: 'created' });
    const metrics = items.find((i: { name: string }) => i.name === 'metrics');
    expect(metrics.outcome).toBe('error');
    expect(metrics.message).toMatch(/ServiceMonitor/);
    await expect(getVs(cp.client, ns, 'api')).resolves.toBeDefined();
  }, 60_000);
});

test('a forbidden verb fails only the APIs that need it, naming the permission', async () => {
  const client = adminClient();
  const ns = await createNamespace(client);
  try {
    const settings = await createGateway(client, ns, { ip: '192.0.2.2' });
    await createService(client, ns, { name: 'impl' });
    await createApi(client, ns, 'api');
    await createApi(client, ns, 'metrics', { apiType: 'prometheus', path: `/${ns}/metrics` });
    // Everything the one-shot needs, except any access to ServiceMonitors.
    const kubeconfig = await serviceAccountWithRules(client, ns, [
      { apiGroups: ['oda.tmforum.org'], resources: ['exposedapis', 'components'], verbs: ['get', 'list', 'patch'] },
      { apiGroups: ['networking.istio.io'], resources: ['virtualservices', 'gateways'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
      { apiGroups: [''], resources: ['services', 'pods'], verbs: ['get', 'list'] },
      { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] },
      { apiGroups: [''], resources: ['events'], verbs: ['create'] },
    ]);
    const r = await kubectlOdaApi(['reconcile', '-n', ns, '--gateway', settings.gateway], { KUBECONFIG: kubeconfig });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`${ns}\\s+api\\s+\\S+\\s+false\\s+created`));
    expect(r.stdout).toMatch(/metrics\s+.*error: (cannot list servicemonitors: )?.*forbidden.*servicemonitors/);
    await expect(getVs(client, ns, 'api')).resolves.toBeDefined();
  } finally {
    await deleteNamespace(client, ns);
  }
});
