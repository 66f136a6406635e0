import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../demo/prng.js';
import { knoxTest, type SpaceTimeEvent } from './knox.js';

const DAY = 86_400_000;
describe('knoxTest', () => {
  it('when counting a hand-made set, then the observed count is the pairs near in both space and time', () => {
    // A–B: 50 m, 1 day → near/near. A–C: 50 m, 30 days → near/far. B–C: 70.7 m, 29 days → near in space only.
    // D is 5 km away. Space band 100 m, time band 7 days: observed = 1 (A–B), space-near pairs = 3.
    const events: SpaceTimeEvent[] = [
      { xMeters: 0, yMeters: 0, timeMs: 0 },
      { xMeters: 50, yMeters: 0, timeMs: DAY },
      { xMeters: 0, yMeters: 50, timeMs: 30 * DAY },
      { xMeters: 5000, yMeters: 0, timeMs: 2 * DAY },
    ];
    const r = knoxTest(events, { spaceBandMeters: 100, timeBandMs: 7 * DAY, permutations: 99, random: mulberry32(1) });
    expect(r.observed).toBe(1);
    expect(r.spaceNearPairs).toBe(3);
  });

  it('when burglaries repeat next door within days, then the test finds near repeat (p < 0.01)', () => {
    const rnd = mulberry32(42);
    const events: SpaceTimeEvent[] = [];
    for (let k = 0; k < 150; k++) {
      const x = rnd() * 5000,
        y = rnd() * 5000,
        t = rnd() * 365 * DAY;
      events.push({ xMeters: x, yMeters: y, timeMs: t });
      // Each first burglary has a repeat within 100 m and 7 days.
      events.push({ xMeters: x + (rnd() - 0.5) * 100, yMeters: y + (rnd() - 0.5) * 100, timeMs: t + rnd() * 7 * DAY });
    }
    const r = knoxTest(events, {
      spaceBandMeters: 200,
      timeBandMs: 14 * DAY,
      permutations: 199,
      random: mulberry32(7),
    });
    expect(r.p).toBeLessThan(0.01);
    expect(r.ratio).toBeGreaterThan(5);
  });

  it('when places and times are independent, then the test does not call it significant', () => {
    const rnd = mulberry32(99);
    const events = Array.from({ length: 300 }, () => ({
      xMeters: rnd() * 2000,
      yMeters: rnd() * 2000,
      timeMs: rnd() * 365 * DAY,
    }));
    const r = knoxTest(events, {
      spaceBandMeters: 200,
      timeBandMs: 14 * DAY,
      permutations: 199,
      random: mulberry32(3),
    });
    expect(r.p).toBeGreaterThan(0.05);
    expect(r.ratio).toBeGreaterThan(0.6);
    expect(r.ratio).toBeLessThan(1.4);
  });

  it("when aborted, then it stops with the signal's reason", () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    const ev = [
      { xMeters: 0, yMeters: 0, timeMs: 0 },
      { xMeters: 1, yMeters: 0, timeMs: 1 },
    ];
    expect(() => knoxTest(ev, { spaceBandMeters: 10, timeBandMs: 10, random: Math.random, signal: ac.signal })).toThrow(
      'stop',
    );
  });
});
