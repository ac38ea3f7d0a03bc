// Which namespaces to serve: repeatable, comma-separated globs (`*`, `?`), where a
// leading `!` excludes. A namespace is served when some positive pattern matches it and
// no negated one does; negations alone mean "all except".
//
// Patterns are checked before use: an empty scope (`-n "$UNSET"`) must not widen to every
// namespace, and a pattern no namespace can match must not select nothing in silence.

import { isDns1123Label } from './names.js';

/** A glob's own characters: those of a namespace name, plus `*` and `?`. */
const GLOB = /^[a-z0-9*?-]+$/;

/**
 * The patterns in `values` (each comma-separated), or one line naming what is wrong.
 * `source` names where they came from (`-n`, `COMPONENT_NAMESPACE`) for that line.
 */
export function parseNamespacePatterns(values: readonly string[], source: string): { patterns: string[] } | { error: string } {
  const given = values.join(',');
  const patterns = splitPatterns(values);
  if (patterns.every((p) => p === '')) return { error: `${source} is empty: name the namespaces to serve (or use -A for all namespaces)` };
  for (const pattern of patterns) {
    const problem = patternProblem(pattern);
    if (problem) return { error: `${source} "${given}": ${problem}` };
  }
  return { patterns };
}

function patternProblem(pattern: string): string | undefined {
  if (pattern === '') return 'an empty entry between commas';
  const glob = pattern.startsWith('!') ? pattern.slice(1) : pattern;
  if (glob === '') return '"!" must be followed by the namespaces to leave out';
  if (!GLOB.test(glob)) {
    return `"${pattern}" can match no namespace: use lower-case letters, digits, "-", the globs "*" and "?", and a leading "!" to leave out`;
  }
  if (!/[*?]/.test(glob) && !isDns1123Label(glob)) return `"${pattern}" is not a namespace name (at most 63 characters, starting and ending with a letter or digit)`;
  return undefined;
}

const splitPatterns = (values: readonly string[]): string[] => values.flatMap((v) => v.split(',')).map((p) => p.trim());

function globToRegExp(glob: string): RegExp {
  const source = [...glob]
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** Matches namespaces against patterns that parseNamespacePatterns accepted. */
export function namespaceMatcher(values: readonly string[]): (namespace: string) => boolean {
  const patterns = splitPatterns(values);
  const include = patterns.filter((p) => !p.startsWith('!')).map(globToRegExp);
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => globToRegExp(p.slice(1)));
  const included = include.length === 0 ? () => true : (ns: string) => include.some((re) => re.test(ns));
  return (ns) => included(ns) && !exclude.some((re) => re.test(ns));
}

/**
 * The namespaces themselves when every pattern is a plain name (callers can then LIST
 * per namespace instead of cluster-wide), else undefined.
 */
export function literalNamespaces(values: readonly string[]): string[] | undefined {
  const patterns = splitPatterns(values).filter((p) => p !== '');
  if (patterns.length === 0 || patterns.some((p) => /[*?!]/.test(p))) return undefined;
  return [...new Set(patterns)];
}
