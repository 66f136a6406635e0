import type { z } from 'zod';
// Types only from the server's contract (nothing of the server is bundled).
import type { ExportFormat } from '../../../server/src/contract/export.js';
import type { importReport, inspectAnswer, layerSpecsAnswer, undoReport } from '../../../server/src/contract/import.js';
import { ApiError } from './client.js';
import { problemText, type ProblemBody } from './problem-text.js';

export type ImportReport = z.infer<typeof importReport>;
export type Inspection = z.infer<typeof inspectAnswer>;
export type LayerSpec = z.infer<typeof layerSpecsAnswer>['layers'][number];
export type UndoReport = z.infer<typeof undoReport>;
export type UploadFormat = 'geojson' | 'csv' | 'xlsx' | 'shapefile' | 'kml' | 'kmz';

/** An import refusal: the worded code, and the server's `errors` (`row 5: properties.x`) for the row/column list. */
export class ImportError extends ApiError {
  constructor(
    status: number,
    message: string,
    code: string | undefined,
    readonly errors: { path: string; message: string }[],
  ) {
    super(status, message, code);
  }
}

async function refusal(res: Response): Promise<ImportError> {
  const text = await res.text();
  try {
    const p = JSON.parse(text) as ProblemBody;
    // The code's wording alone: the rows and columns are listed one by one by the wizard.
    return new ImportError(res.status, problemText({ ...p, errors: [] }, res.status), p.code, p.errors ?? []);
  } catch {
    return new ImportError(res.status, `${res.status} ${text.slice(0, 200)}`, undefined, []);
  }
}

/** The upload format from the file's name (a zip is a zipped Shapefile); undefined when the wizard does not take it. */
export function formatOfFile(name: string): UploadFormat | undefined {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  const byExt: Record<string, UploadFormat> = {
    csv: 'csv',
    tsv: 'csv',
    txt: 'csv',
    xlsx: 'xlsx',
    zip: 'shapefile',
    kml: 'kml',
    kmz: 'kmz',
    geojson: 'geojson',
    json: 'geojson',
  };
  return byExt[ext];
}

/** What the wizard sends with a file: its layer, CRS, hand mapping (`map`) and constant values (`set`). */
export interface UploadOptions {
  name: string;
  format: UploadFormat;
  layer: string;
  crs: string;
  map: Record<string, string>;
  set: Record<string, string>;
}

/** The query of an upload (repeated `map=` and `set=` pairs), shared by inspect, dry run and import. */
export function uploadQuery(o: UploadOptions, extra: Record<string, string> = {}): URLSearchParams {
  const q = new URLSearchParams({ format: o.format, layer: o.layer, crs: o.crs, name: o.name, ...extra });
  for (const [k, v] of Object.entries(o.map)) q.append('map', `${k}=${v}`);
  for (const [k, v] of Object.entries(o.set)) q.append('set', `${k}=${v}`);
  return q;
}

async function post<T>(path: string, body: Uint8Array): Promise<T> {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: body as BodyInit,
  });
  if (!res.ok) throw await refusal(res);
  return (await res.json()) as T;
}

/** POST /import/inspect: what was detected and why, the columns, the mapping onto the layer, the first rows. */
export const inspectUpload = (bytes: Uint8Array, o: UploadOptions) =>
  post<Inspection>(`/api/v1/import/inspect?${uploadQuery(o, { preview: '200' })}`, bytes);

/** POST /import: a dry run (nothing kept) or the import; refused rows are left out and listed in the report. */
export const sendImport = (bytes: Uint8Array, o: UploadOptions, dryRun: boolean) =>
  post<ImportReport>(`/api/v1/import?${uploadQuery(o, { dry_run: String(dryRun), skip_invalid: 'true' })}`, bytes);

export async function importLayers(): Promise<LayerSpec[]> {
  const res = await fetch('/api/v1/import/layers');
  if (!res.ok) throw await refusal(res);
  return ((await res.json()) as z.infer<typeof layerSpecsAnswer>).layers;
}

/** DELETE /import/batches/{id}: puts back what the batch wrote. */
export async function undoBatch(id: number): Promise<UndoReport> {
  const res = await fetch(`/api/v1/import/batches/${id}`, { method: 'DELETE' });
  if (!res.ok) throw await refusal(res);
  return (await res.json()) as UndoReport;
}

/** GET /{layer}/export: the file, its name (Content-Disposition) and the row count the server wrote. */
export async function exportLayerFile(
  layer: string,
  format: ExportFormat,
  opts: { encoding?: 'utf-8' | 'gbk'; bbox?: readonly number[] },
): Promise<{ blob: Blob; name: string; rows: number }> {
  const q = new URLSearchParams({ format, encoding: opts.encoding ?? 'utf-8' });
  if (opts.bbox) q.set('bbox', opts.bbox.map((x) => x.toFixed(6)).join(','));
  const res = await fetch(`/api/v1/${layer}/export?${q}`);
  if (!res.ok) throw await refusal(res);
  const disposition = res.headers.get('content-disposition') ?? '';
  const name =
    /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1] ?? /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? layer;
  return { blob: await res.blob(), name: decodeURIComponent(name), rows: Number(res.headers.get('x-row-count') ?? 0) };
}
