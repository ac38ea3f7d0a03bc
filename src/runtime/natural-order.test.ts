import { naturalCompare } from './natural-order.js';

const sorted = (names: string[]) => [...names].sort(naturalCompare);

test('numbers inside names sort by value: g2 before g10', () => {
  expect(sorted(['g10', 'g2', 'g1', 'g100', 'g20'])).toEqual(['g1', 'g2', 'g10', 'g20', 'g100']);
});

test('several runs of digits each compare by value', () => {
  expect(sorted(['api-v10-2', 'api-v2-10', 'api-v2-9', 'api-v10-10'])).toEqual(['api-v2-9', 'api-v2-10', 'api-v10-2', 'api-v10-10']);
});

test('text without digits sorts in plain order; a prefix comes first', () => {
  expect(sorted(['orders', 'order', 'billing', 'b'])).toEqual(['b', 'billing', 'order', 'orders']);
});

test('digits before letters, as in plain order', () => {
  expect(sorted(['a-x', 'a-1', 'a-'])).toEqual(['a-', 'a-1', 'a-x']);
});

test('leading zeros: equal values are still told apart, so the order is total and stable', () => {
  expect(naturalCompare('g01', 'g1')).not.toBe(0);
  expect(Math.sign(naturalCompare('g01', 'g1'))).toBe(-Math.sign(naturalCompare('g1', 'g01')));
  expect(sorted(['g010', 'g9', 'g01', 'g2'])).toEqual(['g01', 'g2', 'g9', 'g010']);
  expect(naturalCompare('same-3', 'same-3')).toBe(0);
});

test('numbers longer than a double can hold still compare exactly', () => {
  expect(naturalCompare('n12345678901234567890', 'n12345678901234567891')).toBeLessThan(0);
  expect(naturalCompare('n99999999999999999999', 'n100000000000000000000')).toBeLessThan(0);
});
