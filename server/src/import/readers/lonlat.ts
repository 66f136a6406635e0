import type { Geometry } from 'geojson';
import type { ToWgs84 } from './crs.js';
import type { CellValue } from './source.js';
import { mapPositions } from './crs.js';
import { parseWkt } from './wkt.js';

const LON = ['经度', 'lon', 'lng', 'long', 'longitude', 'x', 'gps经度', 'x坐标', '东经'];
const LAT = ['纬度', 'lat', 'latitude', 'y', 'gps纬度', 'y坐标', '北纬'];
const norm = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s_()（）-]+/g, '');

/** The coordinate columns by name (given ones win); undefined when the file has none. */
export function findLonLat(
  header: readonly string[],
  lon?: string,
  lat?: string,
): { lon: string; lat: string } | undefined {
  const pick = (given: string | undefined, names: string[]) => given ?? header.find((h) => names.includes(norm(h)));
  const lo = pick(lon, LON),
    la = pick(lat, LAT);
  return lo && la ? { lon: lo, lat: la } : undefined;
}

export function pointOf(
  props: Record<string, CellValue>,
  cols: GeometryColumns | undefined,
  toWgs84: ToWgs84 | null,
): Geometry | null {
  if (!cols) return null;
  if ('wkt' in cols) {
    const t = props[cols.wkt];
    const g = typeof t === 'string' ? parseWkt(t) : null;
    return g && toWgs84 ? mapPositions(g, toWgs84) : g;
  }
  const num = (v: CellValue) =>
    typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  const x = num(props[cols.lon] ?? null),
    y = num(props[cols.lat] ?? null);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
  return { type: 'Point', coordinates: toWgs84 ? toWgs84([x, y]) : [x, y] };
}

export type GeometryColumns = { lon: string; lat: string } | { wkt: string };

const WKT = ['wkt', 'geometry', 'geom', 'the_geom', '几何', '空间信息'];

/** The lon/lat columns, else a WKT column (GDAL's CSV convention: `WKT`). */
export function findGeometryColumns(
  header: readonly string[],
  lon?: string,
  lat?: string,
): GeometryColumns | undefined {
  const ll = findLonLat(header, lon, lat);
  if (ll) return ll;
  const wkt = header.find((h) => WKT.includes(norm(h)));
  return wkt ? { wkt } : undefined;
}
