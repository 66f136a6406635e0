import { kml } from '@tmcw/togeojson';
import { DOMParser } from '@xmldom/xmldom';
import type { Feature } from 'geojson';
import { featuresToSource } from './geojson.js';
import { malformed } from './limits.js';
import type { ReadLimits, ReadOptions, SourceRead } from './source.js';
import { unzipSafely } from './zip.js';

/** KML (Google Earth, 奥维互动地图 exports) and KMZ (zipped KML). KML is WGS84 by definition (OGC 07-147r2). */
export function readKml(bytes: Uint8Array, opts: ReadOptions, limits: ReadLimits, zipped: boolean): SourceRead {
  let text: Uint8Array = bytes;
  let from = 'KML';
  if (zipped) {
    const files = unzipSafely(bytes, limits, (n) => n.toLowerCase().endsWith('.kml'));
    const name = [...files.keys()].sort(
      (a, b) => Number(b.toLowerCase().endsWith('doc.kml')) - Number(a.toLowerCase().endsWith('doc.kml')),
    )[0];
    if (!name) throw malformed('No KML in the KMZ', 'the archive holds no .kml file');
    text = files.get(name) ?? new Uint8Array();
    from = `KMZ member ${name}`;
  }
  const xml = new TextDecoder().decode(text);
  const errors: string[] = [];
  const doc = new DOMParser({
    onError: (level, msg) => {
      if (level !== 'warning') errors.push(msg);
    },
  }).parseFromString(xml, 'text/xml');
  if (
    errors.length ||
    !doc.documentElement ||
    doc.getElementsByTagName('kml').length + doc.getElementsByTagName('Document').length === 0
  ) {
    throw malformed('Not KML', errors[0] ?? 'no <kml> element');
  }
  // togeojson is typed against the DOM lib's Document; xmldom's is the same shape for what it reads.
  const fc = kml(doc as unknown as Document);
  return featuresToSource(fc.features as Feature[], opts, limits, {
    format: { value: zipped ? 'kmz' : 'kml', reason: from },
    encoding: { value: 'utf-8', reason: 'XML' },
    crs: opts.crs ? { value: opts.crs, reason: 'given' } : { value: 'EPSG:4326', reason: 'KML is WGS84 by definition' },
  });
}
