// Which namespaces to serve: repeatable, comma-separated globs (`*`, `?`), where a
// leading `!` excludes. A namespace is served when some positive pattern matches it and
// no negated one does; negations alone mean "all except".

const splitPatterns = (patterns: readonly string[]): string[] =>
  patterns.flatMap((p) => p.split(',')).map((p) => p.trim()).filter((p) => p !== '' && p !== '!');

function globToRegExp(glob: string): RegExp {
  const source = [...glob]
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

export function namespaceMatcher(patterns: readonly string[]): (namespace: string) => boolean {
  const all = splitPatterns(patterns);
  const include = all.filter((p) => !p.startsWith('!')).map(globToRegExp);
  const exclude = all.filter((p) => p.startsWith('!')).map((p) => globToRegExp(p.slice(1)));
  const included = include.length === 0 ? () => true : (ns: string) => include.some((re) => re.test(ns));
  return (ns) => included(ns) && !exclude.some((re) => re.test(ns));
}

/**
 * The namespaces themselves when every pattern is a plain name (callers can then LIST
 * per namespace instead of cluster-wide), else undefined.
 */
export function literalNamespaces(patterns: readonly string[]): string[] | undefined {
  const all = splitPatterns(patterns);
  if (all.length === 0 || all.some((p) => /[*?!]/.test(p))) return undefined;
  return [...new Set(all)];
}
