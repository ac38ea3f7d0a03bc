// `kubectl oda-api status` as users run it: through the real kubectl binary, against the
// real control plane. Status reads the ExposedAPIs' status, so each test runs `reconcile`
// to write it, as the operator would.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import type { KubeClient } from '../../src/kube/client.js';
import { discover } from '../../src/kube/discovery.js';
import { statusCommand } from '../../src/status/command.js';
import { adminClient, createNamespace, createPod, createService, deleteNamespace, kubeconfigPath, readyEndpoints, setPodReady, waitFor } from '../support/cluster.js';
import { createApi, createGateway, kubectlOdaApi, setGatewayAddress, type CliResult } from '../support/canvas.js';

const ADDRESS = '203.0.113.21';

let client: KubeClient;
let ns: string;
let scope: string[];

beforeAll(() => {
  client = adminClient();
});
afterEach(async () => {
  await deleteNamespace(client, ns);
});

/** A namespace with a gateway (with or without an address) and the Service `impl` in front of app=impl pods. */
async function canvas(address?: { ip: string }): Promise<void> {
  ns = await createNamespace(client);
  const settings = await createGateway(client, ns, address);
  await createService(client, ns, { name: 'impl' });
  scope = ['-n', ns, '--gateway', settings.gateway];
}

/** A pod behind `impl` that the EndpointSlice controller has seen ready (or not). */
async function implPod(ready: boolean): Promise<string> {
  const pod = await createPod(client, ns, { app: 'impl' });
  await setPodReady(client, ns, pod, ready);
  await waitFor(`the endpoint ${ready ? 'ready' : 'not ready'}`, async () => {
    const e = await readyEndpoints(client, ns, 'impl');
    return e.total === 1 && e.ready === (ready ? 1 : 0);
  });
  return pod;
}

/** Writes the status, as the operator would. */
async function reconcile(): Promise<void> {
  const r = await kubectlOdaApi(['reconcile', ...scope]);
  expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
}

/**
 * A TCP relay to the API server (TLS passes through untouched) that notes when the client
 * sends. `--wait` checks in bursts of requests a second apart, so a quiet spell followed by
 * more requests shows it has checked once and is checking again.
 */
async function relayToApiServer() {
  const config = readFileSync(kubeconfigPath(), 'utf8');
  const [server, port] = /https:\/\/127\.0\.0\.1:(\d+)/.exec(config)!;
  const sends: number[] = [];
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = connect(Number(port), '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      // Either side gone ends both, as a relay should.
      s.on('error', () => undefined).on('close', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', () => sends.push(Date.now()));
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'oda-api-kc-')), 'kubeconfig');
  writeFileSync(kubeconfig, config.replace(server, `https://127.0.0.1:${(relay.address() as AddressInfo).port}`));
  return {
    kubeconfig,
    checkingAgain: () => sends.some((t, i) => i > 0 && t - sends[i - 1] >= 600),
    close() {
      for (const s of sockets) s.destroy();
      relay.close();
    },
  };
}

const oneLine = (stderr: string) => {
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
};

describe('the list', () => {
  test('-o json has the documented shape for a ready and a not-ready API, and exits 1', async () => {
    await canvas({ ip: ADDRESS });
    await createService(client, ns, { name: 'idle' });
    await implPod(true);
    await createApi(client, ns, 'serving');
    await createApi(client, ns, 'waiting', { implementation: 'idle' });
    await reconcile();

    const r = await kubectlOdaApi(['status', ...scope, '-o', 'json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ apiVersion: 'oda-api.tmforum.org/v1', kind: 'StatusReport', missing: [] });
    expect(doc.items.map((i: { name: string }) => i.name)).toEqual(['serving', 'waiting']);
    expect(doc.items[0]).toMatchObject({
      namespace: ns,
      name: 'serving',
      url: `https://${ADDRESS}/${ns}/serving`,
      ready: true,
      implementationReady: true,
      reason: null,
      message: null,
    });
    expect(doc.items[0].conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));
    expect(doc.items[1]).toMatchObject({
      namespace: ns,
      name: 'waiting',
      url: `https://${ADDRESS}/${ns}/waiting`,
      ready: false,
      implementationReady: false,
      reason: 'NoReadyEndpoints',
      message: 'Service idle has no ready endpoints',
    });
  });

  test('the table exits 0 when every API is ready, and 1 once one is not', async () => {
    await canvas({ ip: ADDRESS });
    await implPod(true);
    await createApi(client, ns, 'serving');
    await reconcile();
    const ready = await kubectlOdaApi(['status', ...scope]);
    expect(ready.code).toBe(0);
    const lines = ready.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^NAMESPACE\s+NAME\s+URL\s+READY\s+REASON$/);
    expect(lines[1]).toMatch(new RegExp(`^${ns}\\s+serving\\s+https://203\\.0\\.113\\.21/${ns}/serving\\s+true$`));

    // Not reconciled by anyone: no status at all.
    await createApi(client, ns, 'newcomer');
    const notReady = await kubectlOdaApi(['status', ...scope]);
    expect(notReady.code).toBe(1);
    expect(notReady.stdout).toMatch(new RegExp(`^${ns}\\s+newcomer\\s+<pending>\\s+false\\s+NotReconciled: no status yet: is the operator running\\?$`, 'm'));
  });

  test('the table sorts names naturally and caps a long name instead of padding every row to it', async () => {
    await canvas({ ip: ADDRESS });
    const long = `productcatalogmanagement-${'x'.repeat(40)}-api-v5`;
    for (const name of ['g10', 'g2', long]) await createApi(client, ns, name);
    const r = await kubectlOdaApi(['status', ...scope]);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[1])).toEqual(['NAME', 'g2', 'g10', `${long.slice(0, 20)}…${long.slice(-19)}`]);
    // NAME is at most 40 wide: the URL column starts at the same place on every line, well before the long name's length.
    const urlAt = lines.map((l) => l.search(/<pending>|URL/));
    expect(new Set(urlAt).size).toBe(1);
    expect(urlAt[0]).toBe(ns.length + 3 + 40 + 3);
  });

  test('a bad --timeout is a one-line usage error with exit 2', async () => {
    await canvas();
    const r = await kubectlOdaApi(['status', ...scope, '--wait', '--timeout', 'soon']);
    expect(r.code).toBe(2);
    oneLine(r.stderr);
    expect(r.stderr).toBe('error: --timeout "soon": expected a duration such as 30s, 2m or 1h\n');
  });
});

describe('the walk for one API', () => {
  test('no ready pod: the pods link is the first broken one', async () => {
    await canvas({ ip: ADDRESS });
    await implPod(false);
    await createApi(client, ns, 'orders');
    await reconcile();
    const r = await kubectlOdaApi(['status', ...scope, 'orders']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ExposedAPI .+\/orders$/m);
    expect(r.stdout).toMatch(/^ {2}✓ service\s+Service impl exists with port 8080 \(http\)$/m);
    expect(r.stdout).toMatch(/^ {2}✗ pods\s+1 pod matches app=impl, none ready$/m);
    expect(r.stdout).toMatch(/^ {2}✗ endpoints\s+Service impl has no ready endpoints \(1 endpoint in 1 EndpointSlice\)$/m);
    expect(r.stdout).toMatch(/^ {2}✓ gateway\s+/m);
    const last = r.stdout.trim().split('\n').at(-1);
    expect(last).toBe('✗ first broken link: pods: 1 pod matches app=impl, none ready (the API reports NoReadyEndpoints: Service impl has no ready endpoints)');
  });

  test('no gateway address: the gateway link is the first broken one', async () => {
    await canvas();
    await implPod(true);
    await createApi(client, ns, 'orders');
    await reconcile();
    const r = await kubectlOdaApi(['status', ...scope, 'orders']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^ {2}✓ pods\s+1 pod matches app=impl, 1 ready$/m);
    expect(r.stdout).toMatch(/^ {2}✓ endpoints\s+1 ready of 1 endpoint in 1 EndpointSlice$/m);
    const gateway = `ingress gateway Service ${ns}/ingressgateway has no external address yet`;
    expect(r.stdout).toMatch(new RegExp(`^ {2}✗ gateway\\s+${gateway}$`, 'm'));
    const last = r.stdout.trim().split('\n').at(-1);
    expect(last).toBe(`✗ first broken link: gateway: ${gateway} (the API reports GatewayAddressPending: the ${gateway})`);
  });

  test('a ready API walks to its URL and exits 0', async () => {
    await canvas({ ip: ADDRESS });
    await implPod(true);
    await createApi(client, ns, 'orders');
    await reconcile();
    const r = await kubectlOdaApi(['status', ...scope, 'orders']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('✗');
    expect(r.stdout.trim().split('\n').at(-1)).toBe(`✓ ready: https://${ADDRESS}/${ns}/orders`);
  });
});

describe('--wait', () => {
  test('times out with exit 1, naming each pending API and why on stderr', async () => {
    await canvas({ ip: ADDRESS });
    await createApi(client, ns, 'orders');
    await reconcile();
    const started = Date.now();
    const r = await kubectlOdaApi(['status', ...scope, '--wait', '--timeout', '3s']);
    expect(r.code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3000);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`timed out after 3s waiting for 1 of 1 ExposedAPIs:\n  ${ns}/orders: NoReadyEndpoints: Service impl has no ready endpoints\n`);
  });

  test('succeeds with exit 0 once, while it waits, the pod turns ready, the gateway gets an address and the status is written', async () => {
    await canvas();
    await createApi(client, ns, 'orders');
    await reconcile();
    const relay = await relayToApiServer();
    try {
      let finished: CliResult | undefined;
      const waiting = kubectlOdaApi(['status', ...scope, '--wait', '--timeout', '90s'], { KUBECONFIG: relay.kubeconfig }).then((r) => (finished = r));
      await waitFor('the wait to check a second time', async () => relay.checkingAgain() || finished, 30_000);
      expect(finished).toBeUndefined();

      await implPod(true);
      await setGatewayAddress(client, ns, { ip: ADDRESS });
      // Everything is ready in the cluster, but the status still says otherwise: still waiting.
      expect(finished).toBeUndefined();
      await reconcile();
      const r = await waiting;
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
      expect(r.stdout).toMatch(new RegExp(`^${ns}\\s+orders\\s+https://203\\.0\\.113\\.21/${ns}/orders\\s+true$`, 'm'));
    } finally {
      relay.close();
    }
  }, 120_000);
});

test('a check reads the APIs with one LIST, whatever their number: --wait polls cheaply', async () => {
  await canvas();
  for (const name of ['a', 'b', 'c', 'd', 'e']) await createApi(client, ns, name);
  const discovery = adminClient();
  await discover(discovery);
  const counting = adminClient();
  const printed = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    const settings = { metricsMode: 'ServiceMonitor', gateway: 'gw', scrapeInterval: '15s' } as const;
    const code = await statusCommand({ client: counting, settings, scope: { matches: (n) => n === ns, literal: [ns], description: ns } }, {
      names: [],
      output: 'json',
      wait: false,
      timeoutMs: 0,
    });
    expect(code).toBe(1);
  } finally {
    printed.mockRestore();
  }
  expect(counting.requestCounts).toEqual({ GET: (discovery.requestCounts.GET ?? 0) + 1 });
});
