import { describe, expect, it } from 'vitest';
import type { Geometry, Position } from 'geojson';
import { generateDemoCity } from '../demo/index.js';
import { indexBuildings, type BuildingInput } from './building-index.js';
import { candidateCameras } from './candidates.js';
import type { CameraInput } from './camera-view.js';
import { CoverageModel } from './coverage-model.js';
import { footprintsOf, greedyOverFootprints, concatFootprints } from './footprint-placement.js';
import { GroundCoverage } from './ground-coverage.js';
import { PlaceCoverage, type KeyPlaceInput } from './place-coverage.js';
import { placeCameras } from './placement.js';
import { RoadCoverage, type RoadPiece } from './road-coverage.js';
import { viewPolygon } from './view-polygon.js';
import { referenceView, symmetricDifferenceM2 } from '../../../test/helpers/reference-view.js';

const WEIGHTS = { primary: 3, secondary: 2.5, residential: 1 };

/** A 1.2 km square of the demo city: its roads (as 2-point pieces in 4 areas), buildings, key places and cameras. */
function district() {
  const demo = generateDemoCity(20261125, { incidents: 0 });
  const first = demo.cameras[0]?.geometry;
  const [lon0, lat0] = first?.type === 'Point' ? first.coordinates : [0, 0];
  const box = [(lon0 ?? 0) - 0.006, (lat0 ?? 0) - 0.005, (lon0 ?? 0) + 0.006, (lat0 ?? 0) + 0.005] as const;
  const inBox = (p: Position) =>
    (p[0] ?? 0) >= box[0] && (p[0] ?? 0) <= box[2] && (p[1] ?? 0) >= box[1] && (p[1] ?? 0) <= box[3];
  const midLon = (box[0] + box[2]) / 2,
    midLat = (box[1] + box[3]) / 2;
  const areaOf = (x: number, y: number) => `${x < midLon ? 'W' : 'E'}${y < midLat ? 'S' : 'N'}`;
  const quad = (x0: number, y0: number, x1: number, y1: number): [number, number][][][] => [
    [
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
        [x0, y0],
      ],
    ],
  ];
  const areas = [
    { areaId: 'WS', coordinates: quad(box[0], box[1], midLon, midLat) },
    { areaId: 'ES', coordinates: quad(midLon, box[1], box[2], midLat) },
    { areaId: 'WN', coordinates: quad(box[0], midLat, midLon, box[3]) },
    { areaId: 'EN', coordinates: quad(midLon, midLat, box[2], box[3]) },
  ];
  const pieces: RoadPiece[] = [];
  for (const r of demo.roads) {
    if (r.geometry.type !== 'LineString') continue;
    const c = r.geometry.coordinates;
    for (let i = 1; i < c.length; i++) {
      const a = c[i - 1] ?? [0, 0],
        b = c[i] ?? [0, 0];
      if (!inBox(a) || !inBox(b)) continue;
      pieces.push({
        id: pieces.length + 1,
        coordinates: [
          [a[0] ?? 0, a[1] ?? 0],
          [b[0] ?? 0, b[1] ?? 0],
        ],
        roadClass: String(r.properties.road_class),
        areaId: areaOf(((a[0] ?? 0) + (b[0] ?? 0)) / 2, ((a[1] ?? 0) + (b[1] ?? 0)) / 2),
      });
    }
  }
  const polys = (g: Geometry): [number, number][][][] =>
    g.type === 'Polygon'
      ? [g.coordinates as [number, number][][]]
      : g.type === 'MultiPolygon'
        ? (g.coordinates as [number, number][][][])
        : [];
  const buildings: BuildingInput[] = demo.buildings
    .filter((b) => polys(b.geometry)[0]?.[0]?.every(inBox))
    .map((b, i) => ({ id: i + 1, polygons: polys(b.geometry), heightM: null }));
  const places: KeyPlaceInput[] = demo.keyPlaces
    .filter((k) => k.geometry.type === 'Point' && inBox(k.geometry.coordinates))
    .map((k, i) => {
      const [x = 0, y = 0] = k.geometry.type === 'Point' ? k.geometry.coordinates : [];
      return {
        id: i + 1,
        kind: String(k.properties.kind),
        name: String(k.properties.name),
        areaId: areaOf(x, y),
        geometry: { type: 'Point', coordinates: [x, y] },
      };
    });
  const cameras: CameraInput[] = demo.cameras
    .filter((c) => c.geometry.type === 'Point' && inBox(c.geometry.coordinates))
    .map((c, i) => {
      const [lon = 0, lat = 0] = c.geometry.type === 'Point' ? c.geometry.coordinates : [];
      const p = c.properties;
      return {
        id: i + 1,
        lon,
        lat,
        headingDeg: Number(p.heading_deg),
        fovDeg: Number(p.fov_deg),
        rangeM: Number(p.range_m),
        heightM: Number(p.height_m),
        cameraType: p.camera_type as CameraInput['cameraType'],
        status: p.status as CameraInput['status'],
        networked: Boolean(p.networked),
      };
    });
  return { areas, pieces, buildings, places, cameras };
}

describe('views with only the building edges that can meet the sector', () => {
  it('when views are computed the new way and the old way (every edge in range, general overlay) over real demo buildings, then the shapes agree (symmetric difference < 1e-9 of the area)', () => {
    const d = district();
    const index = indexBuildings(d.buildings);
    const cams = [
      ...candidateCameras(d.pieces, [], {
        cameraType: 'bullet',
        fovDeg: 70,
        rangeM: 60,
        heightM: 6,
        spacingM: 80,
        headings: 5,
      }),
      ...candidateCameras(d.pieces, [], { cameraType: 'dome', fovDeg: 90, rangeM: 45, heightM: 6, spacingM: 120 }),
      // Wider than 180°: not convex, the general overlay.
      ...candidateCameras(d.pieces, [], {
        cameraType: 'bullet',
        fovDeg: 200,
        rangeM: 50,
        heightM: 6,
        spacingM: 160,
        headings: 3,
      }),
    ];
    expect(cams.length).toBeGreaterThan(200);
    let occluded = 0;
    for (const c of cams) {
      const fast = viewPolygon(c, index),
        old = referenceView(c, index);
      if (old.areaM2 < old.sectorAreaM2 - 1e-6) occluded++;
      const xor = symmetricDifferenceM2(c, fast, old);
      expect(xor, `camera ${c.id}`).toBeLessThan(1e-9 * Math.max(1, old.areaM2) + 1e-6);
      expect(fast.areaM2).toBeCloseTo(old.areaM2, 6);
      expect(fast.sectorAreaM2).toBe(old.sectorAreaM2);
      expect(fast.occluders, `camera ${c.id}`).toBe(old.occluders);
    }
    expect(occluded).toBeGreaterThan(50);
  }, 120_000);
});

describe('greedyOverFootprints', () => {
  it('when run on the same candidates as lazy greedy on the model, then it picks the same cameras with the same gains', () => {
    const d = district();
    const index = indexBuildings(d.buildings);
    const model = new CoverageModel({
      areas: d.areas,
      roadPieces: d.pieces,
      places: d.places,
      buildings: d.buildings.map((b) => b.polygons),
      classWeights: WEIGHTS,
      groundStepM: 5,
    });
    for (const c of d.cameras) model.setCamera(c, viewPolygon(c, index));
    const candidates = candidateCameras(
      d.pieces.filter((p) => p.areaId !== 'EN'),
      d.places,
      { cameraType: 'bullet', fovDeg: 60, rangeM: 60, heightM: 6, spacingM: 40, headings: 8 },
    );
    const views = candidates.map((c) => viewPolygon(c, index));
    const inScope = (a: string) => a !== 'EN';
    for (const weights of [{}, { keyPlace: 500, school: 1000, groundPerM2: 0.05 }]) {
      const state = model.placementState(weights, inScope);
      const road = new RoadCoverage(d.pieces, WEIGHTS),
        places = new PlaceCoverage(d.places);
      const ground = weights.groundPerM2
        ? new GroundCoverage(
            d.areas,
            d.buildings.map((b) => b.polygons),
            { stepM: 5 },
          )
        : undefined;
      // Footprints in two halves joined, as the pool computes them in chunks.
      const half = Math.floor(views.length / 2);
      const fp = concatFootprints([
        footprintsOf(views.slice(0, half), road, places, ground),
        footprintsOf(views.slice(half), road, places, ground),
      ]);
      const fast = greedyOverFootprints(fp, state, 15);
      // Reference: today's lazy greedy on the live model (chosen views set on it, removed after).
      const reference = placeCameras(
        {
          gainOf: (v) => model.gainOf(v, weights),
          setCamera: (v) => model.setCamera(candidates[-v.cameraId - 1] as CameraInput, v),
        },
        views,
        15,
      );
      for (const s of reference) model.removeCamera(candidates[s.candidate]?.id ?? 0);
      expect(fast.map((s) => s.candidate)).toEqual(reference.map((s) => s.candidate));
      fast.forEach((s, i) => {
        expect(s.marginalGain).toBeCloseTo(reference[i]?.marginalGain ?? NaN, 9);
      });
      expect(fast.length).toBeGreaterThanOrEqual(5);
      // Added road metres in scope: the rates' difference with the chosen cameras in place.
      const before = model
        .rates()
        .filter((r) => inScope(r.areaId))
        .reduce((s, r) => s + r.seenMeters, 0);
      for (const s of fast)
        model.setCamera(candidates[s.candidate] as CameraInput, views[s.candidate] as (typeof views)[number]);
      const after = model
        .rates()
        .filter((r) => inScope(r.areaId))
        .reduce((s, r) => s + r.seenMeters, 0);
      for (const s of fast) model.removeCamera(candidates[s.candidate]?.id ?? 0);
      expect(fast.reduce((s, x) => s + x.addedRoadMeters, 0)).toBeCloseTo(after - before, 6);
    }
  }, 120_000);
});

describe('greedyOverFootprints on mismatched inputs', () => {
  it('when a footprint names a segment the state lacks, then it throws a RangeError naming it, not a zero gain', () => {
    const fp = {
      count: 1,
      candEntry: Int32Array.of(0, 1),
      entrySeg: Int32Array.of(3),
      entryIv: Int32Array.of(0, 1),
      ivFrom: Float64Array.of(0),
      ivTo: Float64Array.of(1),
      candPlace: Int32Array.of(0, 0),
      places: new Int32Array(0),
      candCell: Int32Array.of(0, 0),
      cells: new Int32Array(0),
    };
    const state = {
      segLengthM: Float64Array.of(10, 10),
      segWeight: Float64Array.of(1, 1),
      segInScope: Uint8Array.of(1, 1),
      segSeen: [[], []],
      placeWeight: new Float64Array(0),
      placeSeen: new Uint8Array(0),
      placeInScope: new Uint8Array(0),
      groundPerM2: 0,
      cellM2: 0,
    };
    expect(() => greedyOverFootprints(fp, state, 1)).toThrow(RangeError);
    expect(() => greedyOverFootprints(fp, state, 1)).toThrow('footprint segment 3 (entry 0) is out of range [0, 2)');
    // The same footprint on segment 1 is scored.
    expect(greedyOverFootprints({ ...fp, entrySeg: Int32Array.of(1) }, state, 1)[0]?.addedRoadMeters).toBe(10);
  });
});
