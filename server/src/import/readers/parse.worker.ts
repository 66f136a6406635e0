import { parentPort, workerData } from 'node:worker_threads';
import { AppError } from '../../errors.js';
import { type DateOrder, inferDateOrder } from '../dates.js';
import { readSource } from './index.js';
import type { ReadOptions, RowAsRead, SourceFormat } from './source.js';
import type { FromReader, ToReader } from './parse-in-worker.js';

/**
 * Reads one file and hands its rows to the main thread a chunk at a time, each only when asked for ("more"), so
 * a 2,000,000-row CSV never sits in either thread whole. On request it first scans the file once for the row count
 * and for a date value that settles day/month order (the rows are read again for the chunks).
 */
const { bytes, opts, format, chunkRows } = workerData as {
  bytes: Uint8Array;
  opts: ReadOptions;
  format?: SourceFormat;
  chunkRows: number;
  entry: string;
};
// The worker is only ever started by streamInWorker, which always has a parent port.
const port = parentPort as NonNullable<typeof parentPort>;
const inbox: ToReader[] = [];
let waiting: ((m: ToReader) => void) | undefined;
port.on('message', (m: ToReader) => {
  if (waiting) {
    const w = waiting;
    waiting = undefined;
    w(m);
  } else inbox.push(m);
});
const next = (): Promise<ToReader> => {
  const m = inbox.shift();
  return m ? Promise.resolve(m) : new Promise((resolve) => (waiting = resolve));
};
const send = (m: FromReader) => port.postMessage(m);

async function main(): Promise<void> {
  const s = await readSource({ bytes }, opts, format);
  send({
    type: 'head',
    head: {
      format: s.format,
      encoding: s.encoding,
      crs: s.crs,
      columns: s.columns,
      geometryTypes: s.geometryTypes,
      rowCount: s.rowCount,
      leftOut: s.leftOut,
    },
  });
  let ask = await next();
  if (ask.type === 'scan') {
    let rowCount = 0;
    let dateOrder: DateOrder | null | undefined = ask.dateColumns.length ? undefined : null;
    for await (const r of s.rows()) {
      rowCount++;
      if (dateOrder !== undefined) continue;
      for (const c of ask.dateColumns) {
        const v = r.properties[c];
        if (typeof v === 'string' && v !== '') dateOrder = inferDateOrder([v]) ?? dateOrder;
      }
    }
    send({ type: 'scanned', rowCount, dateOrder: dateOrder ?? null });
    ask = await next();
  }
  let chunk: RowAsRead[] = [];
  for await (const r of s.rows()) {
    chunk.push(r);
    if (chunk.length < chunkRows) continue;
    send({ type: 'rows', rows: chunk });
    chunk = [];
    ask = await next();
    if (ask.type === 'stop') return;
  }
  send({ type: 'end', rows: chunk, rowCount: s.rowCount, leftOut: s.leftOut });
}

try {
  await main();
} catch (err) {
  send(
    err instanceof AppError
      ? { type: 'error', status: err.status, message: err.message, errors: err.errors }
      : {
          type: 'error',
          status: 422,
          message: 'The file could not be read',
          errors: [{ path: 'file', message: (err as Error).message.slice(0, 300) }],
        },
  );
}
