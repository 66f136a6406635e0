import loadHighs from 'highs';
import { describe, expect, it } from 'vitest';
import { travelTimes } from './dijkstra.js';
import { edgeReachEnds, responseTimes, suggestPosts, summariseReach } from './reach.js';
import { buildRoadGraph, type RoadGraph, type RoadInput } from './road-graph.js';
import { CAR } from './travel-profile.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** An n × n street lattice (~80 m blocks), some streets one-way either way, some faster, a few missing. */
function lattice(n: number, seed: number): RoadInput[] {
  const rnd = rng(seed);
  const at = (i: number, j: number) => [118.7 + i * 0.00085, 32.0 + j * 0.00072] as [number, number];
  const roads: RoadInput[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      for (const [di, dj] of [
        [1, 0],
        [0, 1],
      ] as const) {
        if (i + di >= n || j + dj >= n) continue;
        const r = rnd();
        if (r < 0.06) continue;
        roads.push({
          id: roads.length + 1,
          coordinates: [at(i, j), at(i + di, j + dj)],
          roadClass: r < 0.25 ? 'primary' : 'residential',
          oneway: r > 0.88 ? 1 : r > 0.78 ? -1 : 0,
          speedKmh: r < 0.25 ? 50 : 30,
        });
      }
  return roads;
}

/**
 * The exact optimum of "k more posts at junctions reaching the most road within the limit" as a MIP. An edge's
 * reached share is min(1, A + B), A the share reached forwards from its source end (set by the post nearest that
 * end in time), B backwards from its target end (engine's edgeReachEnds, the same model the reach map sums). With
 * x_c binary (a post at candidate c) and u_ec, v_ec ∈ [0, 1]: A_e = a_e0 + Σ_c (a_ec − a_e0) u_ec, Σ_c u_ec ≤ 1,
 * u_ec ≤ x_c (B likewise), r_e ≤ A_e + B_e, r_e ≤ 1, Σ x_c = k; maximise Σ len_e r_e. a_e0 comes from the existing
 * posts; only candidates that beat it on an end get a u. Returns the optimum's road gain over the existing posts.
 */
async function optimum(g: RoadGraph, current: Float64Array, candidates: number[], k: number, limit: number) {
  const t = candidates.map((c) => travelTimes(g, [{ node: c }], { limitSeconds: limit }).seconds);
  const obj: string[] = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  let base = 0;
  for (let e = 0; e < g.edgeCount; e++) {
    const s = g.edgeSource[e] ?? 0,
      tg = g.edgeTarget[e] ?? 0;
    const [a0, b0] = edgeReachEnds(g, e, current[s] ?? Infinity, current[tg] ?? Infinity, limit);
    const us: string[] = [],
      vs: string[] = [];
    candidates.forEach((c, ci) => {
      const [a, b] = edgeReachEnds(
        g,
        e,
        Math.min(current[s] ?? Infinity, t[ci]?.[s] ?? Infinity),
        Math.min(current[tg] ?? Infinity, t[ci]?.[tg] ?? Infinity),
        limit,
      );
      if (a > a0 + 1e-12) {
        us.push(`${(a - a0).toFixed(12)} u${e}_${ci}`);
        rows.push(` xu${e}_${ci}: u${e}_${ci} - x${ci} <= 0`);
        bounds.push(` 0 <= u${e}_${ci} <= 1`);
      }
      if (b > b0 + 1e-12) {
        vs.push(`${(b - b0).toFixed(12)} v${e}_${ci}`);
        rows.push(` xv${e}_${ci}: v${e}_${ci} - x${ci} <= 0`);
        bounds.push(` 0 <= v${e}_${ci} <= 1`);
      }
    });
    base += Math.min(1, a0 + b0) * (g.edgeLengthMeters[e] ?? 0);
    if (us.length + vs.length === 0) continue;
    if (us.length) rows.push(` su${e}: ${us.map((u) => u.split(' ')[1]).join(' + ')} <= 1`);
    if (vs.length) rows.push(` sv${e}: ${vs.map((v) => v.split(' ')[1]).join(' + ')} <= 1`);
    // r_e − Σ(a − a0)u − Σ(b − b0)v ≤ a0 + b0, r_e ≤ 1
    rows.push(` r${e}: r${e}${[...us, ...vs].map((x) => ` - ${x}`).join('')} <= ${(a0 + b0).toFixed(12)}`);
    bounds.push(` 0 <= r${e} <= 1`);
    obj.push(`${(g.edgeLengthMeters[e] ?? 0).toFixed(9)} r${e}`);
  }
  const lp = [
    'Maximize',
    ` obj: ${obj.join(' + ')}`,
    'Subject To',
    ` k: ${candidates.map((_, ci) => `x${ci}`).join(' + ')} = ${k}`,
    ...rows,
    'Bounds',
    ...bounds,
    'Binary',
    ` ${candidates.map((_, ci) => `x${ci}`).join(' ')}`,
    'End',
  ].join('\n');
  const highs = await loadHighs();
  const res = highs.solve(lp, { output_flag: false, mip_rel_gap: 0 });
  if (res.Status !== 'Optimal') throw new Error(`HiGHS ended with ${res.Status}`);
  // The objective sums the edges some candidate improves, base share included: the gain is that less their base.
  const picked = candidates.filter((_, ci) => (res.Columns[`x${ci}`]?.Primal ?? 0) > 0.5);
  return { gain: res.ObjectiveValue - baseOfTouched(g, current, limit, obj), base, picked };
}

/** Base share (existing posts only) of the edges that appear in the MIP's objective. */
function baseOfTouched(g: RoadGraph, current: Float64Array, limit: number, obj: readonly string[]): number {
  const touched = new Set(obj.map((o) => Number(o.split(' r')[1])));
  let s = 0;
  for (const e of touched) {
    const [a0, b0] = edgeReachEnds(
      g,
      e,
      current[g.edgeSource[e] ?? 0] ?? Infinity,
      current[g.edgeTarget[e] ?? 0] ?? Infinity,
      limit,
    );
    s += Math.min(1, a0 + b0) * (g.edgeLengthMeters[e] ?? 0);
  }
  return s;
}

describe('post suggestions against the exact optimum (HiGHS MIP)', () => {
  it('when 2–4 posts are suggested on 8 lattices with one post already, then they reach ≥ 0.99 of the MIP optimum', async () => {
    const lines: string[] = [];
    const ratios: number[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const g = buildRoadGraph(lattice(8, seed), CAR);
      const limit = 30 + (seed % 3) * 10; // 30–50 s: 250–700 m, so the posts' reaches overlap on an 8 × 8 lattice
      const k = 2 + (seed % 3);
      const current = responseTimes(g, [{ node: seed % g.nodeCount }], limit);
      const candidates = Array.from({ length: g.nodeCount }, (_, v) => v);
      const steps = suggestPosts(g, current, candidates, k, limit);
      const found = steps.reduce((s, x) => s + x.gainMeters, 0);
      // The suggestions' own account of its gain equals the reach summary's (points at junctions, no starts on edges).
      const all = [seed % g.nodeCount, ...steps.map((s) => s.node)];
      const before = summariseReach(g, current, [limit])[0]?.reachedMeters ?? 0;
      const after =
        summariseReach(
          g,
          responseTimes(
            g,
            all.map((node) => ({ node })),
            limit,
          ),
          [limit],
        )[0]?.reachedMeters ?? 0;
      expect(after - before).toBeCloseTo(found, 6);
      const opt = await optimum(g, current, candidates, k, limit);
      expect(found, `suggestions cannot beat the optimum (seed ${seed})`).toBeLessThanOrEqual(
        opt.gain * (1 + 1e-6) + 1e-6,
      );
      ratios.push(found / opt.gain);
      lines.push(
        `seed ${seed} k=${k} limit ${limit}s: suggested ${found.toFixed(1)} m / optimum ${opt.gain.toFixed(1)} m = ${(found / opt.gain).toFixed(4)}`,
      );
    }
    console.info(`post suggestions vs HiGHS MIP:\n${lines.join('\n')}`);
    expect(Math.min(...ratios), lines.join('; ')).toBeGreaterThanOrEqual(0.99);
  }, 120_000);
});
