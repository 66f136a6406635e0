import type { Db } from '../db/client.js';
import type { ExportFormat } from '../contract/export.js';
import type { LayerName } from '../contract/layers.js';
import { exportRows } from '../db/repos/export.repo.js';
import { UnprocessableError } from '../errors.js';
import { LAYER_SPECS } from '../import/layer-specs.js';
import { exportColumns, type HeaderLanguage } from '../import/writers/columns.js';
import type { TaskRunner } from '../jobs/runner.js';

export interface ExportOptions {
  format: ExportFormat;
  bbox?: [number, number, number, number];
  headers?: HeaderLanguage;
  encoding?: 'utf-8' | 'gbk';
}

export interface ExportFile {
  bytes: Uint8Array;
  contentType: string;
  fileName: string;
  rows: number;
}

const CONTENT_TYPE: Record<ExportFormat, string> = {
  geojson: 'application/geo+json',
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  shapefile: 'application/zip',
  kml: 'application/vnd.google-earth.kml+xml',
  kmz: 'application/vnd.google-earth.kmz',
};
const EXTENSION: Record<ExportFormat, string> = {
  geojson: 'geojson',
  csv: 'csv',
  xlsx: 'xlsx',
  shapefile: 'zip',
  kml: 'kml',
  kmz: 'kmz',
};

/**
 * A layer as a file the import reads back to the same rows: the import template's columns (beats with their
 * station's code), WGS84. Text GBK cannot hold is refused naming the row and column (export.not_encodable), never
 * written as '?'; DBF text over 254 bytes is refused too (export.dbf_text_too_long), as the format cannot hold it.
 */
export async function exportLayer(db: Db, layer: LayerName, o: ExportOptions, run: TaskRunner): Promise<ExportFile> {
  // A read of what is stored, like the map's: served by a replica when there are some.
  const rows = await exportRows(db.reader, layer, o.bbox);
  const lang = o.headers ?? 'zh';
  const encoding = o.encoding ?? 'utf-8';
  const spec = LAYER_SPECS[layer];
  const title = `${spec.label.zh}台账`;
  const fileName = `${layer}.${EXTENSION[o.format]}`;
  const columns = exportColumns(layer, o.format === 'csv' || o.format === 'xlsx' ? lang : 'en');
  // Writing the file (a city's cameras as xlsx or a Shapefile: seconds) runs in the worker pool, off the HTTP thread.
  const out = await run({ kind: 'export-file', layer, format: o.format, rows, columns, lang, encoding, title });
  if (!out.ok && out.reason === 'not-encodable')
    throw new UnprocessableError(
      'Text GBK cannot hold',
      [{ path: `row ${out.row}: ${out.column}`, message: 'a character GBK does not have: export in UTF-8' }],
      { code: 'export.not_encodable' },
    );
  if (!out.ok)
    throw new UnprocessableError(
      'Text too long for a Shapefile',
      out.columns.map((c) => ({ path: c, message: 'values over 254 bytes: the DBF cannot hold them; export GeoJSON' })),
      { code: 'export.dbf_text_too_long' },
    );
  const bytes = out.bytes;
  const charset = o.format === 'csv' ? `; charset=${encoding === 'gbk' ? 'gbk' : 'utf-8'}` : '';
  return { bytes, contentType: CONTENT_TYPE[o.format] + charset, fileName, rows: rows.length };
}
