import { BLIND_BREAKS, BLIND_COLOURS } from '../analysis/coverage-layers.js';
import { HOTSPOT_BINS, HOTSPOT_COLOURS } from '../analysis/hotspot-layers.js';
import { pct, RATE_BREAKS, RATE_COLOURS } from '../analysis/rate-scale.js';
import { t } from '../i18n/index.js';
import { LAYER_TOGGLES } from '../layers/catalog.js';
import { COUNT_BREAKS, COUNT_COLOURS } from '../layers/incident-layers.js';
import { VIEWS, type ViewId } from '../layers/views.js';
import { CAMERA_STATUS_COLOURS, GRADE_COLOURS } from '../map/style.js';
import type { AppState } from '../state/app-state.js';
import { h, swatch } from './dom.js';
import { MINUTE_CLASSES, UNREACHED } from './reach-panel.js';
import { MISSED_CLASSES, xueliangColouring } from './xueliang-report.js';

const rgb = (c: readonly number[]) => `rgb(${c.join(',')})`;
export type LegendItem = [colour: string, shape: 'fill' | 'line' | 'dot', label: string];

/** The items of a view's legend, from the same constants the layers are drawn with (the map and the PDF briefing). */
export function legendOf(view: ViewId, state: AppState): { title: string; items: LegendItem[]; note?: string } {
  switch (view) {
    case 'reference':
      return {
        title: t('layers.title'),
        items: LAYER_TOGGLES.filter(
          (l) => state.visible.has(l.id) && l.id !== 'heatmap' && l.id !== 'hexagons',
        ).flatMap((l) =>
          l.legend.map(
            (i): LegendItem => [
              i.colour,
              i.shape,
              i.label === 'legend.station_colour' ? t('legend.station_colour') : t(i.label),
            ],
          ),
        ),
      };
    case 'incidents':
      return {
        title: t('legend.count_per_cell'),
        items: COUNT_COLOURS.map((c, i): LegendItem => [rgb(c), 'fill', `≥ ${COUNT_BREAKS[i]}`]),
        note: state.visible.has('heatmap') ? t('views.heat_note') : undefined,
      };
    case 'hotspots':
      return {
        title: t('incidents.hotspot_legend'),
        items: HOTSPOT_BINS.map(
          (b): LegendItem => [rgb(HOTSPOT_COLOURS[b] ?? [0, 0, 0]), 'fill', t(`incidents.bins.${b}`)],
        ),
        note: state.hotspots ? undefined : t('views.not_run'),
      };
    case 'grades': {
      const counts = new Map<string, number>();
      for (const g of state.grades ?? []) counts.set(g.grade, (counts.get(g.grade) ?? 0) + 1);
      return {
        title: t('views.hint.grades'),
        items: (['red', 'yellow', 'blue', 'green'] as const)
          .filter((g) => g !== 'blue' || counts.has('blue'))
          .map(
            (g): LegendItem => [
              GRADE_COLOURS[g],
              'fill',
              `${t(`incidents.grade_names.${g}`)}${state.grades ? ` · ${counts.get(g) ?? 0}` : ''}`,
            ],
          ),
        note: state.grades ? undefined : t('views.not_run'),
      };
    }
    case 'coverage': {
      const metric = state.coverage?.metric ?? 'weightedRoadRate';
      const rates = RATE_COLOURS.map((c, i): LegendItem => [c, 'fill', `≥ ${pct(RATE_BREAKS[i] ?? 0, 0)}`]);
      const views: LegendItem[] = state.showCameraViews
        ? (['working', 'faulty', 'offline'] as const).map(
            (s): LegendItem => [CAMERA_STATUS_COLOURS[s], 'fill', `${t('coverage.views')} · ${t(`legend.${s}`)}`],
          )
        : [];
      return {
        title: t(`coverage.metrics.${metric}`),
        items: [...rates, ...views],
        note: state.coverage ? undefined : t('views.not_run'),
      };
    }
    case 'blindspots':
      return {
        title: t('placement.blind_legend'),
        items: [
          ...BLIND_COLOURS.map((c, i): LegendItem => [rgb(c), 'fill', `≥ ${BLIND_BREAKS[i] ?? 0}`]),
          ['rgb(63,0,125)', 'line', t('views.unseen_road')],
          ['rgb(30,64,175)', 'dot', t('views.proposed_camera')],
        ],
        note: state.showBlindSpots || state.placement ? undefined : t('views.not_run'),
      };
    case 'reach':
      return {
        title: t('reach.legend'),
        items: [
          ...MINUTE_CLASSES.map(
            (c, i): LegendItem => [
              rgb(c.colour),
              'line',
              i < 3 ? `≤ ${c.upTo} ${t('reach.min')}` : `> 5 ${t('reach.min')}`,
            ],
          ),
          [rgb(UNREACHED), 'line', t('reach.unreached')],
        ],
        note: state.reach ? undefined : t('views.not_run'),
      };
    case 'planning':
      return {
        title: t('views.planning'),
        items: [
          ['#f97316', 'fill', t('views.cut_grid')],
          ['#15803d', 'line', t('views.align_beat')],
          ['#b2182b', 'line', t('views.moved_grid')],
        ],
        note: t('views.draft_note'),
      };
    default: {
      const never: never = view;
      return never;
    }
  }
}

/** The classes of the 雪亮 report's areas (targets missed), from the constants the fill is drawn with. */
export function xueliangLegendItems(): LegendItem[] {
  return MISSED_CLASSES.map((c, i): LegendItem => {
    const next = MISSED_CLASSES[i + 1];
    const label =
      c.missedFrom === 0
        ? t('xueliang.map_legend.met')
        : next
          ? t('xueliang.map_legend.range', { from: c.missedFrom, to: next.missedFrom - 1 })
          : t('xueliang.map_legend.from', { from: c.missedFrom });
    return [c.colour, 'fill', label];
  });
}

/** The legend box on the map: the active view's name, its classes, and the reference layers under it. */
export function renderLegend(el: HTMLElement, view: ViewId, state: AppState): void {
  const { title, items: list, note } = legendOf(view, state);
  const reference = LAYER_TOGGLES.filter(
    (l) => state.visible.has(l.id) && ['admin', 'grids', 'beats', 'stations'].includes(l.id),
  ).map((l) => t(l.label));
  el.replaceChildren(
    h('h2', {}, t(VIEWS[view].label)),
    h('p', { class: 'muted' }, title),
    h(
      'ul',
      { 'data-testid': 'legend-items' },
      ...list.map(([colour, shape, label]) => h('li', {}, swatch(colour, shape), label)),
    ),
    ...(note ? [h('p', { class: 'muted' }, note)] : []),
    // The report's areas are drawn over every view while its section is open: their colours are explained then.
    ...(xueliangColouring()
      ? [
          h(
            'div',
            { class: 'xueliang-legend', 'data-testid': 'legend-xueliang' },
            h('p', { class: 'muted' }, t('xueliang.map_legend.title')),
            h(
              'ul',
              {},
              ...xueliangLegendItems().map(([colour, shape, label]) =>
                h('li', { 'data-colour': colour }, swatch(colour, shape), label),
              ),
            ),
          ),
        ]
      : []),
    ...(view !== 'reference' && reference.length
      ? [h('p', { class: 'muted ref' }, t('views.reference_under', { layers: reference.join(' · ') }))]
      : []),
  );
  el.dataset.view = view;
}
