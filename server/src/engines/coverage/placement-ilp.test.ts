import { describe, expect, it } from 'vitest';
import { maxCoveringOptimum } from '../../../test/helpers/max-covering-mip.js';
import { indexBuildings, type BuildingInput } from './building-index.js';
import type { CameraInput } from './camera-view.js';
import { CoverageModel } from './coverage-model.js';
import { metersPerDegree } from './local-projection.js';
import { PlaceCoverage, SCHOOL_KINDS, type KeyPlaceInput } from './place-coverage.js';
import { placeCameras } from './placement.js';
import type { CameraView, RoadPiece } from './road-coverage.js';
import { clipSegmentToPolygon } from './segment-clip.js';
import { viewPolygon } from './view-polygon.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const DX = 0.00085,
  DY = 0.00072;
const at = (i: number, j: number): [number, number] => [118.7 + i * DX, 32.0 + j * DY];
const WEIGHTS = { primary: 3 };
const PLACE_W = { keyPlace: 100, school: 200 };

/** A 7 × 7 junction street lattice with buildings and key places, and 80 overlapping candidate cameras at junctions. */
function instance(seed: number) {
  const rnd = rng(seed);
  const roads: RoadPiece[] = [];
  for (let i = 0; i < 7; i++)
    for (let j = 0; j < 7; j++) {
      if (i < 6)
        roads.push({
          id: roads.length + 1,
          coordinates: [at(i, j), at(i + 1, j)],
          roadClass: rnd() < 0.25 ? 'primary' : 'residential',
          areaId: 'x',
        });
      if (j < 6)
        roads.push({
          id: roads.length + 1,
          coordinates: [at(i, j), at(i, j + 1)],
          roadClass: 'residential',
          areaId: 'x',
        });
    }
  const buildings: BuildingInput[] = [];
  for (let i = 0; i < 6; i++)
    for (let j = 0; j < 6; j++) {
      if (rnd() < 0.4) continue;
      const [x0, y0] = at(i + 0.2, j + 0.2),
        [x1, y1] = at(i + 0.8, j + 0.8);
      buildings.push({
        id: buildings.length + 1,
        heightM: 20,
        polygons: [
          [
            [
              [x0, y0],
              [x1, y0],
              [x1, y1],
              [x0, y1],
              [x0, y0],
            ],
          ],
        ],
      });
    }
  const places: KeyPlaceInput[] = Array.from({ length: 6 }, (_, k) => ({
    id: k + 1,
    kind: k < 2 ? 'school' : 'market',
    name: `p${k}`,
    areaId: 'x',
    geometry: { type: 'Point', coordinates: at(Math.floor(rnd() * 6) + 0.5, Math.floor(rnd() * 7) + 0.08) },
  }));
  const index = indexBuildings(buildings);
  const views: CameraView[] = Array.from({ length: 80 }, (_, k) => {
    const [lon, lat] = at(Math.floor(rnd() * 7), Math.floor(rnd() * 7));
    const c: CameraInput = {
      id: -(k + 1),
      lon,
      lat,
      headingDeg: Math.floor(rnd() * 8) * 45,
      fovDeg: 100,
      rangeM: 160,
      heightM: 6,
      cameraType: 'bullet',
      status: 'working',
      networked: true,
    };
    return viewPolygon(c, index);
  });
  return { roads, places, views, buildings };
}

/**
 * The exact maximal-covering optimum as a MIP (Church & ReVelle 1974): binary x_j per candidate, y_e ∈ [0, 1] per
 * element e (an elementary stretch of road between consecutive interval ends of the candidates, or a key place),
 * y_e ≤ Σ_{j sees e} x_j, Σ x_j = k, maximise Σ w_e y_e. Built from the same clipped intervals the engine uses.
 */
async function ilpOptimum(
  roads: RoadPiece[],
  places: KeyPlaceInput[],
  views: CameraView[],
  k: number,
): Promise<number> {
  const elements: { w: number; by: number[] }[] = [];
  for (const r of roads) {
    const [a, b] = r.coordinates as [[number, number], [number, number]];
    const m = metersPerDegree((a[1] + b[1]) / 2);
    const len = Math.hypot((b[0] - a[0]) * m.lon, (b[1] - a[1]) * m.lat);
    const w = (WEIGHTS as Record<string, number>)[r.roadClass] ?? 1;
    const per = views.map((v) => v.coordinates.flatMap((poly) => clipSegmentToPolygon(a[0], a[1], b[0], b[1], poly)));
    const cuts = [...new Set([0, 1, ...per.flatMap((iv) => iv.flat())])].sort((x, y) => x - y);
    for (let c = 1; c < cuts.length; c++) {
      const t0 = cuts[c - 1]!,
        t1 = cuts[c]!,
        mid = (t0 + t1) / 2;
      const by = per.flatMap((iv, j) => (iv.some(([s, e]) => s <= mid && mid <= e) ? [j] : []));
      if (by.length > 0 && t1 - t0 > 1e-12) elements.push({ w: w * len * (t1 - t0), by });
    }
  }
  const pc = new PlaceCoverage(places);
  const placeBy = places.map(() => [] as number[]);
  views.forEach((v, j) => {
    for (const p of pc.placesUnder(v)) placeBy[p]!.push(j);
  });
  places.forEach((p, i) => {
    if (placeBy[i]!.length > 0)
      elements.push({ w: PLACE_W.keyPlace + (SCHOOL_KINDS.has(p.kind) ? PLACE_W.school : 0), by: placeBy[i]! });
  });
  return maxCoveringOptimum(elements, views.length, k, 'exactly');
}

describe('camera placement against the exact optimum (HiGHS MIP)', () => {
  it('when greedy places 3–6 cameras on 8 instances with roads, buildings, key places and schools, then it is within 5 % of the MIP optimum on every one', async () => {
    const lines: string[] = [];
    const ratios: number[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const { roads, places, views, buildings } = instance(seed);
      const k = 3 + (seed % 4);
      const model = new CoverageModel({
        areas: [],
        roadPieces: roads,
        places,
        buildings: buildings.map((b) => b.polygons),
        classWeights: WEIGHTS,
      });
      const steps = placeCameras(
        {
          gainOf: (v) => model.gainOf(v, PLACE_W),
          setCamera: (v) =>
            model.setCamera(
              {
                id: v.cameraId,
                lon: 0,
                lat: 0,
                headingDeg: 0,
                fovDeg: 60,
                rangeM: 100,
                heightM: 6,
                cameraType: 'bullet',
                status: 'working',
                networked: true,
              },
              v,
            ),
        },
        views,
        k,
      );
      const greedy = steps.reduce((s, st) => s + st.marginalGain, 0);
      const optimum = await ilpOptimum(roads, places, views, k);
      expect(greedy, `greedy cannot beat the optimum (seed ${seed})`).toBeLessThanOrEqual(optimum * (1 + 1e-6));
      ratios.push(greedy / optimum);
      lines.push(
        `seed ${seed} k=${k}: greedy ${greedy.toFixed(1)} / optimum ${optimum.toFixed(1)} = ${(greedy / optimum).toFixed(4)}`,
      );
    }
    console.info(`placement vs HiGHS MIP:\n${lines.join('\n')}`);
    expect(Math.min(...ratios), lines.join('; ')).toBeGreaterThanOrEqual(0.95);
  }, 120_000); // 8 HiGHS MIPs plus greedy over view polygons: ~5 s idle, several times that on a busy 2-core machine
});
