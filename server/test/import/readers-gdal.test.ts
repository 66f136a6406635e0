import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import type { Feature, FeatureCollection, Geometry, Position } from 'geojson';
import { afterAll, describe, expect, it } from 'vitest';
import { readSource } from '../../src/import/readers/index.js';
import type { RowAsRead, SourceRead } from '../../src/import/readers/source.js';

/**
 * GDAL is the reference reader: each fixture is written by `ogr2ogr` here, read back by `ogr2ogr -t_srs EPSG:4326
 * -f GeoJSON`, and our rows must equal its features: same count, same attribute text, positions within 0.01 m.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'gp-gdal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ogr = (...args: string[]) => execFileSync('ogr2ogr', args, { stdio: ['ignore', 'ignore', 'pipe'] });
const fc = (features: { p: Record<string, unknown>; g: Geometry }[]): FeatureCollection => ({
  type: 'FeatureCollection',
  features: features.map((f) => ({ type: 'Feature', properties: f.p, geometry: f.g })),
});

// Nanjing, around 118.78°E 32.04°N; text in Chinese so an encoding slip shows.
const ring = (x: number, y: number, d: number): Position[] => [
  [x, y],
  [x, y + d],
  [x + d, y + d],
  [x + d, y],
  [x, y],
];
const hole = (x: number, y: number, d: number): Position[] => [
  [x, y],
  [x + d, y],
  [x + d, y + d],
  [x, y + d],
  [x, y],
];
const LINES = fc([
  {
    p: { 名称: '中山路', 编号: 12, 长度: 1.5, 日期: '2024-01-02' },
    g: {
      type: 'LineString',
      coordinates: [
        [118.78, 32.04],
        [118.7912345, 32.0498765],
        [118.8, 32.06],
      ],
    },
  },
  {
    p: { 名称: '汉中门大街（西段）', 编号: 7, 长度: 0.25, 日期: null },
    g: {
      type: 'MultiLineString',
      coordinates: [
        [
          [118.75, 32.03],
          [118.76, 32.031],
        ],
        [
          [118.77, 32.032],
          [118.775, 32.04],
        ],
      ],
    },
  },
  {
    p: { 名称: '', 编号: null, 长度: null, 日期: null },
    g: {
      type: 'LineString',
      coordinates: [
        [118.7, 32.0],
        [118.71, 32.01],
      ],
    },
  },
]);
const POLYGONS = fc([
  {
    p: { 名称: '玄武区梅园新村街道', 代码: '320102002' },
    g: { type: 'Polygon', coordinates: [ring(118.78, 32.04, 0.02), hole(118.785, 32.045, 0.005)] },
  },
  {
    p: { 名称: '鼓楼区 两块', 代码: '320106' },
    g: {
      type: 'MultiPolygon',
      coordinates: [[ring(118.7, 32.05, 0.01)], [ring(118.73, 32.05, 0.01), hole(118.732, 32.052, 0.002)]],
    },
  },
]);
const POINTS = fc([
  { p: { 设备名称: '新街口东北角', 高度: 6 }, g: { type: 'Point', coordinates: [118.7839, 32.0416] } },
  { p: { 设备名称: '鼓楼广场', 高度: 4.5 }, g: { type: 'Point', coordinates: [118.7729, 32.0601] } },
]);
const MULTIPOINTS = fc([
  {
    p: { 名称: '一组' },
    g: {
      type: 'MultiPoint',
      coordinates: [
        [118.78, 32.04],
        [118.781, 32.041],
      ],
    },
  },
]);

/** Writes `src` as a Shapefile with ogr2ogr; answers the zip (members renamed to `stem`) and the shp path. */
function shapefile(
  src: FeatureCollection,
  stem: string,
  lco: string[],
  srs: string,
  edit?: (files: Map<string, Uint8Array>) => void,
) {
  const work = mkdtempSync(path.join(dir, 'shp-'));
  writeFileSync(path.join(work, 'src.geojson'), JSON.stringify(src));
  ogr(
    '-f',
    'ESRI Shapefile',
    ...lco.flatMap((l) => ['-lco', l]),
    '-t_srs',
    srs,
    path.join(work, `${stem}.shp`),
    path.join(work, 'src.geojson'),
  );
  const files = new Map<string, Uint8Array>();
  for (const f of readdirSync(work))
    if (f.startsWith(`${stem}.`)) files.set(f, new Uint8Array(readFileSync(path.join(work, f))));
  edit?.(files);
  for (const [name, data] of files) writeFileSync(path.join(work, name), data);
  for (const f of readdirSync(work)) if (f.startsWith(`${stem}.`) && !files.has(f)) rmSync(path.join(work, f));
  return { zip: zipSync(Object.fromEntries(files)), shp: path.join(work, `${stem}.shp`) };
}

function gdalRead(file: string, config: string[] = []): Feature[] {
  const out = path.join(dir, `ref-${Math.random().toString(36).slice(2)}.geojson`);
  execFileSync(
    'ogr2ogr',
    [...config.flatMap((c) => ['--config', ...c.split('=')]), '-t_srs', 'EPSG:4326', '-f', 'GeoJSON', out, file],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return (JSON.parse(readFileSync(out, 'utf8')) as FeatureCollection).features;
}

async function all(s: SourceRead): Promise<RowAsRead[]> {
  const out: RowAsRead[] = [];
  for await (const r of s.rows()) out.push(r);
  return out;
}

function positions(g: Geometry | null): Position[] {
  if (!g) return [];
  switch (g.type) {
    case 'Point':
      return [g.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return g.coordinates;
    case 'MultiLineString':
    case 'Polygon':
      return g.coordinates.flat();
    case 'MultiPolygon':
      return g.coordinates.flat(2);
    default:
      return [];
  }
}

/** Metres between two WGS84 positions (equirectangular; exact enough below a kilometre). */
const metres = (a: Position, b: Position) => {
  const k = Math.PI / 180,
    R = 6_371_008.8;
  const dx = ((a[0] ?? 0) - (b[0] ?? 0)) * k * Math.cos((a[1] ?? 0) * k) * R,
    dy = ((a[1] ?? 0) - (b[1] ?? 0)) * k * R;
  return Math.hypot(dx, dy);
};

function expectSameAsGdal(ours: RowAsRead[], ref: Feature[], keys?: string[]) {
  expect(ours.length).toBe(ref.length);
  let worst = 0;
  ref.forEach((f, i) => {
    const row = ours[i];
    expect(row?.geometry?.type).toBe(f.geometry?.type);
    const want = Object.fromEntries(Object.entries(f.properties ?? {}).filter(([k]) => !keys || keys.includes(k)));
    const got = Object.fromEntries(Object.keys(want).map((k) => [k, row?.properties[k] ?? null]));
    expect(got).toEqual(want);
    const a = positions(row?.geometry ?? null),
      b = positions(f.geometry);
    expect(a.length).toBe(b.length);
    a.forEach((p, k) => {
      worst = Math.max(worst, metres(p, b[k] ?? [0, 0]));
    });
  });
  expect(worst).toBeLessThan(0.01);
  return worst;
}

describe('zipped Shapefiles against GDAL', () => {
  it("when a GBK Shapefile of lines is in CGCS2000 3° Gauss-Krüger CM 120E (EPSG:4549), then rows equal GDAL's within 0.01 m", async () => {
    const { zip, shp } = shapefile(LINES, '道路', ['ENCODING=GBK'], 'EPSG:4549');
    const s = await readSource({ bytes: zip }, { filename: 'roads.zip' });
    expect(s.format.value).toBe('shapefile');
    expect(s.encoding).toEqual({ value: 'gbk', reason: '.cpg says "GBK"' });
    expect(s.crs.value).toBe('EPSG:4549');
    expect(s.geometryTypes.sort()).toEqual(['LineString', 'MultiLineString']);
    expectSameAsGdal(await all(s), gdalRead(shp));
  });

  it('when the zone number is in the false easting (EPSG:4527, zone 39) and the .cpg is gone, then the DBF language byte 0x4D says GBK', async () => {
    const { zip, shp } = shapefile(POLYGONS, '街道', ['ENCODING=GBK'], 'EPSG:4527', (files) => {
      files.delete('街道.cpg');
      const dbf = files.get('街道.dbf');
      if (dbf) dbf[29] = 0x4d; // dBASE language driver 0x4D: code page 936
    });
    const s = await readSource({ bytes: zip }, { filename: 'streets.zip' });
    expect(s.encoding).toEqual({ value: 'gbk', reason: 'DBF language byte 0x4D' });
    expect(s.crs).toMatchObject({ value: 'EPSG:4527' });
    expect(s.crs.reason).toMatch(/false easting 39500000/);
    const rows = await all(s);
    expect(rows.map((r) => r.geometry?.type)).toEqual(['Polygon', 'MultiPolygon']);
    expect(rows[0]?.geometry?.type === 'Polygon' && rows[0].geometry.coordinates.length).toBe(2); // the hole kept
    expectSameAsGdal(rows, gdalRead(shp));
  });

  it('when neither .cpg nor language byte tells, then GBK is detected from the bytes (GDAL told CP936 agrees)', async () => {
    const { zip, shp } = shapefile(LINES, 'roads', ['ENCODING=GBK'], 'EPSG:4490', (files) => files.delete('roads.cpg'));
    const s = await readSource({ bytes: zip }, { filename: 'roads.zip' });
    expect(s.encoding?.value).toBe('gb18030');
    expect(s.encoding?.reason).toMatch(/not UTF-8/);
    expect(s.crs.value).toBe('EPSG:4490');
    expectSameAsGdal(await all(s), gdalRead(shp, ['SHAPE_ENCODING=CP936']));
  });

  it("when a UTF-8 Shapefile is in WGS84, then points, multipoints, lines and polygons all equal GDAL's", async () => {
    for (const [src, stem] of [
      [POINTS, '摄像机'],
      [MULTIPOINTS, 'groups'],
      [LINES, 'lines'],
      [POLYGONS, 'areas'],
    ] as const) {
      const { zip, shp } = shapefile(src, stem, ['ENCODING=UTF-8'], 'EPSG:4326');
      const s = await readSource({ bytes: zip }, { filename: `${stem}.zip` });
      expect(s.encoding?.value).toBe('utf-8');
      expect(s.crs.value).toBe('EPSG:4326');
      expectSameAsGdal(await all(s), gdalRead(shp));
    }
  });

  it("when a Shapefile is in Web Mercator, then positions equal GDAL's", async () => {
    const { zip, shp } = shapefile(POLYGONS, 'merc', ['ENCODING=UTF-8'], 'EPSG:3857');
    const s = await readSource({ bytes: zip }, { filename: 'merc.zip' });
    expect(s.crs.value).toBe('EPSG:3857');
    expectSameAsGdal(await all(s), gdalRead(shp));
  });

  it('when the user gives crs EPSG:4549 for a Shapefile without .prj, then it is reprojected from that zone', async () => {
    const { zip, shp } = shapefile(POINTS, 'noprj', ['ENCODING=UTF-8'], 'EPSG:4549', (files) =>
      files.delete('noprj.prj'),
    );
    const s = await readSource({ bytes: zip }, { filename: 'noprj.zip', crs: 'EPSG:4549' });
    expect(s.crs).toEqual({ value: 'EPSG:4549', reason: 'given' });
    // GDAL, too, needs to be told the source CRS of a Shapefile without .prj.
    const refPath = path.join(dir, 'noprj-ref.geojson');
    execFileSync('ogr2ogr', ['-s_srs', 'EPSG:4549', '-t_srs', 'EPSG:4326', '-f', 'GeoJSON', refPath, shp]);
    expectSameAsGdal(await all(s), (JSON.parse(readFileSync(refPath, 'utf8')) as FeatureCollection).features);
  });
});

describe('KML against GDAL', () => {
  it('when ogr2ogr writes a KML of points, lines and polygons, then our rows equal what GDAL reads back', async () => {
    const kml = path.join(dir, 'mixed.kml');
    const src = path.join(dir, 'mixed.geojson');
    writeFileSync(
      src,
      JSON.stringify(
        fc(
          [...POINTS.features, ...LINES.features.slice(0, 1), ...POLYGONS.features.slice(0, 1)].map((f) => ({
            p: { 名称: String(f.properties?.名称 ?? f.properties?.设备名称) },
            g: f.geometry,
          })),
        ),
      ),
    );
    ogr('-f', 'KML', kml, src);
    const s = await readSource({ path: kml }, { filename: 'mixed.kml' });
    expect(s.format.value).toBe('kml');
    expectSameAsGdal(await all(s), gdalRead(kml), ['名称']);
    const kmz = zipSync({ 'doc.kml': new Uint8Array(readFileSync(kml)) });
    const z = await readSource({ bytes: kmz }, { filename: 'mixed.kmz' });
    expect(z.format.value).toBe('kmz');
    expectSameAsGdal(await all(z), gdalRead(kml), ['名称']);
  });
});
