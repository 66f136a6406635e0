import { describe, expect, it } from 'vitest';
import { buildRoadGraph, haversineMeters, type RoadInput } from './road-graph.js';
import { shortestPath, travelTimes } from './dijkstra.js';
import { CAR, FOOT } from './travel-profile.js';
import { isochrones } from './isochrone.js';
import { indexEdges } from './snap.js';
import { originsFor } from './edge-point.js';

// A square block near Nanjing, ~100 m a side, corners A(0,0) B(1,0) C(1,1) D(0,1) in units of 0.001°:
//   road 1: A → B → C as one line with a detour south of A–B (so it is longer than road 2)
//   road 2: C → D → A, one-way along the line (so C→D→A only)
//   road 3: B → D diagonal, a footway (cars may not use it)
const o = [118.78, 32.04] as const;
const p = (x: number, y: number) => [o[0] + x * 0.001, o[1] + y * 0.001] as const;
const roads: RoadInput[] = [
  { id: 1, coordinates: [p(0, 0), p(0.5, -0.5), p(1, 0), p(1, 1)], roadClass: 'residential', oneway: 0, speedKmh: 36 },
  { id: 2, coordinates: [p(1, 1), p(0, 1), p(0, 0)], roadClass: 'residential', oneway: 1, speedKmh: 36 },
  { id: 3, coordinates: [p(1, 0), p(0, 1)], roadClass: 'footway', oneway: 0, speedKmh: 5 },
];

describe('buildRoadGraph', () => {
  it('when roads share vertices, then nodes are the junctions and ends, not every vertex', () => {
    const g = buildRoadGraph(roads, CAR);
    // Car: footway dropped. Junctions: A (end of 1 and 2), B? only road 1 passes B once and road 3 is excluded → not
    // a junction for cars; C (ends), D is interior to road 2 only → not a junction. Nodes: A, C.
    expect(g.nodeCount).toBe(2);
    expect(g.edgeCount).toBe(2);
    const f = buildRoadGraph(roads, FOOT);
    // Foot: the footway makes B and D junctions → nodes A, B, C, D; edges A-B, B-C, C-D, D-A, B-D.
    expect(f.nodeCount).toBe(4);
    expect(f.edgeCount).toBe(5);
  });

  it('when the input is frozen, then it is not mutated', () => {
    const frozen = Object.freeze(
      roads.map((r) => Object.freeze({ ...r, coordinates: Object.freeze([...r.coordinates]) })),
    );
    expect(() => buildRoadGraph(frozen, FOOT)).not.toThrow();
  });
});

describe('travelTimes and shortestPath', () => {
  const side = haversineMeters(...p(0, 0), ...p(0.5, -0.5)) + haversineMeters(...p(0.5, -0.5), ...p(1, 0));
  const up = haversineMeters(...p(1, 0), ...p(1, 1));
  const top = haversineMeters(...p(1, 1), ...p(0, 1));
  const left = haversineMeters(...p(0, 1), ...p(0, 0));
  const mps = 36 / 3.6;

  it('when a car goes A → C and back, then the one-way street forces the long road there and allows the short one back', () => {
    const g = buildRoadGraph(roads, CAR);
    const a = 0; // first node seen: start of road 1
    const c = 1;
    const there = shortestPath(g, a, c);
    const back = shortestPath(g, c, a);
    expect(there.kind === 'found' && there.seconds).toBeCloseTo((side + up) / mps, 9);
    expect(top + left).toBeLessThan(side + up); // road 2 is the shorter way, but one-way C → D → A
    expect(back.kind === 'found' && back.seconds).toBeCloseTo((top + left) / mps, 9);
  });

  it('when a limit is set, then nodes beyond it stay unreached', () => {
    const g = buildRoadGraph(roads, FOOT);
    const t = travelTimes(g, [{ node: 0 }], { limitSeconds: 60 });
    const reached = [...t.seconds].filter(Number.isFinite).length;
    // On foot at 5 km/h (1.39 m/s) 60 s is ~83 m: only A itself (every neighbour is ≥ 94 m away).
    expect(reached).toBe(1);
  });

  it('when a node is unreachable, then the path says so', () => {
    const g = buildRoadGraph(
      [{ id: 9, coordinates: [p(0, 0), p(1, 0)], roadClass: 'primary', oneway: 1, speedKmh: 50 }],
      CAR,
    );
    expect(shortestPath(g, 1, 0)).toEqual({ kind: 'unreachable' });
  });
});

describe('isochrones', () => {
  it('when a 100 m street is walked for part of the limit, then the reached piece is the covered fraction', () => {
    const start = p(0, 0);
    const end = [start[0], start[1] + 100 / 111_195] as const; // ~100 m north
    const g = buildRoadGraph(
      [{ id: 1, coordinates: [start, end], roadClass: 'residential', oneway: 0, speedKmh: 36 }],
      CAR,
    );
    const len = g.edgeLengthMeters[0]!;
    const [band] = isochrones(g, [{ node: 0 }], [3]);
    expect(band?.nodes).toEqual([0]);
    expect(band?.pieces).toEqual([{ edge: 0, fromFraction: 0, toFraction: 30 / len }]);
    expect(band?.reachedMeters).toBeCloseTo(30, 9);
  });
});

describe('indexEdges and originsFor', () => {
  it('when a point lies 20 m beside the middle of a one-way street, then it snaps there and starts only forwards', () => {
    const g = buildRoadGraph(
      [{ id: 1, coordinates: [p(0, 0), p(2, 0)], roadClass: 'primary', oneway: 1, speedKmh: 36 }],
      CAR,
    );
    const snapped = indexEdges(g).snap(p(1, 0)[0], p(1, 0)[1] + 20 / 111_320);
    expect(snapped?.edge).toBe(0);
    expect(snapped?.fraction).toBeCloseTo(0.5, 6);
    expect(snapped?.distanceMeters).toBeCloseTo(20, 1);
    const origins = originsFor(g, snapped!);
    expect(origins).toHaveLength(1);
    expect(origins[0]?.node).toBe(g.edgeTarget[0]);
    expect(origins[0]?.offsetSeconds).toBeCloseTo(g.edgeCost[0]! / 2, 3);
  });

  it('when nothing is within reach, then snap finds nothing', () => {
    const g = buildRoadGraph(roads, CAR);
    expect(indexEdges(g).snap(0, 0)).toBeUndefined();
  });
});
