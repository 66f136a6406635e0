import type { Feature, Geometry } from 'geojson';
import { ColumnProfiler } from './columns.js';
import { crsByName, mapPositions, vertexCount } from './crs.js';
import { checkColumnCount, malformed, VertexBudget } from './limits.js';
import type { CellValue, ReadLimits, ReadOptions, RowAsRead, SourceRead } from './source.js';

/** A property value as a cell: nested objects and arrays (rare in GeoJSON exports) kept as their JSON text. */
export function asCell(v: unknown): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

export function featuresToSource(
  features: readonly Feature[],
  opts: ReadOptions,
  limits: ReadLimits,
  meta: Pick<SourceRead, 'format' | 'encoding' | 'crs'>,
  toWgs84 = opts.crs ? crsByName(opts.crs, 'given').toWgs84 : null,
): SourceRead {
  const budget = new VertexBudget(limits);
  const profiler = new ColumnProfiler();
  const types = new Set<string>();
  const rows: RowAsRead[] = features.map((f, i) => {
    const keys = Object.keys(f?.properties ?? {});
    checkColumnCount(keys, limits, `features[${i}].properties`);
    const properties: Record<string, CellValue> = {};
    for (const k of keys) properties[k] = asCell(f.properties?.[k]);
    let geometry = (f?.geometry ?? null) as Geometry | null;
    if (geometry) {
      if (typeof geometry !== 'object' || typeof geometry.type !== 'string')
        throw malformed('Malformed GeoJSON', 'geometry is not an object with a type', `features[${i}].geometry`);
      budget.add(vertexCount(geometry), `features[${i}]`);
      if (toWgs84) geometry = mapPositions(geometry, toWgs84);
      types.add(geometry.type);
    }
    profiler.add(properties);
    return { rowNumber: i + 1, properties, geometry };
  });
  return {
    ...meta,
    columns: profiler.result(),
    geometryTypes: [...types],
    rowCount: rows.length,
    leftOut: [],
    rows: async function* () {
      yield* rows;
    },
  };
}

export function readGeoJsonBytes(bytes: Uint8Array, opts: ReadOptions, limits: ReadLimits): SourceRead {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (err) {
    throw malformed('Not valid JSON', (err as Error).message, 'body');
  }
  const v = value as { type?: unknown; features?: unknown; crs?: { properties?: { name?: unknown } } } | null;
  const features =
    v?.type === 'FeatureCollection' && Array.isArray(v.features)
      ? (v.features as Feature[])
      : v?.type === 'Feature'
        ? [v as unknown as Feature]
        : undefined;
  if (!features) throw malformed('Not GeoJSON', 'expected a FeatureCollection or a Feature', 'body');
  const named = v?.crs?.properties?.name;
  const crs = opts.crs
    ? crsByName(opts.crs, 'given')
    : typeof named === 'string'
      ? crsByName(named, `GeoJSON "crs" member names ${named}`)
      : crsByName('EPSG:4326', 'GeoJSON (RFC 7946) is WGS84');
  return featuresToSource(
    features,
    opts,
    limits,
    {
      format: { value: 'geojson', reason: `JSON with type ${String(v?.type)}` },
      encoding: { value: 'utf-8', reason: 'JSON is UTF-8 (RFC 8259)' },
      crs: crs.detected,
    },
    crs.toWgs84,
  );
}
