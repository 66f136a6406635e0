import tinyosmpbf, { type OsmElement, type OsmNode, type OsmWay } from 'tiny-osmpbf';
import type { ImportFeature } from './types.js';

/**
 * OpenStreetMap PBF → roads, buildings, key places and cameras. Parsed with tiny-osmpbf (a small, dependency-light
 * reader by an Overpass-turbo author, giving Overpass-JSON elements): the alternatives on npm pull in stream or
 * protobuf stacks several majors out of date. It reads the whole file into memory, which suits city extracts
 * (Monaco: 1.7 MB, 0.5 s); a province-sized file should be cut with osmium first.
 */

/** Speeds when a way has no usable `maxspeed`, km/h, by highway class (urban China / EU defaults). Settable. */
export const DEFAULT_SPEED_KMH: Readonly<Record<string, number>> = {
  motorway: 80, motorway_link: 50, trunk: 60, trunk_link: 40, primary: 50, primary_link: 40, secondary: 40,
  secondary_link: 30, tertiary: 40, tertiary_link: 30, unclassified: 30, residential: 30, living_street: 10,
  service: 20, pedestrian: 5, footway: 5, steps: 3, path: 5, cycleway: 15, track: 15, corridor: 5, elevator: 1,
  platform: 5, bridleway: 5, road: 30,
};

/** Camera defaults when OSM does not say (it rarely does): a 60° bullet looking 50 m; domes see all round. */
export const OSM_CAMERA_DEFAULTS = { fovDeg: 60, rangeM: 50, heightM: 5 } as const;

const CARDINAL: Record<string, number> = {
  N: 0, NNE: 22.5, NE: 45, ENE: 67.5, E: 90, ESE: 112.5, SE: 135, SSE: 157.5,
  S: 180, SSW: 202.5, SW: 225, WSW: 247.5, W: 270, WNW: 292.5, NW: 315, NNW: 337.5,
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
    case 'school': return 'school';
    case 'kindergarten': case 'childcare': return 'kindergarten';
    case 'hospital': case 'clinic': return 'hospital';
    case 'marketplace': return 'market';
    case 'bank': return 'bank';
    case 'townhall': case 'police': case 'courthouse': return 'government';
    case 'bus_station': return 'transit_hub';
    default: break;
  }
  if (tags.shop === 'mall' || tags.shop === 'supermarket') return 'market';
  if (tags.public_transport === 'station' || tags.railway === 'station') return 'transit_hub';
  if (tags.office === 'government') return 'government';
  return undefined;
}

export interface OsmReadResult {
  features: ImportFeature[];
  /** Elements seen but not turned into features, by reason (e.g. multipolygon buildings). */
  skipped: Record<string, number>;
}

export function readOsmPbf(buffer: Uint8Array): OsmReadResult {
  const { elements } = tinyosmpbf(buffer);
  const nodes = new Map<number, OsmNode>();
  for (const e of elements) if (e.type === 'node') nodes.set(e.id, e);
  const features: ImportFeature[] = [];
  const skipped: Record<string, number> = {};
  const skip = (why: string) => (skipped[why] = (skipped[why] ?? 0) + 1);
  const coordsOf = (w: OsmWay): [number, number][] | undefined => {
    const out: [number, number][] = [];
    for (const id of w.nodes) {
      const n = nodes.get(id);
      if (!n) return undefined;
      out.push([n.lon, n.lat]);
    }
    return out;
  };
  for (const e of elements as OsmElement[]) {
    const tags = e.tags ?? {};
    const name = tags['name:zh'] ?? tags.name ?? null;
    if (e.type === 'node') {
      if (tags.man_made === 'surveillance') {
        const type = tags['camera:type'] === 'dome' ? 'dome' : tags['camera:type'] === 'panning' ? 'ptz' : 'bullet';
        const dir = tags['camera:direction'] ?? tags.direction;
        const heading = dir === undefined ? undefined : CARDINAL[dir.toUpperCase()] ?? Number(dir);
        features.push({ layer: 'cameras', geometry: { type: 'Point', coordinates: [e.lon, e.lat] }, source: `node ${e.id}`, properties: {
          osm_id: e.id, name, camera_type: type, fov_deg: type === 'bullet' ? OSM_CAMERA_DEFAULTS.fovDeg : 360,
          range_m: OSM_CAMERA_DEFAULTS.rangeM, height_m: parseMeters(tags.height) ?? OSM_CAMERA_DEFAULTS.heightM,
          ...(heading !== undefined && Number.isFinite(heading) ? { heading_deg: ((heading % 360) + 360) % 360 } : {}),
          owner: tags.operator ?? null } });
      }
      const kind = placeKind(tags);
      if (kind && name) features.push({ layer: 'key-places', geometry: { type: 'Point', coordinates: [e.lon, e.lat] }, source: `node ${e.id}`, properties: { osm_id: e.id, kind, name } });
      continue;
    }
    if (e.type === 'relation') {
      if (tags.building) skip('multipolygon building relation');
      continue;
    }
    const closed = e.nodes.length >= 4 && e.nodes[0] === e.nodes[e.nodes.length - 1];
    if (tags.highway && tags.area !== 'yes') {
      const coords = coordsOf(e);
      if (!coords || coords.length < 2) { skip('way with missing nodes'); continue; }
      features.push({ layer: 'roads', geometry: { type: 'LineString', coordinates: coords }, source: `way ${e.id}`, properties: {
        osm_id: e.id, name, road_class: tags.highway, oneway: onewayOf(tags),
        speed_kmh: parseMaxspeedKmh(tags.maxspeed) ?? DEFAULT_SPEED_KMH[tags.highway] ?? 30 } });
    }
    if (tags.building && tags.building !== 'no') {
      const coords = closed ? coordsOf(e) : undefined;
      if (!coords) { skip(closed ? 'way with missing nodes' : 'unclosed building way'); continue; }
      const levels = Number.parseInt(tags['building:levels'] ?? '', 10);
      features.push({ layer: 'buildings', geometry: { type: 'Polygon', coordinates: [coords] }, source: `way ${e.id}`, properties: {
        osm_id: e.id, name, height_m: parseMeters(tags.height) ?? null, levels: Number.isFinite(levels) && levels > 0 ? levels : null } });
    }
    const kind = placeKind(tags);
    if (kind && name && closed) {
      const coords = coordsOf(e);
      if (coords) features.push({ layer: 'key-places', geometry: { type: 'Polygon', coordinates: [coords] }, source: `way ${e.id}`, properties: { osm_id: e.id, kind, name } });
    }
  }
  return { features, skipped };
}
