import type { Geometry, Position } from 'geojson';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { cellText, type ExportColumn, type HeaderLanguage } from './columns.js';
import { NotEncodable, type ShapeRow } from './shapefile.js';

/**
 * A layer as a table, the way a 台账 holds it: the template's columns, then the position as 经度/纬度 (lon/lat) for
 * points, or as WKT (GDAL's CSV convention, which the import also reads) for lines and polygons.
 */
const pos = (p: Position) => `${p[0]} ${p[1]}`;
const ring = (r: readonly Position[]) => `(${r.map(pos).join(', ')})`;
const poly = (p: readonly Position[][]) => `(${p.map(ring).join(', ')})`;

export function toWkt(g: Geometry): string {
  switch (g.type) {
    case 'Point':
      return `POINT (${pos(g.coordinates)})`;
    case 'MultiPoint':
      return `MULTIPOINT (${g.coordinates.map((p) => `(${pos(p)})`).join(', ')})`;
    case 'LineString':
      return `LINESTRING ${ring(g.coordinates)}`;
    case 'MultiLineString':
      return `MULTILINESTRING (${g.coordinates.map(ring).join(', ')})`;
    case 'Polygon':
      return `POLYGON ${poly(g.coordinates)}`;
    case 'MultiPolygon':
      return `MULTIPOLYGON (${g.coordinates.map(poly).join(', ')})`;
    default:
      return 'GEOMETRYCOLLECTION EMPTY';
  }
}

interface Table {
  header: string[];
  rows: (string | number | boolean | null)[][];
}

function tableOf(rows: readonly ShapeRow[], columns: readonly ExportColumn[], lang: HeaderLanguage): Table {
  const points = rows.every((r) => r.geometry.type === 'Point');
  const header = [
    ...columns.map((c) => c.header),
    ...(points ? (lang === 'zh' ? ['经度', '纬度'] : ['lon', 'lat']) : ['WKT']),
  ];
  const out = rows.map((r) => {
    const cells: (string | number | boolean | null)[] = columns.map((c) => {
      const v = r.properties[c.name];
      if (v === null || v === undefined) return null;
      if (c.words) return cellText(c, v);
      // Codes stay text (20-digit GB/T 28181 codes, leading zeros); numbers stay numbers.
      if (typeof v === 'number' && (c.type === 'integer' || c.type === 'number')) return v;
      return typeof v === 'boolean' ? v : String(v);
    });
    if (points && r.geometry.type === 'Point')
      cells.push(r.geometry.coordinates[0] ?? null, r.geometry.coordinates[1] ?? null);
    else cells.push(toWkt(r.geometry));
    return cells;
  });
  return { header, rows: out };
}

const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** CSV with CRLF line ends: UTF-8 with a BOM (Excel then reads it as UTF-8), or GBK for Excel on Chinese Windows. */
export function writeCsv(
  rows: readonly ShapeRow[],
  columns: readonly ExportColumn[],
  lang: HeaderLanguage,
  encoding: 'utf-8' | 'gbk',
): Uint8Array {
  const t = tableOf(rows, columns, lang);
  const lines = [t.header.map(quote).join(',')];
  t.rows.forEach((r) => {
    lines.push(r.map((v) => quote(v === null ? '' : String(v))).join(','));
  });
  const text = `${lines.join('\r\n')}\r\n`;
  if (encoding === 'utf-8') return new TextEncoder().encode(`\ufeff${text}`);
  const b = iconv.encode(text, 'gbk');
  if (iconv.decode(b, 'gbk') !== text) {
    const bad = t.rows.findIndex((r) =>
      r.some((v) => typeof v === 'string' && iconv.decode(iconv.encode(v, 'gbk'), 'gbk') !== v),
    );
    const col =
      t.rows[bad]?.findIndex((v) => typeof v === 'string' && iconv.decode(iconv.encode(v, 'gbk'), 'gbk') !== v) ?? -1;
    throw new NotEncodable(bad + 1, t.header[col] ?? '?');
  }
  return new Uint8Array(b);
}

/** An .xlsx ledger: a title row (as real 台账 start), then the header, then one row per feature. */
export async function writeXlsx(
  rows: readonly ShapeRow[],
  columns: readonly ExportColumn[],
  lang: HeaderLanguage,
  title: string,
): Promise<Uint8Array> {
  const t = tableOf(rows, columns, lang);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(title.slice(0, 31).replace(/[\\/?*[\]:]/g, '_'));
  ws.addRow([title]);
  ws.mergeCells(1, 1, 1, Math.max(1, t.header.length));
  ws.addRow(t.header).font = { bold: true };
  for (const r of t.rows) ws.addRow(r);
  // exceljs hands back its own Buffer alias; the bytes are what the answer sends.
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}
