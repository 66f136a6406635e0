import gcoord from 'gcoord';
import type { Geometry, Position } from 'geojson';
import type { LayerName } from '../contract/layers.js';
import { LAYER_SPECS } from './layer-specs.js';
import { type ColumnChoice, normName } from './mapping.js';
import { findGeometryColumns } from './readers/lonlat.js';
import type { ColumnAsRead } from './readers/source.js';
import type { UnmappedColumn } from './types.js';

export type { UnmappedColumn };

/**
 * What `--inspect` adds to the detection: the columns no field of the layer takes (with samples and a suggestion,
 * never an automatic choice), and the positions the CRS guess measures against the roads.
 */

/** Levenshtein distance on code points. */
function distance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++)
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (x[i - 1] === y[j - 1] ? 0 : 1),
      );
    prev = cur;
  }
  return prev[y.length] ?? 0;
}

/** How alike two header names are, 0..1 (1: the same after normalising); containment counts as alike. */
function likeness(a: string, b: string): number {
  const x = normName(a);
  const y = normName(b);
  if (!x || !y) return 0;
  if (x === y) return 1;
  const len = Math.max([...x].length, [...y].length);
  const edit = 1 - distance(x, y) / len;
  const shorter = [...x].length <= [...y].length ? x : y;
  const longer = shorter === x ? y : x;
  const contained = [...shorter].length >= 2 && longer.includes(shorter) ? 0.6 + 0.3 * ([...shorter].length / len) : 0;
  return Math.max(edit, contained);
}

/** Below this likeness no suggestion is made. */
const SUGGEST_AT = 0.5;

/**
 * The file's columns that the automatic mapping (and the user's map) left without a field: each with its sample
 * values and the most alike free field of the layer as a suggestion. Nothing is mapped here: a required field stays
 * missing until the user maps it.
 */
export function unmappedColumns(
  layer: LayerName,
  columns: readonly ColumnAsRead[],
  choices: Readonly<Record<string, ColumnChoice>>,
  lonLat: readonly string[] = [],
): UnmappedColumn[] {
  const used = new Set<string>(lonLat);
  for (const c of Object.values(choices)) {
    if (c.how === 'set') continue;
    if (c.how === 'date+time') for (const p of c.source.split(' + ')) used.add(p);
    else used.add(c.source);
  }
  const free = LAYER_SPECS[layer].fields.filter((f) => !choices[f.name]);
  return columns
    .filter((c) => !used.has(c.name) && !c.name.startsWith('@'))
    .map((c) => {
      let best: { field: string; required: boolean; score: number; like: string } | undefined;
      for (const f of free)
        for (const n of [f.name, ...f.synonyms]) {
          const score = likeness(c.name, n);
          if (score >= SUGGEST_AT && (!best || score > best.score))
            best = { field: f.name, required: f.required, score, like: n };
        }
      return {
        column: c.name,
        samples: c.samples.slice(0, 5),
        suggestion: best
          ? {
              field: best.field,
              required: best.required,
              map: `${best.field}=${c.name}`,
              why: `"${c.name}" looks like "${best.like}" (${Math.round(best.score * 100)}% alike); not mapped unless you say so`,
            }
          : null,
        note: best
          ? `not mapped: pass --map ${best.field}=${c.name} (API map=${best.field}=${c.name}) if that is what it holds, else it is left out`
          : 'no field of this layer is like it: left out (its values are not stored)',
      };
    });
}

/** The interpretations the CRS guess compares: each turns a position as read into WGS84. */
export const GUESS_CANDIDATES = ['wgs84', 'gcj02', 'bd09'] as const;
export type GuessCandidate = (typeof GUESS_CANDIDATES)[number];

const AS_WGS84: Record<GuessCandidate, (p: Position) => Position> = {
  wgs84: (p) => p,
  gcj02: (p) => gcoord.transform([p[0] ?? 0, p[1] ?? 0], gcoord.GCJ02, gcoord.WGS84) as Position,
  bd09: (p) => gcoord.transform([p[0] ?? 0, p[1] ?? 0], gcoord.BD09, gcoord.WGS84) as Position,
};

export function asWgs84(candidate: GuessCandidate, p: Position): Position {
  return AS_WGS84[candidate](p);
}

/** A geometry's first position (a point's own, a line's start, a ring's first vertex). */
export function firstPosition(g: Geometry | null): Position | undefined {
  if (!g) return undefined;
  switch (g.type) {
    case 'Point':
      return g.coordinates;
    case 'MultiPoint':
    case 'LineString':
      return g.coordinates[0];
    case 'MultiLineString':
    case 'Polygon':
      return g.coordinates[0]?.[0];
    case 'MultiPolygon':
      return g.coordinates[0]?.[0]?.[0];
    case 'GeometryCollection':
      return g.geometries.map(firstPosition).find(Boolean);
    default:
      return undefined;
  }
}

/** Collects up to `max` positions spread over a stream of rows (every k-th, k doubling as the stream grows). */
export class PositionSample {
  private kept: Position[] = [];
  private step = 1;
  private seen = 0;
  constructor(private readonly max = 500) {}
  add(g: Geometry | null): void {
    const p = firstPosition(g);
    if (!p) return;
    if (this.seen++ % this.step !== 0) return;
    this.kept.push(p);
    if (this.kept.length >= 2 * this.max) {
      this.kept = this.kept.filter((_, i) => i % 2 === 0);
      this.step *= 2;
    }
  }
  positions(): Position[] {
    if (this.kept.length <= this.max) return this.kept;
    const k = this.kept.length / this.max;
    return Array.from({ length: this.max }, (_, i) => this.kept[Math.floor(i * k)] as Position);
  }
}

/** The middle value (mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? Number.NaN) + (s[m] ?? Number.NaN)) / 2;
}

/** Columns the readers turned into the geometry (a CSV's lon/lat or WKT column): not "unmapped". */
export function geometryColumns(columns: readonly ColumnAsRead[]): string[] {
  const g = findGeometryColumns(columns.map((c) => c.name));
  return g ? ('wkt' in g ? [g.wkt] : [g.lon, g.lat]) : [];
}
