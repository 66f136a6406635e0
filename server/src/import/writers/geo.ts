import type { Geometry, Position } from 'geojson';
import { zipSync } from 'fflate';
import type { ExportColumn } from './columns.js';
import type { ShapeRow } from './shapefile.js';

/** A layer as GeoJSON (RFC 7946: WGS84) with the template's column names as properties; empty columns as null. */
export function writeGeoJson(rows: readonly ShapeRow[], columns: readonly ExportColumn[]): Uint8Array {
  const features = rows.map((r) => ({
    type: 'Feature',
    properties: Object.fromEntries(columns.map((c) => [c.name, r.properties[c.name] ?? null])),
    geometry: r.geometry,
  }));
  return new TextEncoder().encode(JSON.stringify({ type: 'FeatureCollection', features }));
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const coords = (ps: readonly Position[]) => ps.map((p) => `${p[0]},${p[1]}`).join(' ');
const polygon = (rings: readonly Position[][]) =>
  `<Polygon>${rings
    .map(
      (r, i) =>
        `<${i === 0 ? 'outerBoundaryIs' : 'innerBoundaryIs'}><LinearRing><coordinates>${coords(r)}</coordinates></LinearRing></${i === 0 ? 'outerBoundaryIs' : 'innerBoundaryIs'}>`,
    )
    .join('')}</Polygon>`;

function kmlGeometry(g: Geometry): string {
  switch (g.type) {
    case 'Point':
      return `<Point><coordinates>${coords([g.coordinates])}</coordinates></Point>`;
    case 'MultiPoint':
      return `<MultiGeometry>${g.coordinates.map((p) => `<Point><coordinates>${coords([p])}</coordinates></Point>`).join('')}</MultiGeometry>`;
    case 'LineString':
      return `<LineString><coordinates>${coords(g.coordinates)}</coordinates></LineString>`;
    case 'MultiLineString':
      return `<MultiGeometry>${g.coordinates.map((l) => `<LineString><coordinates>${coords(l)}</coordinates></LineString>`).join('')}</MultiGeometry>`;
    case 'Polygon':
      return polygon(g.coordinates);
    case 'MultiPolygon':
      return `<MultiGeometry>${g.coordinates.map(polygon).join('')}</MultiGeometry>`;
    default:
      return '';
  }
}

/** KML 2.2 (what 奥维互动地图 and Google Earth read): one Placemark per row, the columns as ExtendedData. */
export function writeKml(
  rows: readonly ShapeRow[],
  columns: readonly ExportColumn[],
  title: string,
  zipped: boolean,
): Uint8Array {
  const label = columns.find((c) => c.name === 'name');
  const marks = rows.map((r) => {
    const data = columns
      .filter((c) => r.properties[c.name] !== null && r.properties[c.name] !== undefined)
      .map((c) => `<Data name="${xml(c.name)}"><value>${xml(String(r.properties[c.name]))}</value></Data>`)
      .join('');
    const name = label && r.properties.name != null ? `<name>${xml(String(r.properties.name))}</name>` : '';
    return `<Placemark>${name}<ExtendedData>${data}</ExtendedData>${kmlGeometry(r.geometry)}</Placemark>`;
  });
  const doc = `<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>${xml(title)}</name>${marks.join('\n')}</Document></kml>\n`;
  const bytes = new TextEncoder().encode(doc);
  return zipped ? zipSync({ 'doc.kml': bytes }) : bytes;
}
