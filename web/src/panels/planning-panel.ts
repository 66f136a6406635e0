import type { FeatureCollection } from 'geojson';
import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { bbox } from '@turf/turf';
import {
  alignPreview,
  applyBeatPlan,
  districtDraft,
  nestingCheck,
  planDetail,
  stationBeats,
  stationList,
  workload,
  type AlignAnswer,
  type DraftAnswer,
  type NestingAnswer,
  type WorkloadAnswer,
} from '../api/client.js';
import { t } from '../i18n/index.js';
import { refreshAreaTiles } from '../map/area-tiles.js';
import type { MapContext } from '../map/map-context.js';
import type { AppState } from '../state/app-state.js';
import { DRAFT_BEAT_PALETTE, FONT } from '../map/style.js';
import { drawerFitPadding, reopenDrawer, setDrawer } from './drawer.js';
import { gridBoxes, setSwipe } from './plan-swipe.js';
import { h, section } from './dom.js';
import { initPlanCompare, planCompareBlock, planCompareTable, redrawCompare } from './plan-compare.js';

interface PlanningView {
  stations: { id: number; name: string }[];
  stationId?: number;
  workload?: WorkloadAnswer;
  nesting?: NestingAnswer;
  align?: AlignAnswer;
  alignBy: 'area' | 'incidents';
  draft?: DraftAnswer;
  draftBeats?: number;
  tolerance: number;
  /** The planner ticked "confirm an exception": a draft beyond the tolerance may be applied. */
  exception: boolean;
  /** The draft under review is swiped against the beats in force (current left, draft right). */
  draftSwipe: boolean;
  /** Beat code → name and box, of the station's beats (names first in every table; rows fly to the box). */
  beats: Map<string, { name: string; box: [number, number, number, number] }>;
  message: string;
  error: boolean;
}

const view: PlanningView = {
  stations: [],
  alignBy: 'area',
  tolerance: 0.1,
  exception: false,
  draftSwipe: false,
  beats: new Map(),
  message: '',
  error: false,
};
let mapRef: MapLibreMap | undefined;
let ctxRef: MapContext | undefined;
let stationsLoading: Promise<void> | undefined;
let loadedBeatsFor: number | undefined;

const NONE: ExpressionSpecification = ['==', ['get', 'code'], '\u0000'];

/** Cut grids (orange), the align proposal's beats (green dashes) and the draft (grids coloured by draft beat). */
export function initPlanning(ctx: MapContext): void {
  const { map } = ctx;
  mapRef = map;
  ctxRef = ctx;
  map.addLayer({
    id: 'plan-draft',
    type: 'fill',
    source: 'grids',
    'source-layer': 'grids',
    filter: NONE,
    paint: { 'fill-color': '#ccc', 'fill-opacity': 0.75 },
  });
  map.addLayer({
    id: 'plan-cut',
    type: 'fill',
    source: 'grids',
    'source-layer': 'grids',
    filter: NONE,
    paint: { 'fill-color': '#f97316', 'fill-opacity': 0.55 },
  });
  map.addLayer({
    id: 'plan-cut-line',
    type: 'line',
    source: 'grids',
    'source-layer': 'grids',
    filter: NONE,
    paint: { 'line-color': '#c2410c', 'line-width': 2.5 },
  });
  map.addSource('plan-align', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: 'plan-align-line',
    type: 'line',
    source: 'plan-align',
    paint: { 'line-color': '#15803d', 'line-width': 3.5, 'line-dasharray': [2, 1] },
  });
  // Beats beyond the tolerance (the only beats coloured), the row under the pointer, and the draft's own labels.
  map.addLayer({
    id: 'plan-beyond',
    type: 'line',
    source: 'beats',
    'source-layer': 'beats',
    filter: NONE,
    paint: { 'line-color': '#b2182b', 'line-width': 4 },
  });
  map.addLayer({
    id: 'plan-hover-beat',
    type: 'line',
    source: 'beats',
    'source-layer': 'beats',
    filter: NONE,
    paint: { 'line-color': '#0ea5e9', 'line-width': 5 },
  });
  map.addLayer({
    id: 'plan-hover-grid',
    type: 'line',
    source: 'grids',
    'source-layer': 'grids',
    filter: NONE,
    paint: { 'line-color': '#0ea5e9', 'line-width': 4 },
  });
  map.addSource('plan-draft-labels', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: 'plan-draft-labels',
    type: 'symbol',
    source: 'plan-draft-labels',
    layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 13, 'text-allow-overlap': true },
    paint: { 'text-color': '#111827', 'text-halo-color': '#ffffff', 'text-halo-width': 1.8 },
  });
  initPlanCompare(map);
}

const nameOf = (code: string) => view.beats.get(code)?.name ?? code;

/** Beats whose value is more than ±tolerance off the mean of the list, with the signed offset. */
export function beyondTolerance(
  values: { code: string; value: number }[],
  tolerance: number,
): { code: string; off: number }[] {
  const mean = values.reduce((s, v) => s + v.value, 0) / Math.max(1, values.length);
  if (mean <= 0) return [];
  return values.map((v) => ({ code: v.code, off: v.value / mean - 1 })).filter((v) => Math.abs(v.off) > tolerance);
}

const beyondText = (beyond: { code: string; off: number }[]) =>
  beyond.map((b) => `${nameOf(b.code)} (${b.off > 0 ? '+' : ''}${Math.round(b.off * 100)}%)`).join('、');

/** The station's beats: names and boxes, for the tables and the fly-to. */
async function loadBeats(stationId: number): Promise<void> {
  const fc = await stationBeats(stationId);
  view.beats = new Map(
    fc.features.map((f) => {
      const [w, s, e, n] = bbox(f);
      const code = String(f.properties?.code ?? f.id);
      return [code, { name: String(f.properties?.name ?? code), box: [w, s, e, n] }];
    }),
  );
}

/** A table row under the pointer outlines its beat or grid; a click flies there. */
function linkRow(row: HTMLElement, kind: 'beat' | 'grid', code: string): void {
  row.classList.add('linked');
  row.onmouseenter = () => {
    mapRef?.setFilter(kind === 'beat' ? 'plan-hover-beat' : 'plan-hover-grid', ['==', ['get', 'code'], code]);
    window.gridpatrol.planHovered = `${kind}:${code}`;
  };
  row.onmouseleave = () => {
    mapRef?.setFilter('plan-hover-beat', NONE);
    mapRef?.setFilter('plan-hover-grid', NONE);
    window.gridpatrol.planHovered = '';
  };
  row.onclick = () =>
    void (async () => {
      const box = kind === 'beat' ? view.beats.get(code)?.box : (await gridBoxes()).get(code);
      if (!box || !mapRef) return;
      mapRef.fitBounds(
        [
          [box[0], box[1]],
          [box[2], box[3]],
        ],
        { padding: drawerFitPadding(), maxZoom: 17, duration: 400 },
      );
      mapRef.once('moveend', () => {
        window.gridpatrol.planFlownTo = `${kind}:${code}`;
      });
    })();
}

function codesFilter(codes: readonly string[]): ExpressionSpecification {
  return codes.length ? ['in', ['get', 'code'], ['literal', [...codes]]] : NONE;
}

/** Draws what the panel holds: cut grids, the align proposal, the draft colours. */
function drawOnMap(): void {
  const map = mapRef;
  if (!map) return;
  const cut = view.nesting?.cut.map((g) => g.gridCode) ?? [];
  map.setFilter('plan-cut', codesFilter(cut));
  map.setFilter('plan-cut-line', codesFilter(cut));
  const proposal: FeatureCollection = {
    type: 'FeatureCollection',
    features: (view.align?.beats ?? []).flatMap((b) =>
      b.geometry ? [{ type: 'Feature' as const, geometry: b.geometry, properties: { code: b.code } }] : [],
    ),
  };
  map.getSource<GeoJSONSource>('plan-align')?.setData(proposal);
  const draft = view.draft?.beats ?? [];
  const gridCodes = draft.flatMap((b) => b.gridCodes);
  // Under the swipe the draft is drawn right of the divider only (by the swipe's layers), the beats in force left of it.
  map.setFilter('plan-draft', view.draftSwipe ? NONE : codesFilter(gridCodes));
  if (gridCodes.length) {
    // A `match` over each draft beat's grid codes (a label list per branch): one colour per beat.
    const branches = draft.flatMap((b, i) =>
      b.gridCodes.length ? [b.gridCodes, DRAFT_BEAT_PALETTE[i % DRAFT_BEAT_PALETTE.length]] : [],
    );
    const expr = ['match', ['get', 'code'], ...branches, '#ccc'] as unknown as ExpressionSpecification;
    map.setPaintProperty('plan-draft', 'fill-color', expr);
  }
  const beyond = view.draft
    ? beyondTolerance(
        view.draft.beats.map((b) => ({ code: b.code, value: b.load })),
        view.tolerance,
      )
    : view.workload
      ? beyondTolerance(
          view.workload.beats.map((b) => ({ code: b.code, value: b.weightedIncidents })),
          view.tolerance,
        )
      : [];
  // Under a draft the current beats' outlines are not the draft's: only the workload marks beats on the map.
  map.setFilter('plan-beyond', view.draft ? NONE : codesFilter(beyond.map((b) => b.code)));
  // Labels name one plan's beats across the whole map: under the swipe neither plan's labels are drawn.
  void drawDraftLabels(map, view.draftSwipe ? [] : draft);
  window.gridpatrol.planCutGrids = cut.length;
  window.gridpatrol.planAlignBeats = proposal.features.length;
  window.gridpatrol.planDraftGrids = gridCodes.length;
}

/** The draft's labels, one per draft beat at its middle grid; the current beats' labels hide while a draft shows. */
async function drawDraftLabels(map: MapLibreMap, draft: DraftAnswer['beats']): Promise<void> {
  const boxes = draft.length ? await gridBoxes() : new Map<string, [number, number, number, number]>();
  const features = draft.flatMap((b) => {
    const mids = b.gridCodes.flatMap((g) => {
      const x = boxes.get(g);
      return x ? [[(x[0] + x[2]) / 2, (x[1] + x[3]) / 2] as [number, number]] : [];
    });
    if (!mids.length) return [];
    const mx = mids.reduce((s, m) => s + m[0], 0) / mids.length,
      my = mids.reduce((s, m) => s + m[1], 0) / mids.length;
    // The grid middle nearest the mean: inside the beat even when the beat is not convex.
    const at = mids.reduce((best, m) =>
      (m[0] - mx) ** 2 + (m[1] - my) ** 2 < (best[0] - mx) ** 2 + (best[1] - my) ** 2 ? m : best,
    );
    return [
      {
        type: 'Feature' as const,
        geometry: { type: 'Point' as const, coordinates: at },
        properties: { code: b.code, name: nameOf(b.code) },
      },
    ];
  });
  map.getSource<GeoJSONSource>('plan-draft-labels')?.setData({ type: 'FeatureCollection', features });
  map.setLayoutProperty('beat-labels', 'visibility', view.draft ? 'none' : 'visible');
  window.gridpatrol.planDraftLabels = features.length;
}

/** Shows the whole station: the box of its beats. */
async function fitStation(stationId: number): Promise<void> {
  const map = mapRef;
  if (!map) return;
  const beats = await stationBeats(stationId);
  if (beats.features.length === 0) return;
  const [w, s, e, n] = bbox(beats);
  map.fitBounds(
    [
      [w, s],
      [e, n],
    ],
    { padding: drawerFitPadding(), duration: 0 },
  );
}

function clearPlans(): void {
  view.nesting = undefined;
  view.align = undefined;
  view.draft = undefined;
  // Draws the map again (after giving the swipe back, when it was on).
  void swipeDraft(false);
}

/**
 * 卷帘: the beats in force left of the divider, the draft right of it (the compare's swipe, borrowed); off gives the
 * map back to the draft (or to the comparison on screen).
 */
async function swipeDraft(on: boolean): Promise<void> {
  const d = view.draft;
  const was = view.draftSwipe;
  view.draftSwipe = on && d !== undefined;
  if (!view.draftSwipe || !d || !view.stationId) {
    if (was) {
      await setSwipe(undefined, undefined);
      redrawCompare(mapRef);
    }
    drawOnMap();
    return;
  }
  const inForce = await planDetail('in-force', view.stationId);
  const a = new Map(inForce.assignment.map((x) => [x.gridCode, x.beatCode]));
  const b = new Map(d.beats.flatMap((beat) => beat.gridCodes.map((g): [string, string] => [g, beat.code])));
  drawOnMap();
  // The draft side takes its colours in the draft table's order, so a beat's swatch and its grids agree.
  await setSwipe({ a, b, order: { b: d.beats.map((beat) => beat.code) } }, 'centre');
}

async function run(rerender: () => void, work: () => Promise<string>): Promise<void> {
  // Cut grids, proposals and drafts are the planning view: the other analyses step aside.
  if (ctxRef && ctxRef.view() !== 'planning') ctxRef.setView('planning');
  try {
    view.message = await work();
    view.error = false;
    reopenDrawer();
  } catch (e) {
    view.message = e instanceof Error ? e.message : String(e);
    view.error = true;
  }
  drawOnMap();
  rerender();
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString(undefined, { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Workload per beat of the station, with cells outside ±tolerance of the station mean marked. */
function workloadTable(w: WorkloadAnswer, tolerance: number): HTMLElement {
  const beats = w.beats;
  const beyond = beyondTolerance(
    beats.map((b) => ({ code: b.code, value: b.weightedIncidents })),
    tolerance,
  );
  const off = new Map(beyond.map((b) => [b.code, b.off]));
  const head = h(
    'tr',
    {},
    ...[
      'name',
      'beat',
      'incidents',
      'population',
      'households',
      'km2',
      'road_km',
      'key_places',
      'cameras',
      'pp',
      'contiguous',
    ].map((k) => h('th', {}, t(`planning.col.${k}`))),
  );
  const table = h('table', { class: 'compact', 'data-testid': 'plan-workload' }, head);
  for (const b of beats) {
    const o = off.get(b.code);
    const inc = h(
      'td',
      { class: o === undefined ? '' : 'warn' },
      fmt(b.weightedIncidents),
      o === undefined ? '' : ` (${o > 0 ? '+' : ''}${Math.round(o * 100)}%)`,
    );
    const row = h(
      'tr',
      { 'data-beat': b.code, class: o === undefined ? '' : 'beyond' },
      h('td', { 'data-col': 'name' }, nameOf(b.code)),
      h('td', { class: 'muted' }, b.code),
      inc,
      h('td', {}, fmt(b.population)),
      h('td', {}, fmt(b.households)),
      h('td', {}, fmt(b.areaM2 / 1e6, 2)),
      h('td', {}, fmt(b.roadM / 1000, 1)),
      h('td', {}, String(b.keyPlaces)),
      h('td', {}, String(b.cameras)),
      h('td', {}, b.polsbyPopper.toFixed(2)),
      h('td', { class: b.contiguous ? '' : 'warn' }, b.contiguous ? '✓' : t('planning.pieces', { n: b.parts })),
    );
    linkRow(row, 'beat', b.code);
    table.append(row);
  }
  const bal = w.balance.find((x) => x.stationId === view.stationId) ?? w.balance[w.balance.length - 1];
  const balance = h(
    'table',
    { class: 'compact', 'data-testid': 'plan-balance' },
    h('tr', {}, h('th', {}, ''), h('th', {}, t('planning.max_mean')), h('th', {}, t('planning.cv'))),
    ...(bal?.measures ?? []).map((m) =>
      h(
        'tr',
        { 'data-measure': m.measure },
        h('td', {}, t(`planning.measure.${m.measure}`)),
        h('td', {}, m.maxOverMean.toFixed(2)),
        h('td', { class: m.cv > tolerance ? 'warn' : '' }, m.cv.toFixed(3)),
      ),
    ),
  );
  window.gridpatrol.planWorkloadRows = beats.length;
  const tol = Math.round(tolerance * 100);
  return h(
    'div',
    { class: 'drawer-part' },
    h('h4', {}, t('planning.workload')),
    h(
      'p',
      { class: beyond.length ? 'warn' : 'muted', 'data-testid': 'plan-beyond' },
      beyond.length ? t('planning.beyond', { tol, beats: beyondText(beyond) }) : t('planning.beyond_none', { tol }),
    ),
    table,
    h('p', { class: 'muted' }, t('planning.workload_note', { tol: Math.round(tolerance * 100) })),
    balance,
  );
}

function alignTable(a: AlignAnswer): HTMLElement {
  const changed = a.beats.filter((b) => b.after && Math.abs(b.after.areaM2 - b.before.areaM2) > 1);
  const table = h(
    'table',
    { class: 'compact', 'data-testid': 'plan-align' },
    h('tr', {}, ...['beat', 'km2', 'households', 'incidents'].map((k) => h('th', {}, t(`planning.col.${k}`)))),
  );
  for (const b of changed) {
    const after = b.after;
    if (!after) continue;
    const cell = (x: number, y: number, d = 0) => h('td', {}, `${fmt(x, d)} → ${fmt(y, d)}`);
    table.append(
      h(
        'tr',
        {},
        h('td', {}, b.code),
        cell(b.before.areaM2 / 1e6, after.areaM2 / 1e6, 3),
        cell(b.before.households, after.households),
        cell(b.before.weightedIncidents, after.weightedIncidents),
      ),
    );
  }
  return h(
    'div',
    {},
    h(
      'p',
      {},
      t('planning.align_moves', {
        n: a.moves.length,
        moves: a.moves.map((m) => `${m.gridCode} → ${m.toBeat}`).join('；'),
      }),
    ),
    table,
  );
}

function draftTable(d: DraftAnswer): HTMLElement {
  const summary = h(
    'p',
    { 'data-testid': 'plan-draft-summary' },
    t('planning.draft_summary', {
      before: d.current.objective.toFixed(3),
      after: d.draft.objective.toFixed(3),
      cvBefore: d.current.balance.cv.toFixed(3),
      cvAfter: d.draft.balance.cv.toFixed(3),
      ok: d.draft.withinTolerance ? t('planning.within') : t('planning.outside'),
    }),
  );
  const table = h(
    'table',
    { class: 'compact', 'data-testid': 'plan-draft' },
    h(
      'tr',
      {},
      h('th', {}, ''),
      ...['name', 'beat', 'grids', 'load', 'pp', 'contiguous'].map((k) => h('th', {}, t(`planning.col.${k}`))),
    ),
  );
  const beyond = draftBeyond(d);
  const off = new Map(beyond.map((b) => [b.code, b.off]));
  d.beats.forEach((b, i) => {
    const sw = h('span', { class: 'swatch fill' });
    sw.style.setProperty('--c', DRAFT_BEAT_PALETTE[i % DRAFT_BEAT_PALETTE.length] ?? '#ccc');
    const o = off.get(b.code);
    const row = h(
      'tr',
      { 'data-beat': b.code, class: o === undefined ? '' : 'beyond' },
      h('td', {}, sw),
      h('td', { 'data-col': 'name' }, nameOf(b.code)),
      h('td', { class: 'muted' }, b.code),
      h('td', {}, String(b.gridCodes.length)),
      h(
        'td',
        { class: o === undefined ? '' : 'warn' },
        fmt(b.load, 1),
        o === undefined ? '' : ` (${o > 0 ? '+' : ''}${Math.round(o * 100)}%)`,
      ),
      h('td', {}, b.polsbyPopper.toFixed(2)),
      h('td', { class: b.contiguous ? '' : 'warn' }, b.contiguous ? '✓' : '✗'),
    );
    linkRow(row, 'beat', b.code);
    table.append(row);
  });
  const tol = Math.round(d.tolerance * 100);
  return h(
    'div',
    { class: 'drawer-part' },
    h('h4', {}, t('planning.districting')),
    summary,
    h(
      'p',
      { class: beyond.length ? 'warn' : 'muted', 'data-testid': 'plan-draft-beyond' },
      beyond.length ? t('planning.beyond', { tol, beats: beyondText(beyond) }) : t('planning.beyond_none', { tol }),
    ),
    table,
  );
}

const draftBeyond = (d: DraftAnswer) =>
  beyondTolerance(
    d.beats.map((b) => ({ code: b.code, value: b.load })),
    d.tolerance,
  );

/** Why the draft may not be applied (empty: it may): pieces and new beats always stop it, the tolerance unless confirmed. */
function applyBlock(d: DraftAnswer, exception: boolean): string {
  const pieces = d.beats.filter((b) => !b.contiguous).map((b) => nameOf(b.code));
  if (pieces.length) return t('planning.apply_blocked_pieces', { beats: pieces.join('、') });
  const fresh = d.beats.filter((b) => b.version <= 0).map((b) => b.code);
  if (fresh.length) return t('planning.apply_blocked_new', { beats: fresh.join('、') });
  const beyond = draftBeyond(d);
  if (beyond.length && !exception) return t('planning.apply_blocked_tol', { beats: beyondText(beyond) });
  return '';
}

/** 警格规划: workload and balance per station, the grid–beat nesting check with auto-align, and a districting draft. */
export function planningSection(state: AppState, rerender: () => void): HTMLElement {
  // Only planners change beats: other roles read the same previews without the apply buttons.
  const onlyPlanner = (b: HTMLElement) => (state.role === 'planner' ? [b] : []);
  const button = (key: string, testid: string, onclick: () => void, enabled = true) => {
    const b = h('button', { 'data-testid': testid }, t(key)) as HTMLButtonElement;
    b.disabled = !enabled;
    b.onclick = onclick;
    return b;
  };
  // One request for the station list, however often the sidebar renders while it is on its way.
  if (view.stations.length === 0 && !stationsLoading) {
    stationsLoading = stationList()
      .then((s) => {
        view.stations = s;
        view.stationId ??= s[0]?.id;
        rerender();
      })
      .catch(() => {
        stationsLoading = undefined;
      });
  }
  const station = h('select', { 'data-testid': 'plan-station' }) as HTMLSelectElement;
  for (const s of view.stations) station.append(h('option', { value: String(s.id) }, s.name));
  if (view.stationId) station.value = String(view.stationId);
  station.onchange = () => {
    view.stationId = Number(station.value);
    view.workload = undefined;
    clearPlans();
    rerender();
  };
  const sid = view.stationId;
  const rows: HTMLElement[] = [h('label', {}, t('planning.station'), ' ', station)];
  /** The tables: in the wide drawer over the map, not in the sidebar. */
  const parts: HTMLElement[] = [];
  if (sid && loadedBeatsFor !== sid) {
    loadedBeatsFor = sid;
    void loadBeats(sid).then(() => {
      drawOnMap();
      rerender();
    });
  }

  rows.push(
    h(
      'div',
      { class: 'buttons' },
      button(
        'planning.workload',
        'plan-workload-go',
        () =>
          void run(rerender, async () => {
            view.workload = await workload(sid);
            return '';
          }),
        Boolean(sid),
      ),
      button(
        'planning.nesting',
        'plan-nesting-go',
        () =>
          void run(rerender, async () => {
            view.align = undefined;
            view.nesting = await nestingCheck(sid);
            return view.nesting.cut.length
              ? t('planning.cut', { n: view.nesting.cut.length, grids: view.nesting.grids })
              : t('planning.nested', { grids: view.nesting.grids });
          }),
        Boolean(sid),
      ),
    ),
  );
  if (view.workload) parts.push(workloadTable(view.workload, view.tolerance));

  if (view.nesting?.cut.length) {
    const list = h(
      'table',
      { class: 'compact', 'data-testid': 'plan-cut' },
      h('tr', {}, ...['grid', 'beat', 'share', 'households'].map((k) => h('th', {}, t(`planning.col.${k}`)))),
    );
    for (const g of view.nesting.cut) {
      for (const [i, b] of g.beats.entries()) {
        const row = h(
          'tr',
          { 'data-grid': g.gridCode },
          h('td', {}, i === 0 ? g.gridCode : ''),
          h('td', {}, `${nameOf(b.beatCode)} `, h('span', { class: 'muted' }, b.beatCode)),
          h('td', {}, pct(b.share)),
          h('td', {}, fmt(b.households, 1)),
        );
        linkRow(row, 'grid', g.gridCode);
        list.append(row);
      }
    }
    const by = h('select', { 'data-testid': 'plan-align-by' }) as HTMLSelectElement;
    for (const k of ['area', 'incidents'] as const) by.append(h('option', { value: k }, t(`planning.by.${k}`)));
    by.value = view.alignBy;
    by.onchange = () => {
      view.alignBy = by.value === 'incidents' ? 'incidents' : 'area';
    };
    parts.push(h('div', { class: 'drawer-part' }, h('h4', {}, t('planning.nesting')), list));
    rows.push(
      h(
        'div',
        { class: 'buttons' },
        by,
        button(
          'planning.align',
          'plan-align-go',
          () =>
            void run(rerender, async () => {
              view.align = await alignPreview(sid, view.alignBy);
              return t('planning.align_hint');
            }),
          Boolean(sid),
        ),
      ),
    );
  }
  if (view.align) {
    const plan = view.align.beats.map((b) => ({ code: b.code, version: b.version, gridCodes: b.gridCodes }));
    parts.push(h('div', { class: 'drawer-part' }, alignTable(view.align)));
    rows.push(
      h(
        'div',
        { class: 'buttons' },
        ...onlyPlanner(
          button(
            'planning.apply',
            'plan-align-apply',
            () =>
              void run(rerender, async () => {
                const saved = await applyBeatPlan('align', plan);
                clearPlans();
                if (mapRef) refreshAreaTiles(mapRef);
                window.gridpatrol.planApplied++;
                return t('planning.applied', { n: saved.filter((b) => b.changed).length });
              }),
          ),
        ),
        button('planning.discard', 'plan-align-discard', () => {
          view.align = undefined;
          drawOnMap();
          rerender();
        }),
      ),
    );
  }

  // Districting draft: number of beats and balance tolerance, drafted on the server, applied only when asked.
  const k = h('input', {
    type: 'number',
    min: '1',
    max: '100',
    'data-testid': 'plan-k',
    value: view.draftBeats ? String(view.draftBeats) : '',
  }) as HTMLInputElement;
  k.placeholder = t('planning.k_same');
  k.onchange = () => {
    view.draftBeats = Number(k.value) || undefined;
  };
  const tol = h('input', {
    type: 'number',
    min: '0',
    max: '50',
    step: '1',
    value: String(Math.round(view.tolerance * 100)),
    'data-testid': 'plan-tol',
  }) as HTMLInputElement;
  tol.onchange = () => {
    view.tolerance = Math.min(50, Math.max(0, Number(tol.value) || 0)) / 100;
  };
  rows.push(
    h('h4', {}, t('planning.districting')),
    h('label', {}, t('planning.k'), ' ', k),
    h('label', {}, ' ', t('planning.tolerance'), ' ', tol, '%'),
    h(
      'div',
      { class: 'buttons' },
      button(
        'planning.draft',
        'plan-draft-go',
        () =>
          void run(rerender, async () => {
            if (!sid) return '';
            view.exception = false;
            view.draft = await districtDraft({
              stationId: sid,
              tolerance: view.tolerance,
              ...(view.draftBeats ? { beats: view.draftBeats } : {}),
            });
            await fitStation(sid);
            return t('planning.draft_hint');
          }),
        Boolean(sid),
      ),
    ),
  );
  if (view.draft) {
    const d = view.draft;
    // The draft under review first: the workload of the current beats stays below it.
    parts.unshift(draftTable(d));
    const reason = applyBlock(d, view.exception);
    if (state.role === 'planner' && draftBeyond(d).length) {
      const confirm = h('input', { type: 'checkbox', 'data-testid': 'plan-draft-exception' }) as HTMLInputElement;
      confirm.checked = view.exception;
      confirm.onchange = () => {
        view.exception = confirm.checked;
        rerender();
      };
      rows.push(h('label', { class: 'toggle' }, confirm, t('planning.confirm_exception')));
    }
    if (state.role === 'planner' && reason)
      rows.push(h('p', { class: 'error', 'data-testid': 'plan-draft-apply-reason' }, reason));
    const swipe = h('input', { type: 'checkbox', 'data-testid': 'plan-draft-swipe' }) as HTMLInputElement;
    swipe.checked = view.draftSwipe;
    swipe.onchange = () => void swipeDraft(swipe.checked);
    rows.push(h('label', { class: 'toggle' }, swipe, t('planning.swipe_draft')));
    rows.push(
      h(
        'div',
        { class: 'buttons' },
        ...onlyPlanner(
          button(
            'planning.apply',
            'plan-draft-apply',
            () =>
              void run(rerender, async () => {
                const saved = await applyBeatPlan(
                  'district',
                  d.beats.map((b) => ({ code: b.code, version: b.version, gridCodes: b.gridCodes })),
                );
                clearPlans();
                view.workload = undefined;
                if (mapRef) refreshAreaTiles(mapRef);
                window.gridpatrol.planApplied++;
                return t('planning.applied', { n: saved.filter((b) => b.changed).length });
              }),
            reason === '',
          ),
        ),
        button('planning.discard', 'plan-draft-discard', () => {
          view.draft = undefined;
          view.exception = false;
          void swipeDraft(false);
          rerender();
        }),
      ),
    );
  }
  if (view.message)
    rows.push(h('p', { class: view.error ? 'error' : 'muted', 'data-testid': 'plan-status' }, view.message));
  rows.push(
    planCompareBlock(mapRef, sid, rerender, () => {
      if (ctxRef && ctxRef.view() !== 'planning') ctxRef.setView('planning');
      reopenDrawer();
    }),
  );
  const cmp = planCompareTable();
  if (cmp) parts.push(cmp);
  setDrawer(parts);
  if (parts.length) {
    const show = h('button', { 'data-testid': 'plan-drawer-open' }, t('drawer.open'));
    show.onclick = () => reopenDrawer();
    rows.push(h('div', { class: 'buttons' }, show));
  }
  return section('planning', t('planning.title'), state.openSections, ...rows);
}
