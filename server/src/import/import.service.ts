import { assertImportedBeatsInScope, assertMayImportLayers } from '../services/scope.service.js';
import type { SignedInUser } from '../services/auth.service.js';
import type { Geometry } from 'geojson';
import { BloomFilter } from 'bloomfilter';
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
  layerHasImportKeys,
  matchImportKeys,
  occurrencesSoFar,
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
import { chooseColumns, dateColumnsOf, dateOrderOf, digestOf, mapRows } from './mapping.js';
import { osmFeatures } from './osm.reader.js';
import { parseInWorker, type SourceHead, streamInWorker } from './readers/parse-in-worker.js';
import type { LeftOut, ReadLimits } from './readers/source.js';
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
  /** Rows per chunk (default CHUNK_ROWS); the tests make it small so that files cross chunk borders. */
  chunkRows?: number;
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

/** One chunk of the file, mapped: its features and what mapping them defaulted and left aside. */
interface MappedChunk {
  features: Candidate[];
  defaulted: Record<string, { count: number; value: string }>;
  ignored: Record<string, number>;
}

/** The file opened for import: what was detected and mapped, then its features chunk by chunk. */
interface OpenedFile {
  head: SourceHead;
  mapping: Record<string, string>;
  unmapped: ImportReport['unmapped'];
  warnings: string[];
  /** Rows in the file, known before the first chunk. */
  rowCount: number;
  chunks(): AsyncIterable<MappedChunk>;
  /** What the file holds that was not read; complete once chunks() has ended. */
  leftOut(): LeftOut[];
  close(): void;
}

/**
 * Rows mapped and written per chunk: a 2,000,000-row CSV holds one chunk in each thread at a time (plus the keys
 * that count repeated rows), not the file. 20,000 rows keep the per-chunk SQL round trips a small share.
 */
const CHUNK_ROWS = 20_000;

const noLayer = (format: string) =>
  new ValidationError('Which layer?', [{ field: 'layer', message: `a ${format} import needs a target layer` }], {
    code: 'import.no_layer',
  });

async function openFile(bytes: Uint8Array, o: ImportOptions): Promise<OpenedFile> {
  if (o.format !== 'osm-pbf' && !o.layer) throw noLayer(o.format);
  const readOpts = {
    filename: o.fileName,
    ...(o.crs && o.crs !== 'wgs84' ? { crs: o.crs } : {}),
    ...(o.limits ? { limits: o.limits } : {}),
    ...(o.sheet ? { sheet: o.sheet } : {}),
    ...(o.encoding ? { encoding: o.encoding } : {}),
  };
  // Parsed in a worker thread with resource limits: a hostile file ends there, never in the server.
  if (o.format === 'osm-pbf') {
    // Ways and relations are assembled over the whole extract: OSM is read at once (a city's extract fits).
    const parsed = await parseInWorker(bytes, readOpts, o.format);
    const features = osmFeatures(parsed.rows, parsed.leftOut).features.map((f) => ({
      ...f,
      rowKey: `osm:${f.source}`,
    }));
    return {
      head: parsed,
      mapping: {},
      unmapped: [],
      warnings: [],
      rowCount: parsed.rows.length,
      chunks: async function* () {
        yield { features, defaulted: {}, ignored: {} };
      },
      leftOut: () => parsed.leftOut,
      close: () => undefined,
    };
  }
  const layer = o.layer;
  if (!layer) throw noLayer(o.format);
  const s = await streamInWorker(bytes, readOpts, o.format, { chunkRows: o.chunkRows ?? CHUNK_ROWS });
  try {
    const columns = s.head.columns.map((c) => c.name);
    const mapOpts = {
      tabular: o.format === 'csv' || o.format === 'xlsx',
      ...(o.map ? { map: o.map } : {}),
      ...(o.set ? { set: o.set } : {}),
      ...(o.timeZone ? { timeZone: o.timeZone } : {}),
      ...(o.dateOrder ? { dateOrder: o.dateOrder } : {}),
      ...(o.key ? { key: o.key } : {}),
    };
    const { choices } = chooseColumns(layer, columns, mapOpts);
    // One pass before the chunks: the row count (for progress) and the day/month order over the whole column.
    const scanned = await s.scan(o.dateOrder ? [] : dateColumnsOf(layer, columns, mapOpts));
    const dateOrder = dateOrderOf(o.dateOrder, scanned.dateOrder ?? undefined);
    const warnings: string[] = [];
    for (const target of Object.keys(o.map ?? {}))
      if (!choices[target]) warnings.push(`map ${target}=${o.map?.[target]}: the file has no such column`);
    const usesDates = LAYER_SPECS[layer].fields.some(
      (f) => (f.type === 'date' || f.type === 'datetime') && choices[f.name],
    );
    if (usesDates && dateOrder.reason !== 'given' && !dateOrder.reason.startsWith('a value'))
      warnings.push(`dates: ${dateOrder.reason}`);
    return {
      head: s.head,
      mapping: Object.fromEntries(Object.entries(choices).map(([k, c]) => [k, c.source])),
      unmapped: unmappedColumns(layer, s.head.columns, choices, geometryColumns(s.head.columns)),
      warnings,
      rowCount: scanned.rowCount,
      chunks: async function* () {
        for await (const rows of s.chunks()) {
          const m = mapRows(rows, columns, layer, mapOpts, dateOrder);
          yield { features: m.features, defaulted: m.defaulted, ignored: m.ignored };
        }
      },
      leftOut: () => s.tail().leftOut,
      close: s.close,
    };
  } catch (err) {
    s.close();
    throw err;
  }
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

/** What the chunks of one import add up to. */
interface Tally {
  issues: ImportIssue[];
  /** Column → how many rows got which default. */
  defaulted: Map<string, { column: string; count: number; value: string }>;
  ignored: Record<string, number>;
  repaired: ImportReport['repaired'];
  rejected: number;
  /** Cameras whose gb_code division matches no loaded admin area. */
  gbOutside: number;
  /** `layer/column` → value → the row that had it first (duplicate codes across chunks). */
  seen: Map<string, Map<string, string>>;
  counts: ImportReport['counts'];
  imported: ImportReport['imported'];
  /**
   * layer → the keys this import has recorded so far, as a Bloom filter (a Set of 2,000,000 would be ~200 MB), and
   * whether earlier imports recorded keys of it (none: no row can match one, nothing to look up). Made at the layer's
   * first chunk.
   */
  keys: Map<LayerName, { recorded: BloomFilter; prior: boolean }>;
  /** layer → the stored rows this import wrote or matched (kept for `replace` only). */
  kept: Map<LayerName, number[]>;
}

function countDefault(t: Tally, column: string, count: number, value: string): void {
  const k = `${column}\u0000${value}`;
  const d = t.defaulted.get(k) ?? { column, count: 0, value };
  d.count += count;
  t.defaulted.set(k, d);
}

/**
 * Columns filled from the database before validation: a station's id from `station_code`, a missing `district_code`
 * from the containing admin area (or the region), a camera's decoded GB/T 28181 fields. Problems go to `t.issues`.
 */
async function resolveDerived(
  tx: Queryable,
  layer: LayerName,
  list: Candidate[],
  t: Tally,
  bad: Set<Candidate>,
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
        t.issues.push({
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
    let fromGb = 0;
    for (const f of list) {
      const gb = f.properties.gb_code;
      if (gb === undefined) continue;
      const d = decodeGbCode(String(gb), { camera: true });
      if (!d.ok) {
        t.issues.push({ source: f.source, layer, path: 'properties.gb_code', message: d.reason });
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
      if (prefixes.size > 0 && !prefixes.has(d.value.division)) t.gbOutside++;
    }
    if (fromGb) countDefault(t, 'district_code', fromGb, 'digits 1–6 of gb_code');
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
          t.issues.push({
            source: f.source,
            layer,
            path: 'properties.district_code',
            message: 'missing, and no loaded admin area holds the row: map a column or set district_code=…',
          });
          bad.add(f);
        }
      });
      if (filled) countDefault(t, 'district_code', filled, 'the containing admin area');
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
 * whole file (422 listing them) unless `skipInvalid`. A dry run does all of it and rolls back. The file goes through
 * in chunks (CHUNK_ROWS), so memory is bounded by a chunk, not by the file.
 */
export async function importFile(db: Db, bytes: Uint8Array, o: ImportOptions): Promise<ImportReport> {
  const t0 = performance.now();
  const crs = o.crs ?? 'wgs84';
  const skipInvalid = o.skipInvalid ?? o.format === 'osm-pbf'; // OSM always holds a few broken polygons
  // A layer the role may not import is refused before the file is read; the layers found in it, after.
  assertMayImportLayers(o.user, o.layer ? [o.layer] : []);
  o.onProgress?.(0, 'reading');
  const file = await openFile(bytes, o);
  try {
    o.onProgress?.(0.05, 'read');
    return await db.transaction((tx) => write(tx, o, file, { t0, crs, skipInvalid }));
  } catch (err) {
    if (err instanceof DryRunDone) return err.report;
    throw err;
  } finally {
    file.close();
  }
}

async function write(
  tx: Queryable,
  o: ImportOptions,
  file: OpenedFile,
  ctx: { t0: number; crs: string; skipInvalid: boolean },
): Promise<ImportReport> {
  const t: Tally = {
    issues: [],
    defaulted: new Map(),
    ignored: {},
    repaired: [],
    rejected: 0,
    gbOutside: 0,
    seen: new Map(),
    counts: {},
    imported: {},
    kept: new Map(),
    keys: new Map(),
  };
  const batchId = await createBatch(tx, { actor: o.actor, file: o.fileName, format: o.format, layers: [] });
  let rowsDone = 0;
  for await (const chunk of file.chunks()) {
    for (const [column, d] of Object.entries(chunk.defaulted)) countDefault(t, column, d.count, d.value);
    for (const [k, n] of Object.entries(chunk.ignored)) t.ignored[k] = (t.ignored[k] ?? 0) + n;
    const byLayer = new Map<LayerName, Candidate[]>();
    for (const f of chunk.features) {
      const l = byLayer.get(f.layer) ?? [];
      l.push(f);
      byLayer.set(f.layer, l);
    }
    assertMayImportLayers(o.user, byLayer.keys());
    for (const layer of LAYER_NAMES) {
      const list = byLayer.get(layer);
      if (!list?.length) continue;
      const good = await checkRows(tx, layer, list, o, t);
      // Once a row is refused (and refusals refuse the file) nothing more is written; the rest is still checked,
      // so that the refusal counts and names every bad row.
      if (t.rejected > 0 && !ctx.skipInvalid) continue;
      // The planner fence, before this chunk is written: a refusal names the rows and the transaction leaves nothing.
      if (layer === 'beats') await assertImportedBeatsInScope(tx, o.user, good);
      await writeRows(tx, layer, good, batchId, { mode: o.mode, rowCount: file.rowCount }, t);
    }
    rowsDone += chunk.features.length;
    o.onProgress?.(0.05 + 0.9 * Math.min(1, rowsDone / Math.max(1, file.rowCount)), o.layer ?? 'osm');
  }
  if (t.rejected > 0 && !ctx.skipInvalid) {
    throw new UnprocessableError(
      `${t.rejected} feature(s) are invalid; nothing was imported`,
      t.issues.slice(0, MAX_ISSUES).map((i) => ({ path: `${i.source}: ${i.path}`, message: i.message })),
      { code: 'import.invalid_features', rejected: t.rejected },
    );
  }
  if (o.mode === 'replace') {
    for (const [layer, c] of Object.entries(t.counts) as [
      LayerName,
      NonNullable<ImportReport['counts'][LayerName]>,
    ][]) {
      const gone = await rowsToReplace(tx, layer, o.fileName, t.kept.get(layer) ?? []);
      try {
        c.deleted = await deleteForReplace(tx, batchId, layer, gone);
      } catch (err) {
        // e.g. a replaced station still has beats: the foreign key names it, and nothing is written.
        throw problemFromDbError(err, LAYERS[layer].table) ?? err;
      }
    }
  }
  return finish(tx, o, file, ctx, t, batchId);
}

/**
 * Checks one layer's rows of a chunk: derived columns, the layer's schema, codes repeated in the file (refused
 * naming both rows, whatever skipInvalid says), geometry validity (repaired with makeValid). Returns the good rows.
 */
async function checkRows(
  tx: Queryable,
  layer: LayerName,
  list: Candidate[],
  o: ImportOptions,
  t: Tally,
): Promise<Candidate[]> {
  const bad = new Set<Candidate>();
  await resolveDerived(tx, layer, list, t, bad);
  const ok: Candidate[] = [];
  for (const f of list) {
    const v = validateFeature(f, t.ignored);
    if (!v.ok) {
      t.issues.push(...v.issues);
      bad.add(f);
      continue;
    }
    if (!bad.has(f)) ok.push({ ...v.feature, rowKey: f.rowKey });
  }
  for (const col of UNIQUE_COLUMNS[layer] ?? []) {
    const seenKey = `${layer}/${col}`;
    const seen = t.seen.get(seenKey) ?? new Map<string, string>();
    t.seen.set(seenKey, seen);
    for (const f of ok) {
      const v = f.properties[col];
      if (v === undefined || v === null) continue;
      const first = seen.get(String(v));
      if (first) {
        t.issues.push({
          source: f.source,
          layer,
          path: `properties.${col}`,
          message: `"${String(v)}" is also the ${col} of ${first}`,
        });
        bad.add(f);
      } else seen.set(String(v), f.source);
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
      t.repaired.push({ source: f.source, layer, reason: p.reason });
    } else {
      broken.add(p.i);
      bad.add(f);
      t.issues.push({
        source: f.source,
        layer,
        path: 'geometry',
        message: o.makeValid ? `${p.reason}; ST_MakeValid leaves nothing of this kind` : p.reason,
      });
    }
  }
  kept = kept.filter((_, i) => !broken.has(i));
  t.rejected += bad.size;
  return kept;
}

/**
 * Writes one layer's good rows of a chunk: rows an earlier import recorded (same key and occurrence) are left
 * unchanged or updated, rows whose code is taken in the table are updated, the rest inserted; every one recorded
 * in the batch (for undo and the next re-import).
 */
async function writeRows(
  tx: Queryable,
  layer: LayerName,
  list: Candidate[],
  batchId: number,
  file: { mode: ImportOptions['mode']; rowCount: number },
  t: Tally,
) {
  const { mode, rowCount } = file;
  const def = LAYERS[layer];
  const keys = list.map((f) => keyOf(layer, f));
  // Occurrences so far are looked up only for keys this import may already have recorded (true repeats and the
  // filter's ~1 % false positives), and stored matches only when earlier imports recorded keys of the layer: a first
  // import skips two index probes per row (160 s of a 540 s 2,000,000-row import in PostgreSQL's log).
  let state = t.keys.get(layer);
  if (!state) {
    state = {
      recorded: new BloomFilter(Math.max(1 << 12, rowCount * 10), 7),
      prior: await layerHasImportKeys(tx, layer),
    };
    t.keys.set(layer, state);
  }
  const { recorded, prior } = state;
  const occ = await occurrencesSoFar(
    tx,
    batchId,
    layer,
    keys.filter((k) => recorded.test(k)),
  );
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
  for (const k of keys) recorded.add(k);
  const matches = new Map(prior ? (await matchImportKeys(tx, layer, keys, occurrences)).map((r) => [r.i, r]) : []);
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
  const rowOf = (i: number) => ({ key: at(keys, i), occurrence: at(occurrences, i), digest: at(digests, i) });
  list.forEach((_, i) => {
    const hit = matches.get(i);
    if (hit && hit.digest === digests[i] && hit.keyVersion === hit.rowVersion)
      writes.push({
        ...rowOf(i),
        featureId: hit.featureId,
        action: 'unchanged',
        version: hit.rowVersion,
        before: undefined,
      });
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
      ...rowOf(c.i),
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
      writes.push({ ...rowOf(i), featureId: at(ids, j), action: 'new', before: undefined, version: 1 });
    });
  }
  await recordBatchRows(tx, batchId, layer, writes);
  if (mode === 'replace') {
    const kept = t.kept.get(layer) ?? [];
    t.kept.set(layer, kept);
    for (const w of writes) kept.push(w.featureId);
  }
  const c = t.counts[layer] ?? { new: 0, updated: 0, unchanged: 0 };
  c.new += fresh.length;
  c.updated += changed.length;
  c.unchanged += list.length - fresh.length - changed.length;
  t.counts[layer] = c;
  t.imported[layer] = c.new + c.updated;
}

/** Closes the batch, writes its one audit row and answers the report (a dry run throws it, to roll back). */
async function finish(
  tx: Queryable,
  o: ImportOptions,
  file: OpenedFile,
  ctx: { t0: number; crs: string },
  t: Tally,
  batchId: number,
): Promise<ImportReport> {
  const { counts, imported, rejected, repaired, issues } = t;
  const sum = (k: 'new' | 'updated' | 'unchanged') => Object.values(counts).reduce((s, c) => s + (c?.[k] ?? 0), 0);
  const deletedAll = Object.values(counts).reduce((n, c) => n + (c?.deleted ?? 0), 0);
  const summary = `${sum('new')} new, ${sum('unchanged')} unchanged, ${sum('updated')} updated, ${rejected} refused${
    repaired.length ? `, ${repaired.length} repaired` : ''
  }${o.mode === 'replace' ? `, ${deletedAll} deleted (replace)` : ''}`;
  const layers = LAYER_NAMES.filter(
    (l) => (counts[l] ? counts[l].new + counts[l].updated + counts[l].unchanged : 0) > 0,
  );
  await finishBatch(tx, batchId, { counts, rejected, repaired: repaired.length }, layers);
  await auditImport(tx, {
    actor: o.actor,
    batchId,
    action: 'import',
    after: { batch: batchId, file: o.fileName, format: o.format, crs: ctx.crs, imported, counts, rejected },
  });
  o.onProgress?.(1, 'done');
  const warnings = [...file.warnings];
  if (t.gbOutside)
    warnings.push(`${t.gbOutside} camera(s) have a gb_code whose division (digits 1–6) matches no loaded admin area`);
  const report: ImportReport = {
    file: o.fileName,
    format: o.format,
    crs: ctx.crs,
    imported,
    rejected,
    issues: issues.slice(0, MAX_ISSUES),
    ignoredProperties: t.ignored,
    leftOut: file.leftOut(),
    ms: performance.now() - ctx.t0,
    batchId: o.dryRun ? null : batchId,
    dryRun: o.dryRun === true,
    detected: {
      format: `${file.head.format.value} (${file.head.format.reason})`,
      encoding: file.head.encoding ? `${file.head.encoding.value} (${file.head.encoding.reason})` : null,
      crs: `${file.head.crs.value} (${file.head.crs.reason})`,
    },
    rowsRead: file.rowCount,
    counts,
    summary,
    refused: groupIssues(issues, (i) => `${i.path}: ${i.message}`).map(([reason, g]) => ({ reason, ...g })),
    fieldProblems: groupIssues(issues, (i) => i.path).map(([path, g]) => ({ path, ...g })),
    repaired,
    defaulted: [...t.defaulted.values()],
    mapping: file.mapping,
    unmapped: file.unmapped,
    warnings,
  };
  if (o.dryRun) throw new DryRunDone(report);
  return report;
}
