import type { HotspotBin } from './hotspot-class.js';
import { mannKendall } from './mann-kendall.js';

/**
 * Emerging hot spot categories of a cell over time, after Esri's Emerging Hot Spot Analysis (space-time pattern
 * mining), for hot spots; `none` when the cell never was a significant hot spot.
 */
export type EmergingCategory =
  | 'new'
  | 'consecutive'
  | 'intensifying'
  | 'persistent'
  | 'diminishing'
  | 'sporadic'
  | 'oscillating'
  | 'historical'
  | 'none';

export interface EmergingOptions {
  /** Share of time steps a cell must be hot to count as long-standing. Default 0.9 (Esri's 90 %). */
  persistentShare?: number;
  /** Significance of the Mann-Kendall trend of the cell's Gi* z-scores. Default 0.05. */
  trendAlpha?: number;
}

/**
 * The rules, for a cell with Gi* bins and z-scores per time step (oldest first); "hot" means bin > 0:
 * - new: hot in the last step only, never before;
 * - consecutive: one unbroken run of hot steps at the end, never hot before it, and less than 90 % of steps hot;
 * - intensifying / persistent / diminishing: hot in ≥ 90 % of steps including the last, and the Mann-Kendall trend
 *   of z rising significantly / not significant / falling significantly;
 * - historical: hot in ≥ 90 % of steps but not in the last;
 * - oscillating: hot in the last step, hot < 90 % of steps, and significantly cold (bin < 0) in some earlier step;
 * - sporadic: hot in the last step, on and off before, < 90 % of steps, never cold;
 * - none: never hot, or hot < 90 % of steps but not in the last.
 * The "emerging" hot spots are new, consecutive and intensifying ones.
 */
export function emergingCategory(
  bins: readonly HotspotBin[],
  z: readonly number[],
  opts: EmergingOptions = {},
): EmergingCategory {
  const n = bins.length;
  if (n === 0 || bins.length !== z.length)
    throw new RangeError('emergingCategory: bins and z must be equal, non-empty series');
  const share = opts.persistentShare ?? 0.9;
  const hot = bins.map((b) => b > 0);
  const hotCount = hot.filter(Boolean).length;
  if (hotCount === 0) return 'none';
  const lastHot = hot[n - 1] === true;
  const longStanding = hotCount / n >= share;
  if (longStanding) {
    if (!lastHot) return 'historical';
    const trend = mannKendall(z);
    const alpha = opts.trendAlpha ?? 0.05;
    if (trend.p <= alpha && trend.z > 0) return 'intensifying';
    if (trend.p <= alpha && trend.z < 0) return 'diminishing';
    return 'persistent';
  }
  // Esri: the short-lived patterns all need the last step hot; otherwise there is no hot-spot pattern.
  if (!lastHot) return 'none';
  if (hotCount === 1) return 'new';
  if (hot.slice(hot.indexOf(true)).every(Boolean)) return 'consecutive';
  return bins.some((b) => b < 0) ? 'oscillating' : 'sporadic';
}
