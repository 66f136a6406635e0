import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zip as shpZip } from '@mapbox/shp-write';
import gcoord from 'gcoord';
import { haversineMeters } from '../../src/engines/routing/index.js';
import { importFile, type ImportOptions } from '../../src/import/import.service.js';
import { UnprocessableError } from '../../src/errors.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

const SHARED = path.resolve(import.meta.dirname, '../../../../shared/data');
const MONACO = path.join(SHARED, 'monaco/monaco.osm.pbf');
const CHICAGO_SAMPLE = path.join(SHARED, 'chicago_crimes/chicago_crimes_sample_5000.csv');
const CHICAGO_2012 = path.join(SHARED, 'chicago_crimes/chicago_crimes_socrata_2012.csv');
const hasOsmium = (() => {
  try {
    execFileSync('osmium', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.dispose());

const opts = (o: Partial<ImportOptions> & Pick<ImportOptions, 'format'>): ImportOptions => ({
  fileName: 'test',
  actor: 'test',
  ...o,
});
const count = async (table: string) =>
  (await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`))[0]?.n ?? -1;

/** Ways osmium finds with a tag, as [closed, tags] from its OPL output: the independent reference parser. */
function osmiumWays(filter: string): { closed: boolean; nodes: number; tags: Map<string, string> }[] {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'gp-osmium-')), 'x.opl');
  execFileSync('osmium', ['tags-filter', '-O', '-o', out, '-f', 'opl', MONACO, filter]);
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('w'))
    .map((line) => {
      const fields = new Map(line.split(' ').map((f) => [f[0] ?? '', f.slice(1)]));
      const tags = new Map(
        (fields.get('T') ?? '')
          .split(',')
          .filter(Boolean)
          .map((kv) => kv.split('=') as [string, string]),
      );
      const nodes = (fields.get('N') ?? '').split(',');
      return {
        closed: nodes.length >= 4 && nodes[0] === nodes[nodes.length - 1],
        nodes: nodes.filter(Boolean).length,
        tags,
      };
    });
}

/**
 * Buildings as osmium makes areas of them — closed ways and multipolygon relations — by `osmium tags-filter
 * wr/building` + `osmium export`: the reference for what the import must keep.
 */
function osmiumBuildingAreas(): { id: string }[] {
  const work = mkdtempSync(path.join(os.tmpdir(), 'gp-osmium-'));
  execFileSync('osmium', ['tags-filter', '-O', '-o', path.join(work, 'b.pbf'), MONACO, 'wr/building']);
  execFileSync('osmium', [
    'export',
    '-O',
    '-f',
    'geojsonseq',
    '-a',
    'type,id',
    '-o',
    path.join(work, 'b.seq'),
    path.join(work, 'b.pbf'),
  ]);
  return readFileSync(path.join(work, 'b.seq'), 'utf8')
    .split('\n')
    .map((l) => (l.startsWith('\u001e') ? l.slice(1) : l).trim()) // RFC 8142 record separator
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { geometry: { type: string }; properties: Record<string, string> })
    .filter(
      (f) => /Polygon/.test(f.geometry.type) && f.properties.building !== undefined && f.properties.building !== 'no',
    )
    .map((f) => ({ id: `${f.properties['@type']} ${f.properties['@id']}` }));
}

/** A zipped Shapefile (UTF-8, WGS84) written by ogr2ogr from a FeatureCollection. */
function ogrShapefileZip(stem: string, fc: object): Uint8Array {
  const work = mkdtempSync(path.join(os.tmpdir(), 'gp-ogr-'));
  writeFileSync(path.join(work, 'src.geojson'), JSON.stringify(fc));
  execFileSync('ogr2ogr', [
    '-f',
    'ESRI Shapefile',
    '-lco',
    'ENCODING=UTF-8',
    path.join(work, `${stem}.shp`),
    path.join(work, 'src.geojson'),
  ]);
  const files: Record<string, Uint8Array> = {};
  for (const f of readdirSync(work))
    if (f.startsWith(`${stem}.`)) files[f] = new Uint8Array(readFileSync(path.join(work, f)));
  return zipSync(files);
}

describe('OSM PBF import (Monaco)', () => {
  it.skipIf(!hasOsmium || !existsSync(MONACO))(
    'when Monaco is imported, then roads and buildings match what osmium counts for the same filters',
    async () => {
      const report = await importFile(
        t.db,
        new Uint8Array(readFileSync(MONACO)),
        opts({ format: 'osm-pbf', fileName: 'monaco.osm.pbf' }),
      );
      // Reference: every highway way that is a line — not an area, at least 2 nodes (measured: 2,927 highway ways,
      // 21 areas, 3 one-node stubs cut by the extract → 2,903) — and every closed building way.
      const highways = osmiumWays('w/highway').filter((w) => w.tags.get('area') !== 'yes' && w.nodes >= 2);
      const buildings = osmiumBuildingAreas();
      const rejected = (layer: string) => report.issues.filter((i) => i.layer === layer).length;
      expect(report.issues.length, 'fewer than 200 issues, so the list is complete').toBeLessThan(200);
      expect((report.imported.roads ?? 0) + rejected('roads')).toBe(highways.length);
      // Stored buildings are exactly osmium's areas: ways osmium drops as broken rings (self-touching) PostGIS refuses too.
      const stored = new Set(
        (await t.db.query<{ id: string }>(`SELECT osm_id::text AS id FROM building`)).map((r) => r.id),
      );
      const reference = new Set(buildings.map((b) => b.id.split(' ')[1] ?? ''));
      const refusedIds = report.issues.filter((i) => i.layer === 'buildings').map((i) => i.source.split(' ')[1] ?? '');
      expect(
        [...stored].filter((id) => !reference.has(id)),
        'stored but not an osmium area',
      ).toEqual([]);
      expect(
        [...reference].filter((id) => !stored.has(id) && !refusedIds.includes(id)),
        'an osmium area neither stored nor refused',
      ).toEqual([]);
      console.info(
        `buildings refused by PostGIS: ${refusedIds.length}; of them not osmium areas: ${refusedIds.filter((id) => !reference.has(id)).join(', ')}`,
      );
      expect(await count('road')).toBe(report.imported.roads);
      expect(await count('building')).toBe(report.imported.buildings);
      expect(rejected('roads')).toBe(0);
      const relations = buildings.filter((b) => b.id.startsWith('relation')).length;
      expect(relations, 'multipolygon buildings are in the reference').toBeGreaterThan(0);
      expect(
        report.leftOut.some((l) => /relations of type/.test(l.what)),
        'route relations and the like are reported as left out',
      ).toBe(true);
      console.info(
        `Monaco: ${report.imported.roads} roads (osmium ${highways.length}), ${report.imported.buildings} buildings ` +
          `(osmium ${buildings.length} incl. ${relations} multipolygons, ${rejected('buildings')} invalid polygons refused), ${report.imported['key-places'] ?? 0} key places, ` +
          `${report.imported.cameras ?? 0} cameras, in ${report.ms.toFixed(0)} ms`,
      );
      const [oneway] = await t.db.query<{ n: number }>(`SELECT count(*) AS n FROM road WHERE oneway <> 0`);
      expect(oneway?.n).toBeGreaterThan(100);
    },
  );
});

describe('CSV import (Chicago crimes)', () => {
  it('when the 5,000-row sample is imported in Chicago time, then every row lands and times carry the right offset', async () => {
    const before = await count('incident');
    const report = await importFile(
      t.db,
      new Uint8Array(readFileSync(CHICAGO_SAMPLE)),
      opts({ format: 'csv', layer: 'incidents', timeZone: 'America/Chicago' }),
    );
    expect(report.imported.incidents).toBe(5000);
    expect(await count('incident')).toBe(before + 5000);
    // ID 9054918: "03/20/2013 10:05:00 AM", after the 10 March DST change: CDT, UTC−5.
    const [a] = await t.db.query<{ at: Date; category: string }>(
      `SELECT occurred_at AS at, category FROM incident WHERE external_id = '9054918'`,
    );
    expect(a?.at.toISOString()).toBe('2013-03-20T15:05:00.000Z');
    expect(a?.category).toBe('THEFT');
  });

  it('when rows lack coordinates, then the file is refused naming them, or with skip-invalid the rest loads', async () => {
    const bytes = new Uint8Array(readFileSync(CHICAGO_2012));
    const before = await count('incident');
    const err = await importFile(
      t.db,
      bytes,
      opts({ format: 'csv', layer: 'incidents', timeZone: 'America/Chicago' }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnprocessableError);
    expect((err as UnprocessableError).extra.rejected).toBe(87);
    expect((err as UnprocessableError).errors[0]?.path).toMatch(/^row \d+: geometry/);
    expect(await count('incident')).toBe(before);
    const report = await importFile(
      t.db,
      bytes,
      opts({ format: 'csv', layer: 'incidents', timeZone: 'America/Chicago', skipInvalid: true }),
    );
    expect(report.imported.incidents).toBe(9913);
    // The first row, 2012-01-01T00:00:00 in Chicago (CST, UTC−6).
    const [first] = await t.db.query<{ at: Date }>(
      `SELECT min(occurred_at) AS at FROM incident WHERE occurred_at < '2012-02-01'`,
    );
    expect(first?.at.toISOString()).toBe('2012-01-01T06:00:00.000Z');
  });
});

describe('GeoJSON and Shapefile import', () => {
  const fc = (features: unknown[]) => new TextEncoder().encode(JSON.stringify({ type: 'FeatureCollection', features }));
  const inc = (category: unknown) => ({
    type: 'Feature',
    geometry: { type: 'Point', coordinates: [118.78, 32.04] },
    properties: { occurred_at: '2026-03-01T20:00:00+08:00', category },
  });

  it('when one feature of three is bad, then nothing is written and the report names feature 1 and its field', async () => {
    const before = [await count('incident'), await count('audit_log')];
    const err = await importFile(
      t.db,
      fc([inc('盗窃'), inc(''), inc('纠纷')]),
      opts({ format: 'geojson', layer: 'incidents' }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnprocessableError);
    expect((err as UnprocessableError).errors.map((e) => e.path)).toEqual(['feature 1: properties.category']);
    expect([await count('incident'), await count('audit_log')]).toEqual(before);
  });

  it('when coordinates are GCJ-02, then the stored WGS84 point maps forward onto the given GCJ-02 point', async () => {
    const report = await importFile(
      t.db,
      fc([
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [118.78, 32.04] },
          properties: { name: '岗亭', staffed_hours: '07:00-19:00' },
        },
      ]),
      opts({ format: 'geojson', layer: 'posts', crs: 'gcj02' }),
    );
    expect(report.imported.posts).toBe(1);
    const [p] = await t.db.query<{ x: number; y: number }>(`SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM post`);
    const forward = gcoord.transform([p!.x, p!.y], gcoord.WGS84, gcoord.GCJ02) as [number, number];
    expect(haversineMeters(forward[0], forward[1], 118.78, 32.04)).toBeLessThan(2);
    expect(haversineMeters(p!.x, p!.y, 118.78, 32.04), 'the offset was removed').toBeGreaterThan(300);
  });

  it('when a zipped Shapefile of cameras is imported, then its points and attributes arrive (DBF names cut to 10 letters too)', async () => {
    const before = await count('camera');
    const zip = (await shpZip(
      {
        type: 'FeatureCollection',
        features: [
          {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [118.781, 32.041] },
            properties: { heading_deg: 90, status: 'faulty' },
          },
          {
            type: 'Feature',
            geometry: { type: 'Point', coordinates: [118.782, 32.042] },
            properties: { heading_deg: 180, status: 'working' },
          },
        ],
      },
      { outputType: 'uint8array', compression: 'STORE' } as never,
    )) as unknown as Uint8Array;
    const report = await importFile(t.db, zip, opts({ format: 'shapefile', layer: 'cameras' }));
    expect(report.imported.cameras).toBe(2);
    expect(await count('camera')).toBe(before + 2);
    const rows = await t.db.query<{ x: number; status: string }>(
      `SELECT ST_X(geom) AS x, status FROM camera WHERE heading_deg IN (90, 180) ORDER BY heading_deg`,
    );
    expect(rows.map((r) => [Number(r.x.toFixed(6)), r.status])).toEqual([
      [118.781, 'faulty'],
      [118.782, 'working'],
    ]);
  });

  it('when zipped Shapefiles of lines and of polygons are imported, then every road and building arrives (no "bbox" refusal)', async () => {
    const before = [await count('road'), await count('building')];
    // Written by ogr2ogr (shp-write folds every line into one multi-part record, so it cannot make this fixture).
    const roads = ogrShapefileZip('roads', {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: {
            type: 'LineString',
            coordinates: [
              [118.78, 32.04],
              [118.79, 32.05],
            ],
          },
          properties: { name: '中山路', road_class: 'primary', speed_kmh: 50 },
        },
        {
          type: 'Feature',
          geometry: {
            type: 'LineString',
            coordinates: [
              [118.77, 32.03],
              [118.775, 32.035],
              [118.78, 32.04],
            ],
          },
          properties: { name: '汉中路', road_class: 'secondary', speed_kmh: 40 },
        },
      ],
    });
    const r = await importFile(t.db, roads, opts({ format: 'shapefile', layer: 'roads' }));
    expect(r.imported.roads).toBe(2);
    const buildings = ogrShapefileZip('buildings', {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [118.78, 32.04],
                [118.78, 32.041],
                [118.781, 32.041],
                [118.781, 32.04],
                [118.78, 32.04],
              ],
            ],
          },
          properties: { name: '一号楼', levels: 6 },
        },
      ],
    });
    const b = await importFile(t.db, buildings, opts({ format: 'shapefile', layer: 'buildings' }));
    expect(b.imported.buildings).toBe(1);
    expect([await count('road'), await count('building')]).toEqual([(before[0] ?? 0) + 2, (before[1] ?? 0) + 1]);
    const [len] = await t.db.query<{ m: number }>(
      `SELECT sum(ST_Length(geom::geography)) AS m FROM road WHERE name IN ('中山路', '汉中路')`,
    );
    expect(len?.m).toBeGreaterThan(1400);
  });
});
