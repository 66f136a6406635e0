import { describe, expect, it } from 'vitest';
import { indexBuildings } from './building-index.js';
import type { CameraInput } from './camera-view.js';
import { placeCameras } from './placement.js';
import { RoadCoverage, type CameraView, type RoadPiece } from './road-coverage.js';
import { viewPolygon } from './view-polygon.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A small street lattice (6 × 6 junctions, ~80 m blocks) and candidate cameras at random junctions and headings. */
function instance(seed: number, candidates: number) {
  const rnd = rng(seed);
  const at = (i: number, j: number) => [118.7 + i * 0.00085, 32.0 + j * 0.00072] as [number, number];
  const roads: RoadPiece[] = [];
  for (let i = 0; i < 6; i++)
    for (let j = 0; j < 6; j++) {
      if (i < 5)
        roads.push({
          id: roads.length + 1,
          coordinates: [at(i, j), at(i + 1, j)],
          roadClass: 'residential',
          areaId: 'x',
        });
      if (j < 5)
        roads.push({
          id: roads.length + 1,
          coordinates: [at(i, j), at(i, j + 1)],
          roadClass: rnd() < 0.3 ? 'primary' : 'residential',
          areaId: 'x',
        });
    }
  const views: CameraView[] = Array.from({ length: candidates }, (_, k) => {
    const [lon, lat] = at(Math.floor(rnd() * 6), Math.floor(rnd() * 6));
    const c: CameraInput = {
      id: 1000 + k,
      lon,
      lat,
      headingDeg: Math.floor(rnd() * 4) * 90,
      fovDeg: 50,
      rangeM: 90,
      heightM: 6,
      cameraType: 'bullet',
      status: 'working',
      networked: true,
    };
    return viewPolygon(c, indexBuildings([]));
  });
  return { roads, views };
}

const WEIGHTS = { primary: 2 };

/** The exact optimum by enumerating every k-subset (small instances only). */
function bruteForceBest(roads: RoadPiece[], views: CameraView[], k: number): number {
  let best = 0;
  const pick = (start: number, chosen: number[]) => {
    if (chosen.length === k) {
      const cov = new RoadCoverage(roads, WEIGHTS);
      let total = 0;
      for (const i of chosen) {
        const v = views[i]!;
        total += cov.gainOf(v);
        cov.setCamera(v);
      }
      best = Math.max(best, total);
      return;
    }
    for (let i = start; i < views.length; i++) pick(i + 1, [...chosen, i]);
  };
  pick(0, []);
  return best;
}

describe('placeCameras', () => {
  it('when compared with the exact optimum on 6 small instances, then greedy is within 5 % every time', () => {
    const ratios: number[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const { roads, views } = instance(seed, 14);
      const k = 3 + (seed % 2);
      const greedy = placeCameras(new RoadCoverage(roads, WEIGHTS), views, k).reduce((s, p) => s + p.marginalGain, 0);
      const optimum = bruteForceBest(roads, views, k);
      expect(optimum).toBeGreaterThan(0);
      ratios.push(greedy / optimum);
    }
    console.info(`placement greedy/optimum: ${ratios.map((r) => r.toFixed(4)).join(', ')}`);
    expect(
      Math.min(...ratios),
      `greedy/optimum per instance: ${ratios.map((r) => r.toFixed(4)).join(', ')}`,
    ).toBeGreaterThanOrEqual(0.95);
  }, 60_000); // exhaustive search over k-subsets on 6 instances

  it('when cameras are placed, then marginal gains never increase and the coverage holds what they add', () => {
    const { roads, views } = instance(9, 30);
    const cov = new RoadCoverage(roads, WEIGHTS);
    const before = cov.byArea()[0]!.weightedRate;
    const steps = placeCameras(cov, views, 8);
    expect(steps).toHaveLength(8);
    for (let i = 1; i < steps.length; i++)
      expect(steps[i]!.marginalGain).toBeLessThanOrEqual(steps[i - 1]!.marginalGain + 1e-9);
    expect(cov.byArea()[0]!.weightedRate).toBeGreaterThan(before);
    expect(new Set(steps.map((s) => s.candidate)).size).toBe(8);
    // What the chosen views add, placed afresh in the same order, is exactly the reported gains.
    const again = new RoadCoverage(roads, WEIGHTS);
    let total = 0;
    for (const st of steps) {
      total += again.gainOf(views[st.candidate]!);
      again.setCamera(views[st.candidate]!);
    }
    expect(total).toBeCloseTo(
      steps.reduce((sum, st) => sum + st.marginalGain, 0),
      6,
    );
    for (const st of steps) expect(cov.gainOf(views[st.candidate]!)).toBeCloseTo(0, 9);
  });
});
