import type { FeatureCollection } from 'geojson';
import type { ExpressionSpecification, GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { bbox } from '@turf/turf';
import {
  alignPreview,
  applyBeatPlan,
  districtDraft,
  nestingCheck,
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
import { DRAFT_BEAT_PALETTE } from '../map/style.js';
import { h, section } from './dom.js';
import { initPlanCompare, planCompareBlock } from './plan-compare.js';

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
  message: string;
  error: boolean;
}

const view: PlanningView = { stations: [], alignBy: 'area', tolerance: 0.1, message: '', error: false };
let mapRef: MapLibreMap | undefined;
let ctxRef: MapContext | undefined;
let stationsLoading: Promise<void> | undefined;

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
  initPlanCompare(map);
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
  map.setFilter('plan-draft', codesFilter(gridCodes));
  if (gridCodes.length) {
    // A `match` over each draft beat's grid codes (a label list per branch): one colour per beat.
    const branches = draft.flatMap((b, i) =>
      b.gridCodes.length ? [b.gridCodes, DRAFT_BEAT_PALETTE[i % DRAFT_BEAT_PALETTE.length]] : [],
    );
    const expr = ['match', ['get', 'code'], ...branches, '#ccc'] as unknown as ExpressionSpecification;
    map.setPaintProperty('plan-draft', 'fill-color', expr);
  }
  window.gridpatrol.planCutGrids = cut.length;
  window.gridpatrol.planAlignBeats = proposal.features.length;
  window.gridpatrol.planDraftGrids = gridCodes.length;
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
    { padding: { top: 40, bottom: 40, left: 340, right: 40 }, duration: 0 },
  );
}

function clearPlans(): void {
  view.nesting = undefined;
  view.align = undefined;
  view.draft = undefined;
  drawOnMap();
}

async function run(rerender: () => void, work: () => Promise<string>): Promise<void> {
  // Cut grids, proposals and drafts are the planning view: the other analyses step aside.
  if (ctxRef && ctxRef.view() !== 'planning') ctxRef.setView('planning');
  try {
    view.message = await work();
    view.error = false;
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
  const mean = beats.reduce((s, b) => s + b.weightedIncidents, 0) / Math.max(1, beats.length);
  const head = h(
    'tr',
    {},
    ...[
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
    const off = mean > 0 ? b.weightedIncidents / mean - 1 : 0;
    const inc = h('td', { class: Math.abs(off) > tolerance ? 'warn' : '' }, fmt(b.weightedIncidents));
    table.append(
      h(
        'tr',
        { 'data-beat': b.code },
        h('td', {}, b.code),
        inc,
        h('td', {}, fmt(b.population)),
        h('td', {}, fmt(b.households)),
        h('td', {}, fmt(b.areaM2 / 1e6, 2)),
        h('td', {}, fmt(b.roadM / 1000, 1)),
        h('td', {}, String(b.keyPlaces)),
        h('td', {}, String(b.cameras)),
        h('td', {}, b.polsbyPopper.toFixed(2)),
        h('td', { class: b.contiguous ? '' : 'warn' }, b.contiguous ? '✓' : t('planning.pieces', { n: b.parts })),
      ),
    );
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
  return h(
    'div',
    {},
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
      ...['beat', 'grids', 'load', 'pp', 'contiguous'].map((k) => h('th', {}, t(`planning.col.${k}`))),
    ),
  );
  d.beats.forEach((b, i) => {
    const sw = h('span', { class: 'swatch fill' });
    sw.style.setProperty('--c', DRAFT_BEAT_PALETTE[i % DRAFT_BEAT_PALETTE.length] ?? '#ccc');
    table.append(
      h(
        'tr',
        {},
        h('td', {}, sw),
        h('td', {}, b.code),
        h('td', {}, String(b.gridCodes.length)),
        h('td', {}, fmt(b.load, 1)),
        h('td', {}, b.polsbyPopper.toFixed(2)),
        h('td', { class: b.contiguous ? '' : 'warn' }, b.contiguous ? '✓' : '✗'),
      ),
    );
  });
  return h('div', {}, summary, table);
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
  if (view.workload) rows.push(workloadTable(view.workload, view.tolerance));

  if (view.nesting?.cut.length) {
    const list = h(
      'table',
      { class: 'compact', 'data-testid': 'plan-cut' },
      h('tr', {}, ...['grid', 'beat', 'share', 'households'].map((k) => h('th', {}, t(`planning.col.${k}`)))),
    );
    for (const g of view.nesting.cut) {
      for (const [i, b] of g.beats.entries()) {
        list.append(
          h(
            'tr',
            {},
            h('td', {}, i === 0 ? g.gridCode : ''),
            h('td', {}, b.beatCode),
            h('td', {}, pct(b.share)),
            h('td', {}, fmt(b.households, 1)),
          ),
        );
      }
    }
    const by = h('select', { 'data-testid': 'plan-align-by' }) as HTMLSelectElement;
    for (const k of ['area', 'incidents'] as const) by.append(h('option', { value: k }, t(`planning.by.${k}`)));
    by.value = view.alignBy;
    by.onchange = () => {
      view.alignBy = by.value === 'incidents' ? 'incidents' : 'area';
    };
    rows.push(
      list,
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
    rows.push(
      alignTable(view.align),
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
    rows.push(
      draftTable(d),
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
            d.beats.every((b) => b.version > 0 && b.contiguous),
          ),
        ),
        button('planning.discard', 'plan-draft-discard', () => {
          view.draft = undefined;
          drawOnMap();
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
    }),
  );
  return section('planning', t('planning.title'), state.openSections, ...rows);
}
