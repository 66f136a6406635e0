import { at } from '../shared/checked.js';
import { gridDisk } from 'h3-js';
import { giStar } from './gi-star.js';
import { classifyHotspots, type HotspotBin } from './hotspot-class.js';

export interface H3HotspotOptions {
  /** Neighbourhood: cells within this many H3 steps (k-ring). Default 1. */
  kRing?: number;
  /** Benjamini–Hochberg FDR correction of the confidence levels. Default true. */
  fdr?: boolean;
}

export interface H3Hotspot {
  h3: string;
  value: number;
  z: number;
  p: number;
  bin: HotspotBin;
}

/**
 * Gi* hot spots over H3 cells. The study area is exactly the cells given (pass zero-count cells inside the area
 * to have them count); neighbours outside it are ignored, as ArcGIS ignores features outside the input.
 * Neighbours come from `gridDisk`, O(n·k²) instead of comparing every pair.
 * @param counts value per H3 cell (hex id); not mutated
 */
export function h3Hotspots(counts: ReadonlyMap<string, number>, opts: H3HotspotOptions = {}): H3Hotspot[] {
  const k = opts.kRing ?? 1;
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`kRing must be a positive integer, got ${k}`);
  const cells = [...counts.keys()];
  const index = new Map(cells.map((c, i) => [c, i]));
  const values = cells.map((c) => counts.get(c) ?? 0);
  const neighbours = cells.map((c) => {
    const nb: number[] = [];
    for (const d of gridDisk(c, k)) {
      const j = index.get(d);
      if (j !== undefined && d !== c) nb.push(j);
    }
    return nb;
  });
  const scores = giStar(values, neighbours);
  const bins = classifyHotspots(scores, { fdr: opts.fdr ?? true });
  return cells.map((h3, i) => ({
    h3,
    value: at(values, i),
    z: at(scores, i).z,
    p: at(scores, i).p,
    bin: at(bins, i),
  }));
}
