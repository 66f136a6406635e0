import type { Geometry, Position } from 'geojson';
import { zipSync } from 'fflate';
import iconv from 'iconv-lite';
import type { ExportColumn } from './columns.js';

/**
 * A zipped Shapefile (ESRI white paper, 1998) of rows in WGS84: one .shp/.shx/.dbf/.prj/.cpg per geometry family
 * (a layer holding points and polygons gives two), DBF text in UTF-8 or GBK as the .cpg says, field names cut to 10
 * characters (the importer maps the cuts back) with `<stem>.fields.csv` listing each cut and its column.
 */
export interface ShapeRow {
  geometry: Geometry;
  properties: Record<string, unknown>;
}

export type DbfEncoding = 'utf-8' | 'gbk';

/** A value the chosen encoding cannot hold (GBK lacks some characters): the export names it instead of writing '?'. */
export class NotEncodable extends Error {
  constructor(
    readonly row: number,
    readonly column: string,
  ) {
    super(`row ${row}, ${column}: a character GBK does not have`);
  }
}

const WGS84_PRJ =
  'GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]';

type Family = 'point' | 'line' | 'polygon';
const SHAPE_TYPE: Record<Family, number> = { point: 1, line: 3, polygon: 5 };

function familyOf(g: Geometry): Family {
  if (g.type === 'Point' || g.type === 'MultiPoint') return 'point';
  if (g.type === 'LineString' || g.type === 'MultiLineString') return 'line';
  return 'polygon';
}

/** Twice the signed area (shoelace): > 0 counter-clockwise. */
function signedArea2(ring: readonly Position[]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi = 0, yi = 0] = ring[i] ?? [];
    const [xj = 0, yj = 0] = ring[j] ?? [];
    s += (xj - xi) * (yj + yi);
  }
  return s;
}

/** Parts of a shape: polygons' outer rings clockwise and holes counter-clockwise, as the format requires. */
function partsOf(g: Geometry): Position[][] {
  const orient = (ring: Position[], clockwise: boolean) =>
    signedArea2(ring) < 0 === clockwise ? ring : [...ring].reverse();
  switch (g.type) {
    case 'Point':
      return [[g.coordinates]];
    case 'MultiPoint':
      return [g.coordinates];
    case 'LineString':
      return [g.coordinates];
    case 'MultiLineString':
      return g.coordinates;
    case 'Polygon':
      return g.coordinates.map((r, i) => orient(r, i === 0));
    case 'MultiPolygon':
      return g.coordinates.flatMap((p) => p.map((r, i) => orient(r, i === 0)));
    default:
      return [];
  }
}

function shapeRecord(g: Geometry, family: Family): Uint8Array {
  const parts = partsOf(g);
  if (family === 'point' && g.type === 'Point') {
    const b = new DataView(new ArrayBuffer(20));
    b.setInt32(0, 1, true);
    b.setFloat64(4, g.coordinates[0] ?? 0, true);
    b.setFloat64(12, g.coordinates[1] ?? 0, true);
    return new Uint8Array(b.buffer);
  }
  const points = parts.flat();
  const multipoint = family === 'point';
  const head = multipoint ? 40 : 44 + 4 * parts.length;
  const b = new DataView(new ArrayBuffer(head + 16 * points.length));
  b.setInt32(0, multipoint ? 8 : SHAPE_TYPE[family], true);
  const box = bboxOf(points);
  box.forEach((v, i) => {
    b.setFloat64(4 + 8 * i, v, true);
  });
  if (multipoint) b.setInt32(36, points.length, true);
  else {
    b.setInt32(36, parts.length, true);
    b.setInt32(40, points.length, true);
    let start = 0;
    parts.forEach((p, i) => {
      b.setInt32(44 + 4 * i, start, true);
      start += p.length;
    });
  }
  points.forEach((p, i) => {
    b.setFloat64(head + 16 * i, p[0] ?? 0, true);
    b.setFloat64(head + 16 * i + 8, p[1] ?? 0, true);
  });
  return new Uint8Array(b.buffer);
}

function bboxOf(points: readonly Position[]): [number, number, number, number] {
  if (points.length === 0) return [0, 0, 0, 0];
  let x0 = Infinity,
    y0 = Infinity,
    x1 = -Infinity,
    y1 = -Infinity;
  for (const [x = 0, y = 0] of points) {
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return [x0, y0, x1, y1];
}

function fileHeader(shapeType: number, lengthBytes: number, box: readonly number[]): Uint8Array {
  const h = new DataView(new ArrayBuffer(100));
  h.setInt32(0, 9994, false);
  h.setInt32(24, lengthBytes / 2, false);
  h.setInt32(28, 1000, true);
  h.setInt32(32, shapeType, true);
  box.forEach((v, i) => {
    h.setFloat64(36 + 8 * i, v, true);
  });
  return new Uint8Array(h.buffer);
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

function shpAndShx(geoms: readonly Geometry[], family: Family): { shp: Uint8Array; shx: Uint8Array } {
  const records = geoms.map((g) => shapeRecord(g, family));
  const isMulti = family === 'point' && geoms.some((g) => g.type === 'MultiPoint');
  const type = isMulti ? 8 : SHAPE_TYPE[family];
  const box = bboxOf(geoms.flatMap((g) => partsOf(g).flat()));
  const shpLen = 100 + records.reduce((s, r) => s + 8 + r.length, 0);
  const shx = new DataView(new ArrayBuffer(8 * records.length));
  const chunks: Uint8Array[] = [fileHeader(type, shpLen, [...box, 0, 0, 0, 0])];
  let offset = 100;
  records.forEach((r, i) => {
    const rh = new DataView(new ArrayBuffer(8));
    rh.setInt32(0, i + 1, false);
    rh.setInt32(4, r.length / 2, false);
    chunks.push(new Uint8Array(rh.buffer), r);
    shx.setInt32(8 * i, offset / 2, false);
    shx.setInt32(8 * i + 4, r.length / 2, false);
    offset += 8 + r.length;
  });
  return {
    shp: concat(chunks),
    shx: concat([fileHeader(type, 100 + 8 * records.length, [...box, 0, 0, 0, 0]), new Uint8Array(shx.buffer)]),
  };
}

/** Field names cut to 10 characters, unique (a clash gets a digit: `district_1`). */
function dbfNames(columns: readonly ExportColumn[]): string[] {
  const taken = new Set<string>();
  return columns.map((c) => {
    let n = c.name.slice(0, 10);
    for (let k = 1; taken.has(n.toLowerCase()); k++) n = `${c.name.slice(0, 10 - String(k).length)}${k}`;
    taken.add(n.toLowerCase());
    return n;
  });
}

interface DbfField {
  name: string;
  type: 'C' | 'N' | 'L' | 'D';
  length: number;
  decimals: number;
}

/** A number as DBF text: integers as they are, others with up to 15 significant digits and no exponent. */
function numberText(v: number, decimals: number): string {
  if (decimals === 0) return String(Math.round(v));
  return v.toFixed(decimals).replace(/0+$/, '').replace(/\.$/, '');
}

function dbf(rows: readonly ShapeRow[], columns: readonly ExportColumn[], encoding: DbfEncoding): Uint8Array {
  const encode = (s: string, row: number, col: string): Uint8Array => {
    if (encoding === 'utf-8') return new TextEncoder().encode(s);
    const b = iconv.encode(s, 'gbk');
    if (iconv.decode(b, 'gbk') !== s) throw new NotEncodable(row, col);
    return new Uint8Array(b);
  };
  const names = dbfNames(columns);
  const cells: (Uint8Array | null)[][] = rows.map((r, i) =>
    columns.map((c) => {
      const v = r.properties[c.name];
      if (v === null || v === undefined || v === '') return null;
      if (c.type === 'integer' || c.type === 'number') return null; // written below, with the column's width
      if (c.type === 'boolean') return new Uint8Array([v === true ? 0x54 : 0x46]);
      if (c.type === 'date') return new TextEncoder().encode(String(v).replace(/-/g, '').slice(0, 8));
      return encode(String(v), i + 1, c.name);
    }),
  );
  const fields: DbfField[] = columns.map((c, k) => {
    const name = names[k] ?? c.name;
    // 18 digits: GDAL reads N(18,0) as Integer64 (19 and up as Real).
    if (c.type === 'integer') return { name, type: 'N', length: 18, decimals: 0 };
    if (c.type === 'number') return { name, type: 'N', length: 24, decimals: 15 };
    if (c.type === 'boolean') return { name, type: 'L', length: 1, decimals: 0 };
    if (c.type === 'date') return { name, type: 'D', length: 8, decimals: 0 };
    const longest = cells.reduce((m, row) => Math.max(m, row[k]?.length ?? 0), 1);
    return { name, type: 'C', length: Math.min(254, longest), decimals: 0 };
  });
  const headerBytes = 32 + 32 * fields.length + 1;
  const recordBytes = 1 + fields.reduce((s, f) => s + f.length, 0);
  const out = new Uint8Array(headerBytes + recordBytes * rows.length + 1);
  const v = new DataView(out.buffer);
  const now = new Date();
  out[0] = 0x03;
  out[1] = now.getUTCFullYear() - 1900;
  out[2] = now.getUTCMonth() + 1;
  out[3] = now.getUTCDate();
  v.setUint32(4, rows.length, true);
  v.setUint16(8, headerBytes, true);
  v.setUint16(10, recordBytes, true);
  // Language driver 0x4D (GBK) for GBK; for UTF-8 the .cpg says it (no driver byte names UTF-8).
  out[29] = encoding === 'gbk' ? 0x4d : 0;
  fields.forEach((f, k) => {
    const p = 32 + 32 * k;
    out.set(new TextEncoder().encode(f.name), p);
    out[p + 11] = f.type.charCodeAt(0);
    out[p + 16] = f.length;
    out[p + 17] = f.decimals;
  });
  out[headerBytes - 1] = 0x0d;
  rows.forEach((r, i) => {
    let p = headerBytes + recordBytes * i;
    out.fill(0x20, p, p + recordBytes);
    p++;
    columns.forEach((c, k) => {
      const f = fields[k] as DbfField;
      const raw = r.properties[c.name];
      let bytes = cells[i]?.[k] ?? null;
      if (f.type === 'N' && typeof raw === 'number')
        bytes = new TextEncoder().encode(numberText(raw, f.decimals).padStart(f.length, ' ').slice(-f.length));
      if (f.type === 'L' && bytes === null) bytes = new Uint8Array([0x3f]);
      if (bytes) out.set(bytes.subarray(0, f.length), p);
      p += f.length;
    });
  });
  out[out.length - 1] = 0x1a;
  return out;
}

/** Text cut to 254 bytes in a DBF: the columns it happened to, so the export can say so. */
export function truncatedColumns(rows: readonly ShapeRow[], columns: readonly ExportColumn[]): string[] {
  return columns
    .filter((c) => c.type === 'text' || c.type === 'enum' || c.type === 'datetime')
    .filter((c) => rows.some((r) => new TextEncoder().encode(String(r.properties[c.name] ?? '')).length > 254))
    .map((c) => c.name);
}

export function writeShapefileZip(
  stem: string,
  rows: readonly ShapeRow[],
  columns: readonly ExportColumn[],
  encoding: DbfEncoding,
): Uint8Array {
  const byFamily = new Map<Family, ShapeRow[]>();
  for (const r of rows) {
    const f = familyOf(r.geometry);
    const list = byFamily.get(f) ?? [];
    list.push(r);
    byFamily.set(f, list);
  }
  if (byFamily.size === 0) byFamily.set('point', []);
  const files: Record<string, Uint8Array> = {};
  const names = dbfNames(columns);
  const mapping = `dbf_field,column\n${columns.map((c, k) => `${names[k]},${c.name}`).join('\n')}\n`;
  for (const [family, list] of byFamily) {
    const s = byFamily.size > 1 ? `${stem}_${family}` : stem;
    const { shp, shx } = shpAndShx(
      list.map((r) => r.geometry),
      family,
    );
    files[`${s}.shp`] = shp;
    files[`${s}.shx`] = shx;
    files[`${s}.dbf`] = dbf(list, columns, encoding);
    files[`${s}.prj`] = new TextEncoder().encode(WGS84_PRJ);
    files[`${s}.cpg`] = new TextEncoder().encode(encoding === 'utf-8' ? 'UTF-8' : 'GBK');
    files[`${s}.fields.csv`] = new TextEncoder().encode(mapping);
  }
  return zipSync(files);
}
