import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haversineMeters } from '../../src/engines/routing/index.js';
import { UnprocessableError } from '../../src/errors.js';
import { importFile, type ImportOptions } from '../../src/import/import.service.js';
import { readSource } from '../../src/import/readers/index.js';
import { undoImportBatch } from '../../src/services/import-batches.service.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';
import { referenceGcj02ToBd09, referenceWgs84ToGcj02 } from '../helpers/china-offsets.js';

/**
 * The write side of imports (issue #15) on real files: Chicago's beats as a zipped Shapefile of polygons, Nanjing's
 * OSM streets as a GBK Shapefile of lines in CGCS2000 Gauss–Krüger (both written by GDAL's ogr2ogr), Chicago's crimes
 * as CSV with the date and the time in two columns. Counts are read back with SQL.
 */
const SHARED = path.resolve(import.meta.dirname, '../../../../shared/data');
const BEATS = path.join(SHARED, 'chicago_beats/police_beats_simple.geojson');
const NANJING = path.join(SHARED, 'nanjing_osm/nanjing_xuanwu_osm_bbox.osm');
const CRIMES = path.join(SHARED, 'chicago_crimes/chicago_crimes_sample_5000.csv');
const CRIMES_2012 = path.join(SHARED, 'chicago_crimes/chicago_crimes_socrata_2012.csv');

let t: TestDb;
let work: string;
beforeAll(async () => {
  t = await openTestDb();
  work = mkdtempSync(path.join(os.tmpdir(), 'gp-import-write-'));
});
afterAll(async () => t?.dispose());

const opts = (o: Partial<ImportOptions> & Pick<ImportOptions, 'format' | 'fileName'>): ImportOptions => ({
  actor: 'test',
  ...o,
});
const count = async (sql: string, params: unknown[] = []) =>
  Number((await t.db.query<{ n: number }>(sql, params))[0]?.n ?? -1);

/** A Shapefile written by ogr2ogr, zipped with its .shp/.shx/.dbf/.prj/.cpg. */
function shapefileZip(name: string, args: string[]): Uint8Array {
  const dir = mkdtempSync(path.join(work, `${name}-`));
  execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', path.join(dir, `${name}.shp`), ...args]);
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(dir)) files[f] = readFileSync(path.join(dir, f));
  return zipSync(files);
}

/** GDAL's own reading of a file in WGS84: the reference for counts and attribute text. */
function gdalFeatures(file: string): { properties: Record<string, unknown>; geometry: { coordinates: unknown } }[] {
  const out = path.join(mkdtempSync(path.join(work, 'ref-')), 'ref.geojson');
  execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', '-lco', 'COORDINATE_PRECISION=9', out, file]);
  return JSON.parse(readFileSync(out, 'utf8')).features;
}

describe('beats from a zipped Shapefile of polygons (Chicago)', () => {
  let zip: Uint8Array;
  let firstBatch = 0;
  beforeAll(async () => {
    zip = shapefileZip('beats', [BEATS]);
    // A region the beats lie in, so their district_code comes from it (no code per row by hand).
    const region = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { 编码: '170000000000', 名称: 'Chicago (test region)', 级别: '市' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [-88, 41.6],
                [-87.5, 41.6],
                [-87.5, 42.05],
                [-88, 42.05],
                [-88, 41.6],
              ],
            ],
          },
        },
      ],
    };
    const r = await importFile(
      t.db,
      new TextEncoder().encode(JSON.stringify(region)),
      opts({ format: 'geojson', fileName: 'region.geojson', layer: 'admin-areas' }),
    );
    expect(r.counts['admin-areas']).toEqual({ new: 1, updated: 0, unchanged: 0 });
  });

  it('when the 277 beat polygons are imported without stations or district codes, then 275 land in the region, the 2 repeating a code are refused naming the first', async () => {
    const r = await importFile(
      t.db,
      zip,
      opts({ format: 'shapefile', fileName: 'beats.zip', layer: 'beats', makeValid: true, skipInvalid: true }),
    );
    expect(r.mapping.code).toBe('BEAT_NUM');
    expect(r.counts.beats).toEqual({ new: 275, updated: 0, unchanged: 0 });
    expect(r.rowsRead).toBe(277);
    expect(r.summary).toMatch(/^275 new, 0 unchanged, 0 updated, 2 refused/);
    // Beat 3100 is three polygons in the file: one code, so the 2nd and 3rd are refused, naming the 1st.
    expect(r.issues.map((i) => `${i.source}: ${i.message}`)).toEqual([
      'feature 55: "3100" is also the code of feature 1',
      'feature 263: "3100" is also the code of feature 1',
    ]);
    expect(r.fieldProblems).toEqual([{ path: 'properties.code', count: 2, rows: ['feature 55', 'feature 263'] }]);
    expect(r.defaulted).toEqual(
      expect.arrayContaining([
        { column: 'name', count: 277, value: '"the code"' },
        { column: 'district_code', count: 277, value: 'the containing admin area' },
      ]),
    );
    expect(await count(`SELECT count(*) AS n FROM beat`)).toBe(275);
    expect(
      await count(`SELECT count(*) AS n FROM beat WHERE station_id IS NULL AND district_code = '170000000000'`),
    ).toBe(275);
    expect(await count(`SELECT count(*) AS n FROM beat WHERE NOT ST_IsValid(geom)`)).toBe(0);
    // Every beat code GDAL reads from the same Shapefile is stored.
    const dir = mkdtempSync(path.join(work, 'beats-ref-'));
    execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', path.join(dir, 'b.shp'), BEATS]);
    const ref = gdalFeatures(path.join(dir, 'b.shp')).map((f) => String(f.properties.BEAT_NUM));
    const stored = (await t.db.query<{ code: string }>(`SELECT code FROM beat ORDER BY code`)).map((x) => x.code);
    expect(stored).toEqual([...new Set(ref)].sort());
    expect(r.batchId).toBeGreaterThan(0);
    firstBatch = r.batchId ?? 0;
    console.log(`beats: ${r.summary}; repaired ${r.repaired.length}; ${r.ms.toFixed(0)} ms`);
  });

  it('when the same file is imported again, then nothing is doubled: 275 unchanged, the table still holds 275', async () => {
    const r = await importFile(
      t.db,
      zip,
      opts({ format: 'shapefile', fileName: 'beats.zip', layer: 'beats', makeValid: true, skipInvalid: true }),
    );
    expect(r.counts.beats).toEqual({ new: 0, updated: 0, unchanged: 275 });
    expect(r.summary).toMatch(/^0 new, 275 unchanged, 0 updated, 2 refused/);
    expect(await count(`SELECT count(*) AS n FROM beat`)).toBe(275);
  });

  it('when a dry run would rename 3 beats, then it reports 3 updated and the database is as before (rows, batches, audit)', async () => {
    const fc = JSON.parse(readFileSync(BEATS, 'utf8'));
    for (const f of fc.features.slice(0, 3)) f.properties.name = `Renamed ${f.properties.BEAT_NUM}`;
    const bytes = new TextEncoder().encode(JSON.stringify(fc));
    const before = await Promise.all([
      count(`SELECT count(*) AS n FROM beat`),
      count(`SELECT count(*) AS n FROM beat WHERE name LIKE 'Renamed%'`),
      count(`SELECT count(*) AS n FROM import_batch`),
      count(`SELECT count(*) AS n FROM audit_log`),
      count(`SELECT count(*) AS n FROM import_row`),
    ]);
    const dry = await importFile(
      t.db,
      bytes,
      opts({
        format: 'geojson',
        fileName: 'beats-renamed.geojson',
        layer: 'beats',
        makeValid: true,
        skipInvalid: true,
        dryRun: true,
      }),
    );
    expect(dry.dryRun).toBe(true);
    expect(dry.batchId).toBeNull();
    expect(dry.counts.beats).toEqual({ new: 0, updated: 3, unchanged: 272 });
    const after = await Promise.all([
      count(`SELECT count(*) AS n FROM beat`),
      count(`SELECT count(*) AS n FROM beat WHERE name LIKE 'Renamed%'`),
      count(`SELECT count(*) AS n FROM import_batch`),
      count(`SELECT count(*) AS n FROM audit_log`),
      count(`SELECT count(*) AS n FROM import_row`),
    ]);
    expect(after).toEqual(before);

    // For real: 3 updated; undo restores the names; undoing the first batch empties the layer again.
    const real = await importFile(
      t.db,
      bytes,
      opts({
        format: 'geojson',
        fileName: 'beats-renamed.geojson',
        layer: 'beats',
        makeValid: true,
        skipInvalid: true,
      }),
    );
    expect(real.counts.beats).toEqual({ new: 0, updated: 3, unchanged: 272 });
    expect(await count(`SELECT count(*) AS n FROM beat WHERE name LIKE 'Renamed%'`)).toBe(3);
    const undo = await undoImportBatch(t.db, real.batchId ?? 0, 'test');
    expect(undo.restored.beats).toBe(3);
    expect(await count(`SELECT count(*) AS n FROM beat WHERE name LIKE 'Renamed%'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM beat`)).toBe(275);
    await expect(undoImportBatch(t.db, real.batchId ?? 0, 'test')).rejects.toMatchObject({
      code: 'import.already_undone',
    });
    // The first batch's rows were changed by the (undone) second one: their version moved. Undo is partial: the
    // 272 untouched rows go, the 3 edited since stay as they are now, each named.
    const renamed = await t.db.query<{ id: number; version: number }>(
      `SELECT b.id::int AS id, b.version FROM beat b JOIN import_row ir ON ir.feature_id = b.id AND ir.layer = 'beats'
       WHERE ir.batch_id = $1 AND ir.action = 'updated' ORDER BY 1`,
      [real.batchId],
    );
    expect(renamed).toHaveLength(3);
    const partial = await undoImportBatch(t.db, firstBatch, 'test');
    expect(partial.partial).toBe(true);
    expect(partial.deleted.beats).toBe(272);
    expect(partial.kept.map((k) => k.featureId).sort((a, b) => a - b)).toEqual(renamed.map((r) => r.id));
    for (const k of partial.kept) {
      expect(k.layer).toBe('beats');
      expect(k.reason).toMatch(/^edited since the import \(version \d+, import wrote 1\)$/);
    }
    expect(await count(`SELECT count(*) AS n FROM beat`)).toBe(3);
    expect(await count(`SELECT count(*) AS n FROM beat WHERE id = ANY($1::bigint[])`, [renamed.map((r) => r.id)])).toBe(
      3,
    );
    expect(
      await count(
        `SELECT count(*) AS n FROM audit_log WHERE entity = 'import' AND action = 'delete' AND entity_id = $1`,
        [String(real.batchId)],
      ),
    ).toBe(1);
  });
});

describe('admin areas without a parent above them', () => {
  it('when a township comes without its district loaded, then it imports (only a region must have no parent)', async () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { 区划代码: '320102001000', 名称: '新街口街道', 层级: '街道', 区县编码: '320102000000' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [118.77, 32.03],
                [118.8, 32.03],
                [118.8, 32.05],
                [118.77, 32.05],
                [118.77, 32.03],
              ],
            ],
          },
        },
      ],
    };
    const r = await importFile(
      t.db,
      new TextEncoder().encode(JSON.stringify(fc)),
      opts({ format: 'geojson', fileName: 'township.geojson', layer: 'admin-areas' }),
    );
    expect(r.counts['admin-areas']).toEqual({ new: 1, updated: 0, unchanged: 0 });
    const [a] = await t.db.query<{ level: string; parent_code: string | null; district_code: string }>(
      `SELECT level, parent_code, district_code FROM admin_area WHERE code = '320102001000'`,
    );
    expect(a).toEqual({ level: 'township', parent_code: null, district_code: '320102000000' });
  });
});

describe('undo of an import', () => {
  it('when a batch of new rows is undone, then the table holds what it held before and the next import adds them again', async () => {
    const csv =
      'lon,lat,occurred_at,category\n118.78,32.04,2026-03-01 21:15:00,盗窃\n118.79,32.05,2026-03-02 08:00,纠纷\n';
    const bytes = new TextEncoder().encode(csv);
    const before = await count(`SELECT count(*) AS n FROM incident`);
    const r = await importFile(t.db, bytes, opts({ format: 'csv', fileName: 'u.csv', layer: 'incidents' }));
    expect(await count(`SELECT count(*) AS n FROM incident`)).toBe(before + 2);
    const u = await undoImportBatch(t.db, r.batchId ?? 0, 'test');
    expect(u.deleted.incidents).toBe(2);
    expect(await count(`SELECT count(*) AS n FROM incident`)).toBe(before);
    const again = await importFile(t.db, bytes, opts({ format: 'csv', fileName: 'u.csv', layer: 'incidents' }));
    expect(again.counts.incidents).toEqual({ new: 2, updated: 0, unchanged: 0 });
  });
});

describe('roads from a GBK Shapefile of lines in CGCS2000 Gauss–Krüger (Nanjing OSM streets, ogr2ogr)', () => {
  let zip: Uint8Array;
  let shp: string;
  beforeAll(() => {
    const dir = mkdtempSync(path.join(work, 'roads-'));
    shp = path.join(dir, 'roads.shp');
    execFileSync('ogr2ogr', [
      '-f',
      'ESRI Shapefile',
      '-lco',
      'ENCODING=GBK',
      '-t_srs',
      'EPSG:4549',
      '-sql',
      'SELECT name, highway FROM lines WHERE highway IS NOT NULL',
      shp,
      NANJING,
    ]);
    const files: Record<string, Uint8Array> = {};
    for (const f of readdirSync(dir)) files[f] = readFileSync(path.join(dir, f));
    zip = zipSync(files);
  });

  it("when imported without class or speed columns, then every line GDAL reads lands: class from highway, speed from the class's default", async () => {
    const ref = gdalFeatures(shp);
    const src = await readSource({ bytes: zip }, { filename: 'roads.zip' });
    expect(src.encoding?.value).toBe('gbk');
    expect(src.crs.value).toBe('EPSG:4549');
    const before = await count(`SELECT count(*) AS n FROM road`);
    const r = await importFile(t.db, zip, opts({ format: 'shapefile', fileName: 'roads.zip', layer: 'roads' }));
    expect(r.mapping).toMatchObject({ name: 'name', road_class: 'highway' });
    expect(r.counts.roads).toEqual({ new: ref.length, updated: 0, unchanged: 0 });
    expect(await count(`SELECT count(*) AS n FROM road`)).toBe(before + ref.length);
    expect(r.defaulted.find((d) => d.column === 'speed_kmh')?.count).toBe(ref.length);
    // Chinese names decoded from GBK, the same text GDAL reads.
    const names = (
      await t.db.query<{ name: string }>(`SELECT name FROM road WHERE name IS NOT NULL ORDER BY name`)
    ).map((x) => x.name);
    const refNames = ref
      .map((f) => f.properties.name)
      .filter((n): n is string => typeof n === 'string')
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(refNames);
    expect(names.some((n) => /[\u4e00-\u9fff]/.test(n))).toBe(true);
    // Positions: the first vertex of each road within 0.01 m of GDAL's reprojection.
    const firsts = await t.db.query<{ x: number; y: number }>(
      `SELECT ST_X(ST_StartPoint(geom)) AS x, ST_Y(ST_StartPoint(geom)) AS y FROM road ORDER BY id DESC LIMIT $1`,
      [ref.length],
    );
    const refFirst = ref.map((f) => (f.geometry.coordinates as number[][])[0] as [number, number]);
    const worst = Math.max(
      ...firsts.map((p) => Math.min(...refFirst.map(([x, y]) => haversineMeters(p.x, p.y, x, y)))),
    );
    expect(worst, "every start vertex within 0.01 m of GDAL's").toBeLessThan(0.01);
    const speed = await t.db.query<{ c: string; s: number }>(
      `SELECT road_class AS c, min(speed_kmh) AS s FROM road WHERE road_class IN ('primary', 'residential', 'footway') GROUP BY 1 ORDER BY 1`,
    );
    expect(speed).toEqual([
      { c: 'footway', s: 5 },
      { c: 'primary', s: 50 },
      { c: 'residential', s: 30 },
    ]);
    const again = await importFile(t.db, zip, opts({ format: 'shapefile', fileName: 'roads.zip', layer: 'roads' }));
    expect(again.counts.roads).toEqual({ new: 0, updated: 0, unchanged: ref.length });
    expect(await count(`SELECT count(*) AS n FROM road`)).toBe(before + ref.length);
  });
});

describe('incidents from CSV with the date and the time in two columns (Chicago crimes)', () => {
  it('when the 5,000-row sample has Date and Time apart, then they are combined in Chicago time, and a re-import adds nothing', async () => {
    const lines = readFileSync(CRIMES, 'utf8').split(/\r?\n/).filter(Boolean);
    const header = lines[0]?.split(',') ?? [];
    const di = header.indexOf('Date');
    // Split "03/20/2013 10:05:00 AM" into Date "03/20/2013" and Time "10:05:00 AM" (no field before Date is quoted).
    const out = [[...header.slice(0, di), 'Date', 'Time', ...header.slice(di + 1)].join(',')];
    for (const l of lines.slice(1)) {
      const cells = l.split(',');
      const [d, ...time] = (cells[di] ?? '').split(' ');
      out.push([...cells.slice(0, di), d, time.join(' '), ...cells.slice(di + 1)].join(','));
    }
    const bytes = new TextEncoder().encode(`${out.join('\n')}\n`);
    const before = await count(`SELECT count(*) AS n FROM incident`);
    const r = await importFile(
      t.db,
      bytes,
      opts({ format: 'csv', fileName: 'crimes-split.csv', layer: 'incidents', timeZone: 'America/Chicago' }),
    );
    expect(r.mapping.occurred_at).toBe('Date + Time');
    expect(r.mapping.category).toBe('Primary Type');
    expect(r.counts.incidents).toEqual({ new: 5000, updated: 0, unchanged: 0 });
    expect(await count(`SELECT count(*) AS n FROM incident`)).toBe(before + 5000);
    const [a] = await t.db.query<{ at: Date }>(`SELECT occurred_at AS at FROM incident WHERE external_id = '9054918'`);
    expect(a?.at.toISOString()).toBe('2013-03-20T15:05:00.000Z'); // 10:05 AM CDT
    const again = await importFile(
      t.db,
      bytes,
      opts({ format: 'csv', fileName: 'crimes-split.csv', layer: 'incidents', timeZone: 'America/Chicago' }),
    );
    expect(again.summary).toMatch(/^0 new, 5000 unchanged, 0 updated/);
    expect(await count(`SELECT count(*) AS n FROM incident`)).toBe(before + 5000);
  });

  it('when the 2012 file (rows repeated, case numbers shared) is imported twice, then the second import matches every row one for one', async () => {
    const bytes = new Uint8Array(readFileSync(CRIMES_2012));
    // Identical data lines (with coordinates) in the file: each is still its own incident.
    const withCoords = readFileSync(CRIMES_2012, 'utf8')
      .split(/\r?\n/)
      .slice(1)
      .filter((l) => /,-87\.\d+,/.test(l));
    const repeats = withCoords.length - new Set(withCoords).size;
    const before = await count(`SELECT count(*) AS n FROM incident`);
    const o = opts({
      format: 'csv',
      fileName: 'chicago_crimes_socrata_2012.csv',
      layer: 'incidents',
      timeZone: 'America/Chicago',
      skipInvalid: true,
    });
    const r = await importFile(t.db, bytes, o);
    expect(r.counts.incidents?.new).toBe(9913);
    expect(r.rejected).toBe(87);
    expect(r.refused[0]).toMatchObject({ count: 87 });
    expect(r.refused[0]?.rows.length).toBe(5);
    expect(r.fieldProblems.find((p) => p.path.startsWith('geometry'))?.count).toBe(87);
    const again = await importFile(t.db, bytes, o);
    expect(again.counts.incidents).toEqual({ new: 0, updated: 0, unchanged: 9913 });
    expect(await count(`SELECT count(*) AS n FROM incident`)).toBe(before + 9913);
    console.log(`2012 crimes: ${r.summary}; ${repeats} data lines repeat an earlier one; re-import: ${again.summary}`);
  });
});

const wgsToGcj = referenceWgs84ToGcj02;
const gcjToBd = referenceGcj02ToBd09;

describe('cameras: GB/T 28181 codes and BD-09 / GCJ-02 input', () => {
  // Real WGS84 points: every 500th node of the Nanjing OSM extract's core (Xinjiekou / Xuanwu).
  const truth = (() => {
    const xml = readFileSync(NANJING, 'utf8');
    const pts: [number, number][] = [];
    for (const m of xml.matchAll(/<node id="\d+" lat="([\d.]+)" lon="([\d.]+)"/g)) {
      const [lon, lat] = [Number(m[2]), Number(m[1])];
      if (lon > 118.77 && lon < 118.795 && lat > 32.036 && lat < 32.051) pts.push([lon, lat]);
    }
    return pts.filter((_, i) => i % 500 === 0);
  })();

  it('when a ledger in BD-09 with GB/T 28181 codes is imported, then positions are within 1 m of WGS84 and the codes are decoded or refused', async () => {
    expect(truth.length).toBeGreaterThan(0);
    const rows = ['经度,纬度,点位名称,国标编码,设备状态,摄像机类型,点位类型'];
    truth.forEach(([lon, lat], i) => {
      const [bx, by] = gcjToBd(...wgsToGcj(lon, lat));
      rows.push(
        `${bx.toFixed(8)},${by.toFixed(8)},派出所门口${i},3201020000132500${String(i).padStart(4, '0')},在线,球机,一类点`,
      );
    });
    rows.push('118.79,32.05,录像机,32010200001185000001,在线,枪机,');
    const r = await importFile(
      t.db,
      new TextEncoder().encode(rows.join('\n')),
      opts({ format: 'csv', fileName: 'ledger.csv', layer: 'cameras', crs: 'bd09', skipInvalid: true }),
    );
    expect(r.counts.cameras?.new).toBe(truth.length);
    expect(r.rejected).toBe(1);
    expect(r.issues[0]?.path).toBe('properties.gb_code');
    expect(r.issues[0]?.message).toMatch(/device type 118 \(NVR\) is not a camera/);
    expect(r.issues[0]?.source).toBe(`row ${truth.length + 2}`);
    const stored = await t.db.query<{
      x: number;
      y: number;
      name: string;
      gb_type: string;
      gb_network: string;
      district_code: string;
      status: string;
      camera_type: string;
      point_class: number;
    }>(
      `SELECT ST_X(geom) AS x, ST_Y(geom) AS y, name, gb_type, gb_network, district_code, status, camera_type, point_class
       FROM camera WHERE gb_code LIKE '320102000013250%' ORDER BY gb_code`,
    );
    expect(stored).toHaveLength(truth.length);
    stored.forEach((s, i) => {
      const [lon, lat] = truth[i] as [number, number];
      expect(haversineMeters(s.x, s.y, lon, lat)).toBeLessThan(1);
      expect(s).toMatchObject({
        gb_type: '132',
        gb_network: '5',
        district_code: '320102000000',
        status: 'working',
        camera_type: 'ptz',
        point_class: 1,
      });
    });
    expect(r.defaulted.find((d) => d.column === 'heading_deg')).toEqual({
      column: 'heading_deg',
      count: truth.length + 1, // the refused NVR row too: counted over the rows read
      value: '0',
    });
  });

  it('when the same points come in GCJ-02 as posts, then they are within 1 m of WGS84', async () => {
    const rows = ['lng,lat,名称'];
    truth.forEach(([lon, lat], i) => {
      const [gx, gy] = wgsToGcj(lon, lat);
      rows.push(`${gx.toFixed(8)},${gy.toFixed(8)},岗${i}`);
    });
    const r = await importFile(
      t.db,
      new TextEncoder().encode(rows.join('\n')),
      opts({ format: 'csv', fileName: 'posts.csv', layer: 'posts', crs: 'gcj02' }),
    );
    expect(r.counts.posts?.new).toBe(truth.length);
    const stored = await t.db.query<{ x: number; y: number; name: string }>(
      `SELECT ST_X(geom) AS x, ST_Y(geom) AS y, name FROM post WHERE name LIKE '岗%'`,
    );
    for (const s of stored) {
      const [lon, lat] = truth[Number(s.name.slice(1))] as [number, number];
      expect(haversineMeters(s.x, s.y, lon, lat)).toBeLessThan(1);
    }
  });
});

describe('repair and refusal of invalid polygons', () => {
  const bowtie = {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { code: 'X1', name: '自相交警格', district_code: '320102000000' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [118.78, 32.04],
              [118.79, 32.05],
              [118.79, 32.04],
              [118.78, 32.05],
              [118.78, 32.04],
            ],
          ],
        },
      },
    ],
  };
  const bytes = new TextEncoder().encode(JSON.stringify(bowtie));

  it('when a self-intersecting beat comes without makeValid, then the file is refused naming it (import.invalid_features)', async () => {
    const before = await count(`SELECT count(*) AS n FROM beat`);
    const err = await importFile(
      t.db,
      bytes,
      opts({ format: 'geojson', fileName: 'bow.geojson', layer: 'beats' }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnprocessableError);
    expect((err as UnprocessableError).code).toBe('import.invalid_features');
    expect((err as UnprocessableError).errors[0]).toMatchObject({ path: 'feature 0: geometry' });
    expect((err as UnprocessableError).errors[0]?.message).toMatch(/Self-intersection/);
    expect(await count(`SELECT count(*) AS n FROM beat`)).toBe(before);
  });

  it('when makeValid is given, then ST_MakeValid repairs it, the report lists it, and the stored beat is valid', async () => {
    const r = await importFile(
      t.db,
      bytes,
      opts({ format: 'geojson', fileName: 'bow.geojson', layer: 'beats', makeValid: true }),
    );
    expect(r.repaired).toEqual([
      { source: 'feature 0', layer: 'beats', reason: expect.stringMatching(/Self-intersection/) },
    ]);
    expect(r.summary).toMatch(/1 repaired/);
    const [b] = await t.db.query<{ valid: boolean; parts: number; m2: number }>(
      `SELECT ST_IsValid(geom) AS valid, ST_NumGeometries(geom) AS parts, ST_Area(geom::geography) AS m2 FROM beat WHERE code = 'X1'`,
    );
    expect(b?.valid).toBe(true);
    expect(b?.parts).toBe(2); // the bow-tie's two triangles
    expect(b?.m2).toBeGreaterThan(1000);
  });
});

describe('column mapping by hand', () => {
  it('when --map and --set name the columns and a stated default fills the class, then rows land and the report says what was defaulted', async () => {
    const fc = {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { 街名: '中山路', 限速值: '40' },
          geometry: {
            type: 'LineString',
            coordinates: [
              [118.78, 32.04],
              [118.781, 32.041],
            ],
          },
        },
        {
          type: 'Feature',
          properties: { 街名: '北京东路' },
          geometry: {
            type: 'LineString',
            coordinates: [
              [118.79, 32.05],
              [118.791, 32.051],
            ],
          },
        },
      ],
    };
    const r = await importFile(
      t.db,
      new TextEncoder().encode(JSON.stringify(fc)),
      opts({
        format: 'geojson',
        fileName: 'streets.geojson',
        layer: 'roads',
        map: { name: '街名', speed_kmh: '限速值' },
        set: { district_code: '320102000000' },
      }),
    );
    expect(r.mapping).toMatchObject({ name: '街名', speed_kmh: '限速值', district_code: '= 320102000000' });
    expect(r.defaulted).toEqual(
      expect.arrayContaining([
        { column: 'road_class', count: 2, value: '"unclassified"' },
        { column: 'speed_kmh', count: 1, value: '"by class (unclassified 30)"' },
      ]),
    );
    const rows = await t.db.query<{ name: string; speed_kmh: number; road_class: string; district_code: string }>(
      `SELECT name, speed_kmh, road_class, district_code FROM road WHERE name IN ('中山路', '北京东路') AND district_code = '320102000000' ORDER BY speed_kmh`,
    );
    expect(rows).toEqual([
      { name: '北京东路', speed_kmh: 30, road_class: 'unclassified', district_code: '320102000000' },
      { name: '中山路', speed_kmh: 40, road_class: 'unclassified', district_code: '320102000000' },
    ]);
  });
});
