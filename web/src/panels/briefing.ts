import type { z } from 'zod';
import type { kpiAnswer } from '../../../server/src/contract/xueliang.js';
import type { GridGrade } from '../api/client.js';
import { pct } from '../analysis/rate-scale.js';
import { t } from '../i18n/index.js';
import { VIEWS, type ViewId } from '../layers/views.js';
import type { AppState } from '../state/app-state.js';
import { legendOf, type LegendItem } from './legend.js';
import { compareRows, type Comparison } from './plan-compare.js';
import type { AreaFigures } from './summary.js';

/**
 * The PDF briefing as data (issues #19, #20, #21): what goes on each of its two A4 pages. Pure: export.ts draws it
 * with jsPDF, the unit test reads it.
 */
export type KpiAnswer = z.infer<typeof kpiAnswer>;

export interface BriefingTable {
  title: string;
  header: string[];
  rows: { cells: string[]; colour: string }[];
  /** Relative column widths (canvas px at the drawing's scale). */
  widths: number[];
  /** A line under the table (targets, rows left out, how to read the colours). */
  note?: string;
}

export interface ScaleBar {
  /** Ground metres per CSS pixel of the map at its zoom and centre latitude. */
  metresPerPx: number;
  /** The bar's ground length (1, 2 or 5 × 10^k m) and its length on paper. */
  metres: number;
  mm: number;
  label: string;
}

export interface Briefing {
  title: string;
  subtitle: string;
  page1: {
    view: ViewId;
    legend: { title: string; items: LegendItem[]; note?: string };
    figures: { label: string; value: string }[];
    scaleBar: ScaleBar;
  };
  page2: { title: string; tables: BriefingTable[] };
}

export interface BriefingInput {
  view: ViewId;
  state: AppState;
  /** The loaded region's name (its district admin area); the app's title when none is loaded. */
  areaName?: string;
  /** The day of the briefing, as the reader writes it (YYYY-MM-DD in the local zone). */
  day: string;
  generatedAt: string;
  figures: AreaFigures;
  incidents: number;
  /** The map as placed on page 1: zoom, centre latitude, the CSS width of the part shown, its width on paper. */
  map: { zoom: number; lat: number; cssWidth: number; widthMm: number };
  gridNames?: Map<string, string>;
  kpis?: KpiAnswer;
  comparison?: Comparison;
  /** Rows of a table at most (the rest counted in its note), so a table stays readable on one page. */
  maxRows?: number;
}

/** Earth radius of Web Mercator (EPSG:3857) and MapLibre's tile size: the world is 512·2^z CSS px wide. */
const EARTH_RADIUS = 6378137;
export const MAPLIBRE_TILE_SIZE = 512;

/** Ground metres per CSS px at zoom z and latitude lat: 2πR·cos(lat) / (512·2^z). */
export function metresPerPixel(zoom: number, lat: number): number {
  return (2 * Math.PI * EARTH_RADIUS * Math.cos((lat * Math.PI) / 180)) / (MAPLIBRE_TILE_SIZE * 2 ** zoom);
}

/** The longest 1-2-5 ground length that stays within `maxMm` on paper. */
export function scaleBar(zoom: number, lat: number, cssWidth: number, widthMm: number, maxMm = 40): ScaleBar {
  const metresPerPx = metresPerPixel(zoom, lat);
  const metresPerMm = (metresPerPx * cssWidth) / widthMm;
  const most = metresPerMm * maxMm;
  const p = 10 ** Math.floor(Math.log10(most));
  const metres = [5, 2, 1].map((m) => m * p).find((m) => m <= most) ?? p;
  return {
    metresPerPx,
    metres,
    mm: metres / metresPerMm,
    label: metres >= 1000 ? `${metres / 1000} km` : `${metres} m`,
  };
}

const num = (n: number | undefined) => (n === undefined ? '—' : n.toLocaleString('zh-CN'));
const share = (a: number | undefined, b: number | undefined) => (a === undefined || !b ? '—' : pct(a / b));
const rate = (v: number | null) => (v === null ? '—' : pct(v));
/** A 雪亮 gap (target − rate where short of it, 0 when met) as points below the target: "-12.5", "0.0". */
const gap = (v: number | null) => (v === null ? '—' : v > 0 ? `-${(100 * v).toFixed(1)}` : '0.0');
const RED = '#b91c1c',
  INK = '#111827';

/** The view's own figures after the area's: grade counts, the mean coverage rate, the 雪亮 areas below target. */
function viewFigures(input: BriefingInput): { label: string; value: string }[] {
  const { state, view } = input;
  if (view === 'grades' && state.grades) {
    const counts = new Map<string, number>();
    for (const g of state.grades) counts.set(g.grade, (counts.get(g.grade) ?? 0) + 1);
    return (['red', 'yellow', 'green'] as const).map((g) => ({
      label: `${t('briefing.grade')} ${t(`incidents.grade_names.${g}`)}`,
      value: num(counts.get(g) ?? 0),
    }));
  }
  if (view === 'coverage') {
    const out: { label: string; value: string }[] = [];
    const cov = state.coverage;
    if (cov) {
      const rated = cov.answer.rows.flatMap((r) => (r[cov.metric] === null ? [] : [r[cov.metric] as number]));
      if (rated.length)
        out.push({
          label: t(`coverage.metrics.${cov.metric}`),
          value: pct(rated.reduce((a, b) => a + b, 0) / rated.length),
        });
    }
    if (input.kpis)
      out.push({
        label: `${t('briefing.kpi_meets')} (${t(`briefing.kpi_level.${input.kpis.level}`)})`,
        value: `${input.kpis.rows.filter((r) => r.meetsAll).length} / ${input.kpis.rows.length}`,
      });
    return out;
  }
  return [];
}

/** The coverage analysis per area, lowest rate of the shown metric first (the areas furthest from the target). */
export function coverageTable(cov: NonNullable<AppState['coverage']>): BriefingTable {
  const key = (r: (typeof cov.answer.rows)[number]) => r[cov.metric] ?? Infinity;
  const rows = [...cov.answer.rows]
    .sort((a, b) => key(a) - key(b) || a.areaId.localeCompare(b.areaId))
    .map((r) => ({
      cells: [
        cov.names.get(r.areaId) ?? r.areaId,
        r.areaId,
        pct(r.weightedRoadRate),
        pct(r.roadRate),
        rate(r.keyPlaceRate),
        rate(r.workingRate),
        rate(r.networkedRate),
        String(r.cameras),
      ],
      colour: r.weightedRoadRate < cov.answer.targets.roadCoverage * 0.5 ? RED : INK,
    }));
  return {
    title: `${t('coverage.title')} · ${t(`coverage.areas.${cov.answer.area}`)}`,
    header: [
      t('coverage.area'),
      t('fields.code'),
      t('coverage.metrics.weightedRoadRate'),
      t('coverage.metrics.roadRate'),
      t('coverage.metrics.keyPlaceRate'),
      t('figures.working_rate'),
      t('figures.networked_rate'),
      t('figures.cameras'),
    ],
    rows,
    widths: [190, 150, 230, 130, 150, 110, 110, 90],
  };
}

/** The 雪亮 KPIs per area with the points short of each target, areas missing a target first (largest total gap), in red. */
export function kpiTable(k: KpiAnswer): BriefingTable {
  // Gaps are shortfalls (≥ 0): the largest total first.
  const worst = (r: KpiAnswer['rows'][number]) =>
    [r.gaps.coverage, r.gaps.networked, r.gaps.working, r.gaps.records].reduce<number>((a, g) => a + (g ?? 0), 0);
  const rows = [...k.rows]
    .sort((a, b) => Number(a.meetsAll) - Number(b.meetsAll) || worst(b) - worst(a) || a.key.localeCompare(b.key))
    .map((r) => ({
      cells: [
        r.name ?? r.key,
        String(r.cameras),
        rate(r.coverageRate),
        gap(r.gaps.coverage),
        rate(r.networkedRate),
        gap(r.gaps.networked),
        rate(r.workingRate),
        gap(r.gaps.working),
        rate(r.recordRate),
        gap(r.gaps.records),
        r.meetsAll ? t('briefing.yes') : t('briefing.no'),
      ],
      colour: r.meetsAll ? INK : RED,
    }));
  const tg = (key: string) => (k.targets[key] === undefined ? '—' : pct(k.targets[key] ?? 0, 0));
  const level = k.level === 'community' || k.level === 'township' ? k.level : 'township';
  return {
    title: t('briefing.kpi_title', { level: t(`briefing.kpi_level.${level}`) }),
    header: [
      t('coverage.area'),
      t('figures.cameras'),
      t('briefing.kpi_coverage'),
      '±',
      t('briefing.kpi_networked'),
      '±',
      t('briefing.kpi_working'),
      '±',
      t('briefing.kpi_records'),
      '±',
      t('briefing.kpi_meets'),
    ],
    rows,
    widths: [200, 80, 100, 80, 100, 80, 100, 80, 100, 80, 80],
    note: t('briefing.kpi_targets', {
      coverage: tg('coverage'),
      networked: tg('networked'),
      working: tg('working'),
      records: tg('records'),
    }),
  };
}

const GRADE_ORDER = { red: 0, yellow: 1, blue: 2, green: 3 } as const;

/** Graded grids, red then yellow (the ones a leader acts on) by their rate against the district's. */
export function gradesTable(grades: GridGrade[], names: Map<string, string> | undefined): BriefingTable {
  const rows = [...grades]
    .sort(
      (a, b) =>
        GRADE_ORDER[a.grade] - GRADE_ORDER[b.grade] ||
        b.rateRatio - a.rateRatio ||
        a.gridCode.localeCompare(b.gridCode),
    )
    .map((g) => ({
      cells: [
        names?.get(g.gridCode) ?? g.gridCode,
        g.gridCode,
        t(`incidents.grade_names.${g.grade}`),
        String(g.incidents),
        g.ratePer1000 === null ? '—' : g.ratePer1000.toFixed(1),
        g.rateRatio.toFixed(2),
      ],
      colour: g.grade === 'red' ? RED : g.grade === 'yellow' ? '#a16207' : INK,
    }));
  return {
    title: t('briefing.grades_title'),
    header: [
      t('layers.grids'),
      t('fields.code'),
      t('briefing.grade'),
      t('figures.incidents'),
      t('briefing.rate'),
      t('briefing.ratio'),
    ],
    rows,
    widths: [300, 240, 80, 110, 160, 150],
  };
}

/** The two plans' scorecards side by side (A | B | B − A), the difference coloured better/worse. */
export function comparisonTable(cmp: Comparison): BriefingTable {
  return {
    title: t('plancompare.pdf_title'),
    header: ['', `A ${cmp.names.a}`, `B ${cmp.names.b}`, t('plancompare.diff')],
    rows: compareRows(cmp).map((r) => ({ cells: [r.label, r.a, r.b, r.diff], colour: r.colour })),
    widths: [420, 220, 220, 180],
    note: t('briefing.compare_note'),
  };
}

/** Cuts a table to `max` rows, counting the rest in its note. */
function capped(table: BriefingTable, max: number): BriefingTable {
  if (table.rows.length <= max) return table;
  const more = t('briefing.more_rows', { count: table.rows.length - max });
  return { ...table, rows: table.rows.slice(0, max), note: table.note ? `${table.note} · ${more}` : more };
}

/**
 * Page 1: the title (area, view, day), the map with the view's legend only, scale bar and north arrow, the key
 * figures. Page 2: the view's table per sub-area (coverage per area; 雪亮 KPIs; graded grids), the plan comparison when
 * one is open; views without a table of their own (an open comparison is one) fall back to the 雪亮 KPIs, then the
 * grades.
 */
export function briefingModel(input: BriefingInput): Briefing {
  const { view, state, figures: f } = input;
  const viewName = t(VIEWS[view].label);
  const area = input.areaName ?? t('app.title');
  const max = input.maxRows ?? 60;
  const tables: BriefingTable[] = [];
  if (view === 'coverage' && state.coverage) tables.push(coverageTable(state.coverage));
  if (view === 'grades' && state.grades) tables.push(gradesTable(state.grades, input.gridNames));
  // An open comparison is the planner's own table: no 雪亮 KPIs in its place beside it.
  if (input.comparison) tables.push(comparisonTable(input.comparison));
  if ((view === 'coverage' || tables.length === 0) && input.kpis) tables.push(kpiTable(input.kpis));
  if (tables.length === 0 && state.grades) tables.push(gradesTable(state.grades, input.gridNames));
  return {
    title: t('briefing.title', { area, view: viewName }),
    subtitle: `${input.day} · ${t('export.generated')} ${input.generatedAt}`,
    page1: {
      view,
      legend: legendOf(view, state),
      figures: [
        { label: t('figures.incidents'), value: num(input.incidents) },
        { label: t('figures.grids'), value: num(f.grids) },
        { label: t('figures.beats'), value: num(f.beats) },
        { label: t('figures.cameras'), value: num(f.cameras) },
        { label: t('figures.working_rate'), value: share(f.working, f.cameras) },
        { label: t('figures.networked_rate'), value: share(f.networked, f.cameras) },
        ...viewFigures(input),
      ],
      scaleBar: scaleBar(input.map.zoom, input.map.lat, input.map.cssWidth, input.map.widthMm),
    },
    page2: {
      title: t('briefing.page2', { area, view: viewName }),
      tables: tables.map((x) => capped(x, max)),
    },
  };
}
