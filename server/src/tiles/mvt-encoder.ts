import { fromGeojsonVt } from '@maplibre/vt-pbf';
import type { Geometry, Position } from 'geojson';
import { TILE_EXTENT } from './tilesets.js';

/**
 * Mapbox Vector Tile encoding in Node, for databases without `ST_AsMVT` (the embedded PostGIS has no protobuf-c).
 * Input geometry is already in tile units (0…extent, y down), clipped, snapped and oriented by SQL; this module only
 * reshapes it into `@maplibre/vt-pbf`'s geojson-vt feature form and serialises it. Pure: no I/O.
 */

/** The value types an MVT property can hold. */
export type TilePropertyValue = string | number | boolean;

/** A feature in tile units, ready to encode. */
export interface TileFeature {
  id: number;
  /** Null and undefined values are left out of the tile, as ST_AsMVT does. */
  properties: Readonly<Record<string, TilePropertyValue | null | undefined>>;
  /** GeoJSON geometry whose coordinates are tile units (y down). */
  geometry: Geometry;
}

export interface TileLayer {
  /** Source-layer name. */
  name: string;
  features: readonly TileFeature[];
}

/** geojson-vt's transformed-tile feature: what `fromGeojsonVt` reads. */
interface VtFeature {
  id: number;
  type: 1 | 2 | 3;
  tags: Record<string, TilePropertyValue>;
  geometry: [number, number][] | [number, number][][];
}

const point = (p: Position): [number, number] => [Math.round(p[0] ?? 0), Math.round(p[1] ?? 0)];
const ring = (r: readonly Position[]): [number, number][] => r.map(point);

/**
 * The vt-pbf shape of a geometry: MVT type and coordinate lists (points: one list; lines: one list per part;
 * polygons: every ring in order, exterior first, holes after, as SQL oriented them). Null for an empty geometry
 * or a collection (SQL extracts one dimension, so a collection means nothing drawable).
 */
export function toVtGeometry(g: Geometry): Pick<VtFeature, 'type' | 'geometry'> | null {
  switch (g.type) {
    case 'Point':
      return { type: 1, geometry: [point(g.coordinates)] };
    case 'MultiPoint':
      return g.coordinates.length ? { type: 1, geometry: ring(g.coordinates) } : null;
    case 'LineString':
      return g.coordinates.length >= 2 ? { type: 2, geometry: [ring(g.coordinates)] } : null;
    case 'MultiLineString': {
      const parts = g.coordinates.filter((l) => l.length >= 2).map(ring);
      return parts.length ? { type: 2, geometry: parts } : null;
    }
    case 'Polygon':
      return g.coordinates.length ? { type: 3, geometry: g.coordinates.map(ring) } : null;
    case 'MultiPolygon': {
      const rings = g.coordinates.flatMap((poly) => poly.map(ring));
      return rings.length ? { type: 3, geometry: rings } : null;
    }
    case 'GeometryCollection':
      return null;
    default: {
      const never: never = g;
      throw new Error(`unknown geometry type ${String((never as Geometry).type)}`);
    }
  }
}

function toVtFeature(f: TileFeature): VtFeature | null {
  const g = toVtGeometry(f.geometry);
  if (!g) return null;
  const tags: Record<string, TilePropertyValue> = {};
  for (const [k, v] of Object.entries(f.properties)) if (v !== null && v !== undefined) tags[k] = v;
  return { id: f.id, tags, ...g };
}

/**
 * Encodes layers into one MVT (spec version 2). Layers without drawable features are left out, so a tile with
 * nothing in it encodes to zero bytes, like `ST_AsMVT` over no rows.
 * @param extent tile extent in tile units; default 4096
 */
export function encodeMvt(layers: readonly TileLayer[], extent: number = TILE_EXTENT): Uint8Array {
  const vtLayers: Record<string, { features: VtFeature[] }> = {};
  for (const layer of layers) {
    const features = layer.features.map(toVtFeature).filter((f): f is VtFeature => f !== null);
    if (features.length) vtLayers[layer.name] = { features };
  }
  if (Object.keys(vtLayers).length === 0) return new Uint8Array(0);
  // fromGeojsonVt reads only `features` of each geojson-vt tile; its type also names index bookkeeping fields
  // that an already-cut tile does not need, hence the cast at this one boundary.
  return fromGeojsonVt(vtLayers as unknown as Parameters<typeof fromGeojsonVt>[0], { version: 2, extent });
}
