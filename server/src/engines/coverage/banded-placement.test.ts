import { describe, expect, it } from 'vitest';
import { maxCoveringOptimum } from '../../../test/helpers/max-covering-mip.js';
import { bandFootprints, placeForBands, targetCandidates, type BandTarget } from './banded-placement.js';
import { viewBands } from './bands.js';
import { indexBuildings, type BuildingInput } from './building-index.js';
import type { CameraInput } from './camera-view.js';
import { doriDistances } from './dori.js';
import { localProjection } from './local-projection.js';
import { viewPolygon } from './view-polygon.js';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const proj = localProjection(118.78, 32.04);

/** 14 gates (identify) and entrances (some at observe) in 120 m × 120 m with buildings; 60 candidate cameras near them. */
function instance(seed: number) {
  const rnd = rng(seed);
  const buildings: BuildingInput[] = [];
  for (let i = 0; i < 12; i++) {
    const x = rnd() * 120,
      y = rnd() * 120;
    const ring = [
      [x, y],
      [x + 8, y],
      [x + 8, y + 6],
      [x, y + 6],
      [x, y],
    ].map(([a, b]) => proj.toLonLat([a ?? 0, b ?? 0]));
    buildings.push({ id: i + 1, polygons: [[ring]], heightM: 10 });
  }
  const gates: [number, number][] = Array.from({ length: 14 }, () => [rnd() * 120, rnd() * 120]);
  const targets: BandTarget[] = gates.map(([x, y], i) => ({
    place: {
      id: i,
      kind: 'school',
      name: `gate ${i}`,
      areaId: 'x',
      geometry: { type: 'Point', coordinates: proj.toLonLat([x, y]) },
    },
    band: i % 4 === 3 ? 'observe' : 'identify',
    weight: i % 4 === 3 ? 1 : 2,
  }));
  const index = indexBuildings(buildings);
  const candidates = Array.from({ length: 60 }, (_, j) => {
    const [gx, gy] = gates[j % gates.length] ?? [0, 0];
    const a = rnd() * 2 * Math.PI,
      r = 3 + rnd() * 8;
    const x = gx + r * Math.cos(a),
      y = gy + r * Math.sin(a);
    // Looking roughly back at the gate it was placed for (±40°), so nearby gates are sometimes seen too.
    const heading = ((((Math.atan2(gx - x, gy - y) * 180) / Math.PI + (rnd() - 0.5) * 80) % 360) + 360) % 360;
    const [lon, lat] = proj.toLonLat([x, y]);
    const c: CameraInput = {
      id: j,
      lon,
      lat,
      headingDeg: heading,
      fovDeg: 70,
      rangeM: 40,
      heightM: 3,
      cameraType: 'bullet',
      status: 'working',
      networked: true,
    };
    return viewBands(c, viewPolygon(c, index), doriDistances({ ...c, tiltDeg: 25, resolution: '2560×1440' }), {
      cumulative: true,
    });
  });
  return { targets, footprints: bandFootprints(targets, candidates) };
}

/** The exact optimum of weighted maximal covering with k cameras (HiGHS MIP). */
async function optimum(targets: readonly BandTarget[], footprints: readonly (readonly number[])[], k: number) {
  const by = targets.map((_, t) => footprints.flatMap((f, j) => (f.includes(t) ? [j] : [])));
  const elements = by.flatMap((b, t) => (b.length > 0 ? [{ w: targets[t]?.weight ?? 1, by: b }] : []));
  return maxCoveringOptimum(elements, footprints.length, k, 'at most');
}

describe('placement by image quality against the exact optimum (HiGHS MIP)', () => {
  it('when 3–6 cameras must see gates at identify (and entrances at observe) on 8 instances, then greedy is within 5 % of the optimum on each', async () => {
    const lines: string[] = [];
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const { targets, footprints } = instance(seed);
      const k = 3 + (seed % 4);
      const { steps, covered } = placeForBands(targets, footprints, k);
      const ours = [...covered].reduce((s, t) => s + (targets[t]?.weight ?? 1), 0);
      expect(steps.reduce((s, x) => s + x.marginalGain, 0)).toBeCloseTo(ours, 9);
      const best = await optimum(targets, footprints, k);
      lines.push(`seed ${seed} k ${k}: greedy ${ours}, optimum ${best}`);
      expect(best, lines.at(-1)).toBeGreaterThan(0);
      expect(ours / best, lines.join('; ')).toBeGreaterThanOrEqual(0.95);
    }
    // Teeth: some candidate sees a gate at identify, and not every candidate sees every gate.
    const { footprints } = instance(1);
    expect(footprints.some((f) => f.length > 0)).toBe(true);
    expect(footprints.some((f) => f.length === 0)).toBe(true);
  }, 120_000);

  it('when a target is already covered, then placing adds nothing for it', () => {
    const { targets, footprints } = instance(2);
    const all = new Set(targets.map((_, i) => i));
    expect(placeForBands(targets, footprints, 3, all).steps).toEqual([]);
  });
});

describe('candidate sites around targets', () => {
  it('when a gate needs identify, then every site stands between the blind zone and the identify edge, looking at it', () => {
    const gate: [number, number] = [118.78, 32.04];
    const optics = {
      cameraType: 'bullet' as const,
      fovDeg: 60,
      rangeM: 60,
      heightM: 4,
      tiltDeg: 20,
      resolution: '2560×1440',
    };
    // The formula written out: identify edge 2560 / (2·250·tan 30°) = 8.87 m; blind zone 4 / tan(20° + vfov/2) with
    // tan(vfov/2) = tan 30°·1440/2560.
    const edge = 2560 / (2 * 250 * Math.tan(Math.PI / 6));
    const blind = 4 / Math.tan((20 * Math.PI) / 180 + Math.atan(Math.tan(Math.PI / 6) * (1440 / 2560)));
    const sites = targetCandidates(
      [
        {
          place: { id: 1, kind: 'school_gate', name: 'g', areaId: '', geometry: { type: 'Point', coordinates: gate } },
          band: 'identify',
        },
      ],
      optics,
    );
    expect(sites).toHaveLength(24);
    const p = localProjection(gate[0], gate[1]);
    for (const c of sites) {
      const [x, y] = p.toLocal(c.lon, c.lat);
      const d = Math.hypot(x, y);
      expect(d).toBeGreaterThan(blind);
      expect(d).toBeLessThan(edge);
      // Bearing from the site to the gate (clockwise from north) is the heading.
      const toGate = ((Math.atan2(-x, -y) * 180) / Math.PI + 360) % 360;
      expect(Math.abs(((toGate - c.headingDeg + 540) % 360) - 180)).toBeLessThan(0.5);
      expect(c.id).toBeLessThan(0);
    }
  });
});
