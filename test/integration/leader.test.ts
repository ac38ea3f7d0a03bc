// Leader election against the real API server: Lease creation and optimistic
// concurrency, takeover after a crash, handover on release, and RBAC.
import { KubeClient } from '../../src/kube/client.js';
import { LeaderElector, LeaseForbiddenError } from '../../src/runtime/leader.js';
import { adminClient, createNamespace, deleteNamespace, tokenClient, waitFor } from '../support/cluster.js';

const LEASE = 'oda-api-operator';
// Short but realistic proportions: lease 3 s, give up after 2 s without renewal, retry every 0.5 s.
const SHORT = { leaseDurationMs: 3000, renewDeadlineMs: 2000, retryPeriodMs: 500 };

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

let admin: KubeClient;
let ns: string;
let electors: LeaderElector[];
let leaders: number;
let maxLeaders: number;

beforeAll(() => {
  admin = adminClient();
});
beforeEach(async () => {
  ns = await createNamespace(admin, 'leader');
  electors = [];
  leaders = 0;
  maxLeaders = 0;
});
afterEach(async () => {
  await Promise.all(electors.map((e) => e.stop({ release: false })));
  await deleteNamespace(admin, ns);
});

function elector(identity: string, options: { client?: KubeClient; leaseDurationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number } = {}) {
  const e = new LeaderElector({
    client: admin,
    namespace: ns,
    name: LEASE,
    identity,
    ...SHORT,
    ...options,
    onStartedLeading: () => {
      maxLeaders = Math.max(maxLeaders, ++leaders);
    },
    onStoppedLeading: () => {
      leaders -= 1;
    },
  });
  electors.push(e);
  const running = e.run();
  running.catch(() => undefined); // asserted by the test that expects it
  return { elector: e, running };
}

const lease = async () => (await admin.get<{ spec: LeaseSpec }>(`/apis/coordination.k8s.io/v1/namespaces/${ns}/leases/${LEASE}`)).spec;
const leading = () => electors.filter((e) => e.isLeader());

test('of two electors on one Lease exactly one leads, and the Lease names it', async () => {
  const a = elector('replica-a').elector;
  elector('replica-b');
  const leaderAndLeaseAgree = async () => {
    const [current] = leading();
    const spec = await lease();
    return leading().length === 1 && spec.holderIdentity === (current === a ? 'replica-a' : 'replica-b') && spec;
  };
  await waitFor('a leader named by the Lease', leaderAndLeaseAgree);
  // Longer than a lease duration: the standby must keep seeing renewals. (waitFor, not
  // a single look, because another test file may be restarting the API server.)
  await new Promise((r) => setTimeout(r, 4000));
  const spec = await waitFor('a leader named by the Lease', leaderAndLeaseAgree);
  expect(maxLeaders).toBe(1);
  expect(spec).toMatchObject({ leaseDurationSeconds: 3, leaseTransitions: 0 });
  expect(spec.renewTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
});

test('a crashed leader (no release) is replaced after about the lease duration', async () => {
  const a = elector('replica-a').elector;
  await waitFor('a to lead', async () => a.isLeader());
  const b = elector('replica-b').elector;
  await new Promise((r) => setTimeout(r, 1000));
  expect(b.isLeader()).toBe(false);

  await a.stop({ release: false });
  const crashed = await lease();
  expect(crashed.holderIdentity).toBe('replica-a');
  await waitFor('b to take over', async () => b.isLeader(), 20_000);

  const taken = await lease();
  expect(taken).toMatchObject({ holderIdentity: 'replica-b', leaseTransitions: 1 });
  // Both times come from this process's clock. b may only claim a lease unchanged for
  // 3 s since it saw a's last renewal; it stamps its claim when it starts the attempt,
  // so allow for that GET's duration (generously), not for a premature takeover.
  expect(Date.parse(taken.acquireTime!) - Date.parse(crashed.renewTime!)).toBeGreaterThan(2000);
  expect(maxLeaders).toBe(1);
});

test('a clean stop releases the Lease and a standby leads well before it would expire', async () => {
  const slow = { leaseDurationMs: 30_000, renewDeadlineMs: 20_000, retryPeriodMs: 500 };
  const a = elector('replica-a', slow).elector;
  await waitFor('a to lead', async () => a.isLeader());
  const b = elector('replica-b', slow).elector;
  await new Promise((r) => setTimeout(r, 1000));

  await a.stop();
  // Without the release b would wait 30 s.
  await waitFor('b to lead', async () => b.isLeader(), 15_000);
  expect(await lease()).toMatchObject({ holderIdentity: 'replica-b', leaseDurationSeconds: 30, leaseTransitions: 1 });
  expect(maxLeaders).toBe(1);
});

describe('RBAC', () => {
  async function serviceAccountClient(name: string): Promise<KubeClient> {
    await admin.request('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } } });
    const token = await admin.request<{ status: { token: string } }>('POST', `/api/v1/namespaces/${ns}/serviceaccounts/${name}/token`, {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
    });
    return tokenClient(token.status.token);
  }

  test('a ServiceAccount without Lease permissions gets a clear 403 error and never leads', async () => {
    const nobody = await serviceAccountClient('nobody');
    const { elector: e, running } = elector('replica-a', { client: nobody });
    const error = await running.then(
      () => undefined,
      (err) => err,
    );
    expect(error).toBeInstanceOf(LeaseForbiddenError);
    expect(error.message).toContain(`leader election on lease ${ns}/${LEASE} is forbidden (403)`);
    expect(error.message).toContain(`system:serviceaccount:${ns}:nobody`);
    expect(error.message).toContain(`grant get, create and update on leases.coordination.k8s.io in namespace ${ns}`);
    expect(e.isLeader()).toBe(false);
    expect(maxLeaders).toBe(0);
    await expect(lease()).rejects.toMatchObject({ status: 404 });
  });

  test('get, create and update on leases, as the error asks for, are enough to lead', async () => {
    const operator = await serviceAccountClient('operator');
    await admin.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'leader-election' },
        rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }],
      },
    });
    await admin.request('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
      body: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'leader-election' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'leader-election' },
        subjects: [{ kind: 'ServiceAccount', name: 'operator', namespace: ns }],
      },
    });
    const a = elector('replica-a', { client: operator }).elector;
    await waitFor('a to lead', async () => a.isLeader());
    await a.stop();
    expect((await lease()).holderIdentity).toBeUndefined();
  });
});
