import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { parse as parseSync } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { ColumnProfiler } from './columns.js';
import { crsByName } from './crs.js';
import { detectTextEncoding } from './dbf.js';
import { checkColumnCount, malformed } from './limits.js';
import { findGeometryColumns, pointOf } from './lonlat.js';
import type { CellValue, Detected, ReadInput, ReadLimits, ReadOptions, RowAsRead, SourceRead } from './source.js';

/** Bytes read up front to detect the encoding and delimiter and to profile the columns. */
const SAMPLE_BYTES = 1 << 20;
/** A row longer than this is not a row (csv-parse stops instead of buffering without end). */
const MAX_RECORD_BYTES = 8 << 20;

async function head(input: ReadInput): Promise<Uint8Array> {
  if ('bytes' in input) return input.bytes.subarray(0, SAMPLE_BYTES);
  const fh = await open(input.path, 'r');
  try {
    const buf = new Uint8Array(SAMPLE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SAMPLE_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function detectEncoding(sample: Uint8Array, given?: string): Detected<string> {
  if (given) return { value: given, reason: 'given' };
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf)
    return { value: 'utf-8', reason: 'UTF-8 byte-order mark' };
  if ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff))
    return { value: sample[0] === 0xff ? 'utf-16le' : 'utf-16be', reason: 'UTF-16 byte-order mark' };
  // A sample may end inside a multi-byte character: judge it without its last 3 bytes.
  const cut = sample.length === SAMPLE_BYTES ? sample.subarray(0, sample.length - 3) : sample;
  return detectTextEncoding(cut, 'CSV');
}

/** The delimiter that splits the first lines into the same, largest number of fields. */
function detectDelimiter(firstLines: string[]): Detected<string> {
  const names: Record<string, string> = { ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': 'bar' };
  let best = { d: ',', score: 0 };
  for (const d of Object.keys(names)) {
    const counts = firstLines.map((l) => l.split(d).length - 1);
    const first = counts[0] ?? 0;
    const steady = counts.every((c) => c === first);
    const score = first * (steady ? 2 : 1);
    if (score > best.score) best = { d, score };
  }
  return {
    value: best.d,
    reason: `${names[best.d]}: splits the header into ${firstLines[0]?.split(best.d).length ?? 1} columns`,
  };
}

function decodeSample(sample: Uint8Array, enc: string): string {
  const text = enc === 'utf-8' ? new TextDecoder().decode(sample) : iconv.decode(Buffer.from(sample), enc);
  return text.replace(/^\uFEFF/, '');
}

/**
 * Fields of the header line counted on the raw bytes (delimiters are ASCII, and no GBK or UTF-8 multi-byte sequence
 * contains an ASCII byte), without decoding a header that may be megabytes long. Quotes are honoured.
 */
function headerFields(b: Uint8Array, delimiter: string): number {
  const d = delimiter.charCodeAt(0);
  let n = 1,
    quoted = false;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x22) quoted = !quoted;
    else if (!quoted && c === d) n++;
    else if (!quoted && c === 0x0a) break;
  }
  return n;
}

export async function readCsvSource(input: ReadInput, opts: ReadOptions, limits: ReadLimits): Promise<SourceRead> {
  const sample = await head(input);
  const encoding = detectEncoding(sample, opts.encoding);
  const text = decodeSample(sample, encoding.value);
  const nl = text.indexOf('\n');
  const headerLine = nl < 0 ? text : text.slice(0, nl);
  // The column limit is checked on the raw header before any parser sees it (a million columns is 7 MB of header).
  const rough = Math.max(...[',', '\t', ';'].map((d) => headerLine.split(d).length));
  if (rough > limits.maxColumns) {
    const d = detectDelimiter([headerLine]).value;
    checkColumnCount(
      headerLine.split(d).map((s) => s.trim()),
      limits,
      'header',
      'bytes' in input ? headerFields(input.bytes, d) : undefined,
    );
  }
  const lines = text
    .split(/\r?\n/)
    .slice(0, 20)
    .filter((l) => l.trim() !== '');
  const delimiter = detectDelimiter(lines.slice(0, Math.min(lines.length, 10)));
  const complete =
    nl >= 0 ? text.slice(0, sample.length === SAMPLE_BYTES ? text.lastIndexOf('\n') : text.length) : text;
  let records: string[][];
  try {
    records = parseSync(complete, {
      delimiter: delimiter.value,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
      bom: true,
      to_line: 1001,
    }) as string[][];
  } catch (err) {
    throw malformed('Unreadable CSV', (err as Error).message);
  }
  const header = (records[0] ?? []).map((h, i) => h.trim() || `column_${i + 1}`);
  if (header.length === 0) throw malformed('Empty CSV', 'no header row');
  checkColumnCount(header, limits);
  const lonlat = findGeometryColumns(header, opts.lonColumn, opts.latColumn);
  const crs = opts.crs
    ? crsByName(opts.crs, 'given')
    : crsByName(
        'EPSG:4326',
        lonlat
          ? `${'wkt' in lonlat ? `WKT column ${lonlat.wkt}` : `lon/lat columns ${lonlat.lon}, ${lonlat.lat}`}; no CRS given: WGS84`
          : 'no coordinates',
      );
  const toRow = (r: string[]): Record<string, CellValue> => {
    const props: Record<string, CellValue> = {};
    header.forEach((h, i) => {
      const v = r[i];
      props[h] = v === undefined || v === '' ? null : v;
    });
    return props;
  };
  const profiler = new ColumnProfiler(header);
  for (const r of records.slice(1)) profiler.add(toRow(r));
  const geometryTypes = !lonlat ? [] : 'wkt' in lonlat ? ['WKT'] : ['Point'];
  const source: SourceRead = {
    format: { value: 'csv', reason: `text with a ${delimiter.reason.split(':')[0]} delimiter` },
    encoding,
    crs: crs.detected,
    columns: profiler.result(),
    geometryTypes,
    rowCount: Math.max(0, records.length - 1),
    leftOut: [],
    rows: async function* () {
      const bytes =
        'bytes' in input
          ? Readable.from(slices(input.bytes))
          : createReadStream(input.path, { highWaterMark: 1 << 20 });
      const decoded = encoding.value === 'utf-8' ? bytes : bytes.pipe(iconv.decodeStream(encoding.value));
      const parser = decoded.pipe(
        parse({
          delimiter: delimiter.value,
          relax_column_count: true,
          relax_quotes: true,
          skip_empty_lines: true,
          bom: true,
          max_record_size: MAX_RECORD_BYTES,
          from_line: 2,
        }),
      );
      let n = 0;
      try {
        for await (const r of parser as AsyncIterable<string[]>) {
          n++;
          const properties = toRow(r);
          yield {
            rowNumber: n + 1,
            properties,
            geometry: pointOf(properties, lonlat, crs.toWgs84),
          } satisfies RowAsRead;
        }
      } catch (err) {
        throw malformed('Unreadable CSV', `after row ${n + 1}: ${(err as Error).message}`);
      }
      source.rowCount = n;
    },
  };
  return source;
}

/**
 * The bytes in 1 MB pieces: csv-parse parses a whole piece before it looks at backpressure, so one 100 MB Buffer
 * would turn every record of a 2,000,000-row file into objects at once (1.3 GB seen); pieces keep it to ~1 MB.
 */
function* slices(bytes: Uint8Array): Generator<Buffer> {
  const SLICE_BYTES = 1 << 20;
  for (let i = 0; i < bytes.byteLength; i += SLICE_BYTES)
    yield Buffer.from(bytes.buffer, bytes.byteOffset + i, Math.min(SLICE_BYTES, bytes.byteLength - i));
}
