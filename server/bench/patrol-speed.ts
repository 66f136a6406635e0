import { readFileSync } from 'node:fs';
import path from 'node:path';
import { planPatrol, travelMatrix, type PatrolProblem, type PatrolStopInput } from '../src/engines/routing/patrol.js';
import { buildRoadGraph, type RoadInput } from '../src/engines/routing/road-graph.js';
import { planTeam } from '../src/engines/routing/team-orienteering.js';
import { CAR } from '../src/engines/routing/travel-profile.js';
import { planPatrolToday } from '../test/reference/patrol-today.js';
import type { BenchRow } from './harness.js';

/** A 30 × 30 street grid (300 m blocks, 30 km/h), 20 checkpoints and the rest hourly-prize places, one 8-hour car. */
function gridPatrol(stops: number, seed: number): PatrolProblem {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const at = (i: number, j: number) => [118.7 + i * 0.003, 32.0 + j * 0.0027] as [number, number];
  const roads: RoadInput[] = [];
  for (let i = 0; i < 30; i++)
    for (let j = 0; j < 30; j++) {
      const r = { roadClass: 'residential', oneway: 0 as const, speedKmh: 30 };
      if (i < 29) roads.push({ id: roads.length + 1, coordinates: [at(i, j), at(i + 1, j)], ...r });
      if (j < 29) roads.push({ id: roads.length + 1, coordinates: [at(i, j), at(i, j + 1)], ...r });
    }
  const graph = buildRoadGraph(roads, CAR);
  const node = () => Math.floor(rnd() * graph.nodeCount);
  const list: PatrolStopInput[] = Array.from({ length: stops }, (_, k) =>
    k < 20
      ? { id: `cp${k}`, node: node(), dwellSeconds: 300, kind: 'checkpoint' as const }
      : {
          id: `p${k}`,
          node: node(),
          dwellSeconds: 600,
          kind: 'prize' as const,
          prizeByHour: Array.from({ length: 24 }, () => Math.floor(rnd() * 10)),
        },
  );
  return { graph, depotNode: node(), shiftSeconds: 8 * 3600, startHour: 18, stops: list };
}

/** Issue 17: patrol of 50 / 100 stops beside the previous solver on the same instance, and CGW team orienteering. */
export function patrolSpeedRows(): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const [stops, goal] of [
    [50, '≤ 1,000 ms'],
    [100, '≤ 3,000 ms'],
  ] as const) {
    const p = gridPatrol(stops, 1);
    const m = travelMatrix(p);
    let t0 = performance.now();
    const ours = planPatrol(p, m);
    const oursMs = performance.now() - t0;
    t0 = performance.now();
    const today = planPatrolToday(p, m);
    const refMs = performance.now() - t0;
    rows.push({
      operation: `patrol, one unit, ${stops} stops (grid, hourly prizes)`,
      on: 'engine',
      size: `20 checkpoints + ${stops - 20} prize places, 8 h`,
      oursMs,
      reference: 'previous solver (test/reference/patrol-today.ts), same matrix',
      referenceMs: refMs,
      goal,
      note: `prize ${ours.kind === 'ok' ? ours.prize : '—'} vs previous ${today.kind === 'ok' ? today.prize : '—'}`,
    });
  }
  const dir = path.resolve(import.meta.dirname, '../src/engines/routing/fixtures/chao-top');
  const best: Record<string, number> = { 'p4.2.a': 206, 'p4.2.g': 757, 'p4.3.h': 729 };
  for (const [name, bks] of Object.entries(best)) {
    const lines = readFileSync(path.join(dir, `${name}.txt`), 'utf8')
      .trim()
      .split('\n');
    const tours = Number(lines[1]?.split(/\s+/)[1]);
    const tmax = Number(lines[2]?.split(/\s+/)[1]);
    const pts = lines.slice(3).map((l) => l.trim().split(/\s+/).map(Number));
    const seconds = pts.map((a) =>
      Float64Array.from(pts, (b) => Math.hypot((a[0] ?? 0) - (b[0] ?? 0), (a[1] ?? 0) - (b[1] ?? 0))),
    );
    const t0 = performance.now();
    const plan = planTeam(
      { seconds, endPlace: pts.length - 1, tours, limitSeconds: tmax, prize: pts.slice(1, -1).map((q) => q[2] ?? 0) },
      { searchMs: Infinity },
    );
    rows.push({
      operation: `team orienteering CGW ${name}`,
      on: 'engine',
      size: `100 points, ${tours} tours, Tmax ${tmax}`,
      oursMs: performance.now() - t0,
      reference: 'published best-known score',
      referenceMs: null,
      goal: '≥ 98 % of best known',
      note: `${plan.prize} / ${bks} = ${((100 * plan.prize) / bks).toFixed(1)} %`,
    });
  }
  return rows;
}
