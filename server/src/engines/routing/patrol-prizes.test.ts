import { describe, expect, it } from 'vitest';
import { beatPrizes, describePlan, shiftHoursOf } from './patrol-prizes.js';

const hours = (at: Record<number, number>) => Array.from({ length: 24 }, (_, h) => at[h] ?? 0);

describe('beat prizes', () => {
  it('when every cell is counted over the shift, then the prizes add up to the two weights', () => {
    const cells = [
      { id: 'a', incidentsByHour: hours({ 19: 6, 20: 2 }), blindMeters: 0 },
      { id: 'b', incidentsByHour: hours({ 21: 2 }), blindMeters: 300 },
      { id: 'c', incidentsByHour: hours({ 3: 50 }), blindMeters: 100 }, // busy only outside the shift
    ];
    const shift = shiftHoursOf(19, 4);
    expect(shift).toEqual([19, 20, 21, 22]);
    const p = beatPrizes(cells, shift, { incidentWeight: 1, blindSpotWeight: 0.3 });
    expect(p.reduce((s, c) => s + c.shiftPrize, 0)).toBeCloseTo(1.3, 12);
    // Cell a: 8 of the shift's 10 incidents; b: 2 of 10 plus 3/4 of the blind road; c: 1/4 of the blind road.
    expect(Object.fromEntries(p.map((c) => [c.id, c.shiftPrize]))).toEqual({
      a: expect.closeTo(0.8, 12),
      b: expect.closeTo(0.2 + 0.3 * 0.75, 12),
      c: expect.closeTo(0.3 * 0.25, 12),
    });
    expect(p.map((c) => c.id)).toEqual(['a', 'b', 'c']);
  });

  it('when blind spots weigh 1:0.3, then a dense-camera beat and a sparse one rank incidents the same', () => {
    const dense = beatPrizes(
      [
        { id: 'x', incidentsByHour: hours({ 20: 5 }), blindMeters: 10 },
        { id: 'y', incidentsByHour: hours({}), blindMeters: 10 },
      ],
      [20],
      { incidentWeight: 1, blindSpotWeight: 0.3 },
    );
    const sparse = beatPrizes(
      [
        { id: 'x', incidentsByHour: hours({ 20: 5 }), blindMeters: 10_000 },
        { id: 'y', incidentsByHour: hours({}), blindMeters: 10_000 },
      ],
      [20],
      { incidentWeight: 1, blindSpotWeight: 0.3 },
    );
    expect(dense.map((c) => c.shiftPrize)).toEqual(sparse.map((c) => c.shiftPrize));
  });

  it('when a plan is described, then the words carry its numbers', () => {
    const w = describePlan({
      expectedIncidents: 3.24,
      incidentShare: 0.412,
      blindSpotMinutes: 20,
      minutesOutside: 6.4,
      checkpointsVisited: 4,
      checkpointsTotal: 4,
    });
    expect(w.zh).toBe('覆盖本时段预计警情 3.2 起（占本警格 41%）；盲区道路 20 分钟；必巡点 4/4；警格外行驶 6 分钟');
    expect(w.en).toBe(
      'covers 3.2 expected incidents this shift (41% of the beat); 20 min on blind-spot roads; checkpoints 4/4; 6 min driven outside the beat',
    );
  });
});
