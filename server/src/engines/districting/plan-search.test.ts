import { describe, expect, it } from 'vitest';
import { gridGraph, isContiguous, type GridAdjacency, type GridUnit } from './grid-graph.js';
import { draftPlan } from './plan-search.js';
import { PlanState, DEFAULT_OBJECTIVE_WEIGHTS } from './plan-state.js';
import { recomProposal, recomStep, seededRandom } from './recom.js';

/** n × n lattice of 100 m squares; communities are 3 × 3 blocks; incidents heavier towards one corner. */
function lattice(n: number) {
  const units: GridUnit[] = [];
  const adjacency: GridAdjacency[] = [];
  const community: string[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      units.push({
        id: `${i}-${j}`,
        areaM2: 10_000,
        perimeterM: 400,
        load: { incidents: 10 + Math.round(40 / (1 + i + j)) },
      });
      community.push(`c${Math.floor(i / 3)}-${Math.floor(j / 3)}`);
      if (i + 1 < n) adjacency.push({ a: `${i}-${j}`, b: `${i + 1}-${j}`, sharedBoundaryM: 100 });
      if (j + 1 < n) adjacency.push({ a: `${i}-${j}`, b: `${i}-${j + 1}`, sharedBoundaryM: 100 });
    }
  return { g: gridGraph(units, adjacency), community };
}
const membersOf = (a: ArrayLike<number>, b: number) => new Set(Array.from(a).flatMap((x, i) => (x === b ? [i] : [])));
/** Pieces of each community written out: flood fill over same-community, same-beat neighbours. */
function splitsByHand(g: ReturnType<typeof lattice>['g'], community: readonly string[], a: ArrayLike<number>): number {
  const seen = new Set<number>();
  const pieces = new Map<string, number>();
  for (let s = 0; s < g.units.length; s++) {
    if (seen.has(s)) continue;
    pieces.set(community[s] as string, (pieces.get(community[s] as string) ?? 0) + 1);
    const stack = [s];
    seen.add(s);
    while (stack.length) {
      const v = stack.pop() as number;
      for (const [w] of g.neighbours[v] ?? [])
        if (!seen.has(w) && community[w] === community[v] && a[w] === a[v]) {
          seen.add(w);
          stack.push(w);
        }
    }
  }
  return [...pieces.values()].reduce((s, p) => s + p - 1, 0);
}

describe('ReCom', { timeout: 120_000 }, () => {
  it('when two neighbouring beats are recombined, then both sides are connected, balanced and cover the same grids', () => {
    const { g } = lattice(12);
    const a = Int32Array.from(g.units, (_, i) => (Math.floor(i / 12) < 6 ? 0 : 1));
    const load = g.units.map((u) => u.load.incidents ?? 0);
    const ideal = load.reduce((s, v) => s + v, 0) / 2;
    const rng = seededRandom(7);
    for (let t = 0; t < 50; t++) {
      const p = recomProposal(g, a, load, 0, 1, rng, { idealLoad: ideal, tolerance: 0.05, attempts: 100 });
      expect(p).not.toBeNull();
      const sideB = new Set(p!.merged.filter((u) => !p!.sideA.has(u)));
      expect(p!.merged).toHaveLength(144);
      expect(isContiguous(g, p!.sideA)).toBe(true);
      expect(isContiguous(g, sideB)).toBe(true);
      const la = [...p!.sideA].reduce((s, u) => s + (load[u] ?? 0), 0);
      expect(Math.abs(la / ideal - 1)).toBeLessThanOrEqual(0.05);
    }
  });

  it('when a chain of 500 steps runs on 8 beats, then every beat stays one piece', () => {
    const { g, community } = lattice(12);
    const a = Int32Array.from(g.units, (_, i) => Math.floor(i / 18)); // 8 strips of 18 grids
    const load = g.units.map((u) => u.load.incidents ?? 0);
    const ideal = load.reduce((s, v) => s + v, 0) / 8;
    const rng = seededRandom(3);
    let moved = 0;
    for (let s = 0; s < 500; s++)
      if (
        recomStep(
          g,
          a,
          load,
          rng,
          { idealLoad: ideal, tolerance: 0.3, regionAware: true },
          (i) => community[i]!.length + community[i]!.charCodeAt(1) * 7 + community[i]!.charCodeAt(3),
        )
      )
        moved++;
    expect(moved).toBeGreaterThan(250);
    for (let b = 0; b < 8; b++) expect(isContiguous(g, membersOf(a, b)), `beat ${b}`).toBe(true);
  });

  it('when region-aware, then more cuts fall on community boundaries than without', () => {
    const { g, community } = lattice(12);
    const codes = [...new Set(community)];
    const comm = (i: number) => codes.indexOf(community[i] as string);
    const a = Int32Array.from(g.units, (_, i) => (Math.floor(i / 12) < 6 ? 0 : 1));
    const load = g.units.map(() => 1);
    const count = (regionAware: boolean) => {
      const rng = seededRandom(11);
      let along = 0;
      for (let t = 0; t < 200; t++)
        if (
          recomProposal(g, a, load, 0, 1, rng, { idealLoad: 72, tolerance: 0.15, regionAware }, comm)
            ?.alongCommunityBoundary
        )
          along++;
      return along;
    };
    const aware = count(true),
      plain = count(false);
    expect(aware).toBeGreaterThan(plain);
    expect(aware).toBeGreaterThan(150);
  });
});

describe('draftPlan on the whole scorecard', { timeout: 120_000 }, () => {
  it('when community splits are penalised (the default), then the draft splits fewer communities than with no penalty, and is contiguous', () => {
    const { g, community } = lattice(12);
    const inputs = { community };
    const noPenalty = draftPlan(g, { beats: 8, weights: { incidents: 1 }, inputs, objective: { communitySplits: 0 } });
    const kept = draftPlan(g, { beats: 8, weights: { incidents: 1 }, inputs, objective: { communitySplits: 0.2 } });
    for (const plan of [noPenalty, kept])
      for (let b = 0; b < 8; b++) expect(isContiguous(g, membersOf(plan.assignment, b))).toBe(true);
    expect(kept.communitySplits).toBe(splitsByHand(g, community, kept.assignment));
    expect(noPenalty.communitySplits).toBe(splitsByHand(g, community, noPenalty.assignment));
    expect(kept.communitySplits).toBeLessThan(noPenalty.communitySplits);
    expect(kept.recom.balancedCuts).toBeGreaterThan(0);
  }, 60_000); // two full tabu searches on the demo station

  it('when beats are locked, then they keep exactly their grids, and the objective is never worse than the plan in force', () => {
    const { g, community } = lattice(9);
    const current = g.units.map((_, i) => Math.floor(i / 27)); // 3 strips
    const plan = draftPlan(g, {
      beats: 3,
      weights: { incidents: 1 },
      inputs: { community },
      current,
      lockedBeats: [0],
    });
    expect([...membersOf(plan.assignment, 0)]).toEqual([...membersOf(current, 0)]);
    expect(plan.objective).toBeLessThanOrEqual((plan.currentObjective ?? Infinity) + 1e-9);
  });

  it("when the objective is recomputed from scratch, then it equals the search's bookkeeping (moves and recombinations)", () => {
    const { g, community } = lattice(6);
    const load = g.units.map((u) => u.load.incidents ?? 0);
    const roadM = g.units.map((_, i) => 100 + (i % 5) * 20),
      seenM = roadM.map((r, i) => (i % 3 === 0 ? r : r / 4));
    const reachedM = g.units.map((_, i) => [
      roadM[i]! * 0.2,
      roadM[i]! * 0.5,
      roadM[i]!,
      i < 6 ? roadM[i]! : 0,
      roadM[i]!,
      roadM[i]!,
    ]);
    const inputs = {
      community,
      coverage: { roadM, seenM },
      reach: { tiersSeconds: [60, 180, 300], origins: [{ unit: null }, { unit: 3 }], roadM, reachedM },
    };
    const mean = load.reduce((s, v) => s + v, 0) / 2;
    const start = g.units.map((_, i) => (i % 6 < 3 ? 0 : 1));
    const s = new PlanState(g, 2, start, load, mean, 0.1, DEFAULT_OBJECTIVE_WEIGHTS, inputs);
    const fresh = () =>
      new PlanState(g, 2, Array.from(s.assignment), load, mean, 0.1, DEFAULT_OBJECTIVE_WEIGHTS, inputs);
    for (const [i, to] of [
      [2, 1],
      [3, 0],
      [8, 1],
      [4, 0],
      [3, 1],
    ] as const) {
      const before = s.objective();
      const { pp } = fresh();
      s.members[s.assignment[i]!]!.delete(i);
      s.members[to]!.add(i);
      const ppAfter = new PlanState(
        g,
        2,
        Array.from(s.assignment, (b, u) => (u === i ? to : b)),
        load,
        mean,
        0.1,
        DEFAULT_OBJECTIVE_WEIGHTS,
        inputs,
      ).pp;
      s.members[to]!.delete(i);
      s.members[s.assignment[i]!]!.add(i);
      void pp;
      const delta = s.moveDelta(i, to, ppAfter[s.assignment[i]!]!, ppAfter[to]!);
      s.move(i, to);
      expect(s.objective(), `after moving ${i}`).toBeCloseTo(fresh().objective(), 9);
      expect(before + delta, `delta of moving ${i}`).toBeCloseTo(s.objective(), 9);
    }
    const oldA = new Set(s.members[0]);
    const merged = g.units.map((_, i) => i);
    s.recombine(0, 1, new Set(merged.filter((i) => i % 6 < 2)), merged);
    expect(s.objective()).toBeCloseTo(fresh().objective(), 9);
    s.recombine(0, 1, oldA, merged);
    expect(s.objective()).toBeCloseTo(fresh().objective(), 9);
  });

  it('when aborted, then it throws and reports progress until then; inputs are not mutated', () => {
    const { g, community } = lattice(10);
    const before = JSON.stringify({ g: g.units, community });
    const ctl = new AbortController();
    const seen: number[] = [];
    expect(() =>
      draftPlan(g, {
        beats: 5,
        weights: { incidents: 1 },
        inputs: { community },
        signal: ctl.signal,
        onProgress: (p) => {
          seen.push(p.done);
          if (seen.length === 2) ctl.abort();
        },
      }),
    ).toThrow();
    expect(seen).toHaveLength(2);
    expect(JSON.stringify({ g: g.units, community })).toBe(before);
  });
});
