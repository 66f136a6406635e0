import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planTeam } from './team-orienteering.js';

/**
 * Chao, Golden & Wasil (1996) team orienteering instances, set 4 (fixtures/chao-top, SOURCE.md there), against their
 * best-known scores (mattianeroni/TOP instances/results.csv, column BKS_reward, as published in the literature).
 * Issue 17 asks ≥ 98 % of the best known on ≥ 10 instances.
 */
const BEST_KNOWN: Record<string, number> = {
  'p4.2.a': 206,
  'p4.2.c': 452,
  'p4.2.e': 618,
  'p4.2.g': 757,
  'p4.2.i': 918,
  'p4.2.k': 1022,
  'p4.2.m': 1132,
  'p4.2.o': 1218,
  'p4.2.q': 1268,
  'p4.2.t': 1306,
  'p4.3.d': 335,
  'p4.3.f': 579,
  'p4.3.h': 729,
};

function load(name: string) {
  const text = readFileSync(path.join(import.meta.dirname, 'fixtures/chao-top', `${name}.txt`), 'utf8');
  const lines = text.trim().split('\n');
  const tours = Number(lines[1]?.split(/\s+/)[1]);
  const tmax = Number(lines[2]?.split(/\s+/)[1]);
  const pts = lines.slice(3).map((l) => l.trim().split(/\s+/).map(Number) as [number, number, number]);
  return { tours, tmax, pts };
}

describe('team orienteering on Chao–Golden–Wasil set 4', () => {
  it('when 13 instances are planned with Euclidean travel, then every plan keeps Tmax and scores near the best known', () => {
    const ratios: [string, number][] = [];
    for (const [name, best] of Object.entries(BEST_KNOWN)) {
      const { tours, tmax, pts } = load(name);
      const dist = (a: number, b: number) => {
        const [ax, ay] = pts[a] as [number, number, number];
        const [bx, by] = pts[b] as [number, number, number];
        return Math.hypot(ax - bx, ay - by);
      };
      const seconds = pts.map((_, a) => Float64Array.from(pts, (_, b) => dist(a, b)));
      const prize = pts.slice(1, -1).map((p) => p[2]);
      const plan = planTeam(
        { seconds, endPlace: pts.length - 1, tours, limitSeconds: tmax, prize },
        { searchMs: Infinity },
      );
      // Checked from the file, not from the planner: each tour's length, no point twice, the score of the points.
      expect(plan.tours.length).toBe(tours);
      const seen = new Set<number>();
      let score = 0;
      for (const t of plan.tours) {
        const path = [0, ...t.map((s) => s + 1), pts.length - 1];
        let len = 0;
        for (let k = 1; k < path.length; k++) len += dist(path[k - 1] as number, path[k] as number);
        expect(len, name).toBeLessThanOrEqual(tmax + 1e-9);
        for (const s of t) {
          expect(seen.has(s), name).toBe(false);
          seen.add(s);
          score += (pts[s + 1] as [number, number, number])[2];
        }
      }
      expect(plan.prize).toBe(score);
      expect(score).toBeLessThanOrEqual(best);
      ratios.push([name, score / best]);
    }
    console.info(
      `CGW set 4, score / best known: ${ratios.map(([n, r]) => `${n} ${(100 * r).toFixed(1)} %`).join(', ')}`,
    );
    // Measured 2026-12-02: 8 of 13 at ≥ 98 %, the weakest 93 % (p4.2.i); issue 17's goal (≥ 98 % on ≥ 10) is not met.
    expect(ratios.filter(([, r]) => r >= 0.98).length).toBeGreaterThanOrEqual(8);
    for (const [name, r] of ratios) expect(r, name).toBeGreaterThanOrEqual(0.93);
  }, 900_000);
});
