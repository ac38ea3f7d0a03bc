// A small REST client over client-node's kubeconfig handling. We speak plain JSON to
// the API server (no model classes), because the engine works on plain objects and
// because we need exact control over content types (server-side apply, JSON patch),
// dryRun and request counting.
import { KubeConfig, RequestContext, HttpMethod } from '@kubernetes/client-node';
import { ConnectionError, credentialProblem, loadKubeConfig, type ClientOptions } from './kubeconfig.js';
import { send, stream } from './transport.js';
import { describeTransportFailure } from './transport-errors.js';

export { ConnectionError, type ClientOptions };

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
  private pooled = false;

  constructor(readonly config: KubeConfig) {}

  static load(options: ClientOptions = {}): KubeClient {
    return new KubeClient(loadKubeConfig(options));
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

  /** The URL of a path on the API server, with its query. */
  private url(path: string, query: Query = {}): URL {
    const url = new URL(this.server.replace(/\/$/, '') + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    return url;
  }

  /** Credentials and TLS settings for a request, from the kubeconfig (running an exec plugin if it names one). */
  private async authenticate(url: URL, method: string): Promise<Record<string, string>> {
    const ctx = new RequestContext(url.toString(), method as HttpMethod);
    try {
      await this.config.applySecurityAuthentication(ctx);
    } catch (err) {
      throw new ConnectionError(credentialProblem(this.config, err));
    }
    // client-node makes a new connection pool per request; keep the first one so requests
    // reuse TLS connections (a handshake per request dominated the one-shot's CPU time).
    if (!this.pooled) {
      this.dispatcher = ctx.getDispatcher();
      this.pooled = true;
    }
    return ctx.getHeaders();
  }

  private unreachable(err: unknown): ConnectionError {
    return new ConnectionError(`cannot connect to the API server at ${this.server}: ${describeTransportFailure(err)}`);
  }

  private async once<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { ...(await this.authenticate(url, method)), Accept: 'application/json' };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      body = JSON.stringify(options.body);
    }
    this.requestCounts[method] = (this.requestCounts[method] ?? 0) + 1;
    let response;
    try {
      response = await send(this.dispatcher, url, method, headers, body);
    } catch (err) {
      throw this.unreachable(err);
    }
    const parsed = response.text ? safeJson(response.text) : undefined;
    if (response.status >= 300) throw apiError(response.status, response.text, method, path, response.headers['retry-after']);
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

  /**
   * Watches a collection; resolves to an AbortController that stops it, once the watch is
   * connected or has failed. onDone is called once: without an error when the server ends
   * the watch, with a TimeoutError after a silence, else with why it failed.
   */
  async watch(path: string, query: Query, onEvent: WatchHandler, onDone: (err?: unknown) => void): Promise<AbortController> {
    this.requestCounts.WATCH = (this.requestCounts.WATCH ?? 0) + 1;
    const url = this.url(path, { ...query, watch: true });
    const controller = new AbortController();
    let done = false;
    const finish = (err?: unknown) => {
      if (done) return;
      done = true;
      clearTimeout(silence);
      controller.abort();
      onDone(err);
    };
    // A quiet collection gets a bookmark about once a minute: bound the silence by the
    // server-side timeout (plus a margin), not by a fixed short limit.
    const timeoutSeconds = Number(query.timeoutSeconds);
    const silenceMs = (timeoutSeconds > 0 ? timeoutSeconds + 30 : 30) * 1000;
    const silence = setTimeout(() => finish(new DOMException(`no data from the watch for ${silenceMs / 1000}s`, 'TimeoutError')), silenceMs);
    silence.unref();
    try {
      const headers = await this.authenticate(url, 'GET');
      await stream(this.dispatcher, url, headers, controller.signal, {
        onOpen: () => silence.refresh(),
        onData: () => silence.refresh(),
        onRefused: (status, text) => finish(apiError(status, text, 'GET', path)),
        onLine: (line) => {
          if (done) return;
          const event = safeJson(line) as { type?: string; object?: Record<string, unknown> };
          if (event.type && event.object) onEvent(event.type, event.object);
        },
        // Our own abort (stop, or the silence limit) ends the body with an error that is no failure.
        onEnd: (err) => finish(err === undefined || controller.signal.aborted ? undefined : this.unreachable(err)),
      });
    } catch (err) {
      finish(controller.signal.aborted ? undefined : err instanceof ConnectionError ? err : this.unreachable(err));
    }
    return controller;
  }
}

/** The API server's answer to a failed request, from its Status body. */
function apiError(status: number, text: string, method: string, path: string, retryAfterHeader?: string | string[]): ApiError {
  const body = (text ? safeJson(text) : undefined) as { reason?: string; message?: string } | undefined;
  const retryAfter = Array.isArray(retryAfterHeader) ? retryAfterHeader[0] : retryAfterHeader;
  const retryable = status === 429 || (status === 503 && retryAfter !== undefined);
  return new ApiError(status, body?.reason ?? String(status), body?.message ?? text.trim(), method, path, retryable ? Number(retryAfter ?? 1) || 1 : undefined);
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
