import type { GiStarScore } from './gi-star.js';

/**
 * Hot/cold spot bin as in ArcGIS's Hot Spot Analysis (Gi_Bin): ±3 at 99 %, ±2 at 95 %, ±1 at 90 % confidence,
 * 0 not significant; the sign follows z.
 */
export type HotspotBin = -3 | -2 | -1 | 0 | 1 | 2 | 3;

const LEVELS = [
  { alpha: 0.01, bin: 3 },
  { alpha: 0.05, bin: 2 },
  { alpha: 0.1, bin: 1 },
] as const;

/**
 * Classifies Gi* scores. With `fdr` (the default, as ArcGIS's Optimized Hot Spot Analysis does), each confidence
 * level's p threshold is the Benjamini–Hochberg critical value for that α over all m tests: the largest p_(k) with
 * p_(k) ≤ k·α/m. Without it, plain p ≤ α.
 */
export function classifyHotspots(scores: readonly GiStarScore[], opts: { fdr?: boolean } = {}): HotspotBin[] {
  const thresholds = LEVELS.map(({ alpha, bin }) => ({
    bin,
    pMax:
      opts.fdr === false
        ? alpha
        : benjaminiHochbergCutoff(
            scores.map((s) => s.p),
            alpha,
          ),
  }));
  return scores.map(({ z, p }) => {
    for (const { bin, pMax } of thresholds) {
      if (p <= pMax && z !== 0) return (z > 0 ? bin : -bin) as HotspotBin;
    }
    return 0;
  });
}

/**
 * The Benjamini–Hochberg (1995) step-up cutoff: the largest sorted p_(k) with p_(k) ≤ k·α/m, or −1 when no test
 * passes (so nothing is significant).
 */
export function benjaminiHochbergCutoff(pValues: readonly number[], alpha: number): number {
  const sorted = [...pValues].sort((a, b) => a - b);
  const m = sorted.length;
  let cutoff = -1;
  for (let k = 1; k <= m; k++) {
    const p = sorted[k - 1] ?? 1;
    if (p <= (k * alpha) / m) cutoff = p;
  }
  return cutoff;
}
