import { describe, expect, it } from 'vitest';
import { dosageReport, dosageVisits } from './dosage.js';
import { planPatrol, type PatrolStopInput } from './patrol.js';
import { buildRoadGraph, type RoadInput } from './road-graph.js';
import { FOOT } from './travel-profile.js';

/** A straight street of 12 blocks of 100 m (haversine ~100.0 m), walked at 5 km/h: 72 s a block. */
function street(): RoadInput[] {
  const dLon = 100 / (111_194.93 * Math.cos((32.04 * Math.PI) / 180));
  return Array.from({ length: 12 }, (_, i) => ({
    id: i + 1,
    coordinates: [
      [118.78 + i * dLon, 32.04],
      [118.78 + (i + 1) * dLon, 32.04],
    ] as [number, number][],
    roadClass: 'residential',
    oneway: 0,
    speedKmh: 5,
  }));
}
const g = buildRoadGraph(street(), FOOT);
const block = (g.edgeCost[0] ?? 0) as number;

describe('hot-spot dosage (Koper): 10–16 minute stops, at most 2 hours apart', () => {
  it('when one hot place 5 blocks away gets dosage in a 4-hour shift, then it is visited at the start and again as the second period opens', () => {
    expect(block).toBeCloseTo(72, 0);
    const visits = dosageVisits({ id: 'cell:A', node: 5, prizeByHour: new Array(24).fill(0.1) }, 4 * 3600);
    // Two periods (0–2 h, 2–4 h); the second visit must start by 4 h − 15 min so the unit can stay the whole visit.
    expect(visits.map((v) => [v.id, v.dwellSeconds, v.window])).toEqual([
      ['cell:A#1', 900, [0, 7200]],
      ['cell:A#2', 900, [7200, 13500]],
    ]);
    const plan = planPatrol({ graph: g, depotNode: 0, shiftSeconds: 4 * 3600, startHour: 18, stops: visits });
    expect(plan.kind).toBe('ok');
    if (plan.kind !== 'ok') return;
    // Worked: walk 5 blocks (360 s), stay 15 min; the next visit may not arrive before 2 h, so the unit waits there
    // (the gap, 7200 − 360 = 6840 s, is under 2 h); stay 15 min, walk back: 7200 + 900 + 360 = 8460 s.
    expect(plan.stops.map((s) => s.id)).toEqual(['cell:A#1', 'cell:A#2']);
    expect(plan.stops[0]?.arrivalSeconds).toBeCloseTo(5 * block, 6);
    expect(plan.stops[1]?.arrivalSeconds).toBe(7200);
    expect(plan.totalSeconds).toBeCloseTo(7200 + 900 + 5 * block, 6);
    expect(dosageReport(['cell:A'], 2, plan.stops)).toEqual([
      { id: 'cell:A', visitsNeeded: 2, arrivals: [plan.stops[0]?.arrivalSeconds, 7200], dosed: true },
    ]);
  });

  it('when a dwell outside 10–16 minutes is asked, then it is held to the band', () => {
    expect(dosageVisits({ id: 'x', node: 1 }, 3600, { dwellMinutes: 30 })[0]?.dwellSeconds).toBe(16 * 60);
    expect(dosageVisits({ id: 'x', node: 1 }, 3600, { dwellMinutes: 3 })[0]?.dwellSeconds).toBe(10 * 60);
  });

  it('when more hot places need dosage than an 8-hour shift holds, then the dosed ones have every visit, none closer to the next than allowed, and the rest are named', () => {
    const hot = ['cell:a', 'cell:b', 'cell:c', 'cell:d', 'cell:e', 'cell:f', 'cell:g', 'cell:h', 'cell:i'];
    const stops = hot.flatMap((id, k) =>
      dosageVisits({ id, node: 1 + k, prizeByHour: new Array(24).fill(0.01 * (k + 1)) }, 8 * 3600),
    );
    const plan = planPatrol({ graph: g, depotNode: 0, shiftSeconds: 8 * 3600, startHour: 18, stops });
    expect(plan.kind).toBe('ok');
    if (plan.kind !== 'ok') return;
    const report = dosageReport(hot, 4, plan.stops);
    const dosed = report.filter((r) => r.dosed);
    console.info(`dosage: ${dosed.length}/${hot.length} hot places dosed (${dosed.map((d) => d.id).join(', ')})`);
    // 9 places × 4 visits × 15 min = 9 h of standing alone: not all can be dosed; the shift is not left idle either.
    expect(dosed.length).toBeGreaterThan(0);
    expect(dosed.length).toBeLessThan(hot.length);
    for (const r of report) {
      for (let i = 1; i < r.arrivals.length; i++)
        expect((r.arrivals[i] ?? 0) - (r.arrivals[i - 1] ?? 0)).toBeLessThanOrEqual(7200 + 1e-9);
      if (r.dosed) expect(r.arrivals[0]).toBeLessThanOrEqual(7200);
    }
    expect(plan.totalSeconds).toBeLessThanOrEqual(8 * 3600);
  }, 120_000);
});

describe('school gates (护学岗): arrive from 30 min before the bell to 15 min after, or say why not', () => {
  /** A gate stop for a bell at `bell` seconds after the shift starts. */
  const gate = (id: string, node: number, bell: number): PatrolStopInput => ({
    id,
    node,
    dwellSeconds: 900,
    kind: 'gate',
    window: [bell - 1800, bell + 900],
  });

  it('when two gates and one too early to reach are planned from 16:00, then the two are kept in their windows and the third is left out with its reason', () => {
    const plan = planPatrol({
      graph: g,
      depotNode: 0,
      shiftSeconds: 2 * 3600,
      startHour: 16,
      stops: [
        gate('gate:near-17:00', 5, 3600), // window 16:30–17:15
        gate('gate:far-16:10', 9, 600), // window 15:40–16:25
        gate('gate:late-15:50', 5, -600), // window 15:20–16:05: 5 blocks take 6 min
        { id: 'cp', node: 12, dwellSeconds: 600, kind: 'checkpoint' },
      ],
    });
    expect(plan.kind).toBe('ok');
    if (plan.kind !== 'ok') return;
    const at = Object.fromEntries(plan.stops.map((s) => [s.id, s.arrivalSeconds]));
    // Worked: 9 blocks to the far gate (648 s, 16:10:48), 15 min there; 4 blocks back to the near one (1836 s, after
    // its window opens at 1800 s); 15 min; the checkpoint at the end of the street, 7 blocks on.
    expect(at['gate:far-16:10']).toBeCloseTo(9 * block, 6);
    expect(at['gate:near-17:00']).toBeGreaterThanOrEqual(1800);
    expect(at['gate:near-17:00']).toBeLessThanOrEqual(4500);
    expect(at.cp).toBeDefined();
    expect(plan.missedGates).toEqual([
      {
        id: 'gate:late-15:50',
        reason: 'even straight from the base the unit arrives at 16:06, after the window closes at 16:05',
      },
    ]);
  });

  it('when two gates ring at once at opposite ends, then one is kept and the other says the plan cannot hold it', () => {
    const plan = planPatrol({
      graph: g,
      depotNode: 6,
      shiftSeconds: 2 * 3600,
      startHour: 16,
      stops: [
        { ...gate('gate:west', 0, 1800), dwellSeconds: 1800 },
        { ...gate('gate:east', 12, 1800), dwellSeconds: 1800 },
      ],
    });
    expect(plan.kind).toBe('ok');
    if (plan.kind !== 'ok') return;
    // Either alone fits (6 blocks, 432 s); both need 432 s + 30 min at the first + 12 blocks (864 s) = 3096 s, past
    // the second window's close at 2700 s.
    expect(plan.stops).toHaveLength(1);
    expect(plan.missedGates).toHaveLength(1);
    expect(plan.missedGates[0]?.reason).toBe(
      'with the checkpoints and the other gates the unit cannot be at the gate between 16:00 and 16:45',
    );
  });
});
