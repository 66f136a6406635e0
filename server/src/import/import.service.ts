import { assertImportedBeatsInScope, assertMayImportLayers } from '../services/scope.service.js';
import type { SignedInUser } from '../services/auth.service.js';
import type { Geometry } from 'geojson';
import { insertFeatures } from '../db/bulk-insert.js';
import type { Db, Queryable } from '../db/client.js';
import { LAYER_NAMES, LAYERS, type LayerName } from '../contract/layers.js';
import { problemFromDbError } from '../db/pg-errors.js';
import {
  auditImport,
  createBatch,
  deleteForReplace,
  districtCodesFor,
  divisionPrefixes,
  finishBatch,
  geometryDigests,
  invalidGeometries,
  matchByUniqueColumn,
  matchImportKeys,
  recordBatchRows,
  rowsToReplace,
  snapshotRows,
  stationIdsByCode,
  updateFeatures,
  type BatchRowWrite,
} from '../db/repos/import.repo.js';
import { UnprocessableError, ValidationError } from '../errors.js';
import { at } from '../engines/shared/checked.js';
import type { DateOrder } from './dates.js';
import { decodeGbCode } from './gb28181.js';
import { LAYER_SPECS } from './layer-specs.js';
import { geometryColumns, unmappedColumns } from './inspect.js';
import { digestOf, mapRows } from './mapping.js';
import { osmFeatures } from './osm.reader.js';
import { parseInWorker, type ParsedInWorker } from './readers/parse-in-worker.js';
import type { ReadLimits } from './readers/source.js';
import type { ImportFeature, ImportIssue, ImportReport, InputCrs, InputFormat, ProgressFn } from './types.js';
import { validateFeature } from './validate.js';

export interface ImportOptions {
  fileName: string;
  format: InputFormat;
  /** Target layer; OSM PBF fills roads, buildings, key places and cameras by itself. */
  layer?: LayerName;
  crs?: InputCrs;
  /** Load the valid features and report the rest, instead of refusing the whole file. Default: false, except OSM. */
  skipInvalid?: boolean;
  /** Timestamps without an offset are read in this zone (default GRIDPATROL_TZ). */
  timeZone?: string;
  actor: string;
  /** The signed-in user: a planner's beats are fenced to their station (services/scope.service.ts). */
  user?: SignedInUser;
  onProgress?: ProgressFn;
  /** Budgets against hostile files (zip sizes, vertices, columns); defaults in readers/limits.ts. */
  limits?: Partial<ReadLimits>;
  /** target column → source column (`--map target=source`). */
  map?: Record<string, string>;
  /** target column → one value for every row (`--set target=value`). */
  set?: Record<string, string>;
  /** `a/b/yyyy` dates: month or day first, when the values do not settle it. */
  dateOrder?: DateOrder;
  /** A source column that identifies a row across imports (`--key col`). */
  key?: string;
  /** Do everything, then roll back: the report says what would change. */
  dryRun?: boolean;
  /** Invalid polygons / lines are repaired with ST_MakeValid (and listed) instead of refused. */
  makeValid?: boolean;
  sheet?: string;
  encoding?: string;
  /**
   * `add` (default): new rows in, matching rows updated. `replace`: also deletes the rows earlier imports of the same
   * file name wrote that this file no longer holds, in the same transaction (undo puts them back).
   */
  mode?: 'add' | 'replace';
}

const MAX_ISSUES = 200;
/** Offenders named per reason / per field in the report. */
const FIRST_FEW = 5;
/** Rows per insert call, so progress moves during large layers. */
const SLICE = 5000;

/** The format from a file name, for the CLI and uploads without a `format` (the readers also look at the bytes). */
export function formatFromName(name: string): InputFormat | undefined {
  const n = name.toLowerCase();
  if (n.endsWith('.osm.pbf') || n.endsWith('.pbf')) return 'osm-pbf';
  if (n.endsWith('.geojson') || n.endsWith('.json')) return 'geojson';
  if (n.endsWith('.csv') || n.endsWith('.tsv') || n.endsWith('.txt')) return 'csv';
  if (n.endsWith('.xlsx')) return 'xlsx';
  if (n.endsWith('.kml')) return 'kml';
  if (n.endsWith('.kmz')) return 'kmz';
  if (n.endsWith('.zip')) return 'shapefile';
  return undefined;
}

/** A feature on its way in, with its identity across imports. */
type Candidate = ImportFeature & { rowKey: string };

interface Mapped {
  parsed: ParsedInWorker;
  features: Candidate[];
  mapping: Record<string, string>;
  defaulted: ImportReport['defaulted'];
  ignored: Record<string, number>;
  unmapped: ImportReport['unmapped'];
  warnings: string[];
}

const noLayer = (format: string) =>
  new ValidationError('Which layer?', [{ field: 'layer', message: `a ${format} import needs a target layer` }], {
    code: 'import.no_layer',
  });

async function readAndMap(bytes: Uint8Array, o: ImportOptions): Promise<Mapped> {
  if (o.format !== 'osm-pbf' && !o.layer) throw noLayer(o.format);
  // Parsed in a worker thread with resource limits: a hostile file ends there, never in the server.
  const parsed = await parseInWorker(
    bytes,
    {
      filename: o.fileName,
      ...(o.crs && o.crs !== 'wgs84' ? { crs: o.crs } : {}),
      ...(o.limits ? { limits: o.limits } : {}),
      ...(o.sheet ? { sheet: o.sheet } : {}),
      ...(o.encoding ? { encoding: o.encoding } : {}),
    },
    o.format,
  );
  if (o.format === 'osm-pbf') {
    const features = osmFeatures(parsed.rows, parsed.leftOut).features.map((f) => ({
      ...f,
      rowKey: `osm:${f.source}`,
    }));
    return { parsed, features, mapping: {}, defaulted: [], ignored: {}, unmapped: [], warnings: [] };
  }
  const layer = o.layer;
  if (!layer) throw noLayer(o.format);
  const m = mapRows(
    parsed.rows,
    parsed.columns.map((c) => c.name),
    layer,
    {
      tabular: o.format === 'csv' || o.format === 'xlsx',
      ...(o.map ? { map: o.map } : {}),
      ...(o.set ? { set: o.set } : {}),
      ...(o.timeZone ? { timeZone: o.timeZone } : {}),
      ...(o.dateOrder ? { dateOrder: o.dateOrder } : {}),
      ...(o.key ? { key: o.key } : {}),
    },
  );
  const warnings: string[] = [];
  for (const target of Object.keys(o.map ?? {}))
    if (!m.mapping[target]) warnings.push(`map ${target}=${o.map?.[target]}: the file has no such column`);
  const usesDates = LAYER_SPECS[layer].fields.some(
    (f) => (f.type === 'date' || f.type === 'datetime') && m.mapping[f.name],
  );
  if (usesDates && m.dateOrder && m.dateOrder.reason !== 'given' && !m.dateOrder.reason.startsWith('a value'))
    warnings.push(`dates: ${m.dateOrder.reason}`);
  return {
    parsed,
    features: m.features,
    mapping: Object.fromEntries(Object.entries(m.mapping).map(([k, c]) => [k, c.source])),
    defaulted: Object.entries(m.defaulted).map(([column, d]) => ({ column, count: d.count, value: d.value })),
    ignored: m.ignored,
    unmapped: unmappedColumns(layer, parsed.columns, m.mapping, geometryColumns(parsed.columns)),
    warnings,
  };
}

/** Thrown inside the transaction of a dry run so that it rolls back; carries the report out. */
class DryRunDone extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

/** Columns that must be unique in the table: duplicates inside one file are refused naming both rows. */
const UNIQUE_COLUMNS: Partial<Record<LayerName, readonly ('code' | 'gb_code')[]>> = {
  'admin-areas': ['code'],
  grids: ['code'],
  stations: ['code'],
  beats: ['code'],
  cameras: ['gb_code', 'code'],
};

/**
 * Columns filled from the database before validation: a station's id from `station_code`, a missing `district_code`
 * from the containing admin area (or the region), a camera's decoded GB/T 28181 fields. Problems go to `issues`.
 */
async function resolveDerived(
  tx: Queryable,
  layer: LayerName,
  list: Candidate[],
  issues: ImportIssue[],
  bad: Set<Candidate>,
  warnings: string[],
  defaulted: ImportReport['defaulted'],
): Promise<void> {
  const spec = LAYER_SPECS[layer];
  const stationField = spec.fields.find((f) => f.name === 'station_code');
  if (stationField) {
    const codes = [
      ...new Set(list.map((f) => f.properties.station_code).filter((c): c is string => typeof c === 'string')),
    ];
    const ids = codes.length ? await stationIdsByCode(tx, codes) : new Map<string, number>();
    for (const f of list) {
      const c = f.properties.station_code;
      delete f.properties.station_code;
      if (typeof c !== 'string') continue;
      const id = ids.get(c);
      if (id === undefined) {
        issues.push({
          source: f.source,
          layer,
          path: 'properties.station_code',
          message: `no station has code "${c}"`,
        });
        bad.add(f);
      } else if (f.properties.station_id === undefined) f.properties.station_id = id;
    }
  }
  if (layer === 'cameras') {
    const prefixes = await divisionPrefixes(tx);
    let outside = 0;
    let fromGb = 0;
    for (const f of list) {
      const gb = f.properties.gb_code;
      if (gb === undefined) continue;
      const d = decodeGbCode(String(gb), { camera: true });
      if (!d.ok) {
        issues.push({ source: f.source, layer, path: 'properties.gb_code', message: d.reason });
        bad.add(f);
        continue;
      }
      Object.assign(f.properties, {
        gb_code: d.value.code,
        gb_division: d.value.division,
        gb_industry: d.value.industry,
        gb_type: d.value.type,
        gb_network: d.value.network,
      });
      if (f.properties.district_code === undefined) {
        f.properties.district_code = d.value.districtCode;
        fromGb++;
      }
      if (prefixes.size > 0 && !prefixes.has(d.value.division)) outside++;
    }
    if (fromGb) defaulted.push({ column: 'district_code', count: fromGb, value: 'digits 1–6 of gb_code' });
    if (outside)
      warnings.push(`${outside} camera(s) have a gb_code whose division (digits 1–6) matches no loaded admin area`);
  }
  const district = spec.fields.find((f) => f.name === 'district_code');
  const derive =
    district?.derived !== undefined && LAYERS[layer].columns.find((c) => c.name === 'district_code')?.required;
  if (derive) {
    const missing = list.filter((f) => f.properties.district_code === undefined && f.geometry && !bad.has(f));
    if (missing.length) {
      const codes = await districtCodesFor(
        tx,
        missing.map((f) => f.geometry),
      );
      let filled = 0;
      missing.forEach((f, i) => {
        const c = codes[i];
        if (c) {
          f.properties.district_code = c;
          filled++;
        } else {
          issues.push({
            source: f.source,
            layer,
            path: 'properties.district_code',
            message: 'missing, and no loaded admin area holds the row: map a column or set district_code=…',
          });
          bad.add(f);
        }
      });
      if (filled) defaulted.push({ column: 'district_code', count: filled, value: 'the containing admin area' });
    }
  }
}

/** The row's identity across imports: its natural key where it has one, else the fingerprint of the source row. */
function keyOf(layer: LayerName, f: Candidate): string {
  for (const col of LAYER_SPECS[layer].naturalKey) {
    const v = f.properties[col];
    if (v !== undefined && v !== null && v !== '') return `${col}:${String(v)}`;
  }
  return f.rowKey;
}

function groupIssues(issues: readonly ImportIssue[], by: (i: ImportIssue) => string) {
  const groups = new Map<string, { count: number; rows: string[] }>();
  for (const i of issues) {
    const k = by(i);
    const g = groups.get(k) ?? { count: 0, rows: [] };
    g.count++;
    if (g.rows.length < FIRST_FEW && !g.rows.includes(i.source)) g.rows.push(i.source);
    groups.set(k, g);
  }
  return [...groups].sort((a, b) => b[1].count - a[1].count);
}

/**
 * Reads, maps, validates, repairs and writes one file in ONE transaction with one batch and one audit row: a failed
 * or killed import leaves nothing behind. Rows an earlier import wrote are matched (natural key, else a fingerprint
 * of the source row counted with multiplicity) and updated or left unchanged, never doubled. Invalid rows refuse the
 * whole file (422 listing them) unless `skipInvalid`. A dry run does all of it and rolls back.
 */
export async function importFile(db: Db, bytes: Uint8Array, o: ImportOptions): Promise<ImportReport> {
  const t0 = performance.now();
  const crs = o.crs ?? 'wgs84';
  const skipInvalid = o.skipInvalid ?? o.format === 'osm-pbf'; // OSM always holds a few broken polygons
  // A layer the role may not import is refused before the file is read; the layers found in it, after.
  assertMayImportLayers(o.user, o.layer ? [o.layer] : []);
  o.onProgress?.(0, 'reading');
  const m = await readAndMap(bytes, o);
  o.onProgress?.(0.1, 'read');
  const byLayer = new Map<LayerName, Candidate[]>();
  for (const f of m.features) {
    const l = byLayer.get(f.layer) ?? [];
    l.push(f);
    byLayer.set(f.layer, l);
  }
  assertMayImportLayers(o.user, byLayer.keys());
  try {
    return await db.transaction((tx) => write(tx, o, m, byLayer, { t0, crs, skipInvalid }));
  } catch (err) {
    if (err instanceof DryRunDone) return err.report;
    throw err;
  }
}

async function write(
  tx: Queryable,
  o: ImportOptions,
  m: Mapped,
  byLayer: Map<LayerName, Candidate[]>,
  ctx: { t0: number; crs: string; skipInvalid: boolean },
): Promise<ImportReport> {
  const issues: ImportIssue[] = [];
  const warnings = [...m.warnings];
  const defaulted = [...m.defaulted];
  const ignoredProperties: Record<string, number> = { ...m.ignored };
  const repaired: ImportReport['repaired'] = [];
  const good = new Map<LayerName, Candidate[]>();
  let rejected = 0;
  for (const layer of LAYER_NAMES) {
    const list = byLayer.get(layer);
    if (!list?.length) continue;
    const bad = new Set<Candidate>();
    await resolveDerived(tx, layer, list, issues, bad, warnings, defaulted);
    const ok: Candidate[] = [];
    for (const f of list) {
      const v = validateFeature(f, ignoredProperties);
      if (!v.ok) {
        issues.push(...v.issues);
        bad.add(f);
        continue;
      }
      if (!bad.has(f)) ok.push({ ...v.feature, rowKey: f.rowKey });
    }
    // Duplicate codes inside the file: refused naming both rows (whatever skipInvalid says, the second is refused).
    for (const col of UNIQUE_COLUMNS[layer] ?? []) {
      const seen = new Map<string, Candidate>();
      for (const f of ok) {
        const v = f.properties[col];
        if (v === undefined || v === null) continue;
        const first = seen.get(String(v));
        if (first) {
          issues.push({
            source: f.source,
            layer,
            path: `properties.${col}`,
            message: `"${String(v)}" is also the ${col} of ${first.source}`,
          });
          bad.add(f);
        } else seen.set(String(v), f);
      }
    }
    let kept = ok.filter((f) => !bad.has(f));
    const problems = await invalidGeometries(
      tx,
      layer,
      kept.map((f) => f.geometry),
      o.makeValid === true,
    );
    const broken = new Set<number>();
    for (const p of problems) {
      const f = kept[p.i];
      if (!f) continue;
      if (p.repaired) {
        f.geometry = p.repaired as Geometry;
        repaired.push({ source: f.source, layer, reason: p.reason });
      } else {
        broken.add(p.i);
        bad.add(f);
        issues.push({
          source: f.source,
          layer,
          path: 'geometry',
          message: o.makeValid ? `${p.reason}; ST_MakeValid leaves nothing of this kind` : p.reason,
        });
      }
    }
    kept = kept.filter((_, i) => !broken.has(i));
    rejected += bad.size;
    good.set(layer, kept);
  }
  if (rejected > 0 && !ctx.skipInvalid) {
    throw new UnprocessableError(
      `${rejected} feature(s) are invalid; nothing was imported`,
      issues.slice(0, MAX_ISSUES).map((i) => ({ path: `${i.source}: ${i.path}`, message: i.message })),
      { code: 'import.invalid_features', rejected },
    );
  }
  o.onProgress?.(0.2, 'validated');
  // The planner fence, before anything is written: a refusal names the rows and the transaction leaves nothing.
  await assertImportedBeatsInScope(tx, o.user, good.get('beats') ?? []);

  const layers = [...good.keys()].filter((l) => (good.get(l)?.length ?? 0) > 0);
  const batchId = await createBatch(tx, { actor: o.actor, file: o.fileName, format: o.format, layers });
  const counts: ImportReport['counts'] = {};
  const imported: ImportReport['imported'] = {};
  const total = [...good.values()].reduce((s, l) => s + l.length, 0);
  let done = 0;
  for (const layer of layers) {
    const list = good.get(layer) ?? [];
    const def = LAYERS[layer];
    const occ = new Map<string, number>();
    const keys = list.map((f) => keyOf(layer, f));
    const occurrences = keys.map((k) => {
      const n = (occ.get(k) ?? 0) + 1;
      occ.set(k, n);
      return n;
    });
    const geomDigests = await geometryDigests(
      tx,
      layer,
      list.map((f) => f.geometry),
    );
    const digests = list.map((f, i) => digestOf([f.properties, geomDigests[i]]));
    const matches = new Map((await matchImportKeys(tx, layer, keys, occurrences)).map((r) => [r.i, r]));
    // Rows no earlier import recorded, but whose code is taken in the table: those rows are updated.
    const byColumn = new Map<number, { id: number; version: number }>();
    for (const col of UNIQUE_COLUMNS[layer] ?? []) {
      const want = list
        .map((f, i) => ({ i, v: f.properties[col] }))
        .filter((x) => !matches.has(x.i) && !byColumn.has(x.i) && typeof x.v === 'string');
      if (!want.length) continue;
      const found = await matchByUniqueColumn(
        tx,
        layer,
        col,
        want.map((x) => String(x.v)),
      );
      for (const x of want) {
        const hit = found.get(String(x.v));
        if (hit) byColumn.set(x.i, hit);
      }
    }
    const fresh: number[] = [];
    const changed: { i: number; id: number }[] = [];
    const writes: BatchRowWrite[] = [];
    list.forEach((f, i) => {
      const hit = matches.get(i);
      const base = { key: keys[i] ?? '', occurrence: occurrences[i] ?? 1, digest: digests[i] ?? '', before: undefined };
      if (hit && hit.digest === digests[i] && hit.keyVersion === hit.rowVersion)
        writes.push({ ...base, featureId: hit.featureId, action: 'unchanged', version: hit.rowVersion });
      else if (hit) changed.push({ i, id: hit.featureId });
      else {
        const other = byColumn.get(i);
        if (other) changed.push({ i, id: other.id });
        else fresh.push(i);
      }
    });
    // Two source rows may not update one stored row (a code matched twice is refused above; keys are unique).
    const before = await snapshotRows(
      tx,
      layer,
      changed.map((c) => c.id),
    );
    const versions = await updateFeatures(
      tx,
      layer,
      changed.map((c) => {
        const f = at(list, c.i);
        return { id: c.id, geometry: f.geometry, properties: f.properties };
      }),
    );
    for (const c of changed)
      writes.push({
        key: keys[c.i] ?? '',
        occurrence: occurrences[c.i] ?? 1,
        digest: digests[c.i] ?? '',
        featureId: c.id,
        action: 'updated',
        before: before.get(c.id),
        version: versions.get(c.id) ?? 1,
      });
    for (let k = 0; k < fresh.length; k += SLICE) {
      const slice = fresh.slice(k, k + SLICE);
      let ids: number[];
      try {
        ids = await insertFeatures(
          tx,
          def,
          slice.map((i) => at(list, i)),
        );
      } catch (err) {
        throw problemFromDbError(err, def.table) ?? err;
      }
      slice.forEach((i, j) => {
        writes.push({
          key: keys[i] ?? '',
          occurrence: occurrences[i] ?? 1,
          digest: digests[i] ?? '',
          featureId: ids[j] ?? -1,
          action: 'new',
          before: undefined,
          version: 1,
        });
      });
      done += slice.length;
      o.onProgress?.(0.2 + 0.75 * (done / Math.max(1, total)), layer);
    }
    await recordBatchRows(tx, batchId, layer, writes);
    let deleted = 0;
    if (o.mode === 'replace') {
      const gone = await rowsToReplace(
        tx,
        layer,
        o.fileName,
        writes.map((w) => w.featureId),
      );
      try {
        deleted = await deleteForReplace(tx, batchId, layer, gone);
      } catch (err) {
        // e.g. a replaced station still has beats: the foreign key names it, and nothing is written.
        throw problemFromDbError(err, def.table) ?? err;
      }
    }
    counts[layer] = {
      new: fresh.length,
      updated: changed.length,
      unchanged: list.length - fresh.length - changed.length,
      ...(o.mode === 'replace' ? { deleted } : {}),
    };
    imported[layer] = fresh.length + changed.length;
  }
  const sum = (k: 'new' | 'updated' | 'unchanged') => Object.values(counts).reduce((s, c) => s + (c?.[k] ?? 0), 0);
  const deletedAll = Object.values(counts).reduce((n, c) => n + (c?.deleted ?? 0), 0);
  const summary = `${sum('new')} new, ${sum('unchanged')} unchanged, ${sum('updated')} updated, ${rejected} refused${
    repaired.length ? `, ${repaired.length} repaired` : ''
  }${o.mode === 'replace' ? `, ${deletedAll} deleted (replace)` : ''}`;
  await finishBatch(tx, batchId, { counts, rejected, repaired: repaired.length });
  await auditImport(tx, {
    actor: o.actor,
    batchId,
    action: 'import',
    after: { batch: batchId, file: o.fileName, format: o.format, crs: ctx.crs, imported, counts, rejected },
  });
  o.onProgress?.(1, 'done');
  const report: ImportReport = {
    file: o.fileName,
    format: o.format,
    crs: ctx.crs,
    imported,
    rejected,
    issues: issues.slice(0, MAX_ISSUES),
    ignoredProperties,
    leftOut: m.parsed.leftOut,
    ms: performance.now() - ctx.t0,
    batchId: o.dryRun ? null : batchId,
    dryRun: o.dryRun === true,
    detected: {
      format: `${m.parsed.format.value} (${m.parsed.format.reason})`,
      encoding: m.parsed.encoding ? `${m.parsed.encoding.value} (${m.parsed.encoding.reason})` : null,
      crs: `${m.parsed.crs.value} (${m.parsed.crs.reason})`,
    },
    rowsRead: m.parsed.rows.length,
    counts,
    summary,
    refused: groupIssues(issues, (i) => `${i.path}: ${i.message}`).map(([reason, g]) => ({ reason, ...g })),
    fieldProblems: groupIssues(issues, (i) => i.path).map(([path, g]) => ({ path, ...g })),
    repaired,
    defaulted,
    mapping: m.mapping,
    unmapped: m.unmapped,
    warnings,
  };
  if (o.dryRun) throw new DryRunDone(report);
  return report;
}
