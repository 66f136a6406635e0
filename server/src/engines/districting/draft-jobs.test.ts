import { describe, expect, it } from 'vitest';
import { nameBeats, runDistrict, runDraft, type DraftJobInput } from './draft-jobs.js';
import type { GridAdjacency, GridUnit } from './grid-graph.js';

/** n × n lattice of 100 m squares, incidents heavier towards one corner; the plan in force is 3 vertical strips. */
function lattice(n: number) {
  const units: GridUnit[] = [];
  const adjacency: GridAdjacency[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      units.push({ id: `g${i}-${j}`, areaM2: 10_000, perimeterM: 400, load: { incidents: 5 + 30 / (1 + i + j) } });
      if (i + 1 < n) adjacency.push({ a: `g${i}-${j}`, b: `g${i + 1}-${j}`, sharedBoundaryM: 100 });
      if (j + 1 < n) adjacency.push({ a: `g${i}-${j}`, b: `g${i}-${j + 1}`, sharedBoundaryM: 100 });
    }
  const current = units.map((_, k) => Math.floor(k / ((n * n) / 3)));
  return { units, adjacency, current };
}

describe('districting runs a worker is handed', { timeout: 120_000 }, () => {
  it('when drafted beats are named, then each takes the current beat it shares most grids with, locked ones keep theirs', () => {
    // Drafted beat 0 holds mostly current beat 2's grids, drafted 1 mostly current 0's, drafted 2 current 1's.
    const draft = [0, 0, 0, 1, 1, 2, 2, 2];
    const current = [2, 2, 1, 0, 0, 1, 1, 0];
    expect(nameBeats(draft, current, 3, ['A', 'B', 'C'], [])).toEqual(['C', 'A', 'B']);
    // Beat 0 locked as 'B': the others are named among the rest.
    expect(nameBeats(draft, current, 3, ['A', 'B', 'C'], ['B'])).toEqual(['B', 'A', 'C']);
  });

  it('when a station is drafted from plain inputs, then every grid gets one of its beat codes and the draft is no worse than the plan in force', () => {
    const { units, adjacency, current } = lattice(6);
    const job: DraftJobInput = {
      units,
      adjacency,
      beatCodes: ['B1', 'B2', 'B3'],
      current,
      lockedBeats: [],
      inputs: {},
      beats: 3,
      loadWeights: { incidents: 1 },
      tolerance: 0.1,
      objective: {},
      recom: false,
    };
    let progressCalls = 0;
    const out = runDraft(job, undefined, () => {
      progressCalls++;
    });
    expect(out.assignment.map(([id]) => id)).toEqual(units.map((u) => u.id));
    expect(new Set(out.assignment.map(([, code]) => code))).toEqual(new Set(['B1', 'B2', 'B3']));
    expect(out.engine.objective).toBeLessThanOrEqual((out.engine.currentObjective ?? Infinity) + 1e-9);
    expect(progressCalls).toBeGreaterThan(0);
  });

  it('when the preview districting runs, then its beats are contiguous, cover every grid once, and the plan in force is scored', () => {
    const { units, adjacency, current } = lattice(6);
    const out = runDistrict({
      units,
      adjacency,
      codes: ['B1', 'B2', 'B3'],
      currentAssignment: current,
      beats: 3,
      weights: { incidents: 1 },
      tolerance: 0.1,
      lockedBeats: [],
      beatOf: units.map((u, k) => [u.id, ['B1', 'B2', 'B3'][current[k] ?? 0] as string]),
    });
    const all = out.beats.flatMap((b) => b.gridCodes).sort();
    expect(all).toEqual(units.map((u) => u.id).sort());
    for (const b of out.beats) expect(b.contiguous).toBe(true);
    expect(new Set(out.beats.map((b) => b.code))).toEqual(new Set(['B1', 'B2', 'B3']));
    expect(out.plan.objective).toBeLessThanOrEqual(out.current.objective + 1e-9);
  });
});
