// API paths are URI path prefixes (RFC 3986 section 3.3): they go verbatim into the
// VirtualService's `uri.prefix` match and into the URL, so anything that is not a valid
// path in canonical form is rejected rather than quietly encoded: the user sees what the
// gateway will match. Canonical, because the ingress gateway normalises request paths
// (dot segments resolved, escapes of unreserved characters decoded, hex digits in upper
// case) before matching: a prefix that is not normalised itself would never match.

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const SUB_DELIMS = "!$&'()*+,;=";
const HEX = /^[0-9A-Fa-f]{2}$/;

/** Where a problem is: 1-based, in characters (code points) of the path. */
const at = (position: number) => `at character ${position}`;

const hex = (byte: number) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
const percentEncoded = (char: string) => [...new TextEncoder().encode(char)].map(hex).join('');

/** Why `char` may not appear in a path as it is. */
function badCharacter(char: string, position: number): string {
  const code = char.codePointAt(0)!;
  if (char === '?') return `"?" ${at(position)} starts a query, which is not part of a path`;
  if (char === '#') return `"#" ${at(position)} starts a fragment, which is not part of a path`;
  if (char === ' ') return `a space ${at(position)} is not allowed; percent-encode it as %20`;
  const unicode = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code > 0x7e) return `the non-ASCII character ${JSON.stringify(char)} (${unicode}) ${at(position)} is not allowed; percent-encode its UTF-8 bytes as ${percentEncoded(char)}`;
  if (code < 0x20 || code === 0x7f) return `the control character ${unicode} ${at(position)} is not allowed`;
  return `${JSON.stringify(char)} ${at(position)} is not allowed in a URI path; percent-encode it as ${percentEncoded(char)}`;
}

/** Why the escape starting at `chars[i]` (a "%") is not canonical, if it is not. */
function badEscape(chars: readonly string[], i: number): string | undefined {
  const digits = chars.slice(i + 1, i + 3).join('');
  if (!HEX.test(digits)) return `"%${digits}" ${at(i + 1)} is not a percent-escape; "%" must be followed by two hex digits (write "%" itself as %25)`;
  const decoded = String.fromCharCode(parseInt(digits, 16));
  if (UNRESERVED.test(decoded)) return `"%${digits}" ${at(i + 1)} encodes ${JSON.stringify(decoded)}, which the gateway decodes before matching; write ${JSON.stringify(decoded)} itself`;
  if (digits !== digits.toUpperCase()) return `"%${digits}" ${at(i + 1)} has lower-case hex digits, which the gateway upper-cases before matching; write %${digits.toUpperCase()}`;
  return undefined;
}

/** Dot segments ("." and "..") are resolved away by the gateway, so a prefix holding one never matches. */
function badSegment(segment: string, start: number, isLast: boolean): string | undefined {
  if (segment === '' && !isLast) return `an empty segment ("//") ${at(start - 1)}`;
  if (segment === '.' || segment === '..') return `the dot segment "${segment}" ${at(start)}; write the path without "." and ".." segments`;
  return undefined;
}

export interface PathRules {
  /** Whether "/" alone is allowed: not for a route on a shared gateway, where it takes every request. */
  catchAll: boolean;
}

/** What is wrong with `path` as a URI path prefix, naming the character and its position; undefined when it is fine. */
export function pathProblem(path: string, rules: PathRules): string | undefined {
  if (!path.startsWith('/')) return 'must start with "/"';
  if (path === '/' && !rules.catchAll) return '"/" alone is a catch-all that would take every request on the shared gateway; give the API a path of its own';
  const chars = Array.from(path);
  let segmentStart = 2;
  let segment = '';
  for (let i = 1; i <= chars.length; i++) {
    const char = chars[i];
    if (i === chars.length || char === '/') {
      const problem = badSegment(segment, segmentStart, i === chars.length);
      if (problem) return problem;
      segment = '';
      segmentStart = i + 2;
      continue;
    }
    if (char === '%') {
      const problem = badEscape(chars, i);
      if (problem) return problem;
      segment += String.fromCharCode(parseInt(chars.slice(i + 1, i + 3).join(''), 16));
      i += 2;
      continue;
    }
    if (!UNRESERVED.test(char) && !SUB_DELIMS.includes(char) && char !== ':' && char !== '@') return badCharacter(char, i + 1);
    segment += char;
  }
  return undefined;
}
