// apiKeyVerification against the real API server and the real Istio security CRDs: with a JWT
// issuer configured, a RequestAuthentication and an AuthorizationPolicy in the gateway's
// namespace for the API's path only; changed, drifted and repaired, pruned when turned off,
// deleted with the API; without one, reported and nothing written.
import type { KubeClient } from '../../src/kube/client.js';
import { runOnce, type RunReport } from '../../src/oneshot/run.js';
import type { ExposedAPI, KubeObject, Settings } from '../../src/reconcile/types.js';
import { POLICY_FINALIZER } from '../../src/reconcile/constants.js';
import { adminClient, createNamespace, createService, deleteNamespace } from '../support/cluster.js';
import { condition, createApi, createGateway, exposedApis, getApi, kubectlOdaApi } from '../support/canvas.js';

let client: KubeClient;
let ns: string;
let gwNs: string;
let settings: Settings;
const JWT = { issuer: 'https://idp.example/realms/canvas', jwksUri: 'https://idp.example/realms/canvas/certs' };

const collection = (kind: 'requestauthentications' | 'authorizationpolicies') => `/apis/security.istio.io/v1/namespaces/${gwNs}/${kind}`;
type Policy = KubeObject & { spec: Record<string, unknown> };
const get = (kind: 'requestauthentications' | 'authorizationpolicies', api: string) => client.get<Policy>(`${collection(kind)}/oda-api-${ns}-${api}`);
const gone = (kind: 'requestauthentications' | 'authorizationpolicies', api: string) => get(kind, api).then(() => false, (err: { status?: number }) => err.status === 404);

const once = (s: Settings = { ...settings, jwt: JWT }, names: string[] = []): Promise<RunReport> =>
  runOnce({ client, settings: s, scope: { matches: (n) => n === ns, literal: [ns], description: ns } }, { names, dryRun: 'none' });

beforeAll(() => {
  client = adminClient();
});
beforeEach(async () => {
  ns = await createNamespace(client, 'key');
  gwNs = await createNamespace(client, 'keygw');
  settings = await createGateway(client, gwNs, { ip: '203.0.113.30' });
  await createService(client, ns, { name: 'impl' });
});
afterEach(async () => {
  const apis = await client.get<{ items: ExposedAPI[] }>(exposedApis(ns));
  for (const api of apis.items) await client.request('DELETE', `${exposedApis(ns)}/${api.metadata.name}`);
  if (apis.items.length > 0) await once();
  await deleteNamespace(client, ns);
  await deleteNamespace(client, gwNs);
});

test('with an issuer: both policies at the gateway for this path only, repaired, pruned when off', async () => {
  await createApi(client, ns, 'keyed', { apiKeyVerification: { enabled: true, location: 'x-api-key' } });
  expect((await once()).apis[0].outcome).toBe('created');
  const authn = await get('requestauthentications', 'keyed');
  expect(authn.spec).toEqual({
    selector: { matchLabels: { istio: `ingress-${gwNs}` } },
    jwtRules: [{ ...JWT, forwardOriginalToken: true, fromHeaders: [{ name: 'x-api-key' }], fromParams: ['x-api-key'] }],
  });
  const authz = await get('authorizationpolicies', 'keyed');
  expect(authz.spec).toEqual({
    selector: { matchLabels: { istio: `ingress-${gwNs}` } },
    action: 'DENY',
    rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: [`/${ns}/keyed*`] } }] }],
  });
  const api = await getApi(client, ns, 'keyed');
  expect(api.metadata.finalizers).toContain(POLICY_FINALIZER);
  expect(condition(api, 'PoliciesEnforced')).toMatchObject({ status: 'True', message: expect.stringContaining(`a valid JWT of issuer ${JWT.issuer}`) });

  // Drifted by someone else: put back.
  await client.request('PATCH', `${collection('authorizationpolicies')}/oda-api-${ns}-keyed`, {
    contentType: 'application/merge-patch+json',
    query: { fieldManager: 'someone' },
    body: { spec: { action: 'ALLOW' } },
  });
  expect((await once()).apis[0].outcome).toBe('updated');
  expect((await get('authorizationpolicies', 'keyed')).spec.action).toBe('DENY');

  // The issuer changes with the settings.
  await once({ ...settings, jwt: { ...JWT, issuer: 'https://other.example' } });
  expect(JSON.stringify((await get('requestauthentications', 'keyed')).spec)).toContain('https://other.example');

  // Turned off: both go, and the finalizer.
  await client.request('PATCH', `${exposedApis(ns)}/keyed`, { contentType: 'application/merge-patch+json', body: { spec: { apiKeyVerification: { enabled: false } } } });
  await once();
  expect(await gone('requestauthentications', 'keyed')).toBe(true);
  expect(await gone('authorizationpolicies', 'keyed')).toBe(true);
  expect((await getApi(client, ns, 'keyed')).metadata.finalizers ?? []).not.toContain(POLICY_FINALIZER);
});

test('without an issuer: reported as not enforced and why, nothing written; status says so', async () => {
  await createApi(client, ns, 'open', { apiKeyVerification: { enabled: true } });
  await once(settings);
  expect(await gone('requestauthentications', 'open')).toBe(true);
  expect(condition(await getApi(client, ns, 'open'), 'PoliciesEnforced')).toMatchObject({ status: 'False', reason: 'NotEnforced', message: expect.stringContaining('apiKeyVerification (no JWT issuer and JWKS URI are configured') });
  const status = await kubectlOdaApi(['status', '-n', ns, '--gateway', settings.gateway, 'open']);
  expect(status.stdout).toMatch(/policy +apiKeyVerification: not enforced: no JWT issuer/);
});

test('the flags: an issuer without a JWKS URI is a usage error; both from the environment work', async () => {
  const half = await kubectlOdaApi(['reconcile', '-n', ns, '--gateway', settings.gateway, '--jwt-issuer', JWT.issuer]);
  expect({ code: half.code, stderr: half.stderr.trim() }).toEqual({ code: 2, stderr: 'error: JWT issuer and JWKS URI: set both (--jwt-issuer and --jwks-uri) or neither' });
  await createApi(client, ns, 'env', { apiKeyVerification: { enabled: true } });
  const r = await kubectlOdaApi(['reconcile', '-n', ns, '--gateway', settings.gateway], { APIOPERATORISTIO_JWT_ISSUER: JWT.issuer, APIOPERATORISTIO_JWKS_URI: JWT.jwksUri });
  expect(r.code).toBe(0);
  await get('authorizationpolicies', 'env');
});
