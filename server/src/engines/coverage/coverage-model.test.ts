import { area, multiPolygon } from '@turf/turf';
import { describe, expect, it } from 'vitest';
import { indexBuildings, type BuildingInput } from './building-index.js';
import type { CameraInput } from './camera-view.js';
import { CoverageModel, type CoverageModelInput } from './coverage-model.js';
import type { KeyPlaceInput } from './place-coverage.js';
import type { RoadPiece } from './road-coverage.js';
import { viewPolygon } from './view-polygon.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const DX = 0.00085,
  DY = 0.00072; // ~80 m blocks at 32° N
const at = (i: number, j: number): [number, number] => [118.7 + i * DX, 32.0 + j * DY];

/** 8 × 8 junction lattice in four 4 × 4-block areas, a building in most blocks, key places at some corners. */
function city(seed: number): { input: CoverageModelInput; buildings: BuildingInput[] } {
  const rnd = rng(seed);
  const areaOf = (i: number, j: number) => `${i < 4 ? 'W' : 'E'}${j < 4 ? 'S' : 'N'}`;
  const areas = ['WS', 'ES', 'WN', 'EN'].map((id) => {
    const i0 = id[0] === 'W' ? 0 : 4,
      j0 = id[1] === 'S' ? 0 : 4;
    const [x0, y0] = at(i0, j0),
      [x1, y1] = at(i0 + 4, j0 + 4);
    return {
      areaId: id,
      coordinates: [
        [
          [
            [x0, y0],
            [x1, y0],
            [x1, y1],
            [x0, y1],
            [x0, y0],
          ],
        ],
      ] as [number, number][][][],
    };
  });
  const roadPieces: RoadPiece[] = [];
  for (let i = 0; i < 8; i++)
    for (let j = 0; j < 8; j++) {
      // Each piece is one block side, inside one area (mid-block point decides).
      roadPieces.push({
        id: roadPieces.length + 1,
        coordinates: [at(i, j + 0.001), at(i + 1, j + 0.001)],
        roadClass: j % 3 === 0 ? 'primary' : 'residential',
        areaId: areaOf(i, j),
      });
      roadPieces.push({
        id: roadPieces.length + 1,
        coordinates: [at(i + 0.001, j), at(i + 0.001, j + 1)],
        roadClass: 'residential',
        areaId: areaOf(i, j),
      });
    }
  const buildings: BuildingInput[] = [];
  for (let i = 0; i < 8; i++)
    for (let j = 0; j < 8; j++) {
      if (rnd() < 0.3) continue;
      const [x0, y0] = at(i + 0.25, j + 0.25),
        [x1, y1] = at(i + 0.75, j + 0.75);
      buildings.push({
        id: buildings.length + 1,
        heightM: 15,
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
  const places: KeyPlaceInput[] = Array.from({ length: 10 }, (_, k) => {
    const i = Math.floor(rnd() * 8),
      j = Math.floor(rnd() * 8);
    return {
      id: k + 1,
      kind: k % 3 === 0 ? 'school' : 'hospital',
      name: `p${k}`,
      areaId: areaOf(i, j),
      geometry: { type: 'Point', coordinates: at(i + 0.5, j + 0.1) },
    };
  });
  return {
    buildings,
    input: {
      areas,
      roadPieces,
      places,
      buildings: buildings.map((b) => b.polygons),
      classWeights: { primary: 3 },
      groundStepM: 4,
    },
  };
}

function randomCamera(rnd: () => number, id: number): CameraInput {
  const [lon, lat] = at(Math.floor(rnd() * 9) + 0.02, Math.floor(rnd() * 9) + 0.02);
  return {
    id,
    lon,
    lat,
    headingDeg: Math.floor(rnd() * 360),
    fovDeg: 40 + Math.floor(rnd() * 60),
    rangeM: 50 + Math.floor(rnd() * 70),
    heightM: 6,
    cameraType: rnd() < 0.15 ? 'dome' : 'bullet',
    status: rnd() < 0.1 ? 'faulty' : 'working',
    networked: rnd() < 0.8,
  };
}

describe('CoverageModel', () => {
  it('when 40 cameras are moved, turned, broken, added and removed one at a time, then the rates equal a model built afresh from the final cameras', () => {
    const { input, buildings } = city(3);
    const index = indexBuildings(buildings);
    const rnd = rng(11);
    const cams = new Map<number, CameraInput>();
    const live = new CoverageModel(input);
    for (let id = 1; id <= 60; id++) {
      const c = randomCamera(rnd, id);
      cams.set(id, c);
      live.setCamera(c, viewPolygon(c, index));
    }
    for (let step = 0; step < 40; step++) {
      const id = 1 + Math.floor(rnd() * 70);
      if (step % 7 === 3 && cams.has(id)) {
        cams.delete(id);
        live.removeCamera(id);
        continue;
      }
      const c = randomCamera(rnd, id); // a move, a turn, a status change or a new camera
      cams.set(id, c);
      live.setCamera(c, viewPolygon(c, index));
    }
    const fresh = new CoverageModel(input);
    for (const c of cams.values()) fresh.setCamera(c, viewPolygon(c, index));
    const a = live.rates(),
      b = fresh.rates();
    expect(a.map((r) => r.areaId)).toEqual(b.map((r) => r.areaId));
    a.forEach((r, i) => {
      const f = b[i]!;
      for (const k of [
        'roadMeters',
        'seenMeters',
        'weightedRoadRate',
        'networkedSeenMeters',
        'seenGroundM2',
      ] as const) {
        expect(r[k], `${k} of ${r.areaId} after incremental edits`).toBeCloseTo(f[k], 6);
      }
      expect(
        [r.keyPlacesSeen, r.schoolsSeen, r.cameras, r.workingRate, r.networkedRate],
        `places and cameras of ${r.areaId}`,
      ).toEqual([f.keyPlacesSeen, f.schoolsSeen, f.cameras, f.workingRate, f.networkedRate]);
    });
    expect(
      a.some((r) => r.seenMeters > 0 && r.keyPlacesSeen > 0 && r.seenGroundM2 > 0),
      'the fixture must see something',
    ).toBe(true);
  });

  it('when a camera stops working, then what only it saw is lost, and a non-working camera still counts in the working rate', () => {
    const { input, buildings } = city(5);
    const index = indexBuildings(buildings);
    const m = new CoverageModel(input);
    const c: CameraInput = {
      id: 1,
      lon: at(1, 1)[0],
      lat: at(1, 1.001)[1],
      headingDeg: 90,
      fovDeg: 60,
      rangeM: 70,
      heightM: 6,
      cameraType: 'bullet',
      status: 'working',
      networked: true,
    };
    m.setCamera(c, viewPolygon(c, index));
    const seen = m.rates().find((r) => r.areaId === 'WS')!;
    expect(seen.seenMeters).toBeGreaterThan(60);
    m.setCamera({ ...c, status: 'faulty' }, viewPolygon(c, index));
    const broken = m.rates().find((r) => r.areaId === 'WS')!;
    expect([broken.seenMeters, broken.seenGroundM2, broken.cameras, broken.workingRate]).toEqual([0, 0, 1, 0]);
  });

  it('when the ground is sampled, then open ground is the area minus building footprints within a lattice row', () => {
    const { input, buildings } = city(7);
    const m = new CoverageModel(input);
    const ws = m.rates().find((r) => r.areaId === 'WS')!;
    // Reference areas from turf (spherical earth: ~0.3 % apart from the engine's WGS84 scale, inside the tolerance).
    const areaM2 = area(
      multiPolygon(input.areas.find((a) => a.areaId === 'WS')!.coordinates as [number, number][][][]),
    );
    const builtM2 = buildings
      .filter((b) => {
        const [x, y] = b.polygons[0]![0]![0]!;
        return x < at(4, 0)[0] && y < at(0, 4)[1];
      })
      .reduce((s, b) => s + area(multiPolygon(b.polygons as [number, number][][][])), 0);
    // One 4 m row along the perimeter of a 340 × 320 m area is ~1.2 % of it.
    expect(Math.abs(ws.groundM2 - (areaM2 - builtM2)) / areaM2).toBeLessThan(0.015);
  });
});
