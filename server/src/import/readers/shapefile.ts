import type { Geometry } from 'geojson';
import { ColumnProfiler } from './columns.js';
import { crsByName, crsFromPrj, mapPositions, type ResolvedCrs } from './crs.js';
import { dbfColumnType, readDbf } from './dbf.js';
import { malformed, VertexBudget } from './limits.js';
import { readShp, shapeTypeName } from './shp.js';
import type { ColumnType, ReadLimits, ReadOptions, RowAsRead, SourceRead } from './source.js';
import { unzipSafely } from './zip.js';

/**
 * A zipped Shapefile, every `.shp` in it (member names in Chinese included), with its `.dbf`, `.prj` and `.cpg`.
 * Rows come out in WGS84; the DBF encoding comes from `.cpg`, else the language byte, else the bytes themselves.
 */
export function readShapefileZip(bytes: Uint8Array, opts: ReadOptions, limits: ReadLimits): SourceRead {
  const files = unzipSafely(
    bytes,
    limits,
    (n) => /\.(shp|dbf|prj|cpg)$/i.test(n) && !n.split('/').some((p) => p.startsWith('__MACOSX') || p.startsWith('._')),
  );
  const lower = new Map([...files].map(([k, v]) => [k.toLowerCase(), { name: k, data: v }]));
  const stems = [...lower.keys()]
    .filter((k) => k.endsWith('.shp'))
    .map((k) => k.slice(0, -4))
    .sort();
  if (stems.length === 0)
    throw malformed(
      'No Shapefile in the zip',
      `found: ${[...files.keys()].slice(0, 10).join(', ') || 'nothing'}`,
      'file',
    );
  const budget = new VertexBudget(limits);
  const rows: RowAsRead[] = [];
  const profiler = new ColumnProfiler();
  const typed = new Map<string, ColumnType>();
  const geometryTypes = new Set<string>();
  const leftOut: SourceRead['leftOut'] = [];
  let crs: ResolvedCrs | undefined,
    encoding: SourceRead['encoding'] = null;
  for (const stem of stems) {
    const shpFile = lower.get(`${stem}.shp`);
    const dbfFile = lower.get(`${stem}.dbf`);
    if (!shpFile) continue;
    const prj = lower.get(`${stem}.prj`),
      cpg = lower.get(`${stem}.cpg`);
    const here: ResolvedCrs = opts.crs
      ? crsByName(opts.crs, 'given')
      : prj
        ? crsFromPrj(new TextDecoder().decode(prj.data))
        : { detected: { value: 'EPSG:4326', reason: `no ${stem}.prj: assumed WGS84` }, toWgs84: null };
    crs ??= here;
    const shp = readShp(shpFile.data, shpFile.name, (n, record) => budget.add(n, `${shpFile.name} record ${record}`));
    const dbf = dbfFile
      ? readDbf(dbfFile.data, cpg ? new TextDecoder().decode(cpg.data) : undefined, limits, opts.encoding)
      : undefined;
    encoding ??= dbf?.encoding ?? null;
    if (dbf && dbf.records.length !== shp.geometries.length) {
      throw malformed(
        'Malformed Shapefile',
        `${shpFile.name} holds ${shp.geometries.length} shapes, ${dbfFile?.name} ${dbf.records.length} records`,
        'file',
      );
    }
    for (const f of dbf?.fields ?? []) typed.set(f.name, dbfColumnType(f));
    let deleted = 0;
    shp.geometries.forEach((g, i) => {
      const props = dbf ? dbf.records[i] : {};
      if (props === null || props === undefined) {
        deleted++;
        return;
      }
      const geometry: Geometry | null = g && here.toWgs84 ? mapPositions(g, here.toWgs84) : g;
      if (geometry) geometryTypes.add(geometry.type);
      profiler.add(props);
      rows.push({ rowNumber: rows.length + 1, properties: props, geometry });
    });
    if (deleted) leftOut.push({ what: `${dbfFile?.name} records`, count: deleted, why: 'marked deleted in the .dbf' });
    if (shp.geometries.length === 0) geometryTypes.add(shapeTypeName(shp.shapeType));
  }
  const reasonFmt =
    stems.length > 1 ? `zip holding ${stems.length} Shapefiles: ${stems.join(', ')}` : `zip holding ${stems[0]}.shp`;
  return {
    format: { value: 'shapefile', reason: reasonFmt },
    encoding,
    crs: (crs ?? { detected: { value: 'EPSG:4326', reason: 'assumed' } }).detected,
    columns: profiler.result(typed),
    geometryTypes: [...geometryTypes],
    rowCount: rows.length,
    leftOut,
    rows: async function* () {
      yield* rows;
    },
  };
}
