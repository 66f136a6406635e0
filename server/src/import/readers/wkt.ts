import type { Geometry, Position } from 'geojson';

/**
 * WKT as tables carry it (GDAL's CSV `WKT` column, our CSV/xlsx exports of lines and polygons): POINT, LINESTRING,
 * POLYGON and their MULTI forms, 2D (a Z or M value is dropped). Anything else, or a malformed text, is null: the row
 * then has no geometry and validation refuses it naming the row.
 */
type Nested = Position | Nested[];

function parseNested(s: string): Nested[] | null {
  const stack: Nested[][] = [[]];
  let num = '';
  let tuple: number[] = [];
  const flushNum = () => {
    if (num === '') return true;
    const n = Number(num);
    num = '';
    if (!Number.isFinite(n)) return false;
    tuple.push(n);
    return true;
  };
  const flushTuple = () => {
    if (!flushNum()) return false;
    if (tuple.length === 0) return true;
    if (tuple.length < 2) return false;
    stack[stack.length - 1]?.push([tuple[0] as number, tuple[1] as number]);
    tuple = [];
    return true;
  };
  for (const ch of s) {
    if (ch === '(') stack.push([]);
    else if (ch === ')') {
      if (!flushTuple()) return null;
      const done = stack.pop();
      const parent = stack[stack.length - 1];
      if (!done || !parent) return null;
      parent.push(done);
    } else if (ch === ',') {
      if (!flushTuple()) return null;
    } else if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (!flushNum()) return null;
    } else num += ch;
  }
  return stack.length === 1 && num === '' && tuple.length === 0 ? (stack[0] ?? null) : null;
}

const isPos = (x: Nested): x is Position => typeof x[0] === 'number';
const positions = (x: Nested): Position[] | null =>
  Array.isArray(x) && x.every((p) => Array.isArray(p) && isPos(p as Nested)) ? (x as Position[]) : null;
const rings = (x: Nested): Position[][] | null => {
  if (!Array.isArray(x)) return null;
  const out = (x as Nested[]).map(positions);
  return out.every((r) => r !== null) ? (out as Position[][]) : null;
};

export function parseWkt(text: string): Geometry | null {
  const m =
    /^\s*(POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON)\s*(?:Z|M|ZM)?\s*(\(.*\))\s*$/is.exec(text);
  if (!m) return null;
  const body = parseNested(m[2] ?? '');
  const top = body?.[0];
  if (!top || body.length !== 1 || !Array.isArray(top)) return null;
  switch ((m[1] ?? '').toUpperCase()) {
    case 'POINT': {
      const p = positions(top);
      return p?.length === 1 && p[0] ? { type: 'Point', coordinates: p[0] } : null;
    }
    case 'LINESTRING': {
      const p = positions(top);
      return p ? { type: 'LineString', coordinates: p } : null;
    }
    case 'POLYGON': {
      const r = rings(top);
      return r ? { type: 'Polygon', coordinates: r } : null;
    }
    case 'MULTIPOINT': {
      // Both MULTIPOINT (1 2, 3 4) and MULTIPOINT ((1 2), (3 4)).
      const flat = positions(top) ?? rings(top)?.map((r) => r[0] as Position);
      return flat ? { type: 'MultiPoint', coordinates: flat } : null;
    }
    case 'MULTILINESTRING': {
      const r = rings(top);
      return r ? { type: 'MultiLineString', coordinates: r } : null;
    }
    default: {
      const polys = (top as Nested[]).map(rings);
      return polys.every((p) => p !== null) ? { type: 'MultiPolygon', coordinates: polys as Position[][][] } : null;
    }
  }
}
