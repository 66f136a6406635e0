/**
 * Checked array access for engine code: where an index comes from data (a node id, a grid index, an edge number) a
 * wrong one must fail loudly, naming the index, rather than read as a plausible `0`, `-1` or `Infinity`.
 * Not used inside the hottest graph loops, whose indexes are bounded by the arrays' own construction (CSR offsets).
 */

/**
 * The element at index `i` of `arr`.
 * @throws RangeError naming the index and the length when `i` is not an integer in `[0, arr.length)`
 * @example at([10, 20, 30], 1) // 20
 */
export function at<T>(arr: ArrayLike<T>, i: number, what = 'index'): T {
  if (!(Number.isInteger(i) && i >= 0 && i < arr.length)) {
    throw new RangeError(`${what} ${i} is out of range [0, ${arr.length})`);
  }
  return arr[i] as T;
}
