// Says in words why a request never got an answer: network codes (ECONNREFUSED,
// UND_ERR_*, ENOTFOUND), TLS failures and timeouts, for a one-line error a person can act on.

interface Failure {
  code?: string;
  message?: string;
  cause?: unknown;
  errors?: unknown[];
}

const BY_CODE: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed while sending',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name could not be resolved (DNS did not answer)',
  ETIMEDOUT: 'timed out connecting',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  EADDRNOTAVAIL: 'the address is not available',
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
  UND_ERR_HEADERS_TIMEOUT: 'the server did not answer in time',
  UND_ERR_BODY_TIMEOUT: 'the server stopped sending its answer',
  UND_ERR_SOCKET: 'the server closed the connection',
  UND_ERR_CLOSED: 'the connection was closed',
  UND_ERR_ABORTED: 'the request was cancelled',
  // Node's TLS verification codes.
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS: the server certificate is self-signed and not trusted (check certificate-authority-data in the kubeconfig)',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS: the server certificate chain ends in an untrusted self-signed certificate (check certificate-authority-data in the kubeconfig)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS: the server certificate is not signed by a trusted authority (check certificate-authority-data in the kubeconfig)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'TLS: the issuer of the server certificate is not trusted (check certificate-authority-data in the kubeconfig)',
  CERT_HAS_EXPIRED: 'TLS: the server certificate has expired',
  CERT_NOT_YET_VALID: 'TLS: the server certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS: the server certificate is not valid for this host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS handshake failed (is the server speaking plain HTTP?)',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'TLS: the server does not trust the client certificate (check client-certificate-data in the kubeconfig)',
};

/** The innermost failure with a code: fetch wraps it in `cause`, Happy Eyeballs in `errors`. */
function innermost(err: unknown): Failure {
  let e = (err ?? {}) as Failure;
  for (let depth = 0; depth < 5; depth++) {
    if (e.code && e.code !== 'UND_ERR_INFO') return e;
    const next = e.cause ?? e.errors?.[0];
    if (!next || typeof next !== 'object') return e;
    e = next as Failure;
  }
  return e;
}

/** Why a request failed before any answer, in words (the code stays in brackets when unknown). */
export function describeTransportFailure(err: unknown): string {
  const e = innermost(err);
  const code = e.code;
  if (code && BY_CODE[code]) return BY_CODE[code];
  if (e.code?.startsWith('ERR_SSL') || /\bSSL\b|TLS/.test(e.message ?? '')) return `TLS handshake failed: ${e.message}`;
  const message = (e.message ?? String(err)).split('\n')[0];
  // undici's "informational" errors (UND_ERR_INFO) carry plain words: "other side closed", "socket idle timeout".
  if (!code || code === 'UND_ERR_INFO') return message;
  return `${message} (${code})`;
}
