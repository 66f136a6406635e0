import { describe, expect, it } from 'vitest';
import { defaultReachTier, tierCompliance, type TieredPlace } from './tiers.js';

describe('1-3-5 tiers', () => {
  it('when a place has no tier of its own, then its kind decides: government, transit hub, hospital 1; school, bank, market 3; others 5', () => {
    expect(['government', 'transit_hub', 'hospital'].map(defaultReachTier)).toEqual([1, 1, 1]);
    expect(['school', 'kindergarten', 'bank', 'market'].map(defaultReachTier)).toEqual([3, 3, 3, 3]);
    expect(['other', 'temple'].map(defaultReachTier)).toEqual([5, 5]);
  });

  it('when places are reached in time, late or never, then each tier counts them and lists the misses worst first', () => {
    const places: TieredPlace[] = [
      { id: 1, name: '区政府', kind: 'government', minutes: 0.8 },
      { id: 2, name: '医院', kind: 'hospital', minutes: 1.5 }, // late by 0.5
      { id: 3, name: '车站', kind: 'transit_hub', minutes: null }, // never reached
      { id: 4, name: '小学', kind: 'school', minutes: 3 }, // exactly at the limit: met
      { id: 5, name: '银行', kind: 'bank', minutes: 4 }, // late by 1
      { id: 6, name: '公园', kind: 'other', minutes: 4.9 },
      { id: 7, name: '市场', kind: 'market', tierMinutes: 5, minutes: 4 }, // its own tier, 5: met
    ];
    const [t1, t3, t5] = tierCompliance(places);
    expect(t1).toMatchObject({ tierMinutes: 1, places: 3, met: 1 });
    expect(t1?.share).toBeCloseTo(1 / 3, 12);
    // Unreached first, then the slowest.
    expect(t1?.misses.map((m) => [m.id, m.lateMinutes])).toEqual([
      [3, null],
      [2, 0.5],
    ]);
    expect(t3).toMatchObject({ tierMinutes: 3, places: 2, met: 1, share: 0.5 });
    expect(t3?.misses.map((m) => [m.id, m.lateMinutes])).toEqual([[5, 1]]);
    expect(t5).toMatchObject({ tierMinutes: 5, places: 2, met: 2, share: 1, misses: [] });
  });

  it('when a tier has no place, then it is still reported, with share 1', () => {
    expect(tierCompliance([]).map((t) => [t.tierMinutes, t.places, t.share])).toEqual([
      [1, 0, 1],
      [3, 0, 1],
      [5, 0, 1],
    ]);
  });
});
