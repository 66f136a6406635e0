import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../src/db/client.js';
import { cellHourCounts } from '../src/db/repos/incident-analysis.repo.js';
import {
  arrivalSeconds,
  isochrones,
  originsFor,
  pathLine,
  routeBetween,
  shortestPath,
  travelTimes,
  type RoadGraph,
} from '../src/engines/routing/index.js';
import { importFile } from '../src/import/import.service.js';
import { loadDemoCity } from '../src/services/demo-city.service.js';
import { isochrone, network, planPatrols, reachMap } from '../src/services/routing.service.js';
import { patrolSpeedRows } from './patrol-speed.js';
import { isSmoke, medianMs, sized, type BenchContext, type BenchRow, type BenchSuite } from './harness.js';

/**
 * Routing against pgRouting on the same road_edge table (server), on the real Monaco network and the demo city:
 * one 5-minute isochrone vs pgr_drivingDistance (goal ≤ 0.5×), 1,000 shortest paths (10 sources × 100 targets) vs
 * pgr_dijkstra, the reach map of all posts and stations vs a multi-start pgr_drivingDistance, and one 8-hour patrol
 * with 20 checkpoints.
 */
const MONACO = path.resolve(import.meta.dirname, '../../../shared/data/monaco/monaco.osm.pbf');
const EDGES = `SELECT id, source, target, cost, reverse_cost FROM road_edge WHERE profile = ''car''`;
const pick = (count: number, n: number, salt: number) =>
  Array.from({ length: count }, (_, i) => (i * 7919 + salt * 104_729) % n);

/** The node nearest the middle of the network: a fair isochrone start. */
function centralNode(g: RoadGraph): number {
  let lon = 0,
    lat = 0;
  for (let v = 0; v < g.nodeCount; v++) {
    lon += g.nodeLon[v] ?? 0;
    lat += g.nodeLat[v] ?? 0;
  }
  lon /= g.nodeCount;
  lat /= g.nodeCount;
  let best = 0,
    bestD = Infinity;
  for (let v = 0; v < g.nodeCount; v++) {
    const d = ((g.nodeLon[v] ?? 0) - lon) ** 2 + ((g.nodeLat[v] ?? 0) - lat) ** 2;
    if (d < bestD) {
      bestD = d;
      best = v;
    }
  }
  return best;
}

async function graphRows(db: Db, on: string, city: string, hasPgr: boolean): Promise<BenchRow[]> {
  const g = (await network(db, 'car')).graph;
  const size = `${g.nodeCount.toLocaleString('en')} nodes, ${g.edgeCount.toLocaleString('en')} edges`;
  const start = centralNode(g);
  const sources = pick(10, g.nodeCount, 1),
    targets = pick(100, g.nodeCount, 2);
  const rows: BenchRow[] = [];
  rows.push({
    operation: `isochrone 5 min (${city})`,
    on,
    size,
    goal: '≤ 0.5×',
    oursMs: await medianMs(async () => isochrones(g, [{ node: start }], [300]), 9),
    reference: hasPgr ? 'pgr_drivingDistance' : '—',
    referenceMs: hasPgr
      ? await medianMs(
          () => db.query(`SELECT node FROM pgr_drivingDistance('${EDGES}', $1::bigint, 300, true)`, [start + 1]),
          9,
        )
      : null,
  });
  rows.push({
    operation: `1,000 shortest paths (${city})`,
    on,
    size: `10 × 100 node pairs; ${size}`,
    // One search per source, then the 100 paths read back from it: the one-to-many form pgr_dijkstra also uses.
    oursMs: await medianMs(async () => {
      for (const s of sources) {
        const t = travelTimes(g, [{ node: s }]);
        for (const d of targets) for (let v = d; (t.previous[v] ?? -1) >= 0; v = t.previous[v] ?? -1) void t.viaEdge[v];
      }
    }, 3),
    reference: hasPgr ? 'pgr_dijkstra (one call, 10 × 100)' : '—',
    referenceMs: hasPgr
      ? await medianMs(
          () =>
            db.query(`SELECT count(*) FROM pgr_dijkstra('${EDGES}', $1::bigint[], $2::bigint[], true)`, [
              sources.map((s) => s + 1),
              targets.map((t) => t + 1),
            ]),
          3,
        )
      : null,
  });
  rows.push(...pointRows(g, on, city, size));
  return rows;
}

/**
 * Points on edges against the junction-only search on the same graph (issue 18: ≤ 1.1×): the same 5-minute isochrone
 * and the same 1,000 routes, once from the middle of each start's first edge and once from the junction itself.
 */
function pointRows(g: RoadGraph, on: string, city: string, size: string): BenchRow[] {
  if (on !== 'embedded') return []; // engine-only rows: once is enough
  const start = centralNode(g);
  const edgeOf = (v: number) => g.arcEdge[g.arcStart[v] ?? 0] ?? 0;
  const mid = (v: number) => ({ edge: edgeOf(v), fraction: 0.37 });
  const sources = pick(10, g.nodeCount, 1),
    targets = pick(100, g.nodeCount, 2);
  // Engine only and cheap: the same in smoke mode, so a smoke run's point rows mean something. 51 samples, not 31: with
  // 31 the same isochrone on both sides read 0.90–1.15× on a loaded 2-core machine, too loose for a ≤ 1.1× goal.
  const runs = 51;
  /**
   * Ours and the reference alternate run by run, each first in turn, so JIT warm-up and a busy machine weigh on both
   * alike. Each sample is the process's CPU time (process.cpuUsage: user + system), not wall time, so time spent
   * descheduled on a loaded machine counts for neither; a sample repeats its work until it is at least 30 ms of wall
   * time, far above the clock's grain. The row gives the median CPU ms of one call.
   */
  const pair = (ours: () => void, ref: () => void): [number, number] => {
    let reps = 1;
    for (let t0 = performance.now(); performance.now() - t0 < 30; reps++) ours();
    const cpuMs = (fn: () => void) => {
      const c0 = process.cpuUsage();
      for (let r = 0; r < reps; r++) fn();
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000 / reps;
    };
    cpuMs(ref);
    const a: number[] = [],
      b: number[] = [];
    // Which goes first swaps every sample (ABBA): neither side always runs right after the other's garbage.
    for (let i = 0; i < runs; i++) {
      if (i % 2) {
        b.push(cpuMs(ref));
        a.push(cpuMs(ours));
      } else {
        a.push(cpuMs(ours));
        b.push(cpuMs(ref));
      }
    }
    const med = (xs: number[]) => xs.sort((x, y) => x - y)[xs.length >> 1] ?? 0;
    return [med(a), med(b)];
  };
  const [isoPoint, isoNode] = pair(
    () => isochrones(g, { kind: 'points', points: [mid(start)] }, [300]),
    () => isochrones(g, [{ node: start }], [300]),
  );
  // Both sides add up their 1,000 costs into `sink`, checked below: an unused `t[d]` is a load the JIT may drop, which
  // made the reference a read of nothing against our 1,000 arrivals.
  let sink = 0;
  const [routesPoint, routesNode] = pair(
    () => {
      for (const s of sources) {
        const from = mid(s);
        const t = travelTimes(g, originsFor(g, from)).seconds;
        for (const d of targets) sink += arrivalSeconds(g, t, mid(d), from);
      }
    },
    () => {
      for (const s of sources) {
        const t = travelTimes(g, [{ node: s }]).seconds;
        for (const d of targets) sink += t[d] ?? Infinity;
      }
    },
  );
  if (Number.isNaN(sink)) throw new Error('a point-to-point cost was NaN');
  // Single routes, each its own search that stops at its target (the API's /routing/route and a patrol's legs).
  const pairs = sources.flatMap((s) => targets.slice(0, 10).map((d) => [s, d] as const));
  const [onePoint, oneNode] = pair(
    () => {
      for (const [s, d] of pairs) routeBetween(g, mid(s), mid(d));
    },
    () => {
      for (const [s, d] of pairs) {
        const p = shortestPath(g, s, d);
        if (p.kind === 'found') pathLine(g, p.nodes, p.edges);
      }
    },
  );
  return [
    {
      operation: `isochrone 5 min from a mid-edge point (${city})`,
      on: 'engine',
      size,
      oursMs: isoPoint,
      reference: 'same isochrone from a junction (junction-only search)',
      referenceMs: isoNode,
      goal: '≤ 1.1×',
      note: 'CPU ms (process.cpuUsage), median of interleaved samples',
    },
    {
      operation: `1,000 point-to-point costs, mid-edge (${city})`,
      on: 'engine',
      size: `10 × 100; ${size}`,
      oursMs: routesPoint,
      reference: 'same 1,000 junction-to-junction costs',
      referenceMs: routesNode,
      goal: '≤ 1.1×',
      note: 'CPU ms (process.cpuUsage), median of interleaved samples',
    },
    {
      operation: `100 routes with their lines, mid-edge to mid-edge (${city})`,
      on: 'engine',
      size: `10 × 10, one search each, stopped at the target; ${size}`,
      oursMs: onePoint,
      reference: 'same 100 junction-to-junction shortest paths with their lines (early exit)',
      referenceMs: oneNode,
      goal: '≤ 1.1×',
      note: 'CPU ms (process.cpuUsage), median of interleaved samples',
    },
  ];
}

/**
 * The 5-minute isochrone with its area as the API answers it (snap, search, pieces, local-projection buffer), against
 * pgr_drivingDistance with ST_Buffer(ST_Union) of the reached edges through geography on the same road_edge (issue 17:
 * ≤ 0.3 s). The start: Casino square, Monte-Carlo.
 */
async function areaRow(db: Db, on: string, hasPgr: boolean): Promise<BenchRow> {
  const net = await network(db, 'foot');
  const lon = 7.4275,
    lat = 43.7395;
  const p = net.index.snap(lon, lat, 500);
  let note = '';
  const oursMs = await medianMs(async () => {
    const a = await isochrone(db, 'foot', lon, lat, [5]);
    note = `${a.bands[0]?.roads.length ?? 0} road pieces, ${((a.bands[0]?.reachedMeters ?? 0) / 1000).toFixed(1)} km reached`;
  }, 5);
  const node = p
    ? (p.fraction < 0.5 ? (net.graph.edgeSource[p.edge] ?? 0) : (net.graph.edgeTarget[p.edge] ?? 0)) + 1
    : 1;
  const refSql = `WITH dd AS (SELECT edge FROM pgr_drivingDistance('SELECT id, source, target, cost, reverse_cost FROM road_edge WHERE profile = ''foot''', $1::bigint, 300, true))
    SELECT ST_AsGeoJSON(ST_Buffer(ST_Union(e.geom)::geography, 40, 'quad_segs=4')::geometry, 6) FROM road_edge e JOIN dd ON e.id = dd.edge WHERE e.profile = 'foot'`;
  return {
    operation: '5-min isochrone with its area (Monaco, foot)',
    on,
    size: `${net.graph.edgeCount.toLocaleString('en')} edges`,
    oursMs,
    reference: hasPgr ? 'pgr_drivingDistance + ST_Buffer(ST_Union) geography' : '—',
    referenceMs: hasPgr ? await medianMs(() => db.query(refSql, [node]), 5) : null,
    goal: '≤ 300 ms',
    note,
  };
}

const suite: BenchSuite = {
  name: 'routing',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const dbs: [string, Db][] = [
      ['embedded', ctx.embedded],
      ...(ctx.server ? [['server', ctx.server] as [string, Db]] : []),
    ];
    if (!isSmoke()) rows.push(...patrolSpeedRows()); // engine only: once, before the databases
    for (const [on, db] of dbs) {
      const hasPgr =
        on === 'server' && (await db.query(`SELECT 1 FROM pg_extension WHERE extname = 'pgrouting'`)).length > 0;
      // Smoke: Monaco on the last database only (the server, beside pgRouting, when there is one); the demo city on both.
      if (!isSmoke() || db === dbs.at(-1)?.[1]) {
        ctx.log(`${on}: Monaco roads`);
        await importFile(db, new Uint8Array(readFileSync(MONACO)), {
          fileName: 'monaco.osm.pbf',
          format: 'osm-pbf',
          actor: 'bench',
        });
        rows.push(...(await graphRows(db, on, 'Monaco', hasPgr)));
        rows.push(await areaRow(db, on, hasPgr));
        await db.exec('TRUNCATE road, building, key_place, camera RESTART IDENTITY CASCADE');
      }
      ctx.log(`${on}: demo city`);
      await loadDemoCity(db, { seed: 20261125, incidents: sized(100_000, 2_000) });
      rows.push(...(await graphRows(db, on, 'demo city', hasPgr)));
      const g = (await network(db, 'car')).graph;
      const bases = await db.query<{ lon: number; lat: number }>(
        'SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM post UNION ALL SELECT ST_X(geom), ST_Y(geom) FROM station',
      );
      const baseNodes = [
        ...new Set(
          bases.map((b) => {
            let best = 0,
              bestD = Infinity;
            for (let v = 0; v < g.nodeCount; v++) {
              const d = ((g.nodeLon[v] ?? 0) - b.lon) ** 2 + ((g.nodeLat[v] ?? 0) - b.lat) ** 2;
              if (d < bestD) {
                bestD = d;
                best = v;
              }
            }
            return best + 1;
          }),
        ),
      ];
      rows.push({
        operation: 'reach map, all posts + stations (demo city)',
        on,
        size: `${bases.length} bases, grids, key places`,
        oursMs: await medianMs(() => reachMap(db, 'car'), 3),
        reference: hasPgr ? 'pgr_drivingDistance multi-start 5 min (roads only)' : '—',
        referenceMs: hasPgr
          ? await medianMs(
              () =>
                db.query(`SELECT count(*) FROM pgr_drivingDistance('${EDGES}', $1::bigint[], 300, true, true)`, [
                  baseNodes,
                ]),
              3,
            )
          : null,
      });
      const [station] = await db.query<{ id: number; lon: number; lat: number }>(
        'SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM station ORDER BY id LIMIT 1',
      );
      const nearest = await db.query<{ id: number }>(
        `SELECT id FROM checkpoint ORDER BY geom <-> ST_SetSRID(ST_MakePoint($1, $2), 4326) LIMIT 20`,
        [station!.lon, station!.lat],
      );
      const prizes = await cellHourCounts(db, 9);
      let plan: Awaited<ReturnType<typeof planPatrols>> = [];
      const ms = await medianMs(async () => {
        plan = await planPatrols(
          db,
          {
            profile: 'car',
            base: { kind: 'station', id: station!.id },
            startHour: 18,
            hours: 8,
            checkpointIds: nearest.map((c) => c.id),
            units: 1,
            prizeCells: 30,
            prizeDwellMinutes: 10,
            incidentWeight: 1,
            blindSpotWeight: 0,
          },
          prizes,
        );
      }, 3);
      rows.push({
        operation: '8-hour patrol, 20 checkpoints + 30 prize cells',
        on,
        size: 'one car unit',
        oursMs: ms,
        reference: '—',
        referenceMs: null,
        note: `${plan[0]?.checkpoints ?? 0} checkpoints, prize ${Math.round(plan[0]?.prize ?? 0)}, ${plan[0]?.km.toFixed(1) ?? '?'} km; optimum unknown at this size (= brute force on 5 small instances in tests)`,
      });
      await db.exec(
        'TRUNCATE incident, camera, building, road, key_place, checkpoint, post, beat, station, grid, admin_area RESTART IDENTITY CASCADE',
      );
    }
    return rows;
  },
};

export default suite;
