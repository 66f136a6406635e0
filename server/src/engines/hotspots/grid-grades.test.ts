import { describe, expect, it } from 'vitest';
import { DEFAULT_GRADE_THRESHOLDS, gradeGrids, reasonText } from './grid-grades.js';

describe('gradeGrids', () => {
  // District: 300 incidents, 3,000 residents (0.1 per resident), 3 km² (100 per km²).
  const grids = [
    { code: 'A', incidents: 200, population: 1000, areaKm2: 1, hotCells: 0 }, // 0.2 per resident → 2.0×: red
    { code: 'B', incidents: 70, population: 1000, areaKm2: 1, hotCells: 1 }, // 0.7× but one hot cell: yellow
    { code: 'C', incidents: 30, population: 980, areaKm2: 0.9, hotCells: 0 }, // 0.306× (0.0306 / 0.1): green, blue with four levels
    { code: 'S', incidents: 0, population: 20, areaKm2: 0.1, hotCells: 0 }, // a school: per km², 0 / 100 = 0×
  ];

  it('when a grid has twice the district rate per resident, then it is red with the ratio as its reason', () => {
    const [a] = gradeGrids(grids);
    expect(a).toMatchObject({ grade: 'red', basis: 'population', ratePer1000: 200 });
    expect(a!.rateRatio).toBeCloseTo(0.2 / (300 / 3000), 12);
    expect(reasonText(a!.reasons[0]!, 'en')).toBe('2.0× the district rate per resident');
  });

  it('when a quiet grid holds a hot cell, then it is yellow and the hot cell comes first among its reasons', () => {
    const b = gradeGrids(grids)[1]!;
    expect(b.grade).toBe('yellow');
    expect(b.reasons[0]).toEqual({ code: 'hot_cells', hotCells: 1 });
    expect(reasonText(b.reasons[0]!, 'zh-CN')).toBe('1 个显著热点单元');
  });

  it('when four levels are asked, then a grid under half the district rate with no hot cell is blue', () => {
    expect(gradeGrids(grids).map((g) => g.grade)).toEqual(['red', 'yellow', 'green', 'green']);
    expect(gradeGrids(grids, { ...DEFAULT_GRADE_THRESHOLDS, fourLevels: true }).map((g) => g.grade)).toEqual([
      'red',
      'yellow',
      'blue',
      'blue',
    ]);
  });

  it('when a grid has too few residents, then its rate is per km² against the district density', () => {
    const s = gradeGrids([...grids.slice(0, 3), { ...grids[3]!, incidents: 30 }])[3]!;
    // District: 330 incidents over 3.0 km² = 110 per km²; the school: 30 / 0.1 = 300 per km² → 2.727×.
    expect(s.basis).toBe('area');
    expect(s.ratePer1000).toBeNull();
    expect(s.rateRatio).toBeCloseTo(300 / 110, 12);
    expect(s.grade).toBe('red');
  });
});
