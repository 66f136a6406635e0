import type { ExpressionSpecification, Map as MapLibreMap } from 'maplibre-gl';
import { planComparison, planDetail, planList, type PlanComparison, type PlanListAnswer } from '../api/client.js';
import { t } from '../i18n/index.js';
import { h } from './dom.js';
import { initPlanSwipe, planFill, setSwipe } from './plan-swipe.js';

/** A plan as GET /api/v1/plans lists it: the contract's schema (server/src/contract/plan-answers.ts). */
type PlanSummary = PlanListAnswer['plans'][number];
/** What GET /api/v1/plans/compare answers: the contract's schema (server/src/contract/plan-answers.ts). */
export type Comparison = PlanComparison;
type PlanCard = Comparison['a'];

/** One row of the compare table: how to read the figure, and which way is better (for the colour of the difference). */
interface Row {
  key: string;
  get: (c: PlanCard) => number | null;
  better: 'lower' | 'higher' | 'none';
  format: (v: number) => string;
}
const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
const num = (d: number) => (v: number) => v.toFixed(d);
const bal = (m: string, f: 'cv' | 'maxOverMean') => (c: PlanCard) =>
  c.plan.balance.find((b) => b.measure === m)?.[f] ?? null;
const ROWS: Row[] = [
  { key: 'beats', get: (c) => c.plan.beats, better: 'none', format: num(0) },
  { key: 'cv_incidents', get: bal('weightedIncidents', 'cv'), better: 'lower', format: num(3) },
  { key: 'max_incidents', get: bal('weightedIncidents', 'maxOverMean'), better: 'lower', format: num(2) },
  { key: 'cv_population', get: bal('population', 'cv'), better: 'lower', format: num(3) },
  { key: 'cv_road', get: bal('roadKm', 'cv'), better: 'lower', format: num(3) },
  ...[0, 1, 2].map(
    (i): Row => ({
      key: `reach_road_${i}`,
      get: (c) => c.plan.reach[i]?.roadShare ?? null,
      better: 'higher',
      format: pct,
    }),
  ),
  ...[0, 1, 2].map(
    (i): Row => ({
      key: `reach_places_${i}`,
      get: (c) => c.plan.reach[i]?.keyPlaceShare ?? null,
      better: 'higher',
      format: pct,
    }),
  ),
  { key: 'coverage_road', get: (c) => c.plan.coverage.roadRate, better: 'none', format: pct },
  { key: 'coverage_min_beat', get: (c) => c.plan.coverage.minBeatRoadRate, better: 'higher', format: pct },
  {
    key: 'coverage_schools_identify',
    get: (c) => c.plan.coverage.schoolIdentifyRate,
    better: 'none',
    format: pct,
  },
  { key: 'grids_cut', get: (c) => c.plan.nesting.gridsCut, better: 'lower', format: num(0) },
  { key: 'communities_split', get: (c) => c.plan.nesting.communitiesSplit, better: 'lower', format: num(0) },
  { key: 'pieces', get: (c) => c.plan.nesting.pieces, better: 'lower', format: num(0) },
  { key: 'mean_pp', get: (c) => c.plan.shape.meanPolsbyPopper, better: 'higher', format: num(3) },
  { key: 'beats_in_pieces', get: (c) => c.plan.shape.beatsInPieces, better: 'lower', format: num(0) },
  { key: 'grids_moved', get: (c) => c.plan.change?.gridsMoved ?? 0, better: 'none', format: num(0) },
  { key: 'residents_moved', get: (c) => c.plan.change?.residentsMoved ?? 0, better: 'none', format: num(0) },
];

/** Colours of the difference: ColorBrewer RdBu ends (better blue, worse red), grey when equal or neutral. */
const BETTER = '#2166ac',
  WORSE = '#b2182b',
  SAME = '#6b7280';

/** The table as plain rows (figure, A, B, difference, colour): the panel and the PDF draw the same thing. */
export function compareRows(cmp: Comparison): { label: string; a: string; b: string; diff: string; colour: string }[] {
  return ROWS.map((r) => {
    const a = r.get(cmp.a),
      b = r.get(cmp.b);
    const raw = a === null || b === null ? null : b - a;
    // A difference that rounds to nothing at the row's precision is none: no "-0.0 %", no colour.
    const d = raw === null ? null : Number.parseFloat(r.format(raw)) === 0 ? 0 : raw;
    const colour =
      d === null || d === 0 || r.better === 'none' ? SAME : d < 0 === (r.better === 'lower') ? BETTER : WORSE;
    return {
      label: t(`plancompare.row.${r.key}`),
      a: a === null ? '—' : r.format(a),
      b: b === null ? '—' : r.format(b),
      diff: d === null ? '—' : `${d > 0 ? '+' : ''}${r.format(d)}`,
      colour,
    };
  });
}

let current: Comparison | undefined;
let shown: 'a' | 'b' = 'b';
/** The comparison on screen, for the PDF briefing. */
export const currentComparison = (): Comparison | undefined => current;

const NONE: ExpressionSpecification = ['==', ['get', 'code'], '\u0000'];

/** Map layers: the shown plan's grids coloured by beat, the grids that change beat outlined in red. */
export function initPlanCompare(map: MapLibreMap): void {
  map.addLayer({
    id: 'plan-compare-fill',
    type: 'fill',
    source: 'grids',
    'source-layer': 'grids',
    filter: NONE,
    paint: { 'fill-color': '#ccc', 'fill-opacity': 0.7 },
  });
  map.addLayer({
    id: 'plan-compare-moved',
    type: 'line',
    source: 'grids',
    'source-layer': 'grids',
    filter: NONE,
    paint: { 'line-color': '#b2182b', 'line-width': 3 },
  });
  initPlanSwipe(map);
}

function draw(
  map: MapLibreMap | undefined,
  assignments: { a: Map<string, string>; b: Map<string, string> } | undefined,
): void {
  if (!map?.getLayer('plan-compare-fill')) return;
  if (!current || !assignments) {
    map.setFilter('plan-compare-fill', NONE);
    map.setFilter('plan-compare-moved', NONE);
    return;
  }
  const plan = assignments[shown];
  map.setPaintProperty('plan-compare-fill', 'fill-color', planFill(plan, [...plan.keys()]));
  map.setFilter('plan-compare-fill', ['in', ['get', 'code'], ['literal', [...plan.keys()]]]);
  const moved = current.moved.map((m) => m.gridCode);
  map.setFilter('plan-compare-moved', moved.length ? ['in', ['get', 'code'], ['literal', moved]] : NONE);
  window.gridpatrol.planCompareMovedDrawn = -1;
  map.once('idle', () => {
    const drawn = map.queryRenderedFeatures({ layers: ['plan-compare-moved'] }).map((f) => String(f.properties.code));
    window.gridpatrol.planCompareMovedDrawn = new Set(drawn).size;
  });
  map.triggerRepaint();
}

let assignments: { a: Map<string, string>; b: Map<string, string> } | undefined;
/** Draws the comparison again (or clears its layers when there is none): after another view borrowed the swipe. */
export const redrawCompare = (map: MapLibreMap | undefined): void => draw(map, assignments);
/** The swipe divider's place (fraction of the map's width) while the swipe is on. */
let swipeAt: number | undefined;
/** The divider was dragged: the slider follows (it is redrawn with the panel, so it is found by its test id). */
const followDivider = (fraction: number) => {
  swipeAt = fraction;
  const slider = document.querySelector<HTMLInputElement>('input[data-testid="plan-compare-swipe-at"]');
  if (slider) slider.value = String(Math.round(fraction * 100));
};
let plans: PlanSummary[] = [];
let picked: { a: string; b: string } = { a: 'in-force', b: '' };
let loadedFor: number | undefined;

/** 方案对比: two plans of the station side by side (scorecards in two columns, differences coloured), A/B on the map. */
export function planCompareBlock(
  map: MapLibreMap | undefined,
  stationId: number | undefined,
  rerender: () => void,
  /** Brings the planning view forward: the compare layers are drawn only there. */
  showPlanningView: () => void = () => {},
): HTMLElement {
  if (stationId && loadedFor !== stationId) {
    loadedFor = stationId;
    current = undefined;
    void planList(stationId).then((r) => {
      plans = r.plans;
      picked = { a: 'in-force', b: String(r.plans[1]?.id ?? '') };
      rerender();
    });
  }
  const select = (which: 'a' | 'b') => {
    const s = h('select', { 'data-testid': `plan-compare-${which}` }) as HTMLSelectElement;
    for (const p of plans)
      s.append(
        h(
          'option',
          { value: String(p.id) },
          p.id === 'in-force' ? t('plancompare.in_force') : `${p.name} (v${p.version ?? ''})`,
        ),
      );
    s.value = picked[which];
    s.onchange = () => {
      picked = { ...picked, [which]: s.value };
    };
    return s;
  };
  const go = h('button', { 'data-testid': 'plan-compare-go' }, t('plancompare.compare')) as HTMLButtonElement;
  go.disabled = !stationId || plans.length < 2;
  go.onclick = () =>
    void (async () => {
      // The button is disabled without a station.
      if (!stationId) return;
      const answer = await planComparison(picked.a, picked.b || picked.a, stationId);
      // The plan in force is named by the server in English: the reader's language names it here.
      const named = (ref: string, name: string) => (ref === 'in-force' ? t('plancompare.in_force') : name);
      current = {
        ...answer,
        names: { a: named(picked.a, answer.names.a), b: named(picked.b || picked.a, answer.names.b) },
      };
      const assignmentOf = async (ref: string) =>
        new Map((await planDetail(ref, stationId)).assignment.map((x) => [x.gridCode, x.beatCode]));
      assignments = { a: await assignmentOf(picked.a), b: await assignmentOf(picked.b || picked.a) };
      showPlanningView();
      draw(map, assignments);
      if (swipeAt !== undefined) await setSwipe(assignments, swipeAt, followDivider);
      window.dispatchEvent(new CustomEvent('gridpatrol:plan-compare'));
      rerender();
    })();
  const out = h(
    'div',
    { class: 'plan-compare', 'data-testid': 'plan-compare' },
    h('strong', {}, t('plancompare.title')),
    h('div', { class: 'buttons' }, 'A ', select('a'), ' B ', select('b'), go),
  );
  if (current) {
    const toggle = h(
      'button',
      { 'data-testid': 'plan-compare-swap' },
      t(shown === 'a' ? 'plancompare.show_b' : 'plancompare.show_a'),
    );
    toggle.onclick = () => {
      shown = shown === 'a' ? 'b' : 'a';
      draw(map, assignments);
      rerender();
    };
    // Swipe: A left of the divider, B right of it; the slider moves the divider.
    const swipe = h('input', { type: 'checkbox', 'data-testid': 'plan-compare-swipe' }) as HTMLInputElement;
    swipe.checked = swipeAt !== undefined;
    const at = h('input', {
      type: 'range',
      min: '5',
      max: '95',
      value: String(Math.round((swipeAt ?? 0.5) * 100)),
      'data-testid': 'plan-compare-swipe-at',
    }) as HTMLInputElement;
    at.disabled = !swipe.checked;
    toggle.disabled = swipe.checked;
    swipe.onchange = () => {
      swipeAt = swipe.checked ? Number(at.value) / 100 : undefined;
      at.disabled = !swipe.checked;
      toggle.disabled = swipe.checked;
      if (swipeAt === undefined) {
        void setSwipe(undefined, undefined);
        draw(map, assignments);
      } else void setSwipe(assignments, 'centre', followDivider);
    };
    at.oninput = () => {
      swipeAt = Number(at.value) / 100;
      void setSwipe(assignments, swipeAt, followDivider);
    };
    out.append(
      h(
        'div',
        { class: 'buttons' },
        toggle,
        h('span', { class: 'muted' }, t('plancompare.moved', { n: current.moved.length })),
      ),
      h('label', { class: 'toggle' }, swipe, t('plancompare.swipe')),
      at,
    );
  }
  return out;
}

/** The two scorecards in two columns (A, B) and the difference coloured (better blue, worse red): a drawer table. */
export function planCompareTable(): HTMLElement | undefined {
  if (!current) return undefined;
  const table = h(
    'table',
    { class: 'compact', 'data-testid': 'plan-compare-table' },
    h(
      'tr',
      {},
      h('th', {}, ''),
      h('th', {}, `A ${current.names.a}`),
      h('th', {}, `B ${current.names.b}`),
      h('th', {}, t('plancompare.diff')),
    ),
  );
  for (const r of compareRows(current)) {
    const d = h('td', {}, r.diff);
    d.style.color = r.colour;
    const b = h('td', {}, r.b);
    if (r.colour !== SAME) b.style.background = `${r.colour}1a`;
    table.append(h('tr', {}, h('td', {}, r.label), h('td', {}, r.a), b, d));
  }
  window.gridpatrol.planCompareRows = ROWS.length;
  return h('div', { class: 'drawer-part' }, h('h4', {}, t('plancompare.title')), table);
}
