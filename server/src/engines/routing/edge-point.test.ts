import { describe, expect, it } from 'vitest';
import { travelTimes } from './dijkstra.js';
import { arrivalAt, arrivalSeconds, originsFor, type EdgePoint } from './edge-point.js';
import { isochrones } from './isochrone.js';
import { summariseReach } from './reach.js';
import { buildRoadGraph, haversineMeters, type RoadInput } from './road-graph.js';
import { routeBetween } from './route.js';
import { indexEdges } from './snap.js';
import { CAR, FOOT } from './travel-profile.js';

// The cases measured in issue 18, on fixtures written out here: a 200 m footway walked at 5 km/h (1.3889 m/s).
const WALK_MPS = 5 / 3.6;
const o = [118.78, 32.04] as const;
/** A point `m` metres east of o along the parallel (the footway runs east–west). */
const M_PER_DEG = (6_371_008.8 * Math.PI) / 180; // the engine's haversine radius, so 200 here is 200 m there
const east = (m: number) => [o[0] + m / (M_PER_DEG * Math.cos((o[1] * Math.PI) / 180)), o[1]] as [number, number];
const footway = (): RoadInput[] => [
  { id: 1, coordinates: [east(0), east(200)], roadClass: 'footway', oneway: 0, speedKmh: 5 },
];

describe('points on edges', () => {
  it('when a 1-minute isochrone starts in the middle of a 200 m footway, then about 167 m of it are reached', () => {
    const g = buildRoadGraph(footway(), FOOT);
    const len = g.edgeLengthMeters[0]!;
    const [band] = isochrones(g, { kind: 'points', points: [{ edge: 0, fraction: 0.5 }] }, [60]);
    // 60 s × 1.3889 m/s = 83.3 m each way from the middle, written out.
    expect(band!.reachedMeters).toBeCloseTo(2 * 60 * WALK_MPS, 6);
    expect(band!.reachedMeters).toBeGreaterThan(166);
    expect(band!.pieces).toEqual([
      {
        edge: 0,
        fromFraction: expect.closeTo(0.5 - (60 * WALK_MPS) / len, 12),
        toFraction: expect.closeTo(0.5 + (60 * WALK_MPS) / len, 12),
      },
    ]);
    // The junction-only search from the edge's ends finds nothing within a minute (100 m away = 72 s).
    const [old] = isochrones(g, originsFor(g, { edge: 0, fraction: 0.5 }), [60]);
    expect(old!.reachedMeters).toBe(0);
  });

  it('when the limit is 100 s, then the start edge is whole and the ends are among the nodes', () => {
    const g = buildRoadGraph(footway(), FOOT);
    const [band] = isochrones(g, { kind: 'points', points: [{ edge: 0, fraction: 0.5 }] }, [100]);
    expect(band!.reachedMeters).toBeCloseTo(g.edgeLengthMeters[0]!, 9);
    expect(band!.nodes).toEqual([0, 1]);
  });

  it('when the destination is behind the start on a two-way street, then the route turns back: 28.8 s, not 144 s', () => {
    const g = buildRoadGraph(footway(), FOOT);
    const idx = indexEdges(g);
    const from = idx.snap(...east(120))!,
      to = idx.snap(...east(80))!;
    const r = routeBetween(g, from, to)!;
    expect(r.seconds).toBeCloseTo(40 / WALK_MPS, 3); // 40 m at 5 km/h = 28.8 s
    expect(r.seconds).toBeCloseTo(28.8, 2);
    expect(haversineMeters(...r.line[0]!, ...east(120))).toBeLessThan(0.01);
    expect(haversineMeters(...r.line[r.line.length - 1]!, ...east(80))).toBeLessThan(0.01);
  });

  it('when the street is one-way, then a destination behind the start is reached only around the block', () => {
    // A 100 m square block, the south side one-way eastwards; the other three sides two-way.
    const m = (x: number, y: number) =>
      [o[0] + x / (M_PER_DEG * Math.cos((o[1] * Math.PI) / 180)), o[1] + y / M_PER_DEG] as [number, number];
    const roads: RoadInput[] = [
      { id: 1, coordinates: [m(0, 0), m(100, 0)], roadClass: 'residential', oneway: 1, speedKmh: 36 },
      {
        id: 2,
        coordinates: [m(100, 0), m(100, 100), m(0, 100), m(0, 0)],
        roadClass: 'residential',
        oneway: 0,
        speedKmh: 36,
      },
    ];
    const g = buildRoadGraph(roads, CAR);
    const south = 0;
    expect(g.edgeReverseCost[south]).toBe(-1);
    const r = routeBetween(g, { edge: south, fraction: 0.6 }, { edge: south, fraction: 0.4 })!;
    // 40 m forward to the corner, 300 m around, 40 m in: 380 m at 10 m/s, written out from the edge lengths.
    const expected = (0.4 * g.edgeLengthMeters[0]! + g.edgeLengthMeters[1]! + 0.4 * g.edgeLengthMeters[0]!) / 10;
    expect(r.seconds).toBeCloseTo(expected, 6);
    const ahead = routeBetween(g, { edge: south, fraction: 0.4 }, { edge: south, fraction: 0.6 })!;
    expect(ahead.seconds).toBeCloseTo((0.2 * g.edgeLengthMeters[0]!) / 10, 9);
  });

  it('when a post stands mid-street, then the reach summary counts the road around it and a place beside it', () => {
    const g = buildRoadGraph(footway(), FOOT);
    const post = { edge: 0, fraction: 0.5 };
    const t = travelTimes(g, originsFor(g, post)).seconds;
    const [s] = summariseReach(g, t, [60], [post]);
    expect(s!.reachedMeters).toBeCloseTo(2 * 60 * WALK_MPS, 6);
    const beside = arrivalAt(g, t, { edge: 0, fraction: 0.55 }, [post]);
    expect(beside.via).toBe('direct');
    expect(beside.seconds).toBeCloseTo((0.05 * g.edgeLengthMeters[0]!) / WALK_MPS, 9);
  });

  it('when a route stops its search at the target edge, then its time equals the full search, for every pair on a block', () => {
    // The 100 m block with its one-way south side, walked in a car: every ordered pair of 12 points, mid-edge, at the
    // corners and two on one edge.
    const m = (x: number, y: number) =>
      [o[0] + x / (M_PER_DEG * Math.cos((o[1] * Math.PI) / 180)), o[1] + y / M_PER_DEG] as [number, number];
    const roads: RoadInput[] = [
      { id: 1, coordinates: [m(0, 0), m(100, 0)], roadClass: 'residential', oneway: 1, speedKmh: 36 },
      { id: 2, coordinates: [m(100, 0), m(100, 100)], roadClass: 'residential', oneway: -1, speedKmh: 36 },
      { id: 3, coordinates: [m(100, 100), m(0, 100), m(0, 0)], roadClass: 'residential', oneway: 0, speedKmh: 36 },
      { id: 4, coordinates: [m(0, 100), m(-50, 150)], roadClass: 'residential', oneway: 0, speedKmh: 36 },
    ];
    const g = buildRoadGraph(roads, CAR);
    const pts: EdgePoint[] = [];
    for (let e = 0; e < g.edgeCount; e++)
      pts.push({ edge: e, fraction: 0 }, { edge: e, fraction: 0.3 }, { edge: e, fraction: 1 });
    pts.push({ edge: 0, fraction: 0.8 });
    let finite = 0;
    for (const from of pts) {
      const full = travelTimes(g, originsFor(g, from)).seconds;
      for (const to of pts) {
        const want = arrivalAt(g, full, to, [from]).seconds;
        expect(arrivalSeconds(g, full, to, from)).toBe(want);
        expect(routeBetween(g, from, to)?.seconds ?? Infinity).toBe(want);
        if (Number.isFinite(want)) finite++;
      }
    }
    expect(finite).toBeGreaterThan(pts.length * pts.length * 0.5);
  });

  it('when inputs are frozen, then nothing is mutated', () => {
    const g = buildRoadGraph(footway(), FOOT);
    const points = Object.freeze([Object.freeze({ edge: 0, fraction: 0.3 })]);
    expect(() => isochrones(g, { kind: 'points', points }, [30, 60])).not.toThrow();
  });
});
