import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../errors.js';
import { readSource } from './index.js';
import type { ReadOptions, RowAsRead, SourceFormat } from './source.js';
import type { ParsedInWorker, WorkerAnswer } from './parse-in-worker.js';

/** Parses one file and posts every row back (uploads are at most 50 MB, so rows fit in a message). */
async function main(): Promise<WorkerAnswer> {
  const { bytes, opts, format } = workerData as {
    bytes: Uint8Array;
    opts: ReadOptions;
    format?: SourceFormat;
    entry: string;
  };
  try {
    const s = await readSource({ bytes }, opts, format);
    const rows: RowAsRead[] = [];
    for await (const r of s.rows()) rows.push(r);
    const parsed: ParsedInWorker = {
      format: s.format,
      encoding: s.encoding,
      crs: s.crs,
      columns: s.columns,
      geometryTypes: s.geometryTypes,
      rowCount: s.rowCount,
      leftOut: s.leftOut,
      rows,
    };
    return { ok: true, parsed };
  } catch (err) {
    if (err instanceof AppError) return { ok: false, status: err.status, message: err.message, errors: err.errors };
    return {
      ok: false,
      status: 422,
      message: 'The file could not be read',
      errors: [{ path: 'file', message: (err as Error).message.slice(0, 300) }],
    };
  }
}

parentPort?.postMessage(await main());
