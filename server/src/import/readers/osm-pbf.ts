import type { Geometry, Position } from 'geojson';
import tinyosmpbf, { type OsmElement, type OsmNode, type OsmRelation, type OsmWay } from 'tiny-osmpbf';
import { ColumnProfiler } from './columns.js';
import { malformed, VertexBudget } from './limits.js';
import type { CellValue, LeftOut, ReadLimits, RowAsRead, SourceRead } from './source.js';

/**
 * OpenStreetMap PBF as rows: tagged nodes as points, ways as lines or (closed, area-tagged) polygons, multipolygon
 * relations as (multi)polygons assembled from their member ways. Properties are the tags plus `@type` and `@id`.
 * What is not read (other relations, broken rings) is counted in `leftOut` with the reason.
 */

/** Closed ways with these keys are areas (the osmium / osm2pgsql default area keys, shortened). */
const AREA_KEYS = [
  'building',
  'landuse',
  'amenity',
  'leisure',
  'natural',
  'place',
  'shop',
  'tourism',
  'man_made',
  'building:part',
  'historic',
  'military',
  'office',
  'aeroway',
  'craft',
  'boundary',
  'public_transport',
  'area:highway',
];

export function isPbf(b: Uint8Array): boolean {
  if (b.length < 16) return false;
  const len = new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(0, false);
  return (
    len > 0 && len < 64 * 1024 && new TextDecoder().decode(b.subarray(4, 4 + Math.min(len, 32))).includes('OSMHeader')
  );
}

function isArea(tags: Record<string, string>): boolean {
  if (tags.area === 'no') return false;
  if (tags.area === 'yes') return true;
  return AREA_KEYS.some((k) => k in tags && tags[k] !== 'no');
}

/** Joins member ways end to end into closed rings; answers the rings and how many ways were left dangling. */
function rings(ways: Position[][]): { closed: Position[][]; open: number } {
  const pool = ways.filter((w) => w.length >= 2).map((w) => [...w]);
  const closed: Position[][] = [];
  const same = (a: Position | undefined, b: Position | undefined) => !!a && !!b && a[0] === b[0] && a[1] === b[1];
  let open = 0;
  while (pool.length) {
    let ring = pool.shift() ?? [];
    let grew = true;
    while (!same(ring[0], ring[ring.length - 1]) && grew) {
      grew = false;
      for (let i = 0; i < pool.length; i++) {
        const w = pool[i] ?? [];
        const end = ring[ring.length - 1];
        if (same(end, w[0])) ring = ring.concat(w.slice(1));
        else if (same(end, w[w.length - 1])) ring = ring.concat([...w].reverse().slice(1));
        else if (same(ring[0], w[w.length - 1])) ring = w.slice(0, -1).concat(ring);
        else if (same(ring[0], w[0])) ring = [...w].reverse().slice(0, -1).concat(ring);
        else continue;
        pool.splice(i, 1);
        grew = true;
        break;
      }
    }
    if (same(ring[0], ring[ring.length - 1]) && ring.length >= 4) closed.push(ring);
    else open++;
  }
  return { closed, open };
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

export function readOsmPbfSource(bytes: Uint8Array, limits: ReadLimits): SourceRead {
  if (!isPbf(bytes)) throw malformed('Not an OSM PBF file', 'the first blob is not an OSMHeader');
  let elements: OsmElement[];
  try {
    elements = tinyosmpbf(bytes).elements;
  } catch (err) {
    throw malformed('Unreadable OSM PBF', (err as Error).message);
  }
  const nodes = new Map<number, OsmNode>();
  const ways = new Map<number, OsmWay>();
  for (const e of elements) {
    if (e.type === 'node') nodes.set(e.id, e);
    else if (e.type === 'way') ways.set(e.id, e);
  }
  const budget = new VertexBudget(limits);
  const left = new Map<string, LeftOut>();
  const leave = (what: string, why: string) => {
    const k = `${what}|${why}`;
    const l = left.get(k) ?? { what, count: 0, why };
    l.count++;
    left.set(k, l);
  };
  const coordsOf = (w: OsmWay): Position[] | undefined => {
    const out: Position[] = [];
    for (const id of w.nodes) {
      const n = nodes.get(id);
      if (!n) return undefined;
      out.push([n.lon, n.lat]);
    }
    return out;
  };
  const rows: RowAsRead[] = [];
  const profiler = new ColumnProfiler();
  const types = new Set<string>();
  const push = (e: OsmElement, geometry: Geometry, vertices: number) => {
    budget.add(vertices, `${e.type} ${e.id}`);
    const properties: Record<string, CellValue> = { '@type': e.type, '@id': e.id, ...(e.tags ?? {}) };
    profiler.add(properties);
    types.add(geometry.type);
    rows.push({ rowNumber: rows.length + 1, properties, geometry });
  };
  for (const e of elements) {
    const tags = e.tags ?? {};
    const tagged = Object.keys(tags).length > 0;
    if (e.type === 'node') {
      if (tagged) push(e, { type: 'Point', coordinates: [e.lon, e.lat] }, 1);
      continue;
    }
    if (e.type === 'way') {
      if (!tagged) continue; // an untagged way is part of a relation, read there
      const coords = coordsOf(e);
      if (!coords || coords.length < 2) {
        leave('ways', 'nodes missing from the extract');
        continue;
      }
      const closed = e.nodes.length >= 4 && e.nodes[0] === e.nodes[e.nodes.length - 1];
      push(
        e,
        closed && isArea(tags)
          ? { type: 'Polygon', coordinates: [coords] }
          : { type: 'LineString', coordinates: coords },
        coords.length,
      );
      continue;
    }
    relation(e);
  }
  function relation(r: OsmRelation) {
    const kind = r.tags?.type;
    if (kind !== 'multipolygon' && kind !== 'boundary') {
      leave(
        `relations of type ${kind ?? '(none)'}`,
        'not an area: routes, restrictions and groups are not geometries this import reads',
      );
      return;
    }
    const member = (role: 'outer' | 'inner') =>
      r.members
        .filter((m) => m.type === 'way' && (role === 'outer' ? m.role !== 'inner' : m.role === 'inner'))
        .map((m) => {
          const w = ways.get(m.ref);
          return w ? coordsOf(w) : undefined;
        });
    const outerWays = member('outer'),
      innerWays = member('inner');
    if ([...outerWays, ...innerWays].some((w) => w === undefined)) {
      leave(`${kind} relations`, 'member ways or nodes missing from the extract (cut at its edge)');
      return;
    }
    const outer = rings(outerWays as Position[][]),
      inner = rings(innerWays as Position[][]);
    if (outer.open || inner.open || outer.closed.length === 0) {
      leave(`${kind} relations`, 'rings do not close');
      return;
    }
    const polys: Position[][][] = outer.closed.map((o) => [o]);
    for (const h of inner.closed) {
      const owner = polys.find((p) => inside(h[0] ?? [0, 0], p[0] ?? []));
      if (owner) owner.push(h);
      else {
        leave(`${kind} relations`, 'an inner ring outside every outer ring');
        return;
      }
    }
    const vertices = polys.reduce((s, p) => s + p.reduce((t, ring) => t + ring.length, 0), 0);
    push(
      r,
      polys.length === 1
        ? { type: 'Polygon', coordinates: polys[0] ?? [] }
        : { type: 'MultiPolygon', coordinates: polys },
      vertices,
    );
  }
  return {
    format: { value: 'osm-pbf', reason: 'OSMHeader blob' },
    encoding: { value: 'utf-8', reason: 'OSM PBF strings are UTF-8' },
    crs: { value: 'EPSG:4326', reason: 'OSM is WGS84' },
    columns: profiler.result(),
    geometryTypes: [...types],
    rowCount: rows.length,
    leftOut: [...left.values()],
    rows: async function* () {
      yield* rows;
    },
  };
}
