import { describe, expect, it } from 'vitest';
import { BandedCoverage } from './banded-coverage.js';
import { viewBands } from './bands.js';
import { indexBuildings } from './building-index.js';
import type { CameraInput } from './camera-view.js';
import { doriDistances } from './dori.js';
import { localProjection } from './local-projection.js';
import { viewPolygon } from './view-polygon.js';

const camera: CameraInput = {
  id: 1,
  lon: 118.78,
  lat: 32.04,
  headingDeg: 0,
  fovDeg: 90,
  rangeM: 50,
  heightM: 6,
  cameraType: 'bullet',
  status: 'working',
  networked: true,
};
const proj = localProjection(camera.lon, camera.lat);
const at = (x: number, y: number) => proj.toLonLat([x, y]);

describe('BandedCoverage', () => {
  // The worked camera of dori.test.ts looking north along a road: bands end at 3.84, 7.68, 15.36, 38.4 m, the blind
  // zone at 1.68 m, so the road is seen at "identify or better" over 3.84 − 1.68 = 2.16 m, observe 13.68 m,
  // detect 36.72 m of its 60 m.
  const road = { id: 1, areaId: 'A', roadClass: 'primary', coordinates: [at(0, 0), at(0, 60)] };
  const places = [
    { id: 1, kind: 'bank', name: 'bank', areaId: 'A', geometry: { type: 'Point' as const, coordinates: at(0, 3) } },
    {
      id: 2,
      kind: 'school',
      name: 'school',
      areaId: 'A',
      geometry: { type: 'Point' as const, coordinates: at(0, 10) },
    },
    {
      id: 3,
      kind: 'school',
      name: 'school set to observe',
      areaId: 'B',
      requiredBand: 'observe' as const,
      geometry: { type: 'Point' as const, coordinates: at(0, 10) },
    },
  ];
  const build = () => {
    const cov = new BandedCoverage([road], places, {}, { pointRadiusM: 0.5 });
    const view = viewPolygon(camera, indexBuildings([]));
    const d = doriDistances({ ...camera, tiltDeg: 45, resolution: '1920×1080' });
    cov.setCamera(camera.id, viewBands(camera, view, d, { cumulative: true }));
    return cov;
  };

  it('when a road runs down the optical axis, then its seen length per band is the worked band depth', () => {
    const cov = build();
    const seen = (band: 'identify' | 'recognise' | 'observe' | 'detect') =>
      cov.rates(band).find((r) => r.areaId === 'A')?.seenMeters ?? 0;
    expect(seen('identify')).toBeCloseTo(2.16, 1);
    expect(seen('recognise')).toBeCloseTo(7.68 - 1.68, 1);
    expect(seen('observe')).toBeCloseTo(13.68, 1);
    expect(seen('detect')).toBeCloseTo(36.72, 1);
    expect(cov.unseenSpans('observe').reduce((s, x) => s + x.meters, 0)).toBeCloseTo(60 - 13.68, 1);
  });

  it('when places need a band, then a school seen only at observe fails identify and one set to observe passes', () => {
    const cov = build();
    const status = cov.placeStatus();
    expect(status.map((s) => [s.requiredBand, s.bestBand, s.ok])).toEqual([
      ['identify', 'identify', true],
      ['identify', 'observe', false],
      ['observe', 'observe', true],
    ]);
    const a = cov.rates().find((r) => r.areaId === 'A');
    expect(a).toMatchObject({ band: 'observe', keyPlaces: 2, keyPlacesSeen: 1, schools: 1, schoolsSeen: 0 });
    expect(cov.rates('detect').find((r) => r.areaId === 'A')?.keyPlacesSeen).toBe(2);
    cov.removeCamera(camera.id);
    expect(cov.rates('detect').find((r) => r.areaId === 'A')).toMatchObject({ seenMeters: 0, keyPlacesSeen: 0 });
    expect(cov.rates().find((r) => r.areaId === 'B')?.schoolRate).toBe(0);
  });
});
