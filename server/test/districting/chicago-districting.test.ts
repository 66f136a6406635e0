import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  autoDistrict,
  balanceOf,
  draftPlan,
  gridGraph,
  isContiguous,
  scoreAssignment,
} from '../../src/engines/districting/index.js';
import { importFile } from '../../src/import/import.service.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * A real beat plan: Chicago's 277 police beats (Dec-2012 map) grouped into sectors within each district, with 5,000
 * real crime records (2012–2017 sample). For every district the sectors are regrouped from its beats by the
 * districting engine (whole beats, contiguous, balanced on crimes, compact) and scored against the real sectors on the
 * same objective. Read in place from ../shared/data.
 */
const SHARED = path.resolve(import.meta.dirname, '../../../../shared/data');
let t: TestDb;

beforeAll(async () => {
  t = await openTestDb();
  await importFile(
    t.db,
    new Uint8Array(readFileSync(path.join(SHARED, 'chicago_crimes/chicago_crimes_sample_5000.csv'))),
    {
      fileName: 'chicago_crimes_sample_5000.csv',
      format: 'csv',
      layer: 'incidents',
      timeZone: 'America/Chicago',
      actor: 'test',
    },
  );
  const fc = JSON.parse(readFileSync(path.join(SHARED, 'chicago_beats/police_beats.zip.geojson'), 'utf8')) as {
    features: { geometry: unknown; properties: { BEAT_NUM: string; DISTRICT: string; SECTOR: string } }[];
  };
  // A beat number can come as several polygons (a beat split by the river): one row per beat, their union.
  await t.db.exec(
    'CREATE TABLE cpd_beat (beat text PRIMARY KEY, district text, sector text, geom geometry(MultiPolygon, 4326))',
  );
  await t.db.query(
    `INSERT INTO cpd_beat SELECT u.b, min(u.d), min(u.s), ST_Multi(ST_Union(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(u.g), 4326)), 3)))
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS u(b, d, s, g) GROUP BY u.b`,
    [
      fc.features.map((f) => f.properties.BEAT_NUM),
      fc.features.map((f) => f.properties.DISTRICT),
      fc.features.map((f) => f.properties.SECTOR),
      fc.features.map((f) => JSON.stringify(f.geometry)),
    ],
  );
  await t.db.exec('CREATE INDEX ON cpd_beat USING gist (geom)');
});
afterAll(async () => t?.dispose());

describe('auto-districting on the real Chicago beat plan', () => {
  it("when each district's beats are regrouped into its number of sectors, then every sector is one piece and crime balance beats the real sectors overall", async () => {
    const units = await t.db.query<{
      beat: string;
      district: string;
      sector: string;
      area: number;
      perim: number;
      crimes: number;
    }>(
      `SELECT b.beat, b.district, b.sector, ST_Area(b.geom::geography) AS area, ST_Perimeter(b.geom::geography) AS perim,
              (SELECT count(*)::int FROM incident i WHERE i.geom && b.geom AND ST_Intersects(b.geom, i.geom)) AS crimes
       FROM cpd_beat b ORDER BY b.beat`,
    );
    expect(units.length, 'distinct beat numbers').toBeGreaterThan(270);
    expect(
      units.reduce((s, u) => s + u.crimes, 0),
      'most of the 5,000 crimes fall in a beat',
    ).toBeGreaterThan(4900);
    // Beats that share more than 20 m of boundary (digitised outlines do not always meet exactly: 1 m tolerance).
    const adjacency = await t.db.query<{ a: string; b: string; m: number }>(
      `SELECT x.beat AS a, y.beat AS b, ST_Length(ST_Intersection(ST_Boundary(x.geom), ST_Buffer(y.geom, 0.00001))::geography) AS m
       FROM cpd_beat x JOIN cpd_beat y ON x.district = y.district AND x.beat < y.beat AND x.geom && ST_Expand(y.geom, 0.00001)`,
    );
    const lines: string[] = [];
    let currentTotal = 0,
      draftTotal = 0,
      districts = 0,
      cvBetter = 0;
    for (const district of [...new Set(units.map((u) => u.district))].sort()) {
      const mine = units.filter((u) => u.district === district);
      const sectors = [...new Set(mine.map((u) => u.sector))].sort();
      if (sectors.length < 2 || mine.length < 6) continue;
      const g = gridGraph(
        mine.map((u) => ({ id: u.beat, areaM2: u.area, perimeterM: u.perim, load: { crimes: u.crimes } })),
        adjacency.filter((e) => e.m > 20).map((e) => ({ a: e.a, b: e.b, sharedBoundaryM: e.m })),
      );
      const opts = { weights: { crimes: 1 }, tolerance: 0.1 };
      const real = mine.map((u) => sectors.indexOf(u.sector));
      const current = scoreAssignment(g, real, sectors.length, opts);
      const draft = autoDistrict(g, { ...opts, beats: sectors.length, current: real });
      // Crime balance recomputed without the engine: crimes counted in PostGIS per sector (a crime once per sector
      // whichever of its beats it falls in), the CV written out here, for the real sectors and for the draft.
      const sqlCv = async (assignment: readonly number[]) => {
        const rows = await t.db.query<{ s: number; crimes: number }>(
          `WITH a AS (SELECT * FROM unnest($1::text[], $2::int[]) AS u(beat, s))
           SELECT k.s, (SELECT count(*)::int FROM incident i WHERE EXISTS (
               SELECT 1 FROM a JOIN cpd_beat b ON b.beat = a.beat
               WHERE a.s = k.s AND b.geom && i.geom AND ST_Intersects(b.geom, i.geom))) AS crimes
           FROM (SELECT DISTINCT s FROM a) k ORDER BY k.s`,
          [mine.map((u) => u.beat), assignment],
        );
        expect(rows, `district ${district}: one row per sector`).toHaveLength(sectors.length);
        const counts = rows.map((r) => r.crimes);
        const mean = counts.reduce((a, v) => a + v, 0) / counts.length;
        const sd = Math.sqrt(counts.reduce((a, v) => a + (v - mean) ** 2, 0) / counts.length);
        return { cv: mean > 0 ? sd / mean : 0, total: counts.reduce((a, v) => a + v, 0) };
      };
      const realSql = await sqlCv(real);
      const draftSql = await sqlCv(draft.assignment);
      expect(draftSql.total, `district ${district}: the draft sectors hold the same crimes as the real ones`).toBe(
        realSql.total,
      );
      expect(current.balance.cv, `district ${district}: engine CV of the real sectors vs PostGIS counts`).toBeCloseTo(
        realSql.cv,
        2,
      );
      expect(draft.balance.cv, `district ${district}: engine CV of the draft vs PostGIS counts`).toBeCloseTo(
        draftSql.cv,
        2,
      );
      for (let b = 0; b < sectors.length; b++) {
        const members = new Set(draft.assignment.flatMap((a, i) => (a === b ? [i] : [])));
        expect(isContiguous(g, members), `district ${district} draft sector ${b}`).toBe(true);
      }
      currentTotal += current.objective;
      draftTotal += draft.objective;
      districts++;
      if (draftSql.cv < realSql.cv) cvBetter++;
      lines.push(
        `district ${district}: ${mine.length} beats → ${sectors.length} sectors; objective ${current.objective.toFixed(3)} (real) → ${draft.objective.toFixed(3)} (draft); crime CV ${realSql.cv.toFixed(3)} → ${draftSql.cv.toFixed(3)} (PostGIS counts)`,
      );
      // Contiguity checked in PostGIS too, for the draft sectors of this district.
      const parts = await t.db.query<{ s: number; n: number }>(
        `SELECT u.s, ST_NumGeometries(ST_Union(ST_Buffer(b.geom, 0.00001))) AS n FROM unnest($1::text[], $2::int[]) AS u(beat, s) JOIN cpd_beat b ON b.beat = u.beat GROUP BY u.s`,
        [mine.map((u) => u.beat), draft.assignment],
      );
      expect(
        parts.every((p) => p.n === 1),
        `district ${district}: sectors in pieces ${JSON.stringify(parts)}`,
      ).toBe(true);
    }
    console.info(
      `Chicago (${districts} districts):\n${lines.join('\n')}\nsum of objectives: real ${currentTotal.toFixed(3)} → draft ${draftTotal.toFixed(3)}; crime CV lower in ${cvBetter} of ${districts}`,
    );
    expect(districts).toBeGreaterThanOrEqual(20);
    expect(draftTotal, 'the drafts score better than the real sectors on the same objective').toBeLessThan(
      currentTotal,
    );
    expect(cvBetter, 'crime balance (PostGIS counts) better in most districts').toBeGreaterThan(districts / 2);
  }, 600_000); // 22 districts regrouped and checked in PostGIS: over 180 s on a loaded 2-core machine
  it('when each district is drafted with tabu search + ReCom (whole-scorecard engine), then every sector is one piece in PostGIS and crime balance is better than the real sectors', async () => {
    const units = await t.db.query<{
      beat: string;
      district: string;
      sector: string;
      area: number;
      perim: number;
      crimes: number;
    }>(
      `SELECT b.beat, b.district, b.sector, ST_Area(b.geom::geography) AS area, ST_Perimeter(b.geom::geography) AS perim,
              (SELECT count(*)::int FROM incident i WHERE i.geom && b.geom AND ST_Intersects(b.geom, i.geom)) AS crimes
       FROM cpd_beat b ORDER BY b.beat`,
    );
    const adjacency = await t.db.query<{ a: string; b: string; m: number }>(
      `SELECT x.beat AS a, y.beat AS b, ST_Length(ST_Intersection(ST_Boundary(x.geom), ST_Buffer(y.geom, 0.00001))::geography) AS m
       FROM cpd_beat x JOIN cpd_beat y ON x.district = y.district AND x.beat < y.beat AND x.geom && ST_Expand(y.geom, 0.00001)`,
    );
    let districts = 0,
      cvReal = 0,
      cvDraft = 0,
      ppReal = 0,
      ppDraft = 0,
      better = 0,
      tabuCv = 0;
    const lines: string[] = [];
    for (const district of [...new Set(units.map((u) => u.district))].sort()) {
      const mine = units.filter((u) => u.district === district);
      const sectors = [...new Set(mine.map((u) => u.sector))].sort();
      if (sectors.length < 2 || mine.length < 6) continue;
      const g = gridGraph(
        mine.map((u) => ({ id: u.beat, areaM2: u.area, perimeterM: u.perim, load: { crimes: u.crimes } })),
        adjacency.filter((e) => e.m > 20).map((e) => ({ a: e.a, b: e.b, sharedBoundaryM: e.m })),
      );
      const real = mine.map((u) => sectors.indexOf(u.sector));
      const draft = draftPlan(g, {
        beats: sectors.length,
        weights: { crimes: 1 },
        current: real,
        objective: { reach: 0, coverage: 0, communitySplits: 0 },
      });
      const tabu = autoDistrict(g, { beats: sectors.length, weights: { crimes: 1 }, current: real, tolerance: 0.1 });
      const realScore = scoreAssignment(g, real, sectors.length, { weights: { crimes: 1 } });
      const cv = balanceOf('crimes', draft.loads).cv;
      const meanPp = (xs: number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
      districts++;
      cvReal += realScore.balance.cv;
      cvDraft += cv;
      tabuCv += tabu.balance.cv;
      ppReal += meanPp(realScore.polsbyPopper);
      ppDraft += meanPp(draft.polsbyPopper);
      if (cv < realScore.balance.cv) better++;
      lines.push(
        `district ${district}: crime CV ${realScore.balance.cv.toFixed(3)} (real) → ${cv.toFixed(3)} (tabu+ReCom; tabu only ${tabu.balance.cv.toFixed(3)}); mean PP ${meanPp(realScore.polsbyPopper).toFixed(3)} → ${meanPp(draft.polsbyPopper).toFixed(3)}; ReCom ${draft.recom.balancedCuts}/${draft.recom.proposed}, improved ${draft.recom.improvedBest}`,
      );
      for (let b = 0; b < sectors.length; b++)
        expect(isContiguous(g, new Set(draft.assignment.flatMap((a, i) => (a === b ? [i] : []))))).toBe(true);
      // With a 1e-8° precision grid: a plain union of these buffered outlines can raise a GEOS topology error, which
      // PGlite answers with no rows.
      const parts = await t.db.query<{ s: number; n: number }>(
        `SELECT u.s, ST_NumGeometries(ST_Union(ST_Buffer(b.geom, 0.00001), 1e-8)) AS n FROM unnest($1::text[], $2::int[]) AS u(beat, s) JOIN cpd_beat b ON b.beat = u.beat GROUP BY u.s`,
        [mine.map((u) => u.beat), draft.assignment],
      );
      expect(parts, `district ${district}: one row per sector`).toHaveLength(sectors.length);
      expect(
        parts.every((p) => p.n === 1),
        `district ${district}: sectors in pieces ${JSON.stringify(parts)}`,
      ).toBe(true);
      expect(draft.objective).toBeLessThanOrEqual((draft.currentObjective ?? Infinity) + 1e-9);
    }
    console.info(
      `Chicago, tabu + ReCom (${districts} districts):\n${lines.join('\n')}\nmean crime CV: real ${(cvReal / districts).toFixed(3)} → tabu+ReCom ${(cvDraft / districts).toFixed(3)} (tabu only ${(tabuCv / districts).toFixed(3)}); mean PP ${(ppReal / districts).toFixed(3)} → ${(ppDraft / districts).toFixed(3)}; CV better in ${better} of ${districts}`,
    );
    expect(better).toBeGreaterThan(districts / 2);
    expect(cvDraft).toBeLessThan(cvReal);
  }, 600_000);
});
