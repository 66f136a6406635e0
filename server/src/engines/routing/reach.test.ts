import { describe, expect, it } from 'vitest';
import { travelTimes } from './dijkstra.js';
import { isochrones } from './isochrone.js';
import { responseTimes, suggestPosts, summariseReach } from './reach.js';
import { buildRoadGraph, type RoadInput } from './road-graph.js';
import { FOOT } from './travel-profile.js';

/** A straight street of 10 blocks of ~100 m each, east–west, with junctions every block. */
function street(): RoadInput[] {
  return Array.from({ length: 10 }, (_, i) => ({
    id: i + 1,
    coordinates: [
      [118.78 + i * 0.00106, 32.04],
      [118.78 + (i + 1) * 0.00106, 32.04],
    ] as [number, number][],
    roadClass: 'residential',
    oneway: 0,
    speedKmh: 5,
  }));
}

describe('reach map', () => {
  it('when a post stands at one end, then the reached road equals the isochrone and grows with the limit', () => {
    const g = buildRoadGraph(street(), FOOT);
    const times = responseTimes(g, [{ node: 0 }], 300);
    const summary = summariseReach(g, times, [60, 180, 300]);
    const bands = isochrones(g, [{ node: 0 }], [60, 180, 300]);
    summary.forEach((s, i) => {
      expect(s.reachedMeters).toBeCloseTo(bands[i]!.reachedMeters, 9);
    });
    // On foot at 5 km/h: 60 s ≈ 83.3 m, 180 s = 250 m, 300 s ≈ 416.7 m.
    expect(summary.map((s) => Math.round(s.reachedMeters))).toEqual([83, 250, 417]);
    expect(summary[2]!.share).toBeCloseTo(416.667 / summary[2]!.roadMeters, 3);
  });

  it('when suggesting one more post, then it goes where it reaches the most new road (the far end)', () => {
    const g = buildRoadGraph(street(), FOOT);
    const current = responseTimes(g, [{ node: 0 }], 300);
    const candidates = Array.from({ length: g.nodeCount }, (_, v) => v);
    const [first] = suggestPosts(g, current, candidates, 1, 180);
    // A post within 250 m of the existing one's reach shares road with it; 500 m of new road needs one ≥ 500 m away.
    expect(first?.gainMeters).toBeCloseTo(500, 0);
    const t = travelTimes(g, [{ node: 0 }]).seconds;
    expect(t[first!.node]).toBeGreaterThanOrEqual(500 / (5 / 3.6) - 1e-6);
  });

  it('when a post is added, then the next suggestion does not double count its road', () => {
    const g = buildRoadGraph(street(), FOOT);
    const current = responseTimes(g, [{ node: 0 }], 300);
    const picks = suggestPosts(
      g,
      current,
      Array.from({ length: g.nodeCount }, (_, v) => v),
      3,
      180,
    );
    const total = picks.reduce((s, p) => s + p.gainMeters, 0);
    const all = responseTimes(g, [{ node: 0 }, ...picks.map((p) => ({ node: p.node }))], 300);
    const withPosts = summariseReach(g, all, [180])[0]!.reachedMeters;
    expect(withPosts - summariseReach(g, current, [180])[0]!.reachedMeters).toBeCloseTo(total, 6);
  });
});
