import { describe, expect, it } from 'vitest';
import * as turf from '@turf/turf';
import type { Feature, MultiPolygon, Point, Polygon } from 'geojson';
import { indexBuildings, type BuildingInput } from './building-index.js';
import type { CameraInput } from './camera-view.js';
import { detectionBandsM } from './detection-bands.js';
import { localProjection } from './local-projection.js';
import { viewPolygon } from './view-polygon.js';

const camera: CameraInput = {
  id: 1,
  lon: 118.78,
  lat: 32.04,
  headingDeg: 30,
  fovDeg: 70,
  rangeM: 60,
  heightM: 6,
  cameraType: 'bullet',
  status: 'working',
  networked: true,
};
const asFeature = (coords: [number, number][][][]): Feature<MultiPolygon> => turf.multiPolygon(coords);
const EMPTY = turf.polygon([
  [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0],
  ],
]);

/** Metres from a point to the nearest ring of a (multi)polygon. */
function distanceToOutlineM(pt: Feature<Point>, area: Feature<MultiPolygon>): number {
  const rings = area.geometry.coordinates.flat();
  return Math.min(...rings.map((ring) => turf.pointToLineDistance(pt, turf.lineString(ring), { units: 'meters' })));
}

/** A rectangular building given in metres east/north of the camera. */
function box(id: number, x0: number, y0: number, x1: number, y1: number): BuildingInput {
  const proj = localProjection(camera.lon, camera.lat);
  const ring = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ].map(([x, y]) => proj.toLonLat([x ?? 0, y ?? 0]));
  return { id, polygons: [[ring]], heightM: 10 };
}

describe('viewPolygon', () => {
  it("when no building is near, then it equals turf's sector within 0.1 m² per 1,000 m²", () => {
    for (const c of [
      camera,
      { ...camera, headingDeg: 350, fovDeg: 100, rangeM: 200 },
      { ...camera, cameraType: 'dome' as const },
    ]) {
      const view = viewPolygon(c, indexBuildings([]), { earth: 'sphere' }); // turf's earth, to compare shapes
      const ref: Feature<Polygon> =
        c.cameraType === 'dome'
          ? turf.circle([c.lon, c.lat], c.rangeM / 1000, { steps: 64 })
          : turf.sector([c.lon, c.lat], c.rangeM / 1000, c.headingDeg - c.fovDeg / 2, c.headingDeg + c.fovDeg / 2, {
              steps: 64,
            });
      const ours = asFeature(view.coordinates);
      const pair = (a: Feature<Polygon | MultiPolygon>, b: Feature<Polygon | MultiPolygon>) =>
        turf.featureCollection<Polygon | MultiPolygon>([a, b]);
      const diff =
        turf.area(turf.difference(pair(ours, ref)) ?? EMPTY) + turf.area(turf.difference(pair(ref, ours)) ?? EMPTY);
      const refArea = turf.area(ref);
      expect(diff / refArea, `${c.cameraType} heading ${c.headingDeg}: symmetric difference per m²`).toBeLessThan(1e-4);
      expect(Math.abs(view.areaM2 - refArea) / refArea).toBeLessThan(1e-3);
    }
  });

  it('when measured on WGS84, then the bare sector area is the exact sector area (π r² · fov/360, 64 arc steps)', () => {
    const view = viewPolygon(camera, indexBuildings([]));
    const steps = 64,
      theta = (camera.fovDeg * Math.PI) / 180;
    const inscribed = 0.5 * camera.rangeM ** 2 * steps * Math.sin(theta / steps);
    expect(view.areaM2).toBeCloseTo(inscribed, 6);
  });

  it('when a building stands in the view, then sample points are seen exactly when the sight line misses the building', () => {
    const buildings = [box(1, 5, 20, 25, 30), box(2, 20, 38, 30, 48), box(3, -30, -30, -20, -20)];
    const view = viewPolygon(camera, indexBuildings(buildings));
    expect(view.occluders).toBe(3);
    expect(view.areaM2).toBeLessThan(view.sectorAreaM2 * 0.9);
    const seen = asFeature(view.coordinates);
    const sector = turf.sector([camera.lon, camera.lat], camera.rangeM / 1000, -5, 65, { steps: 64 });
    const blockers = buildings.map((b) => turf.polygon(b.polygons[0] as [number, number][][]));
    const bbox = turf.bbox(sector);
    let s = 9;
    const rnd = () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 2 ** 32;
    };
    let agree = 0,
      total = 0,
      nearEdgeMisses = 0;
    while (total < 2000) {
      const pt = turf.point([bbox[0] + rnd() * (bbox[2] - bbox[0]), bbox[1] + rnd() * (bbox[3] - bbox[1])]);
      if (!turf.booleanPointInPolygon(pt, sector)) continue;
      if (blockers.some((b) => turf.booleanPointInPolygon(pt, b))) continue;
      total++;
      const sight = turf.lineString([[camera.lon, camera.lat], pt.geometry.coordinates as [number, number]]);
      const reference = !blockers.some((b) => turf.booleanIntersects(sight, b));
      if (turf.booleanPointInPolygon(pt, seen) === reference) agree++;
      else if (distanceToOutlineM(pt, seen) < 0.5) nearEdgeMisses++;
    }
    expect(
      agree / total,
      `${total - agree} of ${total} points disagree with the sight-line test`,
    ).toBeGreaterThanOrEqual(0.995);
    expect(agree + nearEdgeMisses).toBe(total);
  });

  it('when the camera is mounted on a building wall, then that building hides nothing', () => {
    const wall = box(7, -10, -10, 10, 0); // camera sits on its north wall, looking north-east
    const view = viewPolygon(camera, indexBuildings([wall]));
    expect(view.occluders).toBe(0);
    expect(view.areaM2).toBeCloseTo(view.sectorAreaM2, 6);
  });
});

describe('detectionBandsM', () => {
  it('when a 1920-pixel bullet camera has a 90° field of view, then the IEC 62676-4 distances follow d = px / (2·density)', () => {
    // tan(45°) = 1, so d = 1920 / (2 · density): identify 3.84 m, recognise 7.68 m, observe 15.48 m, detect 38.4 m.
    const b = detectionBandsM({ cameraType: 'bullet', fovDeg: 90, rangeM: 100 });
    expect(b.identify).toBeCloseTo(3.84, 10);
    expect(b.recognise).toBeCloseTo(7.68, 10);
    expect(b.observe).toBeCloseTo(1920 / 124, 10);
    expect(b.detect).toBeCloseTo(38.4, 10);
  });

  it('when the band reaches past the range, then it stops at the range', () => {
    expect(detectionBandsM({ cameraType: 'bullet', fovDeg: 20, rangeM: 30 }).detect).toBe(30);
  });
});
