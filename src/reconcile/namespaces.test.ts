import fc from 'fast-check';
import { literalNamespaces, namespaceMatcher, parseNamespacePatterns } from './namespaces.js';

describe('namespaceMatcher', () => {
  it.each<[string[], string, boolean]>([
    [['components'], 'components', true],
    [['components'], 'components-2', false],
    [['comp*'], 'components', true],
    [['*'], 'kube-system', true],
    [['team-?'], 'team-a', true],
    [['team-?'], 'team-ab', false],
    [['a,b', 'c'], 'c', true],
    [['a, b'], 'b', true],
    [['*', '!kube-*'], 'kube-system', false],
    [['*', '!kube-*'], 'default', true],
    [['!kube-*'], 'default', true],
    [['!kube-*'], 'kube-public', false],
    [['!kube-*,!default'], 'default', false],
    [['a.b'], 'axb', false],
    [[], 'anything', true],
  ])('%j matches %s: %s', (patterns, ns, expected) => {
    expect(namespaceMatcher(patterns)(ns)).toBe(expected);
  });

  it('never serves a namespace a negated pattern names, whatever else is given', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    fc.assert(
      fc.property(fc.array(name), name, (positives, ns) => {
        expect(namespaceMatcher([...positives, `!${ns}`])(ns)).toBe(false);
        expect(namespaceMatcher([...positives, ns])(ns)).toBe(true);
      }),
    );
  });
});

describe('literalNamespaces', () => {
  it.each<[string[], string[] | undefined]>([
    [['components'], ['components']],
    [['a,b', 'b', ' c '], ['a', 'b', 'c']],
    [['a*'], undefined],
    [['a', '!b'], undefined],
    [['a?'], undefined],
    [[], undefined],
  ])('%j -> %j', (patterns, expected) => {
    expect(literalNamespaces(patterns)).toEqual(expected);
  });
});

describe('parseNamespacePatterns', () => {
  it.each<[string[], string[]]>([
    [['components'], ['components']],
    [['a, b', 'c'], ['a', 'b', 'c']],
    [['comp-*,!comp-test'], ['comp-*', '!comp-test']],
    [['!kube-*'], ['!kube-*']],
    [['team-?', '*'], ['team-?', '*']],
  ])('%j is %j', (values, patterns) => {
    expect(parseNamespacePatterns(values, '-n')).toEqual({ patterns });
  });

  it.each<[string[], string]>([
    [[''], '-n is empty: name the namespaces to serve (or use -A for all namespaces)'],
    [[' ', ''], '-n is empty: name the namespaces to serve (or use -A for all namespaces)'],
    [[' , '], '-n is empty: name the namespaces to serve (or use -A for all namespaces)'],
    [['a,'], '-n "a,": an empty entry between commas'],
    [['a', ''], '-n "a,": an empty entry between commas'],
    [['!'], '-n "!": "!" must be followed by the namespaces to leave out'],
    [['Components'], '-n "Components": "Components" can match no namespace: use lower-case letters, digits, "-", the globs "*" and "?", and a leading "!" to leave out'],
    [['team-[ab]'], '-n "team-[ab]": "team-[ab]" can match no namespace: use lower-case letters, digits, "-", the globs "*" and "?", and a leading "!" to leave out'],
    [['a!b'], '-n "a!b": "a!b" can match no namespace: use lower-case letters, digits, "-", the globs "*" and "?", and a leading "!" to leave out'],
    [['!!a'], '-n "!!a": "!!a" can match no namespace: use lower-case letters, digits, "-", the globs "*" and "?", and a leading "!" to leave out'],
    [['-team'], '-n "-team": "-team" is not a namespace name (at most 63 characters, starting and ending with a letter or digit)'],
    [['a'.repeat(64)], `-n "${'a'.repeat(64)}": "${'a'.repeat(64)}" is not a namespace name (at most 63 characters, starting and ending with a letter or digit)`],
  ])('%j is refused', (values, error) => {
    expect(parseNamespacePatterns(values, '-n')).toEqual({ error });
  });

  it('names the source it was given', () => {
    expect(parseNamespacePatterns([' '], 'COMPONENT_NAMESPACE')).toEqual({
      error: 'COMPONENT_NAMESPACE is empty: name the namespaces to serve (or use -A for all namespaces)',
    });
  });

  it('accepts every valid namespace name as itself', () => {
    const name = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/);
    fc.assert(fc.property(name, (ns) => expect(parseNamespacePatterns([ns], '-n')).toEqual({ patterns: [ns] })));
  });
});
