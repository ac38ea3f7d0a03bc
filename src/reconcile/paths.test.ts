import fc from 'fast-check';
import { pathProblem } from './paths.js';

const route = { catchAll: false };

describe('pathProblem', () => {
  it.each(['/prd/v4', '/a/', "/a-b_c.d~e/!$&'()*+,;=:@", '/caf%C3%A9', '/a%20b', '/a%2Fb', '/v1.0/..x/...'])('accepts %s', (path) => {
    expect(pathProblem(path, route)).toBeUndefined();
  });

  it.each([
    ['prd', 'must start with "/"'],
    ['/', '"/" alone is a catch-all that would take every request on the shared gateway; give the API a path of its own'],
    ['/bad/with space', 'a space at character 10 is not allowed; percent-encode it as %20'],
    ['/café', 'the non-ASCII character "é" (U+00E9) at character 5 is not allowed; percent-encode its UTF-8 bytes as %C3%A9'],
    ['/😀/x', 'the non-ASCII character "😀" (U+1F600) at character 2 is not allowed; percent-encode its UTF-8 bytes as %F0%9F%98%80'],
    ['/a?b=1', '"?" at character 3 starts a query, which is not part of a path'],
    ['/a#top', '"#" at character 3 starts a fragment, which is not part of a path'],
    ['/a<b', '"<" at character 3 is not allowed in a URI path; percent-encode it as %3C'],
    ['/a\tb', 'the control character U+0009 at character 3 is not allowed'],
    ['/a%zz', '"%zz" at character 3 is not a percent-escape; "%" must be followed by two hex digits (write "%" itself as %25)'],
    ['/a%2', '"%2" at character 3 is not a percent-escape; "%" must be followed by two hex digits (write "%" itself as %25)'],
    ['/a%2d', '"%2d" at character 3 encodes "-", which the gateway decodes before matching; write "-" itself'],
    ['/a%c3%a9', '"%c3" at character 3 has lower-case hex digits, which the gateway upper-cases before matching; write %C3'],
    ['/a/../b', 'the dot segment ".." at character 4; write the path without "." and ".." segments'],
    ['/a/.', 'the dot segment "." at character 4; write the path without "." and ".." segments'],
    ['/a//b', 'an empty segment ("//") at character 3'],
  ])('rejects %j: %s', (path, problem) => {
    expect(pathProblem(path, route)).toBe(problem);
  });

  it('allows "/" alone where a catch-all is harmless (a developer UI)', () => {
    expect(pathProblem('/', { catchAll: true })).toBeUndefined();
  });
});

// Valid paths, built from the RFC 3986 pchar alphabet in canonical form.
const pchar = fc.oneof(
  fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&\'()*+,;=:@'),
  fc.constantFrom('%20', '%2F', '%3F', '%23', '%25', '%C3', '%A9'),
);
const segment = fc.array(pchar, { minLength: 1, maxLength: 8 }).map((cs) => cs.join('')).filter((s) => s !== '.' && s !== '..');
const validPath = fc.tuple(fc.array(segment, { minLength: 1, maxLength: 5 }), fc.boolean()).map(([segs, slash]) => `/${segs.join('/')}${slash ? '/' : ''}`);

describe('pathProblem, properties', () => {
  it('accepts every canonical path of pchars', () => {
    fc.assert(fc.property(validPath, (path) => pathProblem(path, route) === undefined));
  });

  it('an accepted path is a URL path as it is: a URL parser changes nothing in it', () => {
    fc.assert(fc.property(validPath, (path) => new URL(`https://api.example.com${path}`).pathname === path));
  });

  it('a character outside the alphabet is rejected, at its position', () => {
    const bad = fc.constantFrom(' ', '?', '#', '"', '<', '>', '\\', '^', '`', '{', '|', '}', 'é', 'ß', '中', '\u007f');
    fc.assert(
      fc.property(validPath, bad, fc.nat(), (path, char, n) => {
        const chars = Array.from(path);
        const position = 1 + (n % chars.length); // after the leading "/"
        const broken = [...chars.slice(0, position), char, ...chars.slice(position)].join('');
        // Inserted inside an escape, the escape itself is reported first.
        const problem = pathProblem(broken, route);
        return problem !== undefined && (problem.includes(`at character ${position + 1}`) || problem.includes('percent-escape'));
      }),
    );
  });
});
