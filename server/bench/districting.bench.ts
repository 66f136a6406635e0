import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../src/db/client.js';
import {
  autoDistrict,
  gridGraph,
  isContiguous,
  recomStep,
  seededRandom,
  type GridGraph,
} from '../src/engines/districting/index.js';
import { loadDemoCity } from '../src/services/demo-city.service.js';
import { draftInputs, runDraft } from '../src/services/plan-drafting.service.js';
import { type BenchContext, type BenchRow, type BenchSuite, isSmoke, sized } from './harness.js';

/**
 * ReCom chain steps (every proposal accepted, as GerryChain's `always_accept`) on Chicago's real beat graph (beats →
 * districts) and on the demo city's grid graph (grids → beats), beside GerryChain's published 35.5 ms/step on its
 * Pennsylvania example (8,921 precincts → 18 districts; a published figure, not run here: no Python GerryChain on this
 * machine); and one full districting draft of a demo station (inputs from the database, then the engine) beside the
 * tabu-only engine on the same graph.
 */
const SHARED = path.resolve(import.meta.dirname, '../../../shared/data');
const GERRYCHAIN_MS_PER_STEP = 35.5;
const STEPS = sized(2000, 20);

function chain(
  g: GridGraph,
  start: readonly number[],
  k: number,
  load: readonly number[],
  steps: number,
  tolerance: number,
  community?: (i: number) => number,
): { msPerStep: number; moved: number; contiguous: boolean } {
  const a = Int32Array.from(start);
  const ideal = load.reduce((s, v) => s + v, 0) / k;
  const rng = seededRandom(42);
  let moved = 0;
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) {
    if (
      recomStep(
        g,
        a,
        load,
        rng,
        { idealLoad: ideal, tolerance, ...(community ? { regionAware: true } : {}) },
        community,
      )
    )
      moved++;
  }
  const msPerStep = (performance.now() - t0) / steps;
  let contiguous = true;
  for (let b = 0; b < k; b++)
    contiguous &&= isContiguous(g, new Set(Array.from(a).flatMap((x, i) => (x === b ? [i] : []))));
  return { msPerStep, moved, contiguous };
}

async function chicagoGraph(db: Db): Promise<{ g: GridGraph; district: number[]; k: number; area: number[] }> {
  const fc = JSON.parse(readFileSync(path.join(SHARED, 'chicago_beats/police_beats.zip.geojson'), 'utf8')) as {
    features: { geometry: unknown; properties: { BEAT_NUM: string; DISTRICT: string } }[];
  };
  await db.exec('CREATE TEMP TABLE cpd_beat (beat text PRIMARY KEY, district text, geom geometry(MultiPolygon, 4326))');
  await db.query(
    `INSERT INTO cpd_beat SELECT u.b, min(u.d), ST_Multi(ST_Union(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(u.g), 4326)), 3)))
    FROM unnest($1::text[], $2::text[], $3::text[]) AS u(b, d, g) GROUP BY u.b`,
    [
      fc.features.map((f) => f.properties.BEAT_NUM),
      fc.features.map((f) => f.properties.DISTRICT),
      fc.features.map((f) => JSON.stringify(f.geometry)),
    ],
  );
  const units = await db.query<{ beat: string; district: string; area: number; perim: number }>(
    'SELECT beat, district, ST_Area(geom::geography) AS area, ST_Perimeter(geom::geography) AS perim FROM cpd_beat ORDER BY beat',
  );
  const adjacency = await db.query<{ a: string; b: string; m: number }>(
    `SELECT x.beat AS a, y.beat AS b, ST_Length(ST_Intersection(ST_Boundary(x.geom), ST_Buffer(y.geom, 0.00001))::geography) AS m
     FROM cpd_beat x JOIN cpd_beat y ON x.beat < y.beat AND x.geom && ST_Expand(y.geom, 0.00001)`,
  );
  const g = gridGraph(
    units.map((u) => ({ id: u.beat, areaM2: u.area, perimeterM: u.perim, load: { areaKm2: u.area / 1e6 } })),
    adjacency.filter((e) => e.m > 20).map((e) => ({ a: e.a, b: e.b, sharedBoundaryM: e.m })),
  );
  const districts = [...new Set(units.map((u) => u.district))].sort();
  return {
    g,
    district: units.map((u) => districts.indexOf(u.district)),
    k: districts.length,
    area: units.map((u) => u.area / 1e6),
  };
}

const suite: BenchSuite = {
  name: 'districting',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const db = ctx.embedded;
    const rows: BenchRow[] = [];
    const { g, district, k, area } = await chicagoGraph(db);
    const edges = g.neighbours.reduce((s, n) => s + n.length, 0) / 2;
    const chi = chain(g, district, k, area, STEPS, 0.25);
    ctx.log(`Chicago: ${chi.moved} of ${STEPS} steps moved, contiguous ${chi.contiguous}`);
    rows.push({
      operation: 'ReCom chain step (always accept), Chicago beats → districts, area ±25 %',
      on: 'engine',
      size: `${g.units.length} beats, ${edges} edges → ${k} districts (GerryChain PA: 8,921 precincts → 18)`,
      oursMs: chi.msPerStep,
      reference: 'GerryChain recom, PA example (published)',
      referenceMs: GERRYCHAIN_MS_PER_STEP,
      note: `${chi.moved}/${STEPS} steps recombined; plan contiguous: ${chi.contiguous}`,
    });

    await loadDemoCity(db, { seed: 20261125, incidents: 3000 });
    // Smoke: a tenth of the cameras (their views are most of a cold draft's inputs) and a short ReCom search.
    if (isSmoke()) await db.exec('DELETE FROM camera WHERE id % 10 <> 0');
    const search = isSmoke() ? { recom: { cycles: 1, proposals: 4 } } : {};
    const stations = await db.query<{ id: number }>(
      'SELECT station_id::int AS id FROM beat GROUP BY station_id ORDER BY station_id',
    );
    // A full draft for one station, cold (the city's coverage model and road graph built by this call): read its inputs,
    // then the engine (tabu + ReCom) — what a job runs.
    const station = stations[1]?.id ?? stations[0]?.id ?? 1;
    const t0 = performance.now();
    const { job } = await draftInputs(db, { stationId: station, ...search });
    const tInputs = performance.now() - t0;
    const t1 = performance.now();
    const out = runDraft(job);
    const tEngine = performance.now() - t1;
    const sg = gridGraph(job.units, job.adjacency);
    const t2 = performance.now();
    const tabuOnly = autoDistrict(sg, { beats: job.beats, weights: job.loadWeights, current: job.current });
    const tTabu = performance.now() - t2;
    rows.push({
      operation: `full districting draft, demo station ${station} (inputs ${(tInputs / 1000).toFixed(1)} s + engine ${(tEngine / 1000).toFixed(1)} s)`,
      on: 'embedded',
      size: `${job.units.length} grids → ${job.beats} beats, ${job.inputs.reach?.origins.length ?? 0} reach origins`,
      oursMs: tInputs + tEngine,
      reference: 'tabu-only engine (balance + compactness) on the same graph',
      referenceMs: tTabu,
      goal: '≤ 30 s',
      note: `objective ${out.engine.currentObjective?.toFixed(3)} → ${out.engine.objective.toFixed(3)}; tabu-only objective (its own) ${tabuOnly.objective.toFixed(3)}`,
    });
    // The whole demo district: its grids (a few hundred) → its beats, as one graph.
    const all = await Promise.all(
      stations.slice(0, sized(stations.length, 2)).map((s) => draftInputs(db, { stationId: s.id, ...search })),
    );
    const units = all.flatMap((x) => x.job.units),
      adjacency = all.flatMap((x) => x.job.adjacency);
    const cross = await db.query<{ a: string; b: string; m: number }>(
      `SELECT x.code AS a, y.code AS b, ST_Length(ST_CollectionExtract(ST_Intersection(x.geom, y.geom), 2)::geography) AS m
       FROM grid x JOIN grid y ON x.code < y.code AND x.geom && y.geom AND ST_Intersects(x.geom, y.geom)`,
    );
    const dg = gridGraph(
      units,
      cross.filter((e) => e.m > 0.5).map((e) => ({ a: e.a, b: e.b, sharedBoundaryM: e.m })),
    );
    void adjacency;
    let offset = 0;
    const start = all.flatMap((x) => {
      const s = x.job.current.map((b) => b + offset);
      offset += x.job.beatCodes.length;
      return s;
    });
    const load = units.map((u) => (u.load.incidents ?? 0) + 0.01 * (u.load.population ?? 0));
    const communities = all.flatMap((x) => x.job.inputs.community ?? []);
    const codes = [...new Set(communities)];
    const demoEdges = dg.neighbours.reduce((s, n) => s + n.length, 0) / 2;
    for (const regionAware of [false, true]) {
      const r = chain(
        dg,
        start,
        offset,
        load,
        STEPS,
        0.25,
        regionAware ? (i) => codes.indexOf(communities[i] ?? null) : undefined,
      );
      rows.push({
        operation: `ReCom chain step${regionAware ? ', region-aware (communities)' : ''}, demo district grids → beats, workload ±25 %`,
        on: 'engine',
        size: `${dg.units.length} grids, ${demoEdges} edges → ${offset} beats`,
        oursMs: r.msPerStep,
        reference: 'GerryChain recom, PA example (published)',
        referenceMs: GERRYCHAIN_MS_PER_STEP,
        goal: '≤ 10 ms/step',
        note: `${r.moved}/${STEPS} recombined; contiguous: ${r.contiguous}`,
      });
    }

    return rows;
  },
};
export default suite;
