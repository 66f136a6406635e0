import { MAX_DATA_ZOOM, tilesetMinzoom, type TileFieldType, type TilesetSpec } from './tilesets.js';

/** TileJSON 3.0.0 with the vector_layers MapLibre and deck.gl read. */
export interface TileJson {
  tilejson: '3.0.0';
  name: string;
  description: string;
  scheme: 'xyz';
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  /** [west, south, east, north] in degrees. */
  bounds: [number, number, number, number];
  /** [lon, lat, zoom]. */
  center: [number, number, number];
  vector_layers: {
    id: string;
    description: string;
    minzoom: number;
    maxzoom: number;
    fields: Record<string, TileFieldType>;
  }[];
}

/** Web Mercator's latitude limit: the bounds of the whole tile pyramid. */
const WORLD: [number, number, number, number] = [-180, -85.0511, 180, 85.0511];

/**
 * The TileJSON of a tileset.
 * @param baseUrl scheme, host and mount, e.g. "http://localhost:8080/tiles" (taken from the request, so the URL
 *   works behind whatever host name the client used)
 * @param bounds the data's bounds in degrees; null (no data) gives the whole world
 */
export function buildTileJson(
  ts: TilesetSpec,
  baseUrl: string,
  bounds: [number, number, number, number] | null,
): TileJson {
  const minzoom = tilesetMinzoom(ts);
  const b = bounds ?? WORLD;
  // Open where the data is, at a zoom where most layers already show.
  const centerZoom = Math.max(minzoom, Math.min(13, MAX_DATA_ZOOM));
  return {
    tilejson: '3.0.0',
    name: ts.name,
    description: ts.description,
    scheme: 'xyz',
    tiles: [`${baseUrl}/${ts.name}/{z}/{x}/{y}.mvt`],
    minzoom,
    maxzoom: MAX_DATA_ZOOM,
    bounds: b,
    center: [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, centerZoom],
    vector_layers: ts.layers.map((l) => ({
      id: l.id,
      description: l.description,
      minzoom: l.minzoom,
      maxzoom: MAX_DATA_ZOOM,
      fields: Object.fromEntries(l.attributes.map((a) => [a.name, a.type])),
    })),
  };
}
