/**
 * Red / yellow / green (and optionally blue) risk grades of grids (治安乱点挂牌整治), from two signs a grid office
 * reads: how its incident rate compares with the district's, and how many significant hot cells (Gi*) lie in it.
 */

export type Grade = 'red' | 'yellow' | 'green' | 'blue';

export type GradeReason =
  | { code: 'hot_cells'; hotCells: number }
  | { code: 'rate_ratio'; ratio: number; basis: 'population' | 'area' }
  | { code: 'quiet'; ratio: number };

export interface GradeThresholds {
  /** Red when the rate is at least this multiple of the district's … */
  redRatio: number;
  /** … or when at least this many hot cells (≥ 95 % confidence) lie in the grid. */
  redHotCells: number;
  yellowRatio: number;
  yellowHotCells: number;
  /** With four levels: blue (安全) when the ratio is below this and no cell is hot. */
  blueRatio: number;
  fourLevels: boolean;
  /** Below this many residents the rate is per km² instead of per 1,000 residents (a school's dedicated grid). */
  minPopulation: number;
}

export const DEFAULT_GRADE_THRESHOLDS: GradeThresholds = {
  redRatio: 2,
  redHotCells: 3,
  yellowRatio: 1.2,
  yellowHotCells: 1,
  blueRatio: 0.5,
  fourLevels: false,
  minPopulation: 50,
};

export interface GridIncidents {
  code: string;
  incidents: number;
  population: number;
  areaKm2: number;
  hotCells: number;
}

export interface GridGrade {
  code: string;
  grade: Grade;
  incidents: number;
  /** Incidents per 1,000 residents; null when the grid has fewer than `minPopulation` residents. */
  ratePer1000: number | null;
  /** The grid's rate (per resident, or per km² when `basis` is area) over the district's same rate. */
  rateRatio: number;
  basis: 'population' | 'area';
  hotCells: number;
  /** Why, strongest first. */
  reasons: GradeReason[];
}

/**
 * Grades every grid against the whole set (the district): rate = incidents per 1,000 residents, or incidents per km²
 * for grids with too few residents; ratio = grid rate / district rate of the same kind.
 */
export function gradeGrids(
  grids: readonly GridIncidents[],
  t: GradeThresholds = DEFAULT_GRADE_THRESHOLDS,
): GridGrade[] {
  const total = grids.reduce((s, g) => s + g.incidents, 0);
  const population = grids.reduce((s, g) => s + g.population, 0);
  const area = grids.reduce((s, g) => s + g.areaKm2, 0);
  const districtPerResident = population > 0 ? total / population : 0;
  const districtPerKm2 = area > 0 ? total / area : 0;
  return grids.map((g) => {
    const byPopulation = g.population >= t.minPopulation && districtPerResident > 0;
    const ratio = byPopulation
      ? g.incidents / g.population / districtPerResident
      : districtPerKm2 > 0 && g.areaKm2 > 0
        ? g.incidents / g.areaKm2 / districtPerKm2
        : 0;
    const basis = byPopulation ? ('population' as const) : ('area' as const);
    const reasons: GradeReason[] = [];
    let grade: Grade;
    if (g.hotCells >= t.redHotCells || ratio >= t.redRatio) grade = 'red';
    else if (g.hotCells >= t.yellowHotCells || ratio >= t.yellowRatio) grade = 'yellow';
    else if (t.fourLevels && ratio < t.blueRatio && g.hotCells === 0) grade = 'blue';
    else grade = 'green';
    if (g.hotCells > 0) reasons.push({ code: 'hot_cells', hotCells: g.hotCells });
    if (grade === 'blue') reasons.push({ code: 'quiet', ratio });
    else reasons.push({ code: 'rate_ratio', ratio, basis });
    return {
      code: g.code,
      grade,
      incidents: g.incidents,
      ratePer1000: byPopulation ? (1000 * g.incidents) / g.population : null,
      rateRatio: ratio,
      basis,
      hotCells: g.hotCells,
      reasons,
    };
  });
}

/** A reason as a sentence in the users' language. */
export function reasonText(r: GradeReason, lang: 'zh-CN' | 'en'): string {
  const x = (v: number) => v.toFixed(1);
  switch (r.code) {
    case 'hot_cells':
      return lang === 'en'
        ? `${r.hotCells} significant hot cell${r.hotCells === 1 ? '' : 's'}`
        : `${r.hotCells} 个显著热点单元`;
    case 'rate_ratio':
      return lang === 'en'
        ? `${x(r.ratio)}× the district ${r.basis === 'population' ? 'rate per resident' : 'density per km²'}`
        : `${r.basis === 'population' ? '千人发案率' : '单位面积发案'}为全区的 ${x(r.ratio)} 倍`;
    case 'quiet':
      return lang === 'en'
        ? `quiet: ${x(r.ratio)}× the district rate, no hot cell`
        : `平稳：全区的 ${x(r.ratio)} 倍，无热点`;
  }
}
