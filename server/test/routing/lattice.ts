import type { RoadInput } from '../../src/engines/routing/index.js';

/** A 30 × 30 street lattice (~80 m blocks) with one-way streets, mixed speeds and a few footways, from a seed. */
export function lattice(seed: number): RoadInput[] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const roads: RoadInput[] = [];
  const at = (i: number, j: number) => [118.7 + i * 0.00085, 32.0 + j * 0.00072] as const;
  let id = 1;
  for (let i = 0; i < 30; i++) {
    for (let j = 0; j < 30; j++) {
      for (const [di, dj] of [
        [1, 0],
        [0, 1],
      ] as const) {
        if (i + di >= 30 || j + dj >= 30) continue;
        const r = rnd();
        roads.push({
          id: id++,
          coordinates: [at(i, j), at(i + di / 2, j + dj / 2), at(i + di, j + dj)],
          roadClass: r < 0.05 ? 'footway' : r < 0.2 ? 'primary' : 'residential',
          oneway: r > 0.85 ? 1 : r > 0.75 ? -1 : 0,
          speedKmh: r < 0.2 ? 50 : 30,
        });
      }
    }
  }
  return roads;
}
