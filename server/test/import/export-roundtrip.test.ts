import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { FeatureCollection } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LayerName } from '../../src/contract/layers.js';
import type { Db } from '../../src/db/client.js';
import { importFile, type ImportOptions } from '../../src/import/import.service.js';
import { inProcess } from '../../src/jobs/runner.js';
import { exportLayer, type ExportOptions } from '../../src/services/export.service.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * Export → import is a lossless round trip (issue #15, "Out again"): database A holds real data (Chicago's beats,
 * community areas as grids and 5,000 crimes; Seattle's OSM cameras plus a Chinese camera ledger; Monaco's key places;
 * Nanjing's streets with Chinese names); each layer is exported in each format and imported into database B, fresh
 * (the layer's rows and import keys cleared between formats), and B's rows must equal A's, read by SQL written here:
 * the same count, the same column values, geometries within 1e-8° (≈ 1 mm; ST_HausdorffDistance in A against B's
 * geometry). GDAL reads every exported Shapefile and CSV on its own: field names, encoding, CRS, feature count.
 */
const SHARED = path.resolve(import.meta.dirname, '../../../../shared/data');
const BEATS = path.join(SHARED, 'chicago_beats/police_beats_simple.geojson');
const AREAS = path.join(SHARED, 'chicago_beats/community_areas.geojson');
const CRIMES = path.join(SHARED, 'chicago_crimes/chicago_crimes_sample_5000.csv');
const SEATTLE = path.join(SHARED, 'osm_surveillance_uswest/derived_seattle_cameras.geojson');
const MONACO = path.join(SHARED, 'monaco/monaco.osm.pbf');
const NANJING = path.join(SHARED, 'nanjing_osm/nanjing_xuanwu_osm_bbox.osm');

let a: TestDb;
let b: TestDb;
let work: string;
const enc = (s: string) => new TextEncoder().encode(s);
const opts = (o: Partial<ImportOptions> & Pick<ImportOptions, 'format' | 'fileName'>): ImportOptions => ({
  actor: 'test',
  ...o,
});
const square = (x: number, y: number, d: number) => [
  [
    [x, y],
    [x + d, y],
    [x + d, y + d],
    [x, y + d],
    [x, y],
  ],
];

beforeAll(async () => {
  a = await openTestDb();
  b = await openTestDb();
  work = mkdtempSync(path.join(os.tmpdir(), 'gp-export-'));
  const region: FeatureCollection = {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { 编码: '170000000000', 名称: 'Chicago (test region)', 级别: '市' },
        geometry: { type: 'Polygon', coordinates: square(-88, 41.6, 0.5) },
      },
      {
        type: 'Feature',
        properties: { 编码: '170000000001', 名称: '测试社区', 级别: '社区', 区县编码: '170000000000' },
        geometry: { type: 'Polygon', coordinates: square(-88, 41.6, 0.5) },
      },
    ],
  };
  const stations: FeatureCollection = {
    type: 'FeatureCollection',
    features: [
      {
        type: 'Feature',
        properties: { 派出所编码: 'S017', 派出所: '第十七分局', 电话: '312-742-4410' },
        geometry: { type: 'Point', coordinates: [-87.7, 41.95] },
      },
    ],
  };
  const must = async (bytes: Uint8Array, o: ImportOptions) => {
    const r = await importFile(a.db, bytes, o);
    expect(r.rowsRead, o.fileName).toBeGreaterThan(0);
    return r;
  };
  await must(
    enc(JSON.stringify(region)),
    opts({ format: 'geojson', fileName: 'region.geojson', layer: 'admin-areas' }),
  );
  await must(enc(JSON.stringify(stations)), opts({ format: 'geojson', fileName: 'st.geojson', layer: 'stations' }));
  await must(
    readFileSync(BEATS),
    opts({
      format: 'geojson',
      fileName: 'beats.geojson',
      layer: 'beats',
      makeValid: true,
      skipInvalid: true,
      set: { station_code: 'S017' },
    }),
  );
  // Chicago's 77 community areas as grids, under the headers of a Chinese grid ledger.
  const areas = JSON.parse(readFileSync(AREAS, 'utf8')) as FeatureCollection;
  const grids: FeatureCollection = {
    type: 'FeatureCollection',
    features: areas.features.map((f) => {
      const n = Number(f.properties?.AREA_NUMBE ?? f.properties?.COMMUNITY ?? 0) || Number(f.properties?.COMAREA_ID);
      return {
        ...f,
        properties: {
          网格编码: `170000000001${String(n).padStart(3, '0')}`,
          网格名称: `${String(f.properties?.COMMUNITY)}网格`,
          类型: n % 5 === 0 ? '专属网格' : '综合网格',
          专属单位: n % 5 === 0 ? '芝加哥大学' : null,
          人口: n * 1000,
          网格员: n % 2 ? '张三' : null,
        },
      };
    }),
  };
  await must(
    enc(JSON.stringify(grids)),
    opts({
      format: 'geojson',
      fileName: 'grids.geojson',
      layer: 'grids',
      makeValid: true,
      set: { community_code: '170000000001', district_code: '170000000000' },
    }),
  );
  await must(
    readFileSync(SEATTLE),
    opts({ format: 'geojson', fileName: 'seattle.geojson', layer: 'cameras', map: { osm_id: 'osm_node_id' } }),
  );
  // A camera ledger as a 分局 keeps it: Chinese words for status, type, direction, point class; GB/T 28181 codes.
  const ledger = ['经度,纬度,点位名称,国标编码,设备状态,摄像机类型,安装方向,点位类型,安装日期,是否联网,建设单位'];
  const words = { status: ['在线', '离线', '故障'], type: ['枪机', '球机', '半球'], dir: ['东', '南', '西北', '北'] };
  for (let i = 0; i < 40; i++)
    ledger.push(
      [
        (118.77 + i * 0.0005).toFixed(6),
        (32.04 + (i % 7) * 0.001).toFixed(6),
        `玄武区中山路${i}号`,
        `3201020000132500${String(i).padStart(4, '0')}`,
        words.status[i % 3],
        words.type[i % 3],
        words.dir[i % 4],
        ['一类点', '二类点', '三类点'][i % 3],
        `2021/${(i % 12) + 1}/${(i % 27) + 1}`,
        i % 4 ? '是' : '否',
        '南京市公安局玄武分局',
      ].join(','),
    );
  await must(enc(ledger.join('\r\n')), opts({ format: 'csv', fileName: 'ledger.csv', layer: 'cameras' }));
  await must(readFileSync(MONACO), opts({ format: 'osm-pbf', fileName: 'monaco.osm.pbf' }));
  const streets = path.join(work, 'nanjing.geojson');
  execFileSync('ogr2ogr', [
    '-f',
    'GeoJSON',
    '-sql',
    'SELECT osm_id, name, highway FROM lines WHERE highway IS NOT NULL',
    streets,
    NANJING,
  ]);
  await must(readFileSync(streets), opts({ format: 'geojson', fileName: 'nanjing.geojson', layer: 'roads' }));
  await must(
    readFileSync(CRIMES),
    opts({
      format: 'csv',
      fileName: 'crimes.csv',
      layer: 'incidents',
      timeZone: 'America/Chicago',
      skipInvalid: true,
      map: { category: 'Primary Type', external_id: 'Case Number' },
    }),
  );
  // B gets the admin areas the grids lie in and the station the beats name, by the same export → import.
  for (const layer of ['admin-areas', 'stations'] as const) {
    const f = await exportLayer(a.db, layer, { format: 'geojson' }, inProcess);
    const r = await importFile(b.db, f.bytes, opts({ format: 'geojson', fileName: f.fileName, layer }));
    expect(r.counts[layer]?.new).toBe(f.rows);
  }
}, 600_000);
afterAll(async () => {
  await a?.dispose();
  await b?.dispose();
  if (work) rmSync(work, { recursive: true, force: true });
});

const TABLE: Partial<Record<LayerName, string>> = {
  grids: 'grid',
  beats: 'beat',
  cameras: 'camera',
  'key-places': 'key_place',
  roads: 'road',
  incidents: 'incident',
};
const META = ['id', 'version', 'created_at', 'updated_at', 'geom', 'station_id', 'h3_r7', 'h3_r8', 'h3_r9', 'h3_r10'];

interface StoredRow {
  id: number;
  props: string;
  gj: string;
}
/** Every row's columns (the station as its code) as canonical JSON text, in one order both databases agree on. */
async function stored(db: Db, layer: LayerName, box?: readonly number[]): Promise<StoredRow[]> {
  const t = TABLE[layer] as string;
  const station =
    layer === 'beats' ? `|| jsonb_build_object('station', (SELECT code FROM station s WHERE s.id = t.station_id))` : '';
  return db.query<StoredRow>(
    `SELECT id::int AS id, ((to_jsonb(t) - $1::text[]) ${station})::text AS props, ST_AsGeoJSON(geom, 15) AS gj
     FROM ${t} t ${box ? `WHERE t.geom && ST_MakeEnvelope(${box.join(', ')}, 4326)` : ''} ORDER BY 2, round(ST_XMin(geom)::numeric, 6), round(ST_YMin(geom)::numeric, 6), id`,
    [META],
  );
}

const counts: string[] = [];

async function roundTrip(
  layer: LayerName,
  o: ExportOptions,
  fileName: string,
): Promise<{ bytes: Uint8Array; n: number }> {
  const file = await exportLayer(a.db, layer, o, inProcess);
  const t = TABLE[layer] as string;
  await b.db.exec(`DELETE FROM import_key WHERE layer = '${layer}'; DELETE FROM ${t};`);
  const format = o.format === 'kmz' ? 'kmz' : o.format;
  const r = await importFile(b.db, file.bytes, opts({ format, fileName, layer, skipInvalid: true }));
  expect(r.rejected, `${layer} ${fileName}: ${JSON.stringify(r.issues.slice(0, 3))}`).toBe(0);
  const want = await stored(a.db, layer, o.bbox);
  const got = await stored(b.db, layer);
  expect(file.rows).toBe(want.length);
  expect(got.length).toBe(want.length);
  // Same column values, row for row (the order is by those values).
  const diff = want.findIndex((w, i) => w.props !== got[i]?.props);
  expect(diff === -1 ? null : { a: want[diff]?.props, b: got[diff]?.props }).toBeNull();
  const [h] = await a.db.query<{ d: number | null }>(
    `SELECT max(ST_HausdorffDistance(t.geom, ST_SetSRID(ST_GeomFromGeoJSON(u.gj), 4326))) AS d
     FROM unnest($1::bigint[], $2::text[]) AS u(id, gj) JOIN ${t} t ON t.id = u.id`,
    [want.map((w) => w.id), got.map((g) => g.gj)],
  );
  expect(h?.d ?? 0).toBeLessThan(1e-8);
  counts.push(`${layer} ${fileName}: ${want.length} rows, Hausdorff ${(h?.d ?? 0).toExponential(1)}°`);
  return { bytes: file.bytes, n: want.length };
}

/** `ogrinfo -al -so` of a file GDAL opens: layer names, feature counts, field names, the CRS. */
function ogrinfo(file: string, ...extra: string[]): string {
  return execFileSync('ogrinfo', ['-ro', '-al', '-so', ...extra, file], { encoding: 'utf8' });
}
/** GDAL's reading of a file as GeoJSON in WGS84: the reference for counts and attribute text. */
function gdalRead(file: string, ...extra: string[]): FeatureCollection {
  const out = path.join(mkdtempSync(path.join(work, 'gdal-')), 'out.geojson');
  execFileSync('ogr2ogr', ['-f', 'GeoJSON', '-t_srs', 'EPSG:4326', ...extra, out, file]);
  return JSON.parse(readFileSync(out, 'utf8')) as FeatureCollection;
}
function unzipTo(bytes: Uint8Array, name: string): { dir: string; files: string[] } {
  const dir = mkdtempSync(path.join(work, `${name}-`));
  const files = unzipSync(bytes);
  for (const [f, data] of Object.entries(files)) writeFileSync(path.join(dir, f), data);
  return { dir, files: Object.keys(files).sort() };
}

/** Nanjing's streets (Monaco's French names are not all in GBK: ô, ç). */
const NANJING_BOX: [number, number, number, number] = [118, 31, 119.5, 33];
const LAYERS: LayerName[] = ['grids', 'beats', 'cameras', 'key-places', 'roads', 'incidents'];

describe('export → import round trip', () => {
  it('when A is loaded, then every layer holds real rows to export', async () => {
    for (const l of LAYERS) expect((await stored(a.db, l)).length, l).toBeGreaterThan(30);
  });

  for (const layer of LAYERS) {
    it(`when ${layer} go out as GeoJSON and back in, then B holds the same rows`, async () => {
      await roundTrip(layer, { format: 'geojson' }, `${layer}.geojson`);
    }, 300_000);

    it(`when ${layer} go out as a zipped Shapefile (UTF-8) and back in, then B holds the same rows and GDAL reads the same count, names and CRS`, async () => {
      const { bytes, n } = await roundTrip(layer, { format: 'shapefile' }, `${layer}.zip`);
      const { dir, files } = unzipTo(bytes, layer);
      const shps = files.filter((f) => f.endsWith('.shp'));
      for (const s of shps)
        for (const ext of ['.shx', '.dbf', '.prj', '.cpg']) expect(files).toContain(s.replace('.shp', ext));
      let total = 0;
      for (const s of shps) {
        const info = ogrinfo(path.join(dir, s));
        total += Number(/Feature Count: (\d+)/.exec(info)?.[1] ?? -1);
        expect(info).toMatch(/ID\["EPSG",4326\]|GEOGCRS\["WGS 84"/);
        // district_code cut to 10 letters (the mapping file says so), read by GDAL under that name.
        expect(info).toMatch(/^district_c: String/m);
        expect(readFileSync(path.join(dir, s.replace('.shp', '.cpg')), 'utf8')).toBe('UTF-8');
      }
      expect(total).toBe(n);
    }, 300_000);

    it(`when ${layer} go out as a CSV 台账 (Chinese headers, UTF-8 with BOM) and back in, then B holds the same rows`, async () => {
      const { bytes } = await roundTrip(layer, { format: 'csv', headers: 'zh' }, `${layer}.csv`);
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    }, 300_000);

    it(`when ${layer} go out as an xlsx 台账 and back in, then B holds the same rows`, async () => {
      await roundTrip(layer, { format: 'xlsx' }, `${layer}.xlsx`);
    }, 300_000);
  }

  it('when the Nanjing streets go out as a GBK Shapefile, then GDAL reads the Chinese names as A stores them, and B gets them back', async () => {
    const { bytes, n } = await roundTrip(
      'roads',
      { format: 'shapefile', encoding: 'gbk', bbox: NANJING_BOX },
      'roads-gbk.zip',
    );
    const { dir } = unzipTo(bytes, 'roads-gbk');
    expect(readFileSync(path.join(dir, 'roads.cpg'), 'utf8')).toBe('GBK');
    const ref = gdalRead(path.join(dir, 'roads.shp'));
    expect(ref.features.length).toBe(n);
    const names = await a.db.query<{ name: string | null }>(
      `SELECT name FROM road WHERE geom && ST_MakeEnvelope(${NANJING_BOX.join(', ')}, 4326) ORDER BY id`,
    );
    const gdalNames = ref.features.map((f) => f.properties?.name || null);
    expect(gdalNames).toEqual(names.map((r) => r.name));
    expect(gdalNames.filter((x) => typeof x === 'string' && /[\u4e00-\u9fff]/.test(x)).length).toBeGreaterThan(50);
  }, 300_000);

  it('when roads go out as a GBK CSV with WKT, then GDAL reads lines and the Chinese names, and B gets them back', async () => {
    const { bytes, n } = await roundTrip(
      'roads',
      { format: 'csv', encoding: 'gbk', headers: 'en', bbox: NANJING_BOX },
      'roads-gbk.csv',
    );
    const csv = path.join(work, 'roads-gbk.csv');
    // glibc's iconv, not ours, turns the GBK bytes into the UTF-8 GDAL's CSV driver reads.
    writeFileSync(csv, execFileSync('iconv', ['-f', 'GBK', '-t', 'UTF-8'], { input: bytes }));
    const ref = gdalRead(csv, '-oo', 'GEOM_POSSIBLE_NAMES=WKT', '-oo', 'KEEP_GEOM_COLUMNS=NO', '-s_srs', 'EPSG:4326');
    expect(ref.features.length).toBe(n);
    expect(ref.features.every((f) => f.geometry?.type === 'LineString')).toBe(true);
    const names = await a.db.query<{ name: string | null }>(
      `SELECT name FROM road WHERE geom && ST_MakeEnvelope(${NANJING_BOX.join(', ')}, 4326) ORDER BY id`,
    );
    expect(ref.features.map((f) => f.properties?.name || null)).toEqual(names.map((r) => r.name));
  }, 300_000);

  it('when key places (points and polygons) go out as KML and KMZ, then B holds the same rows', async () => {
    await roundTrip('key-places', { format: 'kml' }, 'key-places.kml');
    const { bytes } = await roundTrip('cameras', { format: 'kmz' }, 'cameras.kmz');
    expect(Object.keys(unzipSync(bytes))).toEqual(['doc.kml']);
  }, 300_000);

  it('when a name GBK cannot hold is exported as GBK, then the export is refused naming the row and column', async () => {
    await a.db.exec(`UPDATE road SET name = '𠀀路' WHERE id = (SELECT min(id) FROM road)`);
    await expect(exportLayer(a.db, 'roads', { format: 'csv', encoding: 'gbk' }, inProcess)).rejects.toMatchObject({
      status: 422,
      code: 'export.not_encodable',
    });
    await expect(exportLayer(a.db, 'roads', { format: 'shapefile', encoding: 'gbk' }, inProcess)).rejects.toMatchObject(
      {
        code: 'export.not_encodable',
      },
    );
    console.log(counts.join('\n'));
  });
});
