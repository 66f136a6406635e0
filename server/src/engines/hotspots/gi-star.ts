import erfc from '@stdlib/math-base-special-erfc';

/** Gi* z-score and its two-sided p-value under the normal approximation. */
export interface GiStarScore {
  z: number;
  p: number;
}

/**
 * Getis-Ord Gi* (Ord & Getis 1995, eq. 8) with binary weights: each observation is its own neighbour (w_ii = 1)
 * plus those listed in `neighbours[i]`. For n observations with mean X̄ and S = √(Σx²/n − X̄²):
 *
 *   Gi* = (Σ_j w_ij x_j − X̄ Σ_j w_ij) / (S √((n Σ_j w_ij² − (Σ_j w_ij)²) / (n − 1)))
 *
 * A neighbourhood that spans every observation, or data with no variance, has no defined z: it gets z = 0, p = 1.
 * @param values one value per observation (e.g. incident count per H3 cell); not mutated
 * @param neighbours for each observation, the indices of its other neighbours (without itself, no duplicates)
 */
export function giStar(values: readonly number[], neighbours: readonly (readonly number[])[]): GiStarScore[] {
  const n = values.length;
  if (neighbours.length !== n) throw new RangeError(`giStar: ${n} values but ${neighbours.length} neighbour lists`);
  let sum = 0;
  let sumSq = 0;
  for (const x of values) {
    sum += x;
    sumSq += x * x;
  }
  const mean = sum / n;
  const s = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
  return values.map((xi, i) => {
    const nb = neighbours[i] ?? [];
    let local = xi;
    for (const j of nb) local += values[j] ?? Number.NaN;
    const w = nb.length + 1; // binary weights: Σw = Σw² = neighbourhood size including i
    const den = s * Math.sqrt((n * w - w * w) / (n - 1));
    if (!(den > 0)) return { z: 0, p: 1 };
    const z = (local - mean * w) / den;
    return { z, p: twoSidedP(z) };
  });
}

/** Two-sided p-value of a standard normal z: P(|Z| ≥ |z|) = erfc(|z|/√2), accurate far into the tails. */
export function twoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}
