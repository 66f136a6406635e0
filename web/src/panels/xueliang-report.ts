import type { Feature, FeatureCollection } from 'geojson';
import type { ExpressionSpecification, GeoJSONSource } from 'maplibre-gl';
import {
  getJson,
  xueliangIncomplete,
  xueliangKpis,
  xueliangXlsxUrl,
  type XueliangIncomplete,
  type XueliangKpis,
  type XueliangLevel,
} from '../api/client.js';
import { pct } from '../analysis/rate-scale.js';
import { t } from '../i18n/index.js';
import { flyToFeature } from '../map/map.js';
import type { MapContext } from '../map/map-context.js';
import type { AppState } from '../state/app-state.js';
import { h, section } from './dom.js';

type KpiRow = XueliangKpis['rows'][number];
type KpiKey = keyof KpiRow['gaps'];

/** The five 雪亮 KPIs in the order of the report: each rate's field and the key of its target and gap. */
export const KPI_COLUMNS: readonly {
  key: KpiKey;
  rate: 'coverageRate' | 'networkedRate' | 'workingRate' | 'recordRate' | 'keyIndustryRate';
}[] = [
  { key: 'coverage', rate: 'coverageRate' },
  { key: 'networked', rate: 'networkedRate' },
  { key: 'working', rate: 'workingRate' },
  { key: 'records', rate: 'recordRate' },
  { key: 'keyIndustryCoverage', rate: 'keyIndustryRate' },
];
/** The levels a leader reads the report at (the API has grid, district and region too). */
const LEVELS = ['township', 'community'] as const satisfies readonly XueliangLevel[];
type ReportLevel = (typeof LEVELS)[number];
/** Incomplete records listed in the panel (the xlsx holds all of them). */
export const INCOMPLETE_SHOWN = 20;

const AREAS_SOURCE = 'xueliang-areas';
const PICKED_SOURCE = 'xueliang-picked';
/** The areas of the report, coloured by how many targets each misses. */
export const AREAS_LAYER = 'xueliang-areas-fill';
/** The area picked in the table (a MapLibre layer, so a test can query what is drawn). */
export const PICKED_LAYER = 'xueliang-picked-fill';
const PICKED_LINE = 'xueliang-picked-line';

/**
 * The classes the report's areas are coloured by on the map: an area missing `missedFrom` targets or more (up to the
 * next class) takes `colour`. The fill's step expression and the map legend are both built from this list.
 */
export const MISSED_CLASSES = [
  { missedFrom: 0, colour: '#1a9641' },
  { missedFrom: 1, colour: '#fdae61' },
  { missedFrom: 3, colour: '#d7191c' },
] as const satisfies readonly { missedFrom: number; colour: string }[];
/** MapLibre's step expression over the feature's `missed` count, from {@link MISSED_CLASSES}. */
const missedColour = (): ExpressionSpecification => {
  const [first, ...rest] = MISSED_CLASSES;
  return ['step', ['get', 'missed'], first.colour, ...rest.flatMap((c) => [c.missedFrom, c.colour])];
};

/** A gap (target − rate, a share) in percentage points. */
export const gapPoints = (gap: number): string => (gap * 100).toFixed(1);
/** Targets the row misses (a gap above 0). */
export const missedOf = (r: KpiRow): number =>
  Object.values(r.gaps).filter((g): g is number => g !== null && g > 0).length;

interface Loaded {
  kpis: XueliangKpis;
  areas: Map<string, Feature>;
}
const report: {
  level: ReportLevel;
  byLevel: Map<ReportLevel, Loaded>;
  incomplete?: XueliangIncomplete;
  picked?: string;
  loading: boolean;
  error?: string;
  open: boolean;
  /** Areas drawn on the map now, coloured by targets missed. */
  drawn: number;
} = { level: 'township', byLevel: new Map(), loading: false, open: false, drawn: 0 };

/** Whether the report's areas are coloured on the map now (the legend explains the colours only then). */
export const xueliangColouring = (): boolean => report.drawn > 0;
let ctxRef: MapContext | undefined;

const empty = (): FeatureCollection => ({ type: 'FeatureCollection', features: [] });

/** Once per app: the sources and layers that draw the report's areas and the one picked. */
export function initXueliangReport(ctx: MapContext): void {
  ctxRef = ctx;
  const { map } = ctx;
  map.addSource(AREAS_SOURCE, { type: 'geojson', data: empty(), promoteId: 'code' });
  map.addSource(PICKED_SOURCE, { type: 'geojson', data: empty(), promoteId: 'code' });
  const before = map.getLayer('selection-fill') ? 'selection-fill' : undefined;
  map.addLayer(
    {
      id: AREAS_LAYER,
      type: 'fill',
      source: AREAS_SOURCE,
      paint: {
        'fill-color': missedColour(),
        'fill-opacity': 0.22,
        'fill-outline-color': '#7f1d1d',
      },
    },
    before,
  );
  map.addLayer(
    {
      id: PICKED_LAYER,
      type: 'fill',
      source: PICKED_SOURCE,
      paint: { 'fill-color': '#7f1d1d', 'fill-opacity': 0.18 },
    },
    before,
  );
  map.addLayer(
    { id: PICKED_LINE, type: 'line', source: PICKED_SOURCE, paint: { 'line-color': '#450a0a', 'line-width': 5 } },
    before,
  );
}

/** Draws the areas of the level shown (only while the section is open) and the one picked. */
function drawAreas(): void {
  const map = ctxRef?.map;
  if (!map) return;
  const loaded = report.open ? report.byLevel.get(report.level) : undefined;
  const features: Feature[] = [];
  const picked: Feature[] = [];
  for (const r of loaded?.kpis.rows ?? []) {
    const f = loaded?.areas.get(r.key);
    if (!f?.geometry) continue;
    const drawn: Feature = {
      type: 'Feature',
      geometry: f.geometry,
      properties: { code: r.key, name: r.name ?? r.key, missed: missedOf(r) },
    };
    features.push(drawn);
    if (r.key === report.picked) picked.push(drawn);
  }
  map.getSource<GeoJSONSource>(AREAS_SOURCE)?.setData({ type: 'FeatureCollection', features });
  report.drawn = features.length;
  map.getSource<GeoJSONSource>(PICKED_SOURCE)?.setData({ type: 'FeatureCollection', features: picked });
}

/** The KPIs and the areas' outlines of a level (once per level), and the incomplete list (once). */
async function load(rerender: () => void): Promise<void> {
  if (report.loading) return;
  const level = report.level;
  report.loading = true;
  report.error = undefined;
  rerender();
  try {
    if (!report.byLevel.has(level)) {
      const [kpis, fc] = await Promise.all([
        xueliangKpis(level),
        getJson<FeatureCollection>(`/api/v1/admin-areas?${new URLSearchParams({ level, limit: '10000' })}`),
      ]);
      const areas = new Map(fc.features.map((f) => [String(f.properties?.code), f]));
      report.byLevel.set(level, { kpis, areas });
    }
    report.incomplete ??= await xueliangIncomplete(INCOMPLETE_SHOWN);
  } catch (e) {
    report.error = e instanceof Error ? e.message : String(e);
  } finally {
    report.loading = false;
  }
  drawAreas();
  rerender();
  // The level was changed while this one loaded: load that one too.
  if (!report.error && !report.byLevel.has(report.level)) void load(rerender);
}

function pick(code: string, rerender: () => void): void {
  const f = report.byLevel.get(report.level)?.areas.get(code);
  report.picked = code;
  drawAreas();
  if (!ctxRef) return;
  // The areas coloured by targets missed are the theme now: the reference view (thin outlines), not grades under them.
  if (ctxRef.view() !== 'reference') ctxRef.setView('reference');
  if (f) flyToFeature(ctxRef.map, f);
  rerender();
}

/** A share as a percentage without its sign (the header says %), one decimal; nothing to count as a dash. */
export const percentOf = (x: number | null): string => (x === null ? '—' : (x * 100).toFixed(1));

/**
 * One KPI of one area: the value, and under a target the gap after a ▼ (the mark is text, not colour alone). Numbers
 * without the % sign: five of them share the sidebar's width.
 */
function kpiCell(r: KpiRow, c: (typeof KPI_COLUMNS)[number]): HTMLElement {
  const rate = r[c.rate];
  const gap = r.gaps[c.key];
  const below = gap !== null && gap > 0;
  const td = h(
    'td',
    { 'data-kpi': c.key, class: below ? 'below' : rate === null ? 'none' : 'met' },
    h('span', { class: 'value' }, percentOf(rate)),
  );
  if (below) {
    td.append(h('span', { class: 'gap' }, t('xueliang.gap', { points: gapPoints(gap) })));
    td.title = t('xueliang.below_hint', { kpi: t(`xueliang.kpis.${c.key}`), points: gapPoints(gap) });
  }
  return td;
}

function kpiTable(loaded: Loaded, rerender: () => void): HTMLElement {
  const { kpis } = loaded;
  const head = h(
    'tr',
    {},
    h('th', {}, t(`xueliang.levels.${report.level}`)),
    ...KPI_COLUMNS.map((c) =>
      h(
        'th',
        { 'data-kpi': c.key, title: t(`xueliang.kpis.${c.key}`) },
        t(`xueliang.kpis_short.${c.key}`),
        h('span', { class: 'target' }, `≥${pct(kpis.targets[c.key] ?? null, 0)}`),
      ),
    ),
  );
  const body = h('tbody', {});
  for (const r of kpis.rows) {
    const missed = missedOf(r);
    const name = h('button', { class: 'area', type: 'button', title: t('xueliang.show_on_map') }, r.name ?? r.key);
    const row = h(
      'tr',
      {
        class: `link${r.key === report.picked ? ' picked' : ''}`,
        'data-key': r.key,
        'data-missed': String(missed),
      },
      h(
        'td',
        { class: 'name' },
        name,
        missed ? h('span', { class: 'missed' }, t('xueliang.missed', { n: missed })) : '',
      ),
      ...KPI_COLUMNS.map((c) => kpiCell(r, c)),
    );
    row.onclick = () => pick(r.key, rerender);
    body.append(row);
  }
  return h(
    'div',
    { class: 'xueliang-scroll' },
    h('table', { class: 'xueliang-kpis', 'data-testid': 'xueliang-table' }, h('thead', {}, head), body),
  );
}

function incompleteList(list: XueliangIncomplete): HTMLElement {
  const fieldName = (f: string) => {
    const key = `xueliang.fields.${f}`;
    const text = t(key);
    return text === key ? f : text;
  };
  const rows = list.cameras.map((c) =>
    h(
      'tr',
      { 'data-camera': String(c.id) },
      h('td', {}, c.code ?? c.gbCode ?? `#${c.id}`),
      h('td', { class: 'missing' }, c.missing.map(fieldName).join(t('xueliang.list_separator'))),
    ),
  );
  return h(
    'div',
    {},
    h('h4', {}, t('xueliang.incomplete_title')),
    h(
      'p',
      { class: 'muted', 'data-testid': 'xueliang-incomplete-count', 'data-count': String(list.incomplete) },
      t('xueliang.incomplete_count', {
        n: list.incomplete,
        total: list.total,
        shown: Math.min(list.cameras.length, list.incomplete),
      }),
    ),
    h(
      'div',
      { class: 'scroll' },
      h(
        'table',
        { class: 'compact wrap', 'data-testid': 'xueliang-incomplete' },
        h('thead', {}, h('tr', {}, h('th', {}, t('xueliang.camera')), h('th', {}, t('xueliang.missing')))),
        h('tbody', {}, ...rows),
      ),
    ),
  );
}

/**
 * 雪亮报表 (issue #20): the 雪亮 KPIs per township or community against their targets, worst first, gaps marked; a
 * row brings its area onto the map; the incomplete 一机一档 records; the workbook the report travels in. For leaders
 * (and planners, who fill the gaps); the data loads when the section is first opened.
 */
export function xueliangSection(state: AppState, rerender: () => void): HTMLElement | undefined {
  if (state.role !== 'leader' && state.role !== 'planner') return undefined;
  const level = h('select', { 'data-testid': 'xueliang-level' }) as HTMLSelectElement;
  for (const l of LEVELS) level.append(h('option', { value: l }, t(`xueliang.levels.${l}`)));
  level.value = report.level;
  level.onchange = () => {
    report.level = level.value as ReportLevel;
    report.picked = undefined;
    drawAreas();
    void load(rerender);
  };
  const xlsx = h(
    'a',
    { class: 'button', href: xueliangXlsxUrl(report.level), download: '', 'data-testid': 'xueliang-xlsx' },
    t('xueliang.export_xlsx'),
  );
  const loaded = report.byLevel.get(report.level);
  const status = h(
    'p',
    { class: report.error ? 'error' : 'muted', 'data-testid': 'xueliang-status', 'aria-live': 'polite' },
    report.error ??
      (report.loading
        ? t('xueliang.loading')
        : loaded
          ? t('xueliang.summary', {
              n: loaded.kpis.rows.length,
              below: loaded.kpis.rows.filter((r) => !r.meetsAll).length,
            })
          : ''),
  );
  const d = section(
    'xueliang',
    t('xueliang.title'),
    state.openSections,
    h('label', { class: 'row' }, t('xueliang.level'), level, xlsx),
    status,
    ...(loaded ? [kpiTable(loaded, rerender), h('p', { class: 'muted legend-note' }, t('xueliang.legend'))] : []),
    ...(report.incomplete ? [incompleteList(report.incomplete)] : []),
  );
  d.addEventListener('toggle', () => {
    // A re-rendered open section fires 'toggle' too: only a real change re-renders (the legend follows the colours).
    const changed = report.open !== d.open;
    report.open = d.open;
    drawAreas();
    if (d.open && !report.byLevel.has(report.level)) void load(rerender);
    else if (changed) rerender();
  });
  return d;
}
