import { open, readFile } from 'node:fs/promises';
import { readCsvSource } from './csv.js';
import { readGeoJsonBytes } from './geojson.js';
import { readKml } from './kml.js';
import { limitsOf, malformed } from './limits.js';
import { isPbf, readOsmPbfSource } from './osm-pbf.js';
import { readShapefileZip } from './shapefile.js';
import type { Detected, ReadInput, ReadOptions, SourceFormat, SourceRead } from './source.js';
import { isZip, listZip } from './zip.js';

export type { ReadInput, ReadOptions, RowAsRead, SourceFormat, SourceRead } from './source.js';

/** The format from the bytes first (magic numbers, zip members), the file name only where bytes cannot tell. */
export function detectFormat(head: Uint8Array, filename: string, zipNames: () => string[]): Detected<SourceFormat> {
  const name = filename.toLowerCase();
  if (isZip(head)) {
    const names = zipNames().map((n) => n.toLowerCase());
    if (names.some((n) => n === 'xl/workbook.xml')) return { value: 'xlsx', reason: 'zip holding xl/workbook.xml' };
    if (names.some((n) => n.endsWith('.kml'))) return { value: 'kmz', reason: 'zip holding a .kml' };
    if (names.some((n) => n.endsWith('.shp'))) return { value: 'shapefile', reason: 'zip holding a .shp' };
    throw malformed(
      'Unknown archive',
      `a zip holding ${names.slice(0, 5).join(', ') || 'nothing'}: expected a Shapefile, a KMZ or an .xlsx`,
    );
  }
  if (isPbf(head)) return { value: 'osm-pbf', reason: 'OSMHeader blob' };
  if (name.endsWith('.pbf')) return { value: 'osm-pbf', reason: 'file name .pbf' };
  const text = new TextDecoder()
    .decode(head.subarray(0, 4096))
    .replace(/^\uFEFF/, '')
    .trimStart();
  if (text.startsWith('<')) {
    if (/<kml[\s>]/i.test(text)) return { value: 'kml', reason: '<kml> root element' };
    throw malformed('Unknown XML', 'an XML file without a <kml> root');
  }
  if (text.startsWith('{')) return { value: 'geojson', reason: 'text starting with {' };
  if (/\.(csv|tsv|txt)$/.test(name)) return { value: 'csv', reason: `file name ${name.slice(name.lastIndexOf('.'))}` };
  if (/\.(xlsx|zip|kmz|shp)$/.test(name))
    throw malformed('Not a zip archive', `${filename} should be a zip archive but is not`);
  return { value: 'csv', reason: 'plain text' };
}

async function readHead(path: string): Promise<Uint8Array> {
  const fh = await open(path, 'r');
  try {
    const buf = new Uint8Array(64 * 1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Reads any supported file into rows as read, in WGS84, with what was detected and why. Archives are opened
 * within the `limits`; nothing here knows about layers.
 */
export async function readSource(input: ReadInput, opts: ReadOptions, format?: SourceFormat): Promise<SourceRead> {
  const limits = limitsOf(opts.limits);
  const whole = async () => ('bytes' in input ? input.bytes : new Uint8Array(await readFile(input.path)));
  let bytes: Uint8Array | undefined;
  let detected: Detected<SourceFormat>;
  if (format) detected = { value: format, reason: 'given' };
  else {
    // From a path only the head is read unless the file turns out to be an archive (a CSV streams).
    const head = 'bytes' in input ? input.bytes : await readHead(input.path);
    if ('bytes' in input || isZip(head)) bytes = await whole();
    const b = bytes ?? head;
    detected = detectFormat(b, opts.filename, () => listZip(b, limits).map((e) => e.name));
  }
  const all = async () => (bytes ??= await whole());
  const read = async (): Promise<SourceRead> => {
    switch (detected.value) {
      case 'csv':
        return readCsvSource(bytes ? { bytes } : input, opts, limits);
      case 'geojson':
        return readGeoJsonBytes(await all(), opts, limits);
      case 'shapefile':
        return readShapefileZip(await all(), opts, limits);
      case 'kml':
        return readKml(await all(), opts, limits, false);
      case 'kmz':
        return readKml(await all(), opts, limits, true);
      case 'osm-pbf':
        return readOsmPbfSource(await all(), limits);
      case 'xlsx':
        return (await import('./xlsx.js')).readXlsx(await all(), opts, limits);
      default: {
        const never: never = detected.value;
        throw malformed('Unknown format', String(never), 'format');
      }
    }
  };
  const source = await read();
  source.format =
    detected.reason === 'given'
      ? { value: detected.value, reason: `given; ${source.format.reason}` }
      : { value: detected.value, reason: `${detected.reason}; ${source.format.reason}` };
  return source;
}
