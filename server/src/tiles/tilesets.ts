import type { LayerName } from '../contract/layers.js';
import { lonLatToTileFraction } from '../engines/shared/geo.js';

/**
 * The vector tilesets the server publishes: one per feature layer (`/tiles/grids/{z}/{x}/{y}.mvt` holds one
 * source-layer named `grids`) and the composite `basemap` the web app draws its self-hosted basemap from.
 * Pure data: the repository turns it into SQL, the TileJSON builder into `vector_layers`.
 */

/** Tile extent in tile units (the MVT default) and the buffer kept around the tile, in the same units. */
/** The registered media type of Mapbox Vector Tiles. */
export const MVT_CONTENT_TYPE = 'application/vnd.mapbox-vector-tile';
export const TILE_EXTENT = 4096;
export const TILE_BUFFER = 64;
/** Highest zoom tiles are cut for in the TileJSON; clients overzoom past it. */
export const MAX_DATA_ZOOM = 16;
/** Highest zoom the endpoint answers (deeper requests are 400). */
export const MAX_REQUEST_ZOOM = 24;

/** Web Mercator: metres across the whole world at zoom 0. */
const WORLD_METERS = 2 * 20037508.342789244;

/** TileJSON field types. */
export type TileFieldType = 'Number' | 'String' | 'Boolean';

export interface TileAttribute {
  /** Property name in the tile. */
  name: string;
  /** Column of the layer's table it is read from. */
  column: string;
  type: TileFieldType;
  /**
   * How a timestamptz is written, since tiles have no date type, in China Standard Time (Asia/Shanghai):
   * `cst-date` "2026-03-01" (strings compare in date order in map filters), `cst-hour` 0–23, `cst-weekday`
   * 1 (Monday) – 7 (Sunday). Day precision rather than the instant: a few hundred distinct values per tile
   * instead of one per feature keeps dense incident tiles about a third smaller.
   */
  format?: 'cst-date' | 'cst-hour' | 'cst-weekday';
}

/** A feature's own min zoom taken from a column, e.g. roads by class: arterials from 10, footways from 15. */
export interface ZoomRule {
  column: string;
  minzoomByValue: Readonly<Record<string, number>>;
  /** Min zoom of values not listed. */
  otherwise: number;
}

/** One source-layer of a tileset. */
export interface TileLayerSpec {
  /** Source-layer name inside the tile. */
  id: string;
  /** Feature layer (and so table) the rows come from. */
  from: LayerName;
  /** `mixed`: points and polygons in one layer (key places). */
  geometry: 'point' | 'line' | 'polygon' | 'mixed';
  /** `label-point`: one point per polygon (ST_PointOnSurface), for labels placed once rather than once per tile. */
  geometrySource?: 'label-point';
  minzoom: number;
  zoomRule?: ZoomRule;
  /** Written in this order. The row id is always the MVT feature id, whether or not an `id` attribute is listed. */
  attributes: readonly TileAttribute[];
  description: string;
}

export interface TilesetSpec {
  name: string;
  description: string;
  layers: readonly TileLayerSpec[];
}

const num = (name: string, column = name): TileAttribute => ({ name, column, type: 'Number' });
const str = (name: string, column = name): TileAttribute => ({ name, column, type: 'String' });
const bool = (name: string, column = name): TileAttribute => ({ name, column, type: 'Boolean' });
const id = num('id');

/** OSM highway classes by the zoom they appear from: arterials from 10, residential from 13, footways from 15. */
export const ROAD_CLASS_MINZOOM: ZoomRule = {
  column: 'road_class',
  minzoomByValue: {
    motorway: 10,
    motorway_link: 10,
    trunk: 10,
    trunk_link: 10,
    primary: 10,
    primary_link: 10,
    secondary: 10,
    secondary_link: 10,
    tertiary: 11,
    tertiary_link: 11,
    unclassified: 12,
    residential: 13,
    living_street: 13,
    road: 13,
    service: 14,
    track: 14,
    pedestrian: 15,
    footway: 15,
    path: 15,
    cycleway: 15,
    steps: 15,
    bridleway: 15,
    corridor: 15,
  },
  otherwise: 14,
};

/** Admin boundaries by level: city and district outlines from 8, townships from 10, communities from 12. */
export const ADMIN_LEVEL_MINZOOM: ZoomRule = {
  column: 'level',
  minzoomByValue: { region: 8, district: 8, township: 10, community: 12 },
  otherwise: 12,
};

const roadAttrs = [id, str('name'), str('road_class'), num('oneway'), num('speed_kmh')];
const buildingAttrs = [id, str('name'), num('height_m'), num('levels')];
const adminAttrs = [id, str('code'), str('name'), str('level'), str('parent_code')];

/** One tileset per feature layer, each holding one source-layer of the same name. */
const layerTiles: Record<LayerName, Omit<TileLayerSpec, 'id' | 'from'>> = {
  'admin-areas': {
    geometry: 'polygon',
    minzoom: 8,
    zoomRule: ADMIN_LEVEL_MINZOOM,
    attributes: adminAttrs,
    description: 'Administrative areas (region, district, township, community)',
  },
  grids: {
    geometry: 'polygon',
    minzoom: 11,
    attributes: [
      id,
      str('code'),
      str('name'),
      str('kind'),
      str('dedicated_unit'),
      str('community_code'),
      num('population'),
      num('households'),
    ],
    description: 'Grids (网格), basic and dedicated',
  },
  beats: {
    geometry: 'polygon',
    minzoom: 10,
    attributes: [id, str('code'), str('name'), num('station_id'), num('officers'), num('auxiliaries')],
    description: 'Police beats (警格)',
  },
  stations: {
    geometry: 'point',
    minzoom: 10,
    attributes: [id, str('code'), str('name')],
    description: 'Police stations (派出所)',
  },
  cameras: {
    geometry: 'point',
    minzoom: 12,
    attributes: [
      id,
      str('code'),
      str('name'),
      str('status'),
      bool('networked'),
      str('camera_type'),
      num('heading_deg'),
      num('fov_deg'),
      num('range_m'),
    ],
    description: 'Cameras: status, networked flag, heading, field of view, range',
  },
  'key-places': {
    geometry: 'mixed',
    minzoom: 12,
    attributes: [id, str('kind'), str('name')],
    description: 'Key places (重点场所), points or polygons',
  },
  posts: {
    geometry: 'point',
    minzoom: 12,
    attributes: [id, str('name'), num('station_id'), str('staffed_hours')],
    description: 'Posts (屯警点)',
  },
  checkpoints: {
    geometry: 'point',
    minzoom: 12,
    attributes: [id, str('name'), num('beat_id'), num('dwell_minutes')],
    description: 'Patrol checkpoints (必巡点)',
  },
  incidents: {
    // From z15 only: at z13 one demo-city tile held 1.2 MB of points (bench); below z15 the H3 cells and the heat map
    // show incidents, aggregated on the server.
    geometry: 'point',
    minzoom: 15,
    // No `id` property here: the MVT feature id carries it, and a unique value per point is the biggest cost of
    // dense incident tiles.
    attributes: [
      str('category'),
      num('severity'),
      { name: 'occurred_on', column: 'occurred_at', type: 'String', format: 'cst-date' },
      { name: 'hour', column: 'occurred_at', type: 'Number', format: 'cst-hour' },
      { name: 'weekday', column: 'occurred_at', type: 'Number', format: 'cst-weekday' },
    ],
    description:
      'Incidents (警情) as points; the feature id is the incident id; date, hour and weekday (1 = Monday) in Beijing time',
  },
  roads: {
    geometry: 'line',
    minzoom: 10,
    zoomRule: ROAD_CLASS_MINZOOM,
    attributes: roadAttrs,
    description: 'Roads by OSM class: arterials from 10, residential from 13, footways from 15',
  },
  buildings: {
    geometry: 'polygon',
    minzoom: 14,
    attributes: buildingAttrs,
    description: 'Buildings with height or levels',
  },
};

/**
 * The basemap: roads, buildings, admin boundaries and their label points. There is no water table in the
 * schema, so there is no `water` layer (the style must not expect one).
 */
export const BASEMAP: TilesetSpec = {
  name: 'basemap',
  description: 'Self-hosted basemap: roads by class, buildings, admin boundaries and labels',
  layers: [
    {
      id: 'admin',
      from: 'admin-areas',
      geometry: 'polygon',
      minzoom: 8,
      zoomRule: ADMIN_LEVEL_MINZOOM,
      attributes: adminAttrs,
      description: 'Admin area polygons (draw their outlines as boundaries)',
    },
    {
      id: 'admin_labels',
      from: 'admin-areas',
      geometry: 'point',
      geometrySource: 'label-point',
      minzoom: 8,
      zoomRule: ADMIN_LEVEL_MINZOOM,
      attributes: adminAttrs,
      description: 'One label point per admin area (ST_PointOnSurface), so names appear once, not once per tile',
    },
    {
      id: 'roads',
      from: 'roads',
      geometry: 'line',
      minzoom: 10,
      zoomRule: ROAD_CLASS_MINZOOM,
      attributes: roadAttrs,
      description: layerTiles.roads.description,
    },
    {
      id: 'buildings',
      from: 'buildings',
      geometry: 'polygon',
      minzoom: 14,
      attributes: buildingAttrs,
      description: layerTiles.buildings.description,
    },
  ],
};

export const TILESETS: ReadonlyMap<string, TilesetSpec> = new Map<string, TilesetSpec>([
  ...(Object.entries(layerTiles) as [LayerName, Omit<TileLayerSpec, 'id' | 'from'>][]).map(
    ([name, spec]): [string, TilesetSpec] => [
      name,
      {
        name,
        description: spec.description,
        layers: [{ id: name, from: name, ...spec }],
      },
    ],
  ),
  [BASEMAP.name, BASEMAP],
]);

/** The tileset of that name, or undefined. */
export function findTileset(name: string): TilesetSpec | undefined {
  return TILESETS.get(name);
}

/** Lowest zoom any layer of the tileset appears at. */
export function tilesetMinzoom(ts: TilesetSpec): number {
  return Math.min(...ts.layers.map((l) => l.minzoom));
}

/** The layers that can have features at zoom `z` (row-level zoom rules are applied in SQL). */
export function layersAtZoom(ts: TilesetSpec, z: number): TileLayerSpec[] {
  return ts.layers.filter((l) => l.minzoom <= z);
}

/**
 * Size of one tile unit in Web Mercator metres at zoom `z`: the tolerance geometry is simplified with, so
 * simplification removes only detail smaller than what the tile can hold anyway.
 */
export function tileUnitMeters(z: number): number {
  return WORLD_METERS / 2 ** z / TILE_EXTENT;
}

/** A tile address. */
export interface TileCoord {
  z: number;
  x: number;
  y: number;
}

/** The tile at zoom `z` that holds a WGS84 point (Web Mercator, XYZ scheme). */
export function tileAt(lonDeg: number, latDeg: number, z: number): TileCoord {
  const n = 2 ** z;
  const [fx, fy] = lonLatToTileFraction(lonDeg, latDeg, z);
  const x = Math.floor(fx);
  const y = Math.floor(fy);
  return { z, x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)) };
}
