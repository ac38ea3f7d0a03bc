// Orders names as people read them: runs of digits compare by their number, so g2 comes
// before g10. Used by every listing (status, reconcile reports, the dashboard). Scans the
// strings in place: the dashboard sorts thousands of rows on every change.
// Not Intl.Collator's numeric mode: it is locale-aware (case folded, ICU's punctuation
// order) and calls g01 and g1 equal, where this keeps plain order between the numbers.

const isDigit = (code: number) => code >= 48 && code <= 57;

/** The end of the run of digits starting at `i`. */
function digitsEnd(s: string, i: number): number {
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return i;
}

/** Negative, zero or positive as `a` sorts before, with or after `b`. */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      const endA = digitsEnd(a, i);
      const endB = digitsEnd(b, j);
      // Leading zeros do not change the number: skip them, then the longer run is the larger.
      let startA = i;
      let startB = j;
      while (startA < endA - 1 && a.charCodeAt(startA) === 48) startA++;
      while (startB < endB - 1 && b.charCodeAt(startB) === 48) startB++;
      const byLength = endA - startA - (endB - startB);
      if (byLength !== 0) return byLength;
      for (let k = 0; k < endA - startA; k++) {
        const d = a.charCodeAt(startA + k) - b.charCodeAt(startB + k);
        if (d !== 0) return d;
      }
      i = endA;
      j = endB;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  const byRest = a.length - i - (b.length - j);
  if (byRest !== 0) return byRest;
  // Equal as numbers (g01 and g1): fall back to the plain order so the sort stays total.
  return a < b ? -1 : a > b ? 1 : 0;
}
