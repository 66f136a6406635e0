import { describe, expect, it } from 'vitest';
import { giStar, twoSidedP } from './gi-star.js';
import { benjaminiHochbergCutoff, classifyHotspots } from './hotspot-class.js';

/**
 * Worked example, by hand from Ord & Getis (1995) eq. 8 with binary weights (w_ii = 1):
 * a chain of five cells, x = [1, 2, 3, 4, 10], neighbours are the adjacent cells.
 *   n = 5, Σx = 20, X̄ = 4, Σx² = 130, S = √(130/5 − 4²) = √10
 *   ends (W = 2):   den = √10 · √((5·2 − 2²)/4) = √10 · √1.5 = √15
 *   middle (W = 3): den = √10 · √((5·3 − 3²)/4) = √15
 *   cell 0: {0,1}   Σ = 3,  3 − 4·2 = −5  → z = −5/√15
 *   cell 1: {0,1,2} Σ = 6,  6 − 4·3 = −6  → z = −6/√15
 *   cell 2: {1,2,3} Σ = 9,  9 − 12  = −3  → z = −3/√15
 *   cell 3: {2,3,4} Σ = 17, 17 − 12 = 5   → z =  5/√15
 *   cell 4: {3,4}   Σ = 14, 14 − 8  = 6   → z =  6/√15
 */
describe('giStar', () => {
  const chain = [[1], [0, 2], [1, 3], [2, 4], [3]];

  it('when given the five-cell chain, then z equals the hand-derived values', () => {
    const z = giStar([1, 2, 3, 4, 10], chain).map((s) => s.z);
    const expected = [-5, -6, -3, 5, 6].map((v) => v / Math.sqrt(15));
    z.forEach((v, i) => {
      expect(v, `cell ${i}`).toBeCloseTo(expected[i] ?? Number.NaN, 12);
    });
  });

  it('when the z-scores are the standard normal quantiles, then p is 0.10, 0.05, 0.01', () => {
    expect(twoSidedP(1.6448536269514722)).toBeCloseTo(0.1, 12);
    expect(twoSidedP(-1.959963984540054)).toBeCloseTo(0.05, 12);
    expect(twoSidedP(2.5758293035489004)).toBeCloseTo(0.01, 12);
  });

  it('when every value is the same, then no z is defined and each cell gets z = 0, p = 1', () => {
    expect(giStar([3, 3, 3, 3, 3], chain)).toEqual(Array(5).fill({ z: 0, p: 1 }));
  });

  it('when the input is frozen, then it is not mutated', () => {
    const values = Object.freeze([1, 2, 3, 4, 10]);
    const nb = Object.freeze(chain.map((c) => Object.freeze([...c])));
    expect(() => giStar(values, nb)).not.toThrow();
    expect(values).toEqual([1, 2, 3, 4, 10]);
  });

  it('when the neighbour lists do not match the values, then it throws', () => {
    expect(() => giStar([1, 2], [[1]])).toThrow(/2 values but 1 neighbour lists/);
  });
});

describe('Benjamini–Hochberg', () => {
  // The 15 p-values of Benjamini & Hochberg (1995), section 4: at α = 0.05 the step-up procedure rejects the
  // four hypotheses with p ≤ 0.0095 (k = 4: 0.0095 ≤ 4·0.05/15 = 0.0133; no larger k passes).
  const bh1995 = [
    0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.324, 0.4262, 0.5719, 0.6528, 0.759, 1.0,
  ];

  it("when given the paper's 15 p-values at α = 0.05, then the cutoff is 0.0095", () => {
    expect(benjaminiHochbergCutoff(bh1995, 0.05)).toBe(0.0095);
  });

  it('when nothing passes, then nothing is significant', () => {
    expect(benjaminiHochbergCutoff([0.5, 0.9], 0.05)).toBe(-1);
    expect(
      classifyHotspots([
        { z: 0.5, p: 0.5 },
        { z: -0.1, p: 0.9 },
      ]),
    ).toEqual([0, 0]);
  });

  it('when FDR is on, then fewer cells reach 95 % confidence than with plain p-values', () => {
    const scores = bh1995.map((p, i) => ({ z: i % 2 ? -2 : 2, p }));
    const plain = classifyHotspots(scores, { fdr: false });
    const fdr = classifyHotspots(scores, { fdr: true });
    const at95 = (bins: number[]) => bins.filter((b) => Math.abs(b) >= 2).length;
    expect(at95(plain)).toBe(9); // every p ≤ 0.05
    // BH cutoffs by hand: α = 0.01 → 0.0019 (k = 3: 0.0019 ≤ 0.0020), α = 0.05 → 0.0095, α = 0.10 → 0.0459
    // (k = 9: 0.0459 ≤ 9·0.1/15 = 0.06). So 3 cells at 99 %, 1 more at 95 %, 5 more at 90 %.
    expect(at95(fdr)).toBe(4);
    expect(fdr).toEqual([3, -3, 3, -2, 1, -1, 1, -1, 1, 0, 0, 0, 0, 0, 0]);
    expect(plain.slice(0, 5)).toEqual([3, -3, 3, -3, 2]);
  });
});
