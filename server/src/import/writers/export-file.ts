import type { ExportFormat } from '../../contract/export.js';
import type { LayerName } from '../../contract/layers.js';
import type { ExportColumn, HeaderLanguage } from './columns.js';
import { writeGeoJson, writeKml } from './geo.js';
import { type DbfEncoding, NotEncodable, type ShapeRow, truncatedColumns, writeShapefileZip } from './shapefile.js';
import { writeCsv, writeXlsx } from './table.js';

/** A layer's rows to be written as one file: plain data, so that it runs in the worker pool. */
export interface ExportFileTask {
  layer: LayerName;
  format: ExportFormat;
  rows: ShapeRow[];
  columns: ExportColumn[];
  lang: HeaderLanguage;
  encoding: DbfEncoding;
  title: string;
}

/** The file, or why the format cannot hold the rows (said as data: a thrown error's class does not cross threads). */
export type ExportFileResult =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: 'not-encodable'; row: number; column: string }
  | { ok: false; reason: 'dbf-text-too-long'; columns: string[] };

export async function writeExportFile(t: ExportFileTask): Promise<ExportFileResult> {
  try {
    switch (t.format) {
      case 'geojson':
        return { ok: true, bytes: writeGeoJson(t.rows, t.columns) };
      case 'kml':
      case 'kmz':
        return { ok: true, bytes: writeKml(t.rows, t.columns, t.title, t.format === 'kmz') };
      case 'csv':
        return { ok: true, bytes: writeCsv(t.rows, t.columns, t.lang, t.encoding) };
      case 'xlsx':
        return { ok: true, bytes: await writeXlsx(t.rows, t.columns, t.lang, t.title) };
      case 'shapefile': {
        const long = truncatedColumns(t.rows, t.columns);
        if (long.length) return { ok: false, reason: 'dbf-text-too-long', columns: long };
        return { ok: true, bytes: writeShapefileZip(t.layer, t.rows, t.columns, t.encoding) };
      }
    }
  } catch (err) {
    if (err instanceof NotEncodable) return { ok: false, reason: 'not-encodable', row: err.row, column: err.column };
    throw err;
  }
}
