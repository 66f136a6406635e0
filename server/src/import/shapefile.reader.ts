import shp from 'shpjs';
import { LAYERS, type LayerName } from '../contract/layers.js';
import { readGeoJson } from './geojson.reader.js';
import type { ImportFeature } from './types.js';

/**
 * A zipped Shapefile (.shp, .dbf, .prj, optionally .cpg) via shpjs, which reprojects from the .prj to WGS84 and
 * reads the .dbf in its declared code page (GBK files from Chinese GIS desktops included).
 */
export async function readShapefileZip(zip: Uint8Array, layer: LayerName): Promise<ImportFeature[]> {
  const parsed = await shp(zip);
  const collections = Array.isArray(parsed) ? parsed : [parsed];
  const restore = untruncate(layer);
  return collections.flatMap((fc) => readGeoJson(fc, layer).map((f) => ({
    ...f,
    properties: Object.fromEntries(Object.entries(f.properties).map(([k, v]) => [restore.get(k) ?? k, v])),
    source: `${fc.fileName ?? 'shapefile'} ${f.source}`,
  })));
}

/**
 * DBF field names hold at most 10 characters, so `heading_deg` arrives as `heading_de`: map each cut name back to the
 * one column it can only be the start of.
 */
function untruncate(layer: LayerName): Map<string, string> {
  const out = new Map<string, string>();
  const long = LAYERS[layer].columns.map((c) => c.name).filter((n) => n.length > 10);
  for (const name of long) {
    const cut = name.slice(0, 10);
    if (long.filter((n) => n.startsWith(cut)).length === 1) out.set(cut, name);
  }
  return out;
}
