import { at } from '../shared/checked.js';
import type { GridGraph } from './grid-graph.js';

export interface BeatShape {
  areaM2: number;
  perimeterM: number;
  /** Polsby–Popper: 4πA / P², 1 for a circle. */
  polsbyPopper: number;
}

/**
 * Area and outline of a union of grids without building it: outline = Σ grid outlines − 2 × Σ boundaries shared
 * inside the beat. So compactness can be scored thousands of times during a districting search.
 */
export function beatShape(g: GridGraph, members: ReadonlySet<number>): BeatShape {
  let area = 0,
    perimeter = 0;
  for (const i of members) {
    const u = g.units[i];
    if (!u) continue;
    area += u.areaM2;
    perimeter += u.perimeterM;
    for (const [j, shared] of g.neighbours[i] ?? []) if (members.has(j)) perimeter -= shared; // each pair seen twice
  }
  return {
    areaM2: area,
    perimeterM: perimeter,
    polsbyPopper: perimeter > 0 ? (4 * Math.PI * area) / perimeter ** 2 : 0,
  };
}

export interface Balance {
  measure: string;
  mean: number;
  max: number;
  /** max / mean: the heaviest beat against the average (1 is perfect). */
  maxOverMean: number;
  /** Coefficient of variation: population standard deviation / mean. */
  cv: number;
}

/** Balance of one workload measure across beats, as ArcGIS Territory Design reports it. */
export function balanceOf(measure: string, loads: readonly number[]): Balance {
  const n = loads.length;
  const mean = n ? loads.reduce((s, v) => s + v, 0) / n : 0;
  const max = n ? Math.max(...loads) : 0;
  const variance = n ? loads.reduce((s, v) => s + (v - mean) ** 2, 0) / n : 0;
  return { measure, mean, max, maxOverMean: mean > 0 ? max / mean : 0, cv: mean > 0 ? Math.sqrt(variance) / mean : 0 };
}

/** Weighted workload of a set of grids: Σ_measure weight × Σ_grid load. */
export function weightedLoad(
  g: GridGraph,
  members: Iterable<number>,
  weights: Readonly<Record<string, number>>,
): number {
  let total = 0;
  for (const i of members) {
    const load = at(g.units, i, 'grid').load;
    for (const [k, w] of Object.entries(weights)) total += w * (load[k] ?? 0); // a measure a grid lacks counts 0
  }
  return total;
}
