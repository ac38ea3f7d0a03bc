// Reaching the API server as kubectl does, and saying in words why not when it cannot:
// ports that fetch refuses, network and TLS failures, missing or failing credentials, and
// a health address that cannot be used. Through kubectl, against the real control plane.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../src/kube/client.js';
import { adminClient, createNamespace, deleteNamespace, kubeconfigPath, uniqueName, waitFor } from '../support/cluster.js';
import { kubectlOdaApi, type CliResult } from '../support/canvas.js';

/** Ports the fetch standard blocks ("bad port"), any of which a kubeconfig may name. */
const BLOCKED_PORTS = [6666, 6665, 6667, 6668, 6669, 6000, 10080];

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
});

/** Listens on the first free port of `ports` (0: any); resolves to the port. */
async function listen(server: Server, ports: number[]): Promise<number> {
  servers.push(server);
  server.on('connection', (s: Socket) => sockets.add(s.on('close', () => sockets.delete(s))));
  for (const port of ports) {
    const bound = await new Promise<number | undefined>((resolve) => {
      server.once('error', () => resolve(undefined));
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    });
    if (bound !== undefined) return bound;
  }
  throw new Error(`none of the ports ${ports.join(', ')} is free`);
}

const apiServerPort = () => Number(/https:\/\/127\.0\.0\.1:(\d+)/.exec(readFileSync(kubeconfigPath(), 'utf8'))![1]);

/** A TCP relay to the API server (TLS passes through) on one of the given ports. */
async function relay(ports: number[]): Promise<number> {
  const upstreamPort = apiServerPort();
  return listen(
    createServer((client) => {
      const upstream = connect(upstreamPort, '127.0.0.1');
      sockets.add(upstream);
      for (const s of [client, upstream]) s.on('error', () => undefined).on('close', () => (client.destroy(), upstream.destroy()));
      client.pipe(upstream).pipe(client);
    }),
    ports,
  );
}

/** The test kubeconfig with `edit` applied to it, written to a new file. */
function kubeconfigWith(edit: (config: KubeConfig) => void): string {
  const config = new KubeConfig();
  config.loadFromFile(kubeconfigPath());
  edit(config);
  const file = join(mkdtempSync(join(tmpdir(), 'oda-api-kc-')), 'kubeconfig');
  writeFileSync(file, config.exportConfig());
  return file;
}

const withServer = (server: string) =>
  kubeconfigWith((c) => {
    c.clusters = c.clusters.map((cl) => ({ ...cl, server }));
  });

const oneLine = (r: CliResult, code: number) => {
  expect({ code: r.code, lines: r.stderr.trim().split('\n').length }).toEqual({ code, lines: 1 });
  expect(r.stderr).toMatch(/^error: /);
  expect(r.stderr).not.toMatch(/UND_ERR|unexpected error/);
};

describe('an API server on a port the fetch standard blocks', () => {
  let ns: string;
  let kubeconfig: string;
  let port: number;
  beforeAll(async () => {
    ns = await createNamespace(adminClient());
    port = await relay(BLOCKED_PORTS);
    kubeconfig = withServer(`https://127.0.0.1:${port}`);
  });
  afterAll(async () => {
    await deleteNamespace(adminClient(), ns);
  });

  test('is reachable by `kubectl oda-api status`', async () => {
    const r = await kubectlOdaApi(['status', '-n', ns, '--kubeconfig', kubeconfig]);
    expect({ port, code: r.code, stderr: r.stderr }).toEqual({ port, code: 0, stderr: '' });
    expect(r.stdout).toContain('No ExposedAPIs');
  });

  test('serves a watch stream too', async () => {
    const client = KubeClient.load({ kubeconfig });
    const seen: string[] = [];
    const ended: unknown[] = [];
    const controller = await client.watch(`/api/v1/namespaces/${ns}/configmaps`, { timeoutSeconds: 60 }, (type, object) => {
      seen.push(`${type} ${(object.metadata as { name: string }).name}`);
    }, (err) => ended.push(err));
    try {
      const name = uniqueName('cm');
      await client.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } } });
      await waitFor('the ADDED event', async () => seen.includes(`ADDED ${name}`));
      expect(ended).toEqual([]);
    } finally {
      controller.abort();
    }
  });
});

describe('transport failures are said in words, on one line, exit 2', () => {
  test('connection refused', async () => {
    const r = await kubectlOdaApi(['status', '--kubeconfig', withServer('https://127.0.0.1:1')]);
    oneLine(r, 2);
    expect(r.stderr).toBe('error: cannot connect to the API server at https://127.0.0.1:1: connection refused\n');
  });

  test('a host name that does not resolve', async () => {
    const r = await kubectlOdaApi(['status', '--kubeconfig', withServer('https://no-such-host.invalid:6443')]);
    oneLine(r, 2);
    expect(r.stderr).toMatch(/^error: cannot connect to the API server at https:\/\/no-such-host\.invalid:6443: the host name (does not resolve|could not be resolved)/);
  });

  test('a server certificate the kubeconfig does not trust', async () => {
    const untrusted = kubeconfigWith((c) => {
      c.clusters = c.clusters.map((cl) => ({ ...cl, caData: undefined, caFile: undefined }));
    });
    const r = await kubectlOdaApi(['status', '--kubeconfig', untrusted]);
    oneLine(r, 2);
    expect(r.stderr).toMatch(/^error: cannot connect to the API server at https:\/\/127\.0\.0\.1:\d+: TLS: the server certificate/);
  });

  test('https to a server speaking plain HTTP', async () => {
    const port = await listen(createHttpServer((_req, res) => res.end('hello')) as unknown as Server, [0]);
    const r = await kubectlOdaApi(['status', '--kubeconfig', withServer(`https://127.0.0.1:${port}`)]);
    oneLine(r, 2);
    expect(r.stderr).toContain(`at https://127.0.0.1:${port}: TLS handshake failed`);
  });

  test('a server that closes every connection', async () => {
    const port = await listen(createServer((s) => s.destroy()), [0]);
    const r = await kubectlOdaApi(['status', '--kubeconfig', withServer(`https://127.0.0.1:${port}`)]);
    oneLine(r, 2);
    expect(r.stderr).toMatch(new RegExp(`at https://127\\.0\\.0\\.1:${port}: (the server closed the connection|the connection was reset|.*socket disconnected)`));
  });

  test('a server that accepts but never answers: a connect timeout', async () => {
    const port = await listen(createServer(() => undefined), [0]);
    const r = await kubectlOdaApi(['status', '--kubeconfig', withServer(`https://127.0.0.1:${port}`)]);
    oneLine(r, 2);
    expect(r.stderr).toBe(`error: cannot connect to the API server at https://127.0.0.1:${port}: timed out connecting\n`);
  });
});

describe('missing or failing credentials are one clear line', () => {
  test('no kubeconfig at all', async () => {
    const home = mkdtempSync(join(tmpdir(), 'oda-api-home-'));
    const r = await kubectlOdaApi(['status'], { KUBECONFIG: '', HOME: home });
    oneLine(r, 2);
    expect(r.stderr).toBe('error: no kubeconfig: KUBECONFIG is not set and ~/.kube/config does not exist (pass --kubeconfig, or run in a pod with a ServiceAccount)\n');
  });

  const withExec = (command: string, args: string[]) =>
    kubeconfigWith((c) => {
      const context = c.getContextObject(c.getCurrentContext())!;
      c.users = [{ name: 'sso', exec: { apiVersion: 'client.authentication.k8s.io/v1', command, args, interactiveMode: 'Never' } }];
      c.contexts = [{ ...context, user: 'sso' }];
    });

  test('an exec credential plugin that fails', async () => {
    const r = await kubectlOdaApi(['status', '--kubeconfig', withExec('sh', ['-c', 'echo "token expired: run sso login" >&2; echo more >&2; exit 1'])]);
    oneLine(r, 2);
    expect(r.stderr).toBe('error: cannot get credentials for user "sso" from the exec plugin "sh": token expired: run sso login\n');
  });

  test('an exec credential plugin that is not installed', async () => {
    const r = await kubectlOdaApi(['status', '--kubeconfig', withExec('no-such-credential-plugin', [])]);
    oneLine(r, 2);
    expect(r.stderr).toBe('error: cannot get credentials for user "sso" from the exec plugin "no-such-credential-plugin": the command is not found\n');
  });
});

describe('watch --health-address that cannot be used is a usage error', () => {
  let ns: string;
  beforeAll(async () => {
    ns = await createNamespace(adminClient());
  });
  afterAll(async () => {
    await deleteNamespace(adminClient(), ns);
  });

  // A watch that got past the address would run on: stop it.
  const watch = (address: string) => kubectlOdaApi(['watch', '--standalone', '-n', ns, '--health-address', address], {}, 15_000);

  test('a port in use', async () => {
    const port = await listen(createServer(), [0]);
    const r = await watch(`127.0.0.1:${port}`);
    oneLine(r, 2);
    expect(r.stderr).toBe(`error: health address "127.0.0.1:${port}": port ${port} is already in use\n`);
  });

  test('a host that is not this machine', async () => {
    const r = await watch('192.0.2.1:8081');
    oneLine(r, 2);
    expect(r.stderr).toBe('error: health address "192.0.2.1:8081": the host is not an address of this machine\n');
  });

  test('not host:port', async () => {
    const r = await watch('8081');
    oneLine(r, 2);
    expect(r.stderr).toBe('error: health address "8081": must be host:port\n');
  });
});
