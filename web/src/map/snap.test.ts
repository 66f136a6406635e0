import { describe, expect, it } from 'vitest';
import { snapTarget } from './snap.js';

describe('snapTarget', () => {
  const square: [number, number][] = [
    [100, 100],
    [200, 100],
    [200, 200],
    [100, 200],
    [100, 100],
  ];
  it('when a corner is within reach, then the pointer lands exactly on it, even if an edge is nearer', () => {
    expect(snapTarget([108, 103], [square])).toEqual({
      point: [100, 100],
      kind: 'vertex',
      distancePx: Math.hypot(8, 3),
    });
  });
  it('when only an edge is within reach, then the pointer lands on its nearest point', () => {
    const hit = snapTarget([150, 106], [square]);
    expect(hit?.kind).toBe('edge');
    expect(hit?.point).toEqual([150, 100]);
  });
  it('when nothing is within the radius, then there is no snap', () => {
    expect(snapTarget([150, 150], [square])).toBeUndefined();
    expect(snapTarget([150, 150], [square], 60)?.point).toEqual([150, 100]);
  });
});
