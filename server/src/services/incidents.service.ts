import { cellToBoundary, cellToLatLng } from 'h3-js';
import type { Db, Queryable } from '../db/client.js';
import {
  incidentCategories,
  incidentCells,
  incidentTimeRange,
  type IncidentCellFilter,
  type IncidentFilter,
} from '../db/repos/incident-cells.repo.js';
import {
  gridsContaining,
  hourWeekCounts,
  incidentBinCounts,
  incidentEvents,
  incidentsByArea,
  latestIncidentAt,
  studyAreaGeometry,
  weeklyCellCounts,
  type HistogramBin,
  type IncidentAreaKind,
} from '../db/repos/incident-analysis.repo.js';
import { gradeHistory, gradesOn, gradesWithOutlines, saveGrades, type GridGradeRow } from '../db/repos/grades.repo.js';
import type { AreaIncidentCount } from '../db/repos/incident-analysis.repo.js';
import {
  gradeGrids,
  reasonText,
  hourProfile,
  type GradeThresholds,
  type H3Hotspot,
  type HourProfile,
  type KnoxResult,
} from '../engines/hotspots/index.js';
import { localProjection } from '../engines/coverage/index.js';
import type { CellTrend } from '../jobs/incident-tasks.js';
import type { RunOptions } from '../jobs/pool.js';
import { inProcess, type TaskRunner } from '../jobs/runner.js';
import { NotFoundError, UnprocessableError } from '../errors.js';
import { localDay, localMidnight, localTimeZone, toLocalIso } from '../local-clock.js';

type Res = 7 | 8 | 9 | 10;

export interface HotspotAnswer {
  res: Res;
  kRing: number;
  /** Cells in the study area (empty ones included in the statistic). */
  studyCells: number;
  cells: H3Hotspot[];
}

/**
 * Getis-Ord Gi* with FDR over the incident counts of the filter, on the study area's cells (every cell whose centre
 * lies in the districts, so empty cells count as zeros: without them every populated cell would look average). A
 * `bbox` only clips the answer to the cells whose centre lies in it: the statistic (mean, spread, FDR over all tests)
 * stays the study area's, so a cell keeps its class when the map is panned, and the box's edge does not make a ring of
 * false hot spots against zeros outside it. Counts are read here; the cells and Gi* run by `run` (the worker pool
 * for the API and jobs; this thread by default).
 */
export function incidentHotspots(
  db: Db,
  res: Res,
  kRing: number,
  f: IncidentFilter,
  run: TaskRunner = inProcess,
  opts: RunOptions = {},
): Promise<HotspotAnswer> {
  // An analysis of what is stored: a replica that lags by a moment answers it as well as the primary. Its counts and
  // study area are read on one server (two replicas may stand at different points of the WAL).
  return db.readTogether(() => hotspotsOn(db.reader, res, kRing, f, run, opts));
}

/** Gi* on the counts read through `q`: the reader for the API, the primary where a write depends on the answer. */
async function hotspotsOn(
  q: Queryable,
  res: Res,
  kRing: number,
  f: IncidentFilter,
  run: TaskRunner,
  opts: RunOptions,
): Promise<HotspotAnswer> {
  const { bbox, ...rest } = f;
  const [counts, area] = await Promise.all([incidentCells(q, { ...rest, res }), studyAreaGeometry(q)]);
  const out = await run({ kind: 'hotspots', res, kRing, area, counts, ...(bbox ? { bbox } : {}) }, opts);
  return { res, kRing, studyCells: out.studyCells, cells: out.cells };
}

export type { CellTrend };

const DAY_MS = 86_400_000;

const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);

/** Monday of the local week (GRIDPATROL_TZ) holding `d`, as YYYY-MM-DD. */
function localWeekStart(d: Date): string {
  const day = localDay(d);
  const dow = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -dow);
}

/** Local midnight starting the day after the one holding `d`. */
function nextLocalMidnight(d: Date): Date {
  return new Date(localMidnight(addDays(localDay(d), 1)));
}

export interface TrendAnswer {
  /** Monday (Beijing) of each week, oldest first. */
  weeks: string[];
  /** The window: Monday 00:00 of the first week … Monday 00:00 after the last (exclusive), Beijing time. */
  from: string | null;
  to: string | null;
  cells: CellTrend[];
}

/**
 * Space–time trend per cell over the last `weeks` whole Beijing weeks (Monday 00:00 – Monday 00:00) that end by the
 * end of the data: `to` when given (exclusive), else the Beijing midnight after the newest incident (the newest day
 * counts as complete). A week cut by the end is left out, as Esri's end-time alignment does: a part week would read
 * as a fall and bias every trend downwards. `from` of the filter is not used (the window is set by `weeks`).
 * Per cell: Mann-Kendall on the weekly counts, and the emerging hot-spot category from the weekly Gi* bins (rules in
 * engines/hotspots/emerging.ts). Only cells with at least one incident in the window are returned.
 */
export async function incidentTrends(
  db: Db,
  res: Res,
  weeks: number,
  f: IncidentFilter,
  run: TaskRunner = inProcess,
  opts: RunOptions = {},
): Promise<TrendAnswer> {
  const reader = db.reader;
  const end = f.to
    ? new Date(f.to)
    : await latestIncidentAt(reader).then((d) => (d ? nextLocalMidnight(d) : undefined));
  if (!end) return { weeks: [], from: null, to: null, cells: [] };
  // The week holding `end` is incomplete unless `end` is its Monday 00:00, when the week before ends exactly at `end`.
  const lastWeek = addDays(localWeekStart(end), -7);
  const weekList = Array.from({ length: weeks }, (_, i) => addDays(lastWeek, -7 * (weeks - 1 - i)));
  const from = toLocalIso(new Date(localMidnight(weekList[0] ?? lastWeek)));
  const to = toLocalIso(new Date(localMidnight(addDays(lastWeek, 7))));
  // The weekly counts and the study area from one server, as for hot spots.
  const [rows, area] = await db.readTogether(() =>
    Promise.all([weeklyCellCounts(reader, res, { ...f, from, to }), studyAreaGeometry(reader)]),
  );
  const { cells } = await run({ kind: 'trends', res, weeks: weekList, area, rows }, opts);
  return { weeks: weekList, from, to, cells };
}

/** The most events the near-repeat test takes in one request (pairs near in space grow with the square). */
export const MAX_KNOX_EVENTS = 20_000;

/** Knox test of the filter's incidents with a seeded Monte Carlo, so the same request gives the same p. */
export async function nearRepeat(
  db: Db,
  f: IncidentFilter,
  opts: { spaceMeters: number; timeDays: number; permutations: number; seed: number },
  run: TaskRunner = inProcess,
  runOpts: RunOptions = {},
): Promise<KnoxResult & { events: number }> {
  const events = await incidentEvents(db.reader, f, MAX_KNOX_EVENTS + 1);
  if (events.length > MAX_KNOX_EVENTS) {
    throw new UnprocessableError(
      `The filter matches more than ${MAX_KNOX_EVENTS} incidents: narrow the dates, category or box`,
      [{ field: '', message: `at most ${MAX_KNOX_EVENTS} incidents for the near-repeat test` }],
    );
  }
  if (events.length < 2)
    return { observed: 0, expected: 0, ratio: 0, p: 1, spaceNearPairs: 0, permutations: 0, events: events.length };
  const proj = localProjection(events[0]?.lon ?? 0, events[0]?.lat ?? 0);
  const result = await run(
    {
      kind: 'knox',
      events: events.map((e) => {
        const [x, y] = proj.toLocal(e.lon, e.lat);
        return { xMeters: x, yMeters: y, timeMs: e.ms };
      }),
      spaceBandMeters: opts.spaceMeters,
      timeBandMs: opts.timeDays * 86_400_000,
      permutations: opts.permutations,
      seed: opts.seed,
    },
    runOpts,
  );
  return { ...result, events: events.length };
}

/** The 24×7 matrix (Monday first, Beijing hours) and its peaks, for an area or everywhere. */
export async function areaHourProfile(
  db: Db,
  f: IncidentFilter,
  area?: { kind: IncidentAreaKind; code: string },
): Promise<{ matrix: number[][]; profile: HourProfile }> {
  const rows = await hourWeekCounts(db.reader, f, area);
  const matrix = Array.from({ length: 7 }, () => new Array<number>(24).fill(0));
  for (const r of rows) {
    const row = matrix[r.weekday - 1];
    if (row) row[r.hour] = r.n;
  }
  return { matrix, profile: hourProfile(matrix) };
}

/**
 * The time bar's histogram: incidents of a filter per local hour (all 24), or per local day / ISO week from the
 * first bin to the last with the empty ones in between, each calendar bin with its window for the `from`/`to` filter.
 */
export async function incidentHistogram(db: Db, f: IncidentFilter, bin: HistogramBin) {
  const rows = await incidentBinCounts(db.reader, f, bin);
  const timeZone = localTimeZone();
  const count = new Map(rows.map((r) => [r.key, r.n]));
  const total = rows.reduce((s, r) => s + r.n, 0);
  if (bin === 'hour')
    return {
      bin,
      timeZone,
      total,
      bins: Array.from({ length: 24 }, (_, h) => ({ key: String(h), n: count.get(String(h)) ?? 0 })),
    };
  const keys = rows.map((r) => r.key).sort();
  const step = bin === 'day' ? 1 : 7;
  const bins: { key: string; n: number; from: string; to: string }[] = [];
  const first = keys[0];
  const last = keys[keys.length - 1];
  if (first && last)
    for (let k = first; k <= last; k = addDays(k, step)) {
      const next = addDays(k, step);
      bins.push({
        key: k,
        n: count.get(k) ?? 0,
        from: toLocalIso(new Date(localMidnight(k, timeZone)), timeZone),
        to: toLocalIso(new Date(localMidnight(next, timeZone)), timeZone),
      });
    }
  return { bin, timeZone, total, bins };
}

/**
 * Grades every grid for a period and stores them under `day`: incidents in the period per grid, hot cells = res-9
 * cells at ≥ 95 % confidence (bin ≥ 2) whose centre lies in the grid.
 */
export async function computeGrades(
  db: Db,
  actor: string,
  day: string,
  f: IncidentFilter,
  t: GradeThresholds,
  run: TaskRunner = inProcess,
): Promise<GridGradeRow[]> {
  // Grades are stored from these reads, so every input comes from the primary: one consistent state, not a replica's.
  const [grids, hot] = await Promise.all([incidentsByArea(db, 'grid', f), hotspotsOn(db, 9, 1, f, run, {})]);
  const hotPoints = hot.cells
    .filter((c) => c.bin >= 2)
    .map((c) => {
      const [lat, lon] = cellToLatLng(c.h3);
      return { lon, lat };
    });
  const hotByGrid = await gridsContaining(db, hotPoints);
  const graded = gradeGrids(
    grids.map((g) => ({
      code: g.code,
      incidents: g.incidents,
      population: g.population,
      areaKm2: g.areaKm2,
      hotCells: hotByGrid.get(g.code) ?? 0,
    })),
    t,
  );
  const rows: GridGradeRow[] = graded.map((g) => ({
    gridCode: g.code,
    computedOn: day,
    grade: g.grade,
    incidents: g.incidents,
    ratePer1000: g.ratePer1000,
    rateRatio: g.rateRatio,
    basis: g.basis,
    hotCells: g.hotCells,
    reasons: g.reasons,
  }));
  await saveGrades(db, actor, day, rows, { thresholds: t, filter: f });
  return gradesOn(db, day);
}

type Lang = 'zh-CN' | 'en';
type Format = 'json' | 'geojson';

/** Grades with their reasons as sentences in the asked language. */
export const withReasonText = <R extends GridGradeRow>(rows: R[], l: Lang) =>
  rows.map((r) => ({ ...r, reasonText: r.reasons.map((x) => reasonText(x, l)).join(l === 'en' ? '; ' : '；') }));

/** An area's counts with its rates: per 1,000 residents (null without residents) and per km². */
const areaRates = (r: Omit<AreaIncidentCount, 'geometry'>) => ({
  ...r,
  per1000: r.population > 0 ? (1000 * r.incidents) / r.population : null,
  perKm2: r.areaKm2 > 0 ? r.incidents / r.areaKm2 : null,
});

/** Incidents per H3 cell: compact `[{h3, n}]`, or hexagon polygons as GeoJSON. */
export async function incidentCellsOf(db: Db, f: IncidentCellFilter, format: Format) {
  const cells = await incidentCells(db.reader, f);
  if (format === 'json') return cells;
  return {
    type: 'FeatureCollection' as const,
    features: cells.map((c) => ({
      type: 'Feature' as const,
      id: c.h3,
      geometry: { type: 'Polygon', coordinates: [cellToBoundary(c.h3, true)] },
      properties: { h3: c.h3, n: c.n },
    })),
  };
}

export const incidentTimeSpan = (db: Db) => incidentTimeRange(db.reader);
export const incidentCategoryCounts = (db: Db) => incidentCategories(db.reader);

/** Incidents per area with rates, or the areas' outlines with them as GeoJSON. */
export async function incidentsPerArea(db: Db, area: IncidentAreaKind, f: IncidentFilter, format: Format) {
  const rows = await incidentsByArea(db.reader, area, f, { geometry: format === 'geojson' });
  if (format === 'json') return { area, rows: rows.map(areaRates) };
  return {
    type: 'FeatureCollection' as const,
    features: rows.map(({ geometry, ...r }) => ({
      type: 'Feature' as const,
      id: r.code,
      geometry: geometry ?? null,
      properties: { area, ...areaRates(r) },
    })),
  };
}

/** The grades of a day (the latest without one), with reason sentences; as GeoJSON with the grid outlines. */
export async function gradesOfDay(db: Db, day: string | undefined, lang: Lang, format: Format) {
  if (format === 'json') {
    const rows = await gradesOn(db, day);
    return { day: rows[0]?.computedOn ?? null, grades: withReasonText(rows, lang) };
  }
  const rows = await gradesWithOutlines(db, day);
  return {
    type: 'FeatureCollection' as const,
    day: rows[0]?.computedOn ?? null,
    features: withReasonText(rows, lang).map(({ geometry, ...r }) => ({
      type: 'Feature' as const,
      id: r.gridCode,
      geometry,
      properties: r,
    })),
  };
}

/** Every stored grade of a grid, oldest first (404 when none). */
export async function gradeHistoryOf(db: Db, gridCode: string, lang: Lang) {
  const rows = await gradeHistory(db, gridCode);
  if (rows.length === 0) throw new NotFoundError(`No grades stored for grid ${gridCode}`);
  return withReasonText(rows, lang);
}
