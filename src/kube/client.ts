// A small REST client over client-node's kubeconfig handling. We speak plain JSON to
// the API server (no model classes), because the engine works on plain objects and
// because we need exact control over content types (server-side apply, JSON patch),
// dryRun and request counting.
import { KubeConfig, RequestContext, HttpMethod, Watch } from '@kubernetes/client-node';
import { fetch } from 'undici';
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface ClientOptions {
  kubeconfig?: string;
  context?: string;
}

/** A request the API server answered with an error status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly method: string,
    readonly path: string,
    /** Set when the server asked us to retry after this many seconds. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** The API server could not be reached at all. */
export class ConnectionError extends Error {}

const MAX_ATTEMPTS = 5;

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  contentType?: string;
}

export type WatchHandler = (type: string, object: Record<string, unknown>) => void;

export class KubeClient {
  /** Requests made, by HTTP method: lets tests and benchmarks check what we cost. */
  readonly requestCounts: Record<string, number> = {};

  private dispatcher?: ReturnType<RequestContext['getDispatcher']>;

  constructor(readonly config: KubeConfig) {}

  static load(options: ClientOptions = {}): KubeClient {
    const config = new KubeConfig();
    try {
      if (options.kubeconfig) config.loadFromFile(options.kubeconfig);
      else {
        // client-node would fall back to http://localhost:8080, which fails with a confusing TLS error.
        if (!process.env.KUBECONFIG && !existsSync(join(homedir(), '.kube', 'config')) && !existsSync(SERVICE_ACCOUNT_TOKEN)) {
          throw new ConnectionError(`no kubeconfig and not in a cluster: set KUBECONFIG, pass --kubeconfig, or run in a Pod with a ServiceAccount token at ${SERVICE_ACCOUNT_TOKEN}`);
        }
        config.loadFromDefault();
      }
    } catch (err) {
      if (err instanceof ConnectionError) throw err;
      const file = options.kubeconfig ? ` ${options.kubeconfig}` : ''; // from KUBECONFIG, the error names the file
      throw new ConnectionError(`cannot read the kubeconfig${file}: ${(err as Error).message}`);
    }
    if (options.context) {
      if (!config.getContextObject(options.context)) throw new ConnectionError(`context "${options.context}" not found in kubeconfig`);
      config.setCurrentContext(options.context);
    }
    if (!config.getCurrentCluster()) throw new ConnectionError('no cluster configured: set KUBECONFIG or pass --kubeconfig');
    checkInCluster(config);
    return new KubeClient(config);
  }

  get server(): string {
    return this.config.getCurrentCluster()!.server;
  }

  /** The namespace of the current context, as kubectl uses it. */
  get contextNamespace(): string {
    return this.config.getContextObject(this.config.getCurrentContext())?.namespace ?? 'default';
  }

  /** A request, retried a few times when the server asks us to come back (429, or 503 with Retry-After). */
  async request<T = Record<string, unknown>>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(method, path, options);
      } catch (err) {
        if (!(err instanceof ApiError) || err.retryAfterSeconds === undefined || attempt >= MAX_ATTEMPTS) throw err;
        await new Promise((r) => setTimeout(r, Math.min(err.retryAfterSeconds!, 5) * 1000 * attempt));
      }
    }
  }

  private async once<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const url = new URL(this.server.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const ctx = new RequestContext(url.toString(), method as HttpMethod);
    await this.config.applySecurityAuthentication(ctx);
    // client-node makes a new connection pool per request; keep the first one so requests
    // reuse TLS connections (a handshake per request dominated the one-shot's CPU time).
    this.dispatcher ??= ctx.getDispatcher();
    const headers: Record<string, string> = { ...ctx.getHeaders(), Accept: 'application/json' };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      body = JSON.stringify(options.body);
    }
    this.requestCounts[method] = (this.requestCounts[method] ?? 0) + 1;
    let response;
    try {
      response = await fetch(url, { method, headers, body, dispatcher: this.dispatcher });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ConnectionError(`cannot reach the cluster at ${this.server}: ${cause?.code ?? cause?.message ?? (err as Error).message}`);
    }
    const text = await response.text();
    const parsed = text ? safeJson(text) : undefined;
    if (!response.ok) {
      const status = parsed as { reason?: string; message?: string } | undefined;
      const retryAfter = response.headers.get('retry-after');
      const retryable = response.status === 429 || (response.status === 503 && retryAfter !== null);
      throw new ApiError(response.status, status?.reason ?? String(response.status), status?.message ?? text.trim(), method, path, retryable ? Number(retryAfter ?? 1) || 1 : undefined);
    }
    return parsed as T;
  }

  get<T = Record<string, unknown>>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query });
  }

  /** Server-side apply under our field manager, with force (we own these fields). */
  apply<T = Record<string, unknown>>(path: string, object: unknown, fieldManager: string, dryRun = false): Promise<T> {
    return this.request<T>('PATCH', path, {
      body: object,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager, force: true, dryRun: dryRun ? 'All' : undefined },
    });
  }

  /** Watches a collection; resolves to an AbortController that stops it. */
  watch(path: string, query: Query, onEvent: WatchHandler, onDone: (err?: unknown) => void): Promise<AbortController> {
    this.requestCounts.WATCH = (this.requestCounts.WATCH ?? 0) + 1;
    const watcher = new Watch(this.config);
    // client-node gives up on a watch after 30 s without data, but a quiet collection only
    // gets a bookmark about once a minute: bound it by the server-side timeout instead.
    const timeoutSeconds = Number(query.timeoutSeconds);
    if (timeoutSeconds > 0) (watcher as unknown as { requestTimeoutMs: number }).requestTimeoutMs = (timeoutSeconds + 30) * 1000;
    return watcher.watch(path, query, onEvent, onDone);
  }
}

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** In a Pod, says which part of the ServiceAccount mount or environment is missing, before any request fails obscurely. */
function checkInCluster(config: KubeConfig): void {
  const cluster = config.getCurrentCluster()!;
  if (cluster.name !== 'inCluster') return;
  if (!process.env.KUBERNETES_SERVICE_HOST || !process.env.KUBERNETES_SERVICE_PORT) {
    throw new ConnectionError('in-cluster configuration needs KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT (set by Kubernetes in every Pod)');
  }
  const tokenFile = config.getCurrentUser()?.authProvider?.config?.tokenFile as string | undefined;
  for (const [what, file] of [['ServiceAccount token', tokenFile], ['cluster CA certificate', cluster.caFile]] as const) {
    if (!file) continue;
    try {
      accessSync(file, constants.R_OK);
    } catch (err) {
      throw new ConnectionError(`cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text.trim() };
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}
