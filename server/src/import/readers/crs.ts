import gcoord from 'gcoord';
import type { Geometry, Position } from 'geojson';
import proj4 from 'proj4';
import { malformed } from './limits.js';
import type { Detected } from './source.js';

/** Turns one source position into WGS84 [lon, lat]. */
export type ToWgs84 = (p: Position) => Position;

export interface ResolvedCrs {
  detected: Detected<string>;
  toWgs84: ToWgs84 | null;
}

const WGS84: ResolvedCrs['toWgs84'] = null;

/**
 * CGCS2000 Gauss-Krüger zones, EPSG:4491–4554, from their published parameters (EPSG registry, "CGCS2000 /
 * Gauss-Kruger zone 13" … "CGCS2000 / 3-degree Gauss-Kruger CM 135E"; the same strings `gdalsrsinfo EPSG:n -o proj4`
 * prints): transverse Mercator on GRS80 (CGCS2000's ellipsoid differs from GRS80 only in 1/f's 10th digit, below
 * 0.1 mm), k0 = 1, latitude of origin 0, false northing 0.
 *   4491–4501  6° zones 13–23:  λ0 = 6·zone − 3,  x0 = zone·10⁶ + 500 000
 *   4502–4512  6° CM 75E–135E:  λ0 = 6·zone − 3,  x0 = 500 000
 *   4513–4533  3° zones 25–45:  λ0 = 3·zone,      x0 = zone·10⁶ + 500 000
 *   4534–4554  3° CM 75E–135E:  λ0 = 3·zone,      x0 = 500 000
 * `etmerc` is the Poder/Engsager series PROJ itself uses for tmerc (exact to well below a millimetre in a zone).
 */
export function cgcs2000Zone(code: number): { lon0: number; x0: number; zone: number; width: 3 | 6 } | null {
  if (code >= 4491 && code <= 4501) {
    const zone = code - 4491 + 13;
    return { lon0: 6 * zone - 3, x0: zone * 1e6 + 5e5, zone, width: 6 };
  }
  if (code >= 4502 && code <= 4512) {
    const zone = code - 4502 + 13;
    return { lon0: 6 * zone - 3, x0: 5e5, zone, width: 6 };
  }
  if (code >= 4513 && code <= 4533) {
    const zone = code - 4513 + 25;
    return { lon0: 3 * zone, x0: zone * 1e6 + 5e5, zone, width: 3 };
  }
  if (code >= 4534 && code <= 4554) {
    const zone = code - 4534 + 25;
    return { lon0: 3 * zone, x0: 5e5, zone, width: 3 };
  }
  return null;
}

function tmerc(lon0: number, x0: number, ellps: string, k = 1, lat0 = 0, y0 = 0): ToWgs84 {
  const conv = proj4(
    `+proj=etmerc +lat_0=${lat0} +lon_0=${lon0} +k=${k} +x_0=${x0} +y_0=${y0} +${ellps} +units=m +no_defs`,
    'EPSG:4326',
  );
  return (p) => conv.forward([p[0] ?? 0, p[1] ?? 0]);
}

function offset(from: typeof gcoord.GCJ02 | typeof gcoord.BD09): ToWgs84 {
  return (p) => gcoord.transform([p[0] ?? 0, p[1] ?? 0], from, gcoord.WGS84) as Position;
}

const mercator = proj4('EPSG:3857', 'EPSG:4326');

/** A CRS named by the user or a file: 'EPSG:n', 'wgs84', 'cgcs2000', 'gcj02', 'bd09', 'webmercator'. */
export function crsByName(name: string, reason: string): ResolvedCrs {
  const n = name
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
  if (
    ['wgs84', 'epsg:4326', '4326', 'crs84', 'urn:ogc:def:crs:ogc:1.3:crs84', 'urn:ogc:def:crs:epsg::4326'].includes(n)
  )
    return { detected: { value: 'EPSG:4326', reason }, toWgs84: WGS84 };
  // CGCS2000 and WGS84 agree to a few centimetres (both realise ITRF); GDAL, too, converts with a null shift.
  if (['cgcs2000', 'epsg:4490', '4490', 'urn:ogc:def:crs:epsg::4490'].includes(n))
    return { detected: { value: 'EPSG:4490', reason }, toWgs84: WGS84 };
  if (n === 'gcj02') return { detected: { value: 'gcj02', reason }, toWgs84: offset(gcoord.GCJ02) };
  if (n === 'bd09') return { detected: { value: 'bd09', reason }, toWgs84: offset(gcoord.BD09) };
  if (['webmercator', 'epsg:3857', '3857', 'epsg:900913', 'epsg:102100', 'urn:ogc:def:crs:epsg::3857'].includes(n)) {
    return { detected: { value: 'EPSG:3857', reason }, toWgs84: (p) => mercator.forward([p[0] ?? 0, p[1] ?? 0]) };
  }
  const m = /^(?:urn:ogc:def:crs:)?epsg:+(\d+)$/.exec(n);
  const code = m ? Number(m[1]) : NaN;
  const zone = cgcs2000Zone(code);
  if (zone) return { detected: { value: `EPSG:${code}`, reason }, toWgs84: tmerc(zone.lon0, zone.x0, 'ellps=GRS80') };
  if (m && proj4.defs(`EPSG:${code}`)) {
    const conv = proj4(`EPSG:${code}`, 'EPSG:4326');
    return { detected: { value: `EPSG:${code}`, reason }, toWgs84: (p) => conv.forward([p[0] ?? 0, p[1] ?? 0]) };
  }
  throw malformed(
    'Unknown coordinate system',
    `${name}: give EPSG:4326, EPSG:4490, EPSG:4491–4554, EPSG:3857, gcj02 or bd09`,
    'crs',
  );
}

/** PARAMETER["Central_Meridian",120.0] → 120, case-insensitive. */
function param(wkt: string, name: string): number | undefined {
  const m = new RegExp(`PARAMETER\\s*\\[\\s*"${name}"\\s*,\\s*(-?[\\d.eE+-]+)`, 'i').exec(wkt);
  return m ? Number(m[1]) : undefined;
}

/**
 * A `.prj` (ESRI or OGC WKT). CGCS2000 Gauss-Krüger is recognised from its parameters and given its EPSG code —
 * with the zone number in the false easting (39 500 000 → 3° zone 39) or without it (CM 120E) — other
 * projections go to proj4's WKT parser.
 */
export function crsFromPrj(wkt: string): ResolvedCrs {
  const text = wkt.trim();
  const authority = /AUTHORITY\s*\[\s*"EPSG"\s*,\s*"?(\d+)"?\s*\]\s*\]\s*$/i.exec(text);
  const isCgcs = /China[_ ]?2000|CGCS[_ ]?2000|China[_ ]Geodetic[_ ]Coordinate[_ ]System[_ ]2000/i.test(text);
  if (!/^PROJCS|^PROJCRS/i.test(text)) {
    if (/^GEOGCS|^GEOGCRS/i.test(text)) {
      if (isCgcs) return crsByName('EPSG:4490', '.prj: GEOGCS CGCS2000');
      if (/WGS[_ ]?(19)?84/i.test(text)) return crsByName('EPSG:4326', '.prj: GEOGCS WGS 84');
    }
  }
  const projection = /PROJECTION\s*\[\s*"([^"]+)"/i.exec(text)?.[1] ?? '';
  if (isCgcs && /gauss|transverse/i.test(projection)) {
    const lon0 = param(text, 'Central_Meridian') ?? param(text, 'longitude_of_center');
    const x0 = param(text, 'False_Easting') ?? 0;
    const k = param(text, 'Scale_Factor') ?? 1;
    const lat0 = param(text, 'Latitude_Of_Origin') ?? 0;
    const y0 = param(text, 'False_Northing') ?? 0;
    if (lon0 !== undefined && k === 1 && lat0 === 0 && y0 === 0) {
      const zoneInEasting = Math.floor(x0 / 1e6);
      const three = /3_?Degree|3度/i.test(text) || (zoneInEasting > 0 ? zoneInEasting * 3 === lon0 : lon0 % 6 !== 3);
      const zone = three ? lon0 / 3 : (lon0 + 3) / 6;
      if (Number.isInteger(zone) && (x0 === 5e5 || x0 === zone * 1e6 + 5e5)) {
        const base = three ? (x0 === 5e5 ? 4534 : 4513) - 25 : (x0 === 5e5 ? 4502 : 4491) - 13;
        const code = base + zone;
        const r = crsByName(
          `EPSG:${code}`,
          `.prj: CGCS2000 ${three ? 3 : 6}° Gauss-Krüger, central meridian ${lon0}°E, false easting ${x0}`,
        );
        return r;
      }
    }
    if (lon0 !== undefined) {
      return {
        detected: {
          value: `CGCS2000 tmerc lon0=${lon0} x0=${x0}`,
          reason: '.prj: CGCS2000 transverse Mercator outside the EPSG zones',
        },
        toWgs84: tmerc(lon0, x0, 'ellps=GRS80', k, lat0, y0),
      };
    }
  }
  if (/Mercator_Auxiliary_Sphere|Popular_Visualisation|Web_Mercator|Pseudo-Mercator/i.test(text))
    return crsByName('EPSG:3857', `.prj: ${projection || 'Web Mercator'}`);
  if (authority) {
    try {
      return crsByName(`EPSG:${authority[1]}`, `.prj: AUTHORITY EPSG ${authority[1]}`);
    } catch {
      /* try the WKT parser below */
    }
  }
  try {
    const conv = proj4(text, 'EPSG:4326');
    const name = /^\w+\s*\[\s*"([^"]+)"/.exec(text)?.[1] ?? 'WKT';
    return {
      detected: { value: name, reason: '.prj read by proj4 (WKT)' },
      toWgs84: (p) => conv.forward([p[0] ?? 0, p[1] ?? 0]),
    };
  } catch (err) {
    throw malformed('Unreadable .prj', `${(err as Error).message}; give the CRS as crs=EPSG:n`, 'file.prj');
  }
}

/** Applies a position transform to every position of a geometry. */
export function mapPositions(g: Geometry, f: ToWgs84): Geometry {
  switch (g.type) {
    case 'Point':
      return { type: 'Point', coordinates: f(g.coordinates) };
    case 'MultiPoint':
      return { type: 'MultiPoint', coordinates: g.coordinates.map(f) };
    case 'LineString':
      return { type: 'LineString', coordinates: g.coordinates.map(f) };
    case 'MultiLineString':
      return { type: 'MultiLineString', coordinates: g.coordinates.map((r) => r.map(f)) };
    case 'Polygon':
      return { type: 'Polygon', coordinates: g.coordinates.map((r) => r.map(f)) };
    case 'MultiPolygon':
      return { type: 'MultiPolygon', coordinates: g.coordinates.map((p) => p.map((r) => r.map(f))) };
    case 'GeometryCollection':
      return { type: 'GeometryCollection', geometries: g.geometries.map((x) => mapPositions(x, f)) };
    default: {
      const never: never = g;
      throw malformed('Unknown geometry', JSON.stringify(never).slice(0, 80), 'geometry');
    }
  }
}

export function vertexCount(g: Geometry): number {
  switch (g.type) {
    case 'Point':
      return 1;
    case 'MultiPoint':
    case 'LineString':
      return g.coordinates.length;
    case 'MultiLineString':
    case 'Polygon':
      return g.coordinates.reduce((s, r) => s + r.length, 0);
    case 'MultiPolygon':
      return g.coordinates.reduce((s, p) => s + p.reduce((t, r) => t + r.length, 0), 0);
    case 'GeometryCollection':
      return g.geometries.reduce((s, x) => s + vertexCount(x), 0);
    default:
      return 0;
  }
}
