import type { Lattice, LonLat } from './lattice.js';
import { ARTERIAL_EVERY, type RoadLine } from './network.js';
import { between, intBetween, type Rng } from './prng.js';
import type { DemoFeature, PlaceBlock } from './types.js';
import { DISTRICT_CODE } from './admin.js';

/** Bearing in degrees clockwise from north from a to b (local flat approximation, fine at block scale). */
export function bearingDeg(a: LonLat, b: LonLat): number {
  const dx = (b[0] - a[0]) * Math.cos((a[1] * Math.PI) / 180);
  const dy = b[1] - a[1];
  return ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360;
}

const round7 = (x: number) => Math.round(x * 1e7) / 1e7;
const towards = (a: LonLat, b: LonLat, t: number): LonLat => [
  round7(a[0] + (b[0] - a[0]) * t),
  round7(a[1] + (b[1] - a[1]) * t),
];

/**
 * About 2,000 cameras where a city puts them: four at each arterial crossing plus a dome, two at other junctions on
 * arterials, along arterial blocks, on some local streets, at the gates of schools, hospitals, markets and stations
 * (fewer at a few schools: the blind spots 补盲 is about), and domes on buildings. ~5 % faulty, ~3 % offline,
 * ~8 % not networked.
 */
export function layoutCameras(
  rng: Rng,
  l: Lattice,
  lines: readonly RoadLine[],
  places: ReadonlyMap<string, PlaceBlock>,
): DemoFeature[] {
  const out: DemoFeature[] = [];
  let seq = 0;
  const add = (at: LonLat, headingDeg: number, type: 'bullet' | 'dome' | 'ptz', rangeM: number) => {
    const status = rng() < 0.05 ? 'faulty' : rng() < 0.032 ? 'offline' : 'working';
    out.push({
      geometry: { type: 'Point', coordinates: at },
      properties: {
        code: `CAM${String(++seq).padStart(5, '0')}`,
        name: null,
        heading_deg: (Math.round(headingDeg * 10) / 10) % 360,
        fov_deg: type === 'bullet' ? intBetween(rng, 50, 90) : type === 'dome' ? 360 : 60,
        range_m: rangeM,
        height_m: Math.round(between(rng, 4, 9) * 10) / 10,
        camera_type: type,
        status,
        networked: rng() >= 0.08,
        installed_on: `20${intBetween(rng, 16, 25)}-${String(intBetween(rng, 1, 12)).padStart(2, '0')}-15`,
        owner: rng() < 0.8 ? '公安局' : '社会面',
        district_code: DISTRICT_CODE,
      },
    });
  };
  const major = (i: number) => i % ARTERIAL_EVERY === 0;
  // Junctions: nodes on an arterial line.
  for (let i = 0; i <= l.cols; i++) {
    for (let j = 0; j <= l.rows; j++) {
      if (!major(i) && !major(j)) continue;
      const here = l.node(i, j);
      const around: [number, number][] = [
        [i + 1, j],
        [i - 1, j],
        [i, j + 1],
        [i, j - 1],
      ];
      const neighbours = around.filter(([a, b]) => a >= 0 && a <= l.cols && b >= 0 && b <= l.rows);
      const crossing = major(i) && major(j);
      const chosen = crossing ? neighbours : neighbours.filter(() => rng() < 0.5);
      for (const [a, b] of chosen) {
        const there = l.node(a, b);
        add(towards(here, there, 0.03), bearingDeg(here, there), rng() < 0.85 ? 'bullet' : 'ptz', crossing ? 80 : 60);
      }
      if (crossing) add(here, 0, 'dome', 40);
    }
  }
  // Along streets: every arterial block edge gets one or two, local streets sometimes.
  for (const line of lines) {
    for (let k = 0; k + 1 < line.nodes.length; k++) {
      const a = line.nodes[k] as LonLat,
        b = line.nodes[k + 1] as LonLat;
      const n = line.roadClass === 'residential' ? (rng() < 0.45 ? 1 : 0) : intBetween(rng, 1, 2);
      for (let m = 0; m < n; m++) {
        const t = between(rng, 0.25, 0.75);
        const forward = rng() < 0.5;
        add(towards(a, b, t), forward ? bearingDeg(a, b) : bearingDeg(b, a), 'bullet', intBetween(rng, 40, 70));
      }
    }
  }
  // Gates of dedicated units: schools and hospitals first; one school in four is left thin (a blind spot).
  for (const p of places.values()) {
    const thin = p.kind === 'school' && rng() < 0.25;
    const count = thin
      ? 1
      : p.kind === 'school' || p.kind === 'hospital' || p.kind === 'market' || p.kind === 'transit_hub'
        ? intBetween(rng, 4, 7)
        : 2;
    for (let m = 0; m < count; m++) {
      const u = between(rng, 0.15, 0.85);
      const gate = l.inBlock(p.c, p.r, u, 0.04);
      add(
        gate,
        (bearingDeg(l.node(p.c, p.r), l.node(p.c + 1, p.r)) + (rng() < 0.5 ? 0 : 180)) % 360,
        rng() < 0.7 ? 'bullet' : 'dome',
        50,
      );
    }
  }
  // Domes on buildings (社会面 cameras of shops and estates) fill up to ~2,000.
  while (out.length < 2000) {
    const c = Math.floor(rng() * l.cols),
      r = Math.floor(rng() * l.rows);
    add(l.inBlock(c, r, between(rng, 0.1, 0.9), rng() < 0.5 ? 0.06 : 0.94), rng() * 360, 'dome', 30);
  }
  return out;
}
