// The operator's HTTP endpoint for the kubelet's probes and Prometheus: /healthz
// (alias /livez), /readyz and /metrics. Checks are plain functions the runtime
// answers from its own state, so a probe never touches the API server.
// Written on node:http: four fixed paths need no web framework's routing.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

export interface Check {
  ok: boolean;
  /** Why not ok, shown as the 503 body. */
  detail?: string;
}

export interface HealthServerOptions {
  /** `host:port`, `[ipv6]:port` or `:port` (all interfaces); port 0 picks a free one. */
  address: string;
  liveness: () => Check;
  readiness: () => Check;
  /** Served at /metrics in its own format. */
  metrics: Pick<Registry, 'metrics' | 'contentType'>;
}

export interface HealthServer {
  /** Base URL to reach the server, e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/** The health address cannot be used: malformed, taken, or not an address of this machine. */
export class HealthAddressError extends Error {}

/** Splits and validates a listen address; throws a one-line error naming it. */
export function parseAddress(address: string): { host: string | undefined; port: number } {
  const match = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d+)$/.exec(address.trim());
  if (!match) throw new HealthAddressError(`health address "${address}": must be host:port`);
  const port = Number(match[3]);
  if (port > 65535) throw new HealthAddressError(`health address "${address}": port must be 0 to 65535`);
  const host = match[1] ?? match[2];
  return { host: host === '' ? undefined : host, port };
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const { host, port } = parseAddress(options.address);
  const server = createServer((req, res) => respond(options, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(new HealthAddressError(`health address "${options.address}": ${listenProblem(err, port)}`)));
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  return {
    url: `http://${reachableHost(bound)}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive connections and an in-flight scrape must not hold up the shutdown.
        server.closeAllConnections();
      }),
  };
}

function respond(options: HealthServerOptions, req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const reply = (status: number, body: string, contentType = 'text/plain; charset=utf-8', headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store', ...headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const probe = (check: () => Check) => {
    const result = safely(check);
    reply(result.ok ? 200 : 503, result.ok ? 'ok' : (result.detail ?? 'not ok'));
  };
  if (!['/healthz', '/livez', '/readyz', '/metrics'].includes(path)) return reply(404, 'not found');
  if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed', undefined, { Allow: 'GET, HEAD' });
  if (path === '/readyz') return probe(options.readiness);
  if (path !== '/metrics') return probe(options.liveness);
  options.metrics.metrics().then(
    (text) => reply(200, text, options.metrics.contentType),
    (err: Error) => reply(500, `cannot render metrics: ${err.message}`),
  );
}

/** A check that throws is failing, with its error as the detail. */
function safely(check: () => Check): Check {
  try {
    return check();
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

function listenProblem(err: NodeJS.ErrnoException, port: number): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `port ${port} is already in use`;
    case 'EACCES':
      return `permission denied to listen on port ${port}`;
    case 'EADDRNOTAVAIL':
      return 'the host is not an address of this machine';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    default:
      return `cannot listen: ${err.message}`;
  }
}

/** Wildcard listen addresses are not connectable everywhere; use loopback in the URL instead. */
function reachableHost(bound: AddressInfo): string {
  if (bound.address === '0.0.0.0') return '127.0.0.1';
  if (bound.address === '::') return '[::1]';
  return bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
}
