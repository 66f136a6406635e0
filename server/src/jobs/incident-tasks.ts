import { cellToLatLng, polygonToCells } from 'h3-js';
import type { MultiPolygon } from 'geojson';
import {
  emergingCategory,
  h3Hotspots,
  knoxTest,
  mannKendall,
  type EmergingCategory,
  type H3Hotspot,
  type KnoxResult,
  type SpaceTimeEvent,
} from '../engines/hotspots/index.js';
import { mulberry32 } from '../engines/demo/prng.js';

/**
 * The engine part of the incident analyses (Gi* hot spots, weekly trends, Knox), on plain data so it runs on a pool
 * thread: the study area's cells (polygonToCells at res 9–10 gives tens of thousands) and the Gi* loops are what
 * held the HTTP thread. The counts are read from the database by the service on the main thread.
 */
export type H3Res = 7 | 8 | 9 | 10;

/** Every cell whose centre lies in the study area, so empty cells count as zeros in Gi*. */
export function studyCellsOf(area: MultiPolygon | undefined, res: H3Res): string[] {
  if (!area) return [];
  return area.coordinates.flatMap((poly) => polygonToCells(poly, res, true));
}

export interface HotspotTask {
  res: H3Res;
  kRing: number;
  area: MultiPolygon | undefined;
  counts: readonly { h3: string; n: number }[];
  bbox?: readonly [number, number, number, number];
}

export interface HotspotResult {
  studyCells: number;
  cells: H3Hotspot[];
}

/**
 * Gi* over the study cells with the counts; `bbox` only clips the answer (the statistic stays the study area's).
 */
export function hotspotsOf(t: HotspotTask): HotspotResult {
  const values = new Map<string, number>(studyCellsOf(t.area, t.res).map((h) => [h, 0]));
  for (const c of t.counts) values.set(c.h3, c.n);
  const cells = h3Hotspots(values, { kRing: t.kRing });
  const bbox = t.bbox;
  return {
    studyCells: values.size,
    cells: bbox
      ? cells.filter((c) => {
          const [lat, lon] = cellToLatLng(c.h3);
          return lon >= bbox[0] && lon <= bbox[2] && lat >= bbox[1] && lat <= bbox[3];
        })
      : cells,
  };
}

export interface TrendTask {
  res: H3Res;
  /** Monday of each week, oldest first. */
  weeks: readonly string[];
  area: MultiPolygon | undefined;
  rows: readonly { h3: string; week: string; n: number }[];
}

export interface CellTrend {
  h3: string;
  /** Incidents per week, oldest first. */
  weekly: number[];
  tau: number;
  z: number;
  p: number;
  category: EmergingCategory;
}

/**
 * Per cell with an incident in the window: Mann-Kendall on its weekly counts and the emerging hot-spot category from
 * the weekly Gi* bins over the same cells. `onWeek` reports each week's Gi* done (the long part).
 */
export function trendsOf(t: TrendTask, onWeek?: (done: number, total: number) => void): CellTrend[] {
  const n = t.weeks.length;
  const index = new Map(t.weeks.map((w, i) => [w, i]));
  const series = new Map<string, number[]>(studyCellsOf(t.area, t.res).map((h) => [h, new Array<number>(n).fill(0)]));
  for (const r of t.rows) {
    const i = index.get(r.week);
    if (i === undefined) continue;
    let s = series.get(r.h3);
    if (!s) {
      s = new Array<number>(n).fill(0);
      series.set(r.h3, s);
    }
    s[i] = r.n;
  }
  const perWeek = t.weeks.map((_, i) => {
    const m = new Map(h3Hotspots(new Map([...series].map(([h, s]) => [h, s[i] ?? 0]))).map((c) => [c.h3, c]));
    onWeek?.(i + 1, n);
    return m;
  });
  const cells: CellTrend[] = [];
  for (const [h3, weekly] of series) {
    if (weekly.every((x) => x === 0)) continue;
    const mk = mannKendall(weekly);
    const bins = perWeek.map((m) => m.get(h3)?.bin ?? 0);
    const zs = perWeek.map((m) => m.get(h3)?.z ?? 0);
    cells.push({ h3, weekly, tau: mk.tau, z: mk.z, p: mk.p, category: emergingCategory(bins, zs) });
  }
  return cells.sort((a, b) => a.h3.localeCompare(b.h3));
}

export interface KnoxTask {
  events: readonly SpaceTimeEvent[];
  spaceBandMeters: number;
  timeBandMs: number;
  permutations: number;
  /** The Monte Carlo's seed (a random function cannot cross to a thread; the same seed gives the same p). */
  seed: number;
}

export function knoxOf(t: KnoxTask, signal?: AbortSignal): KnoxResult {
  return knoxTest(t.events, {
    spaceBandMeters: t.spaceBandMeters,
    timeBandMs: t.timeBandMs,
    permutations: t.permutations,
    random: mulberry32(t.seed),
    ...(signal ? { signal } : {}),
  });
}
