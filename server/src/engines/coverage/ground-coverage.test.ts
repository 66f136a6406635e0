import { describe, expect, it } from 'vitest';
import { indexBuildings, type BuildingInput } from './building-index.js';
import type { CameraInput } from './camera-view.js';
import { GroundCoverage, type GroundArea } from './ground-coverage.js';
import { localProjection } from './local-projection.js';
import { metersPerDegree } from '../shared/geo.js';
import { insidePolygon } from './segment-clip.js';
import { viewPolygon } from './view-polygon.js';

const O = [118.78, 32.04] as const;
const proj = localProjection(O[0], O[1]);
const ring = (pts: [number, number][]) => [...pts, pts[0] as [number, number]].map((p) => proj.toLonLat(p));

/** Two areas (an L-shaped one with a hole, and a slanted quadrilateral) and a few buildings, in metres around O. */
const areas: GroundArea[] = [
  {
    areaId: 'L',
    coordinates: [
      [
        ring([
          [0, 0],
          [200, 0],
          [200, 80],
          [90, 80],
          [90, 200],
          [0, 200],
        ]),
        ring([
          [20, 20],
          [20, 50],
          [60, 50],
          [60, 20],
        ]),
      ],
    ],
  },
  {
    areaId: 'Q',
    coordinates: [
      [
        ring([
          [210, 5],
          [330, 30],
          [310, 190],
          [120, 210],
        ]),
      ],
    ],
  },
];
const buildings: BuildingInput[] = [
  [100, 10, 140, 40],
  [10, 120, 50, 170],
  [230, 60, 270, 120],
].map(([x0, y0, x1, y1], i) => ({
  id: i + 1,
  polygons: [
    [
      ring([
        [x0 ?? 0, y0 ?? 0],
        [x1 ?? 0, y0 ?? 0],
        [x1 ?? 0, y1 ?? 0],
        [x0 ?? 0, y1 ?? 0],
      ]),
    ],
  ],
  heightM: null,
}));

/**
 * The lattice written out: cell centres every `step` metres from the areas' south-west corner (degrees per metre at
 * the middle latitude), each tested against every polygon with a plain even–odd point-in-polygon.
 */
function bruteForce(step: number, views: readonly { coordinates: [number, number][][][] }[]) {
  const all = areas.flatMap((a) => a.coordinates.flatMap((p) => p[0] ?? []));
  const minX = Math.min(...all.map((p) => p[0])),
    maxX = Math.max(...all.map((p) => p[0]));
  const minY = Math.min(...all.map((p) => p[1])),
    maxY = Math.max(...all.map((p) => p[1]));
  const m = metersPerDegree((minY + maxY) / 2);
  const dLon = step / m.lon,
    dLat = step / m.lat;
  const cols = Math.ceil((maxX - minX) / dLon),
    rows = Math.ceil((maxY - minY) / dLat);
  const ground = areas.map(() => 0),
    seen = areas.map(() => 0);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const x = minX + (c + 0.5) * dLon,
        y = minY + (r + 0.5) * dLat;
      let owner = -1;
      areas.forEach((a, i) => {
        if (a.coordinates.some((p) => insidePolygon(x, y, p))) owner = i;
      });
      if (owner < 0 || buildings.some((b) => b.polygons.some((p) => insidePolygon(x, y, p)))) continue;
      ground[owner] = (ground[owner] ?? 0) + 1;
      if (views.some((v) => v.coordinates.some((p) => insidePolygon(x, y, p)))) seen[owner] = (seen[owner] ?? 0) + 1;
    }
  }
  return areas.map((a, i) => ({
    areaId: a.areaId,
    groundM2: (ground[i] ?? 0) * step * step,
    seenGroundM2: (seen[i] ?? 0) * step * step,
  }));
}

describe('GroundCoverage', () => {
  it('when areas with a hole, buildings and occluded camera views are laid on the lattice, then open and seen ground equal a cell-by-cell point-in-polygon count', () => {
    const index = indexBuildings(buildings);
    const cameras: CameraInput[] = [
      [70, 100, 'dome', 360, 60],
      [150, 60, 'bullet', 70, 90],
      [250, 150, 'ptz', 60, 80],
      [5, 5, 'bullet', 90, 120],
    ].map(([x, y, cameraType, fovDeg, rangeM], i) => {
      const [lon, lat] = proj.toLonLat([Number(x), Number(y)]);
      return {
        id: i + 1,
        lon,
        lat,
        headingDeg: 40 * i + 15,
        fovDeg: Number(fovDeg),
        rangeM: Number(rangeM),
        heightM: 6,
        cameraType: cameraType as CameraInput['cameraType'],
        status: 'working',
        networked: true,
      };
    });
    const views = cameras.map((c) => viewPolygon(c, index));
    expect(views.some((v) => v.areaM2 < v.sectorAreaM2 * 0.95)).toBe(true);
    for (const step of [2, 5]) {
      const g = new GroundCoverage(
        areas,
        buildings.map((b) => b.polygons),
        { stepM: step },
      );
      for (const v of views) g.setCamera(v);
      const ours = g.byArea().map(({ areaId, groundM2, seenGroundM2 }) => ({ areaId, groundM2, seenGroundM2 }));
      const ref = bruteForce(step, views);
      expect(ref.every((r) => r.groundM2 > 0 && r.seenGroundM2 > 0)).toBe(true);
      expect(ours).toEqual(ref);
      // Cells under a view, one by one, are the cells it adds to an empty lattice.
      const fresh = new GroundCoverage(
        areas,
        buildings.map((b) => b.polygons),
        { stepM: step },
      );
      const first = views[0] as (typeof views)[number];
      expect(fresh.gainOf(first)).toBe(bruteForce(step, [first]).reduce((s, r) => s + r.seenGroundM2, 0));
    }
  });
});
