// HTTP to the API server through undici's dispatcher API, not fetch: fetch refuses the
// ports the fetch standard blocks (6000, 6665-6669, 10080, ...) with "bad port", while
// kubectl reaches any port a kubeconfig names, and so must we.
import { createInterface } from 'node:readline';
import { getGlobalDispatcher, type Dispatcher } from 'undici';

export type Headers = Record<string, string>;

export interface Response {
  status: number;
  headers: Dispatcher.ResponseData['headers'];
  text: string;
}

const dispatcherOr = (dispatcher: Dispatcher | undefined): Dispatcher => dispatcher ?? getGlobalDispatcher();

/** One request and its whole body. Rejects only when no answer came (connection, TLS, timeout). */
export async function send(dispatcher: Dispatcher | undefined, url: URL, method: string, headers: Headers, body?: string): Promise<Response> {
  const response = await dispatcherOr(dispatcher).request({
    origin: url.origin,
    path: url.pathname + url.search,
    method: method as Dispatcher.HttpMethod,
    headers,
    body,
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

export interface StreamHandlers {
  /** The response has started with 200: the watch is connected. */
  onOpen: () => void;
  /** Another status: the answer's body, for the caller to turn into an error. */
  onRefused: (status: number, text: string) => void;
  onLine: (line: string) => void;
  /** The stream ended: cleanly (no error), or failed. */
  onEnd: (err?: unknown) => void;
  /** Bytes arrived (for an inactivity timer). */
  onData: () => void;
}

/** A GET whose body is read line by line as it arrives (a watch); abort the signal to stop. */
export async function stream(dispatcher: Dispatcher | undefined, url: URL, headers: Headers, signal: AbortSignal, on: StreamHandlers): Promise<void> {
  const response = await dispatcherOr(dispatcher).request({ origin: url.origin, path: url.pathname + url.search, method: 'GET', headers, signal });
  if (response.statusCode !== 200) {
    on.onRefused(response.statusCode, await response.body.text());
    return;
  }
  on.onOpen();
  const body = response.body;
  let ended = false;
  const end = (err?: unknown) => {
    if (ended) return;
    ended = true;
    on.onEnd(err);
  };
  body.on('data', on.onData);
  body.on('error', end);
  const lines = createInterface({ input: body, crlfDelay: Infinity });
  lines.on('error', end); // readline passes the body's errors on: without a listener they would throw
  lines.on('line', on.onLine);
  lines.on('close', () => end());
}
