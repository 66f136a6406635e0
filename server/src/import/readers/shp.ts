import type { Geometry, Position } from 'geojson';
import { malformed } from './limits.js';

/**
 * ESRI Shapefile geometry (.shp), every shape type: (multi)point, polyline, polygon, with or without Z/M (the extra
 * ordinates are dropped). Written from the ESRI Shapefile Technical Description (1998). Every length a header claims
 * is checked against the bytes present before anything is allocated from it.
 */
export interface ShpRead {
  shapeType: number;
  geometries: (Geometry | null)[];
}

const NAMES: Record<number, string> = {
  0: 'Null',
  1: 'Point',
  3: 'PolyLine',
  5: 'Polygon',
  8: 'MultiPoint',
  31: 'MultiPatch',
};
export function shapeTypeName(t: number): string {
  const base = t > 30 ? t : t % 10;
  const z = t > 10 && t < 20 ? 'Z' : t > 20 && t < 30 ? 'M' : '';
  return `${NAMES[base] ?? `type ${t}`}${z}`;
}

export function readShp(b: Uint8Array, where = 'file.shp', onVertices?: (n: number, record: number) => void): ShpRead {
  if (b.length < 100) throw malformed('Malformed .shp', `${b.length} bytes is shorter than the 100-byte header`, where);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getInt32(0, false) !== 9994)
    throw malformed('Malformed .shp', 'not a shapefile (file code is not 9994)', where);
  const claimed = v.getInt32(24, false) * 2;
  if (claimed > b.length || claimed < 100)
    throw malformed('Malformed .shp', `header claims ${claimed} bytes; the file has ${b.length}`, where);
  const shapeType = v.getInt32(32, true);
  if (shapeType === 31) throw malformed('Unsupported .shp', 'MultiPatch shapes are not read', where);
  const geometries: (Geometry | null)[] = [];
  // Some writers (shp-write among them) put too small a length in the header; the records present are read anyway.
  const end = b.length;
  let p = 100;
  while (p + 8 <= end) {
    const record = v.getInt32(p, false);
    const len = v.getInt32(p + 4, false) * 2;
    const start = p + 8;
    if (len < 4 || start + len > end)
      throw malformed(
        'Malformed .shp',
        `record ${record} claims ${len} bytes at offset ${p}; ${end - start} remain`,
        where,
      );
    geometries.push(shape(v, start, len, record, where, onVertices));
    p = start + len;
  }
  return { shapeType, geometries };
}

function shape(
  v: DataView,
  at: number,
  len: number,
  record: number,
  where: string,
  onVertices?: (n: number, record: number) => void,
): Geometry | null {
  const type = v.getInt32(at, true);
  const base = type % 10;
  if (type === 0) return null;
  const need = (bytes: number) => {
    if (bytes > len)
      throw malformed('Malformed .shp', `record ${record} needs ${bytes} bytes for its points; it has ${len}`, where);
  };
  const pt = (o: number): Position => [v.getFloat64(o, true), v.getFloat64(o + 8, true)];
  if (base === 1) {
    need(20);
    onVertices?.(1, record);
    return { type: 'Point', coordinates: pt(at + 4) };
  }
  if (base === 8) {
    need(40);
    const n = v.getInt32(at + 36, true);
    if (n < 0) throw malformed('Malformed .shp', `record ${record} claims ${n} points`, where);
    need(40 + 16 * n);
    onVertices?.(n, record);
    const pts: Position[] = [];
    for (let i = 0; i < n; i++) pts.push(pt(at + 40 + 16 * i));
    return { type: 'MultiPoint', coordinates: pts };
  }
  if (base !== 3 && base !== 5) throw malformed('Unsupported .shp', `record ${record} has shape type ${type}`, where);
  need(44);
  const parts = v.getInt32(at + 36, true),
    n = v.getInt32(at + 40, true);
  if (parts < 1 || n < 0 || parts > n)
    throw malformed('Malformed .shp', `record ${record} claims ${parts} parts of ${n} points`, where);
  need(44 + 4 * parts + 16 * n);
  onVertices?.(n, record);
  const starts: number[] = [];
  for (let i = 0; i < parts; i++) starts.push(v.getInt32(at + 44 + 4 * i, true));
  const ptsAt = at + 44 + 4 * parts;
  const rings: Position[][] = starts.map((s, i) => {
    const e = i + 1 < parts ? (starts[i + 1] ?? n) : n;
    if (s < 0 || e > n || s > e)
      throw malformed('Malformed .shp', `record ${record} has a part starting at point ${s} of ${n}`, where);
    const ring: Position[] = [];
    for (let k = s; k < e; k++) ring.push(pt(ptsAt + 16 * k));
    return ring;
  });
  if (base === 3)
    return rings.length === 1
      ? { type: 'LineString', coordinates: rings[0] ?? [] }
      : { type: 'MultiLineString', coordinates: rings };
  return polygonOf(rings);
}

/** Twice the signed area; shapefile outer rings run clockwise (negative), holes counter-clockwise. */
function signedArea2(r: readonly Position[]): number {
  let s = 0;
  for (let i = 0, j = r.length - 1; i < r.length; j = i++)
    s += (r[j]?.[0] ?? 0) * (r[i]?.[1] ?? 0) - (r[i]?.[0] ?? 0) * (r[j]?.[1] ?? 0);
  return s;
}

function inside(p: Position, ring: readonly Position[]): boolean {
  const x = p[0] ?? 0,
    y = p[1] ?? 0;
  let c = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i]?.[0] ?? 0,
      yi = ring[i]?.[1] ?? 0,
      xj = ring[j]?.[0] ?? 0,
      yj = ring[j]?.[1] ?? 0;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) c = !c;
  }
  return c;
}

/** Rings to one Polygon or a MultiPolygon: each hole goes to the smallest outer ring that holds it. */
function polygonOf(rings: Position[][]): Geometry {
  const outers: Position[][][] = [];
  const holes: Position[][] = [];
  for (const r of rings) signedArea2(r) <= 0 ? outers.push([r]) : holes.push(r);
  if (outers.length === 0) return { type: 'Polygon', coordinates: rings }; // all counter-clockwise: read as written
  for (const h of holes) {
    const probe = h[0] ?? [0, 0];
    const owners = outers.filter((o) => inside(probe, o[0] ?? []));
    const owner = owners.sort((a, b) => Math.abs(signedArea2(a[0] ?? [])) - Math.abs(signedArea2(b[0] ?? [])))[0];
    if (owner) owner.push(h);
    else outers.push([h]);
  }
  return outers.length === 1
    ? { type: 'Polygon', coordinates: outers[0] ?? [] }
    : { type: 'MultiPolygon', coordinates: outers };
}
