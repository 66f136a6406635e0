import { describe, expect, it } from 'vitest';
import { autoDistrict } from './auto-district.js';
import { gridGraph, isContiguous, type GridAdjacency, type GridUnit } from './grid-graph.js';
import { balanceOf, beatShape } from './scores.js';

/** An n × n lattice of 100 m square grids; incidents heavier towards one corner (a market district). */
function lattice(n: number) {
  const units: GridUnit[] = [];
  const adjacency: GridAdjacency[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      units.push({
        id: `${i}-${j}`,
        areaM2: 10_000,
        perimeterM: 400,
        load: { incidents: 10 + Math.round(40 / (1 + i + j)) },
      });
      if (i + 1 < n) adjacency.push({ a: `${i}-${j}`, b: `${i + 1}-${j}`, sharedBoundaryM: 100 });
      if (j + 1 < n) adjacency.push({ a: `${i}-${j}`, b: `${i}-${j + 1}`, sharedBoundaryM: 100 });
    }
  return gridGraph(units, adjacency);
}

describe('scores', () => {
  it('when four 100 m squares form a 2 × 2 block, then its outline is 800 m and Polsby–Popper is π/4', () => {
    const g = lattice(2);
    const shape = beatShape(g, new Set([0, 1, 2, 3]));
    expect(shape.areaM2).toBe(40_000);
    expect(shape.perimeterM).toBe(800);
    expect(shape.polsbyPopper).toBeCloseTo((4 * Math.PI * 40_000) / 800 ** 2, 12); // = π/4
  });

  it('when loads are 10, 20, 30, then max/mean is 1.5 and the CV is √(200/3)/20', () => {
    const b = balanceOf('incidents', [10, 20, 30]);
    expect(b.maxOverMean).toBe(1.5);
    expect(b.cv).toBeCloseTo(Math.sqrt(200 / 3) / 20, 12);
  });

  it('when grids touch only at a corner, then they are not contiguous', () => {
    const g = lattice(3);
    expect(isContiguous(g, new Set([0, 4]))).toBe(false); // (0,0) and (1,1)
    expect(isContiguous(g, new Set([0, 1, 4]))).toBe(true);
  });
});

describe('autoDistrict', () => {
  it('when 144 grids are split into 8 beats, then every beat is contiguous and the search improves the start', () => {
    const g = lattice(12);
    const plan = autoDistrict(g, { beats: 8, weights: { incidents: 1 } });
    for (let b = 0; b < 8; b++) {
      const members = new Set(plan.assignment.flatMap((a, i) => (a === b ? [i] : [])));
      expect(members.size, `beat ${b} is empty`).toBeGreaterThan(0);
      expect(isContiguous(g, members), `beat ${b} is not contiguous`).toBe(true);
    }
    expect(plan.objective).toBeLessThan(plan.initialObjective);
    expect(plan.withinTolerance, `loads ${plan.loads.join(', ')}`).toBe(true);
    expect(plan.balance.maxOverMean).toBeLessThanOrEqual(1.1);
  });

  it('when a grid is locked to a beat, then the plan keeps it there', () => {
    const g = lattice(6);
    const plan = autoDistrict(g, {
      beats: 3,
      weights: { incidents: 1 },
      seeds: ['0-0', '5-5', '0-5'],
      locked: new Map([['3-3', 1]]),
    });
    expect(plan.assignment[g.index.get('3-3')!]).toBe(1);
  });

  it('when asked for more beats than grids, then it refuses', () => {
    expect(() => autoDistrict(lattice(2), { beats: 5, weights: { incidents: 1 } })).toThrow(
      /cannot make 5 beats from 4 grids/,
    );
  });
});
