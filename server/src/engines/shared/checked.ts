/**
 * Checked array access for engine code: where an index comes from data (a node id, a grid index, an edge number) a
 * wrong one must fail loudly, naming the index, rather than read as a plausible `0`, `-1` or `Infinity`.
 * Not used inside the hottest graph loops, whose indexes are bounded by the arrays' own construction (CSR offsets).
 */

const isIndex = (i: number, length: number): boolean => Number.isInteger(i) && i >= 0 && i < length;

/**
 * The element at index `i` of `arr`.
 * @throws RangeError naming the index and the length when `i` is not an integer in `[0, arr.length)`
 * @example at([10, 20, 30], 1) // 20
 */
export function at<T>(arr: ArrayLike<T>, i: number, what = 'index'): T {
  if (!isIndex(i, arr.length)) {
    throw new RangeError(`${what} ${i} is out of range [0, ${arr.length})`);
  }
  return arr[i] as T;
}

/**
 * Checks once that every entry of `indexes` is an index of an array of `length`: a hot loop that then reads that array
 * at those indexes unchecked reads only real elements (a footprint set against another city's state would not).
 * @throws RangeError naming the first bad entry, its position and the length
 * @example checkIndexes(Int32Array.of(0, 2), 3, 'segment') // passes; checkIndexes([3], 3) throws
 */
export function checkIndexes(indexes: ArrayLike<number>, length: number, what = 'index'): void {
  for (let j = 0; j < indexes.length; j++) {
    const i = indexes[j] as number;
    if (!isIndex(i, length)) {
      throw new RangeError(`${what} ${i} (entry ${j}) is out of range [0, ${length})`);
    }
  }
}
