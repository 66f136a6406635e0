import { describe, expect, it } from 'vitest';
import { gridDisk, gridDistance, latLngToCell } from 'h3-js';
import { giStar } from './gi-star.js';
import { h3Hotspots } from './h3-hotspots.js';

/** Deterministic values for a test: a small LCG, so failures reproduce. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('h3Hotspots', () => {
  const centre = latLngToCell(32.04, 118.78, 9);
  const area = gridDisk(centre, 6); // 127 cells

  it('when incidents pile up around one cell, then that cell is a 99 % hot spot and the far cells are not hot', () => {
    const hot = new Set(gridDisk(centre, 1));
    const counts = new Map(area.map((c) => [c, hot.has(c) ? 20 : 1]));
    const result = h3Hotspots(counts, { kRing: 1 });
    const byCell = new Map(result.map((r) => [r.h3, r]));
    expect(byCell.get(centre)?.bin).toBe(3);
    const far = result.filter((r) => gridDistance(r.h3, centre) >= 4);
    expect(
      far.every((r) => r.bin <= 0),
      'no far cell may be hot',
    ).toBe(true);
  });

  it('when compared with a naive all-pairs neighbour search, then z and p agree to 1e-12', () => {
    const rnd = lcg(7);
    const counts = new Map(area.map((c) => [c, Math.floor(rnd() * 30)]));
    const cells = [...counts.keys()];
    for (const k of [1, 2]) {
      const ours = h3Hotspots(counts, { kRing: k });
      const naiveNb = cells.map((c, i) => cells.flatMap((d, j) => (j !== i && gridDistance(c, d) <= k ? [j] : [])));
      const naive = giStar(
        cells.map((c) => counts.get(c) ?? 0),
        naiveNb,
      );
      ours.forEach((r, i) => {
        expect(r.z, `k=${k} cell ${r.h3}`).toBeCloseTo(naive[i]?.z ?? Number.NaN, 12);
        expect(r.p).toBeCloseTo(naive[i]?.p ?? Number.NaN, 12);
      });
    }
  });

  it('when kRing is not a positive integer, then it throws', () => {
    expect(() => h3Hotspots(new Map([[centre, 1]]), { kRing: 0 })).toThrow(/kRing/);
  });

  it('when given a map, then the map is not changed', () => {
    const counts = new Map(area.map((c, i) => [c, i % 5]));
    const before = JSON.stringify([...counts]);
    h3Hotspots(counts);
    expect(JSON.stringify([...counts])).toBe(before);
  });
});
