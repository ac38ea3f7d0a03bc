import fc from 'fast-check';
import { literalNamespaces, namespaceMatcher } from './namespaces.js';

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
