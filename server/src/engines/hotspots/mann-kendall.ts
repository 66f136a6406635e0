import { at } from '../shared/checked.js';
import { twoSidedP } from './gi-star.js';

export interface MannKendallResult {
  /** S = Σ_{i<j} sign(x_j − x_i). */
  s: number;
  /** Variance of S under no trend, corrected for ties. */
  varS: number;
  /** Continuity-corrected z: (S − 1)/√Var for S > 0, (S + 1)/√Var for S < 0, else 0. */
  z: number;
  p: number;
  /** Kendall's tau-a = S / (n(n − 1)/2). */
  tau: number;
}

/**
 * Mann-Kendall trend test (Mann 1945; Kendall 1975) with the tie correction
 * Var(S) = [n(n−1)(2n+5) − Σ_t t(t−1)(2t+5)] / 18, where t runs over the sizes of groups of equal values.
 * O(n²), which is fine for the weekly series it is used on (52 points a year).
 * @param series values in time order, e.g. incident counts per week; not mutated
 */
export function mannKendall(series: readonly number[]): MannKendallResult {
  const n = series.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) {
    const xi = at(series, i);
    for (let j = i + 1; j < n; j++) s += Math.sign(at(series, j) - xi);
  }
  const ties = new Map<number, number>();
  for (const x of series) ties.set(x, (ties.get(x) ?? 0) + 1);
  let tieTerm = 0;
  for (const t of ties.values()) tieTerm += t * (t - 1) * (2 * t + 5);
  const varS = (n * (n - 1) * (2 * n + 5) - tieTerm) / 18;
  const z = varS > 0 ? (s > 0 ? (s - 1) / Math.sqrt(varS) : s < 0 ? (s + 1) / Math.sqrt(varS) : 0) : 0;
  const pairs = (n * (n - 1)) / 2;
  return { s, varS, z, p: varS > 0 ? twoSidedP(z) : 1, tau: pairs > 0 ? s / pairs : 0 };
}
