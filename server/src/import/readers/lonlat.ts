import type { Geometry } from 'geojson';
import type { ToWgs84 } from './crs.js';
import type { CellValue } from './source.js';

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
  cols: { lon: string; lat: string } | undefined,
  toWgs84: ToWgs84 | null,
): Geometry | null {
  if (!cols) return null;
  const num = (v: CellValue) =>
    typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  const x = num(props[cols.lon] ?? null),
    y = num(props[cols.lat] ?? null);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return null;
  return { type: 'Point', coordinates: toWgs84 ? toWgs84([x, y]) : [x, y] };
}
