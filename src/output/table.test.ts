import { capText, formatTable } from './table.js';

test('capText keeps short text, and shortens long text in the middle to exactly the width', () => {
  expect(capText('orders', 10)).toBe('orders');
  expect(capText('productcatalogmanagement-v5', 12)).toBe('produc…nt-v5');
  expect([...capText('productcatalogmanagement-v5', 12)]).toHaveLength(12);
  expect(capText('abcdef', 1)).toBe('…');
});

test('names that differ only at the end stay apart once capped', () => {
  const long = 'productcatalogmanagement-api-group';
  expect(capText(`${long}-2`, 20)).not.toBe(capText(`${long}-10`, 20));
});

test('columns pad to the widest cell within their cap; the last column is not padded', () => {
  const long = 'x'.repeat(100);
  const text = formatTable(['NAME', 'URL', 'RESULT'], [['a', 'https://h/a', 'ok'], [long, 'https://h/b', 'a longer result']], { max: [20] });
  const lines = text.trimEnd().split('\n');
  expect(lines).toEqual([
    'NAME                   URL           RESULT',
    'a                      https://h/a   ok',
    `${'x'.repeat(10)}…${'x'.repeat(9)}   https://h/b   a longer result`,
  ]);
});

test('paint colours padded cells of the rows, not the header', () => {
  const text = formatTable(['A', 'B'], [['1', '2']], { paint: (s, r, c) => `<${r}${c}:${s}>` });
  expect(text).toBe('A   B\n<00:1>   <01:2>\n');
});
