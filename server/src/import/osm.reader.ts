import type { LeftOut, RowAsRead } from './readers/source.js';
import type { ImportFeature } from './types.js';

/**
 * OpenStreetMap → roads, buildings, key places and cameras, from the rows `readers/osm-pbf.ts` reads (tiny-osmpbf
 * underneath; it holds the whole file in memory, which suits city extracts; cut province-sized files with osmium).
 */

/** Speeds when a way has no usable `maxspeed`, km/h, by highway class (urban China / EU defaults). Settable. */
export const DEFAULT_SPEED_KMH: Readonly<Record<string, number>> = {
  motorway: 80,
  motorway_link: 50,
  trunk: 60,
  trunk_link: 40,
  primary: 50,
  primary_link: 40,
  secondary: 40,
  secondary_link: 30,
  tertiary: 40,
  tertiary_link: 30,
  unclassified: 30,
  residential: 30,
  living_street: 10,
  service: 20,
  pedestrian: 5,
  footway: 5,
  steps: 3,
  path: 5,
  cycleway: 15,
  track: 15,
  corridor: 5,
  elevator: 1,
  platform: 5,
  bridleway: 5,
  road: 30,
};

/** Camera defaults when OSM does not say (it rarely does): a 60° bullet looking 50 m; domes see all round. */
export const OSM_CAMERA_DEFAULTS = { fovDeg: 60, rangeM: 50, heightM: 5 } as const;

const CARDINAL: Record<string, number> = {
  N: 0,
  NNE: 22.5,
  NE: 45,
  ENE: 67.5,
  E: 90,
  ESE: 112.5,
  SE: 135,
  SSE: 157.5,
  S: 180,
  SSW: 202.5,
  SW: 225,
  WSW: 247.5,
  W: 270,
  WNW: 292.5,
  NW: 315,
  NNW: 337.5,
};

export function parseMaxspeedKmh(v: string | undefined): number | undefined {
  if (!v) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*(mph|km\/h|kmh)?$/i.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2]?.toLowerCase() === 'mph' ? n * 1.609344 : n;
}

function parseMeters(v: string | undefined): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*m?$/.exec(v?.trim() ?? '');
  return m ? Number(m[1]) : undefined;
}

function onewayOf(tags: Record<string, string>): -1 | 0 | 1 {
  const o = tags.oneway;
  if (o === '-1' || o === 'reverse') return -1;
  if (o === 'yes' || o === 'true' || o === '1') return 1;
  if (o === 'no' || o === 'false' || o === '0') return 0;
  if (tags.junction === 'roundabout' || tags.junction === 'circular') return 1;
  if (tags.highway === 'motorway' || tags.highway === 'motorway_link') return 1;
  return 0;
}

function placeKind(tags: Record<string, string>): string | undefined {
  switch (tags.amenity) {
    case 'school':
      return 'school';
    case 'kindergarten':
    case 'childcare':
      return 'kindergarten';
    case 'hospital':
    case 'clinic':
      return 'hospital';
    case 'marketplace':
      return 'market';
    case 'bank':
      return 'bank';
    case 'townhall':
    case 'police':
    case 'courthouse':
      return 'government';
    case 'bus_station':
      return 'transit_hub';
    default:
      break;
  }
  if (tags.shop === 'mall' || tags.shop === 'supermarket') return 'market';
  if (tags.public_transport === 'station' || tags.railway === 'station') return 'transit_hub';
  if (tags.office === 'government') return 'government';
  return undefined;
}

export interface OsmReadResult {
  features: ImportFeature[];
  /** What the file holds that no layer takes, by reason (from the reader's `leftOut`). */
  skipped: Record<string, number>;
}

/** OSM rows as read (tags + `@type`/`@id`, WGS84 geometry) → roads, buildings (multipolygons included), key places, cameras. */
export function osmFeatures(rows: readonly RowAsRead[], leftOut: readonly LeftOut[]): OsmReadResult {
  const features: ImportFeature[] = [];
  const skipped: Record<string, number> = {};
  for (const l of leftOut) skipped[`${l.what}: ${l.why}`] = l.count;
  for (const row of rows) {
    const { '@type': type, '@id': rawId, ...rest } = row.properties;
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries(rest)) if (typeof v === 'string') tags[k] = v;
    const id = Number(rawId);
    const source = `${String(type)} ${id}`;
    const g = row.geometry;
    if (!g) continue;
    const name = tags['name:zh'] ?? tags.name ?? null;
    if (g.type === 'Point') {
      const [lon, lat] = g.coordinates;
      if (tags.man_made === 'surveillance') {
        const kind = tags['camera:type'] === 'dome' ? 'dome' : tags['camera:type'] === 'panning' ? 'ptz' : 'bullet';
        const dir = tags['camera:direction'] ?? tags.direction;
        const heading = dir === undefined ? undefined : (CARDINAL[dir.toUpperCase()] ?? Number(dir));
        features.push({
          layer: 'cameras',
          geometry: g,
          source,
          properties: {
            osm_id: id,
            name,
            camera_type: kind,
            fov_deg: kind === 'bullet' ? OSM_CAMERA_DEFAULTS.fovDeg : 360,
            range_m: OSM_CAMERA_DEFAULTS.rangeM,
            height_m: parseMeters(tags.height) ?? OSM_CAMERA_DEFAULTS.heightM,
            ...(heading !== undefined && Number.isFinite(heading)
              ? { heading_deg: ((heading % 360) + 360) % 360 }
              : {}),
            owner: tags.operator ?? null,
          },
        });
      }
      const kind = placeKind(tags);
      if (kind && name)
        features.push({
          layer: 'key-places',
          geometry: { type: 'Point', coordinates: [lon ?? 0, lat ?? 0] },
          source,
          properties: { osm_id: id, kind, name },
        });
      continue;
    }
    if (tags.highway && tags.area !== 'yes' && type === 'way') {
      // A closed highway way the reader read as an area (it also carries an area key) is still a road.
      const line = g.type === 'LineString' ? g.coordinates : g.type === 'Polygon' ? g.coordinates[0] : undefined;
      if (line && line.length >= 2) {
        features.push({
          layer: 'roads',
          geometry: { type: 'LineString', coordinates: line },
          source,
          properties: {
            osm_id: id,
            name,
            road_class: tags.highway,
            oneway: onewayOf(tags),
            speed_kmh: parseMaxspeedKmh(tags.maxspeed) ?? DEFAULT_SPEED_KMH[tags.highway] ?? 30,
          },
        });
      }
    }
    const area = g.type === 'Polygon' || g.type === 'MultiPolygon';
    if (tags.building && tags.building !== 'no') {
      if (!area) {
        skipped['unclosed building way'] = (skipped['unclosed building way'] ?? 0) + 1;
        continue;
      }
      const levels = Number.parseInt(tags['building:levels'] ?? '', 10);
      features.push({
        layer: 'buildings',
        geometry: g,
        source,
        properties: {
          osm_id: id,
          name,
          height_m: parseMeters(tags.height) ?? null,
          levels: Number.isFinite(levels) && levels > 0 ? levels : null,
        },
      });
    }
    const kind = placeKind(tags);
    if (kind && name && area)
      features.push({ layer: 'key-places', geometry: g, source, properties: { osm_id: id, kind, name } });
  }
  return { features, skipped };
}
