/**
 * The k-th smallest of a[lo..hi] by quickselect (Hoare 1961: Hoare partition, median-of-three
 * pivot), reordering that range so that a[lo..k) <= a[k] <= a(k..hi]. Callers use the ordering too:
 * rank k + 1 is the smallest value after k, rank k - 1 the largest before it.
 */
export function selectKth(a: Float64Array, lo: number, hi: number, k: number): number {
  while (hi > lo) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < a[lo]!) { const t = a[mid]!; a[mid] = a[lo]!; a[lo] = t; }
    if (a[hi]! < a[lo]!) { const t = a[hi]!; a[hi] = a[lo]!; a[lo] = t; }
    if (a[hi]! < a[mid]!) { const t = a[hi]!; a[hi] = a[mid]!; a[mid] = t; }
    const pivot = a[mid]!;
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) { const t = a[i]!; a[i] = a[j]!; a[j] = t; i++; j--; }
    }
    if (k <= j) hi = j; else if (k >= i) lo = i; else return a[k]!;
  }
  return a[k]!;
}

/** Median of a[0..m) (m >= 1) by selectKth, reordering that range. */
export function medianInPlace(a: Float64Array, m: number): number {
  const k = m >> 1;
  const hi = selectKth(a, 0, m - 1, k);
  if (m % 2) return hi;
  // Even count: the other middle value is the largest of the ranks below k.
  let lo = a[0]!;
  for (let i = 1; i < k; i++) if (a[i]! > lo) lo = a[i]!;
  return 0.5 * (lo + hi);
}
