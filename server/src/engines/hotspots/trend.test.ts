import { describe, expect, it } from 'vitest';
import { emergingCategory } from './emerging.js';
import type { HotspotBin } from './hotspot-class.js';
import { mannKendall } from './mann-kendall.js';

describe('mannKendall', () => {
  it('when given 1, 3, 2, 5, 4, then S, Var(S), z and p equal the hand computation', () => {
    // Pair signs: from 1: + + + + (4); from 3: − + + (1); from 2: + + (2); from 5: − (−1) → S = 6.
    // No ties: Var(S) = 5·4·15/18 = 16.667; z = (6 − 1)/√16.667 = 1.22474; p = 2(1 − Φ(1.22474)) = 0.22067.
    const r = mannKendall([1, 3, 2, 5, 4]);
    expect(r.s).toBe(6);
    expect(r.varS).toBeCloseTo(300 / 18, 12);
    expect(r.z).toBeCloseTo(5 / Math.sqrt(300 / 18), 12);
    expect(r.p).toBeCloseTo(0.2206714, 6);
    expect(r.tau).toBeCloseTo(0.6, 12);
  });

  it('when values tie, then the variance drops by the tie term', () => {
    // 1, 2, 2, 3: S = 5 (the tied pair adds 0). Ties: one group of t = 2 → 2·1·9 = 18.
    // Var(S) = (4·3·13 − 18)/18 = 138/18.
    const r = mannKendall([1, 2, 2, 3]);
    expect(r.s).toBe(5);
    expect(r.varS).toBeCloseTo(138 / 18, 12);
  });

  it('when the series is flat or one point, then there is no trend', () => {
    expect(mannKendall([4, 4, 4]).z).toBe(0);
    expect(mannKendall([4]).p).toBe(1);
  });
});

describe('emergingCategory', () => {
  const z = (bins: HotspotBin[], slope = 0) => bins.map((b, i) => b * 1.5 + slope * i);
  const cases: [string, HotspotBin[], number, string][] = [
    ['hot only in the last step', [0, 0, 0, 0, 0, 0, 0, 0, 0, 2], 0, 'new'],
    ['a run of hot steps at the end', [0, 0, 0, 0, 0, 0, 1, 2, 2, 3], 0, 'consecutive'],
    ['hot throughout, z rising', [1, 1, 1, 2, 2, 2, 3, 3, 3, 3], 0.5, 'intensifying'],
    ['hot throughout, no trend', [2, 3, 2, 3, 2, 3, 2, 3, 2, 3], 0, 'persistent'],
    ['hot throughout, z falling', [3, 3, 3, 3, 2, 2, 2, 1, 1, 1], -0.5, 'diminishing'],
    ['hot throughout but not now', [3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 0], 0, 'historical'],
    ['on and off, hot now', [2, 0, 2, 0, 0, 2, 0, 0, 1, 2], 0, 'sporadic'],
    ['cold before, hot now', [-2, -2, 0, 0, 0, 2, 0, 0, 0, 2], 0, 'oscillating'],
    ['on and off, not hot now', [2, 0, 2, 0, 0, 2, 0, 0, 0, 0], 0, 'none'],
    ['never hot', [0, -1, 0, -2, 0, 0, 0, 0, 0, 0], 0, 'none'],
  ];
  it.each(cases)('when %s, then it is %s', (_label, bins, slope, expected) => {
    expect(emergingCategory(bins, z(bins, slope))).toBe(expected);
  });
});
