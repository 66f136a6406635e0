import { describe, expect, it } from 'vitest';
import * as polyclip from 'polyclip-ts';
import { viewBands } from './bands.js';
import { indexBuildings, type BuildingInput } from './building-index.js';
import type { CameraInput } from './camera-view.js';
import { doriDistances } from './dori.js';
import { localProjection, signedArea, type LocalPoint } from './local-projection.js';
import { viewPolygon } from './view-polygon.js';

const camera: CameraInput = {
  id: 7,
  lon: 118.78,
  lat: 32.04,
  headingDeg: 30,
  fovDeg: 90,
  rangeM: 50,
  heightM: 6,
  cameraType: 'bullet',
  status: 'working',
  networked: true,
};
const optics = { ...camera, tiltDeg: 45, resolution: '1920×1080' };
const proj = localProjection(camera.lon, camera.lat);

function box(id: number, x0: number, y0: number, x1: number, y1: number): BuildingInput {
  const ring = [
    [x0, y0],
    [x1, y0],
    [x1, y1],
    [x0, y1],
    [x0, y0],
  ].map(([x, y]) => proj.toLonLat([x ?? 0, y ?? 0]));
  return { id, polygons: [[ring]], heightM: 10 };
}

/** Area in m² of [lon, lat] MultiPolygon coordinates, in the camera's local metres. */
function areaM2(coords: readonly (readonly (readonly (readonly [number, number])[])[])[]): number {
  let a = 0;
  for (const poly of coords)
    poly.forEach((ring, k) => {
      a += (k === 0 ? 1 : -1) * Math.abs(signedArea(ring.map(([x, y]) => proj.toLocal(x, y))));
    });
  return a;
}

/** A ring polygon (annulus) in local metres, 360 vertices per circle, for polyclip-ts's general overlay. */
function annulus(r0: number, r1: number): polyclip.Geom {
  const circle = (r: number, ccw: boolean) => {
    const pts: [number, number][] = [];
    for (let i = 0; i <= 360; i++) {
      const a = ((ccw ? i : -i) * Math.PI) / 180;
      pts.push([r * Math.cos(a), r * Math.sin(a)]);
    }
    return pts;
  };
  return r0 > 0 ? [[circle(r1, true), circle(r0, false)]] : [[circle(r1, true)]];
}

describe('viewBands', () => {
  it('when nothing occludes a bullet, then each band is the worked sector ring area fov/360 · π (r1² − r0²)', () => {
    const view = viewPolygon(camera, indexBuildings([]));
    const d = doriDistances(optics);
    const bands = viewBands(camera, view, d);
    // Worked: rings [1.68, 3.84], [3.84, 7.68], [7.68, 15.36], [15.36, 38.4] m of a 90° sector.
    const edges = [d.nearBlindM, 3.84, 7.68, 15.36, 38.4];
    bands.forEach((b, i) => {
      const r0 = edges[i] ?? 0,
        r1 = edges[i + 1] ?? 0;
      const expected = (90 / 360) * Math.PI * (r1 * r1 - r0 * r0);
      expect(b.innerM).toBeCloseTo(r0, 9);
      expect(b.outerM).toBeCloseTo(r1, 9);
      expect(Math.abs(b.areaM2 - expected) / expected, b.band).toBeLessThan(1e-3);
      expect(Math.abs(areaM2(b.coordinates) - b.areaM2) / expected).toBeLessThan(1e-6);
    });
    expect(bands[0]?.areaM2).toBeCloseTo((Math.PI / 4) * (3.84 ** 2 - d.nearBlindM ** 2), 1);
  });

  it('when a dome sees all round, then the first band is a full ring with the blind disc as its hole', () => {
    const dome = { ...camera, cameraType: 'dome' as const };
    const view = viewPolygon(dome, indexBuildings([]));
    const d = doriDistances({ ...optics, cameraType: 'dome', lensFovDeg: 90 });
    const [identify] = viewBands(dome, view, d);
    expect(identify?.coordinates).toHaveLength(1);
    expect(identify?.coordinates[0]).toHaveLength(2);
    const expected = Math.PI * (3.84 ** 2 - d.nearBlindM ** 2);
    expect(Math.abs((identify?.areaM2 ?? 0) - expected) / expected).toBeLessThan(1e-3);
  });

  it("when buildings occlude the view, then each band's area is polyclip's view ∩ annulus within 0.2 %", () => {
    const buildings = [box(1, 2, 5, 6, 8), box(2, 10, 12, 14, 16), box(3, -4, 20, 2, 26), box(4, 25, 5, 30, 9)];
    for (const c of [camera, { ...camera, cameraType: 'dome' as const }, { ...camera, fovDeg: 40, headingDeg: 350 }]) {
      const view = viewPolygon(c, indexBuildings(buildings));
      expect(view.occluders).toBeGreaterThan(0);
      const d = doriDistances({ ...optics, cameraType: c.cameraType, fovDeg: c.fovDeg, lensFovDeg: 90 });
      const local: polyclip.Geom = view.coordinates.map((poly) =>
        poly.map((ring) => ring.map(([x, y]) => proj.toLocal(x, y) as [number, number])),
      );
      for (const b of viewBands(c, view, d)) {
        const ref = polyclip.intersection(local, annulus(b.innerM, b.outerM));
        let refArea = 0;
        for (const poly of ref)
          poly.forEach((ring, k) => {
            refArea += (k === 0 ? 1 : -1) * Math.abs(signedArea(ring as LocalPoint[]));
          });
        const tol = Math.max(0.002 * refArea, 0.01);
        expect(Math.abs(b.areaM2 - refArea), `${c.cameraType} ${b.band}`).toBeLessThan(tol);
      }
    }
  }, 60_000);

  it('when bands are cumulative, then "at least observe" is the blind zone out to the observe edge', () => {
    const view = viewPolygon(camera, indexBuildings([]));
    const d = doriDistances(optics);
    const [atLeastObserve] = viewBands(camera, view, d, { cumulative: true, bands: ['observe'] });
    const split = viewBands(camera, view, d, { bands: ['identify', 'recognise', 'observe'] });
    expect(atLeastObserve?.innerM).toBe(d.nearBlindM);
    expect(atLeastObserve?.areaM2).toBeCloseTo(
      split.reduce((s, b) => s + b.areaM2, 0),
      3,
    );
  });

  it('when the blind zone passes a band, then the band is empty', () => {
    const view = viewPolygon(camera, indexBuildings([]));
    const d = doriDistances({ ...optics, tiltDeg: 5 });
    const [identify] = viewBands(camera, view, d);
    expect(identify?.coordinates).toEqual([]);
    expect(identify?.areaM2).toBe(0);
  });
});
