// Structural equality of JSON values. A key holding `undefined` counts as absent,
// since it disappears once serialised.

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  const entriesOf = (o: object) => Object.entries(o).filter(([, v]) => v !== undefined);
  const ea = entriesOf(a);
  const eb = new Map(entriesOf(b));
  return ea.length === eb.size && ea.every(([k, v]) => eb.has(k) && deepEqual(v, eb.get(k)));
}
