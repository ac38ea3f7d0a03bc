import { describeTransportFailure } from './transport-errors.js';

const coded = (code: string, message = `some ${code} text`) => Object.assign(new Error(message), { code });

describe('describeTransportFailure', () => {
  it.each<[string, unknown, string]>([
    ['a refused connection', coded('ECONNREFUSED'), 'connection refused'],
    ['a name that does not resolve', coded('ENOTFOUND'), 'the host name does not resolve'],
    ['a connect timeout', coded('UND_ERR_CONNECT_TIMEOUT'), 'timed out connecting'],
    ['a server that never answers', coded('UND_ERR_HEADERS_TIMEOUT'), 'the server did not answer in time'],
    ['a closed socket', coded('UND_ERR_SOCKET', 'other side closed'), 'the server closed the connection'],
    ['an untrusted certificate', coded('DEPTH_ZERO_SELF_SIGNED_CERT'), 'TLS: the server certificate is self-signed and not trusted (check certificate-authority-data in the kubeconfig)'],
    ['a certificate for another host', coded('ERR_TLS_CERT_ALTNAME_INVALID'), 'TLS: the server certificate is not valid for this host name'],
    ['plain HTTP on an https URL', coded('ERR_SSL_WRONG_VERSION_NUMBER'), 'TLS handshake failed (is the server speaking plain HTTP?)'],
    ['an unknown TLS failure', coded('ERR_SSL_SOMETHING_NEW', 'ssl alert 42'), 'TLS handshake failed: ssl alert 42'],
    ["undici's informational error, said in its own words", coded('UND_ERR_INFO', 'socket idle timeout'), 'socket idle timeout'],
    ['an unknown code, kept in brackets', coded('EWEIRD', 'weird thing'), 'weird thing (EWEIRD)'],
    ['no code at all', new Error('first line\nsecond line'), 'first line'],
  ])('%s', (_what, err, words) => {
    expect(describeTransportFailure(err)).toBe(words);
  });

  it('looks inside fetch-style causes and Happy Eyeballs aggregates', () => {
    expect(describeTransportFailure(Object.assign(new TypeError('fetch failed'), { cause: coded('ECONNREFUSED') }))).toBe('connection refused');
    expect(describeTransportFailure(Object.assign(new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')]), {}))).toBe('connection refused');
    expect(describeTransportFailure(Object.assign(new Error('informational'), { code: 'UND_ERR_INFO', cause: coded('ECONNRESET') }))).toBe('the connection was reset');
  });
});
