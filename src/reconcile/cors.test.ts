import fc from 'fast-check';
import { corsPolicy, originMatch } from './cors.js';

const DEFAULT_HEADERS = [
  'Origin',
  'Accept',
  'X-Requested-With',
  'Content-Type',
  'Access-Control-Request-Method',
  'Access-Control-Request-Headers',
];

describe('corsPolicy', () => {
  it.each([
    ['absent', undefined],
    ['not enabled', { allowOrigins: 'https://a.example' }],
    ['disabled', { enabled: false }],
  ])('is undefined when CORS is %s', (_label, cors) => {
    expect(corsPolicy(cors)).toBeUndefined();
  });

  it('applies the documented defaults', () => {
    expect(corsPolicy({ enabled: true })).toEqual({
      allowOrigins: [{ regex: '.*' }],
      allowMethods: ['GET', 'POST', 'HEAD', 'OPTIONS'],
      allowHeaders: DEFAULT_HEADERS,
      maxAge: '1800s',
      allowCredentials: false,
    });
  });

  it('maps every field', () => {
    expect(
      corsPolicy({
        enabled: true,
        allowCredentials: true,
        allowOrigins: 'https://a.example, https://*.b.example ,',
        handlePreflightRequests: { allowMethods: 'GET,PUT', allowHeaders: 'X-Custom', maxAge: 60 },
      }),
    ).toEqual({
      allowOrigins: [{ exact: 'https://a.example' }, { regex: 'https://.*\\.b\\.example' }],
      allowMethods: ['GET', 'PUT'],
      allowHeaders: ['X-Custom'],
      maxAge: '60s',
      allowCredentials: true,
    });
  });

  it('leaves out preflight answers when preflight handling is off', () => {
    expect(corsPolicy({ enabled: true, handlePreflightRequests: { enabled: false, allowMethods: 'GET' } })).toEqual({
      allowOrigins: [{ regex: '.*' }],
      allowCredentials: false,
    });
  });

  it('leaves out maxAge 0, which Istio would reject', () => {
    expect(corsPolicy({ enabled: true, handlePreflightRequests: { maxAge: 0 } })).not.toHaveProperty('maxAge');
  });

  it('treats a blank CSV as the default', () => {
    expect(corsPolicy({ enabled: true, allowOrigins: ' , ' })?.allowOrigins).toEqual([{ regex: '.*' }]);
  });
});

describe('originMatch', () => {
  it('matches exactly what a wildcard origin allows', () => {
    fc.assert(
      fc.property(fc.domain(), fc.stringMatching(/^[a-z0-9-]{1,10}$/), (domain, sub) => {
        const match = originMatch(`https://*.${domain}`);
        expect(match).toHaveProperty('regex');
        const re = new RegExp(`^(?:${(match as { regex: string }).regex})$`);
        expect(re.test(`https://${sub}.${domain}`)).toBe(true);
        // Dots are literal: a look-alike host does not pass.
        fc.pre(domain.includes('.'));
        expect(re.test(`https://${sub}.${domain.replace(/\./g, 'x')}`)).toBe(false);
      }),
    );
  });

  it('keeps origins without wildcard exact', () => {
    fc.assert(
      fc.property(fc.webUrl(), (url) => {
        fc.pre(!url.includes('*'));
        expect(originMatch(url)).toEqual({ exact: url });
      }),
    );
  });
});
