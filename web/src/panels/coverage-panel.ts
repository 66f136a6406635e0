import { cameraViews, coverage, findFeatures, namesByCode, type CoverageArea } from '../api/client.js';
import { cameraViewLayer } from '../analysis/coverage-layers.js';
import { pct, RATE_BREAKS, RATE_COLOURS, rateColour } from '../analysis/rate-scale.js';
import { t } from '../i18n/index.js';
import { flyToFeature } from '../map/map.js';
import type { MapContext } from '../map/map-context.js';
import type { AppState, CoverageMetric } from '../state/app-state.js';
import { h, section, swatch } from './dom.js';

/** Where each kind of area is drawn: the fill layer coloured by feature-state, its source and source-layer. */
const AREA_LAYERS: Record<
  CoverageArea,
  { layer: string; source: string; sourceLayer: string; api: 'grids' | 'beats' | 'admin-areas' }
> = {
  grid: { layer: 'rate-grids', source: 'grids', sourceLayer: 'grids', api: 'grids' },
  beat: { layer: 'rate-beats', source: 'beats', sourceLayer: 'beats', api: 'beats' },
  community: { layer: 'rate-communities', source: 'basemap', sourceLayer: 'admin', api: 'admin-areas' },
};
const METRICS: readonly CoverageMetric[] = [
  'weightedRoadRate',
  'roadRate',
  'keyPlaceRate',
  'schoolRate',
  'groundRate',
  'workingRate',
  'networkedRate',
];
/** The 雪亮 target each metric is read against (open ground has none: it is context, not a target). */
const TARGET: Record<CoverageMetric, 'roadCoverage' | 'keyPlaceCoverage' | 'workingRate' | 'networkedRate' | null> = {
  weightedRoadRate: 'roadCoverage',
  roadRate: 'roadCoverage',
  keyPlaceRate: 'keyPlaceCoverage',
  schoolRate: 'keyPlaceCoverage',
  groundRate: null,
  workingRate: 'workingRate',
  networkedRate: 'networkedRate',
};
/** View polygons are computed per request: only for a street-level view. */
const VIEWS_MIN_ZOOM = 15;
const MAX_VIEW_BOX_DEG = 0.05;

/** Colours the areas of the last analysis by the chosen rate (feature-state keyed by area code). */
export function applyCoverage(ctx: MapContext, state: AppState): void {
  const { map } = ctx;
  for (const a of Object.values(AREA_LAYERS)) {
    map.removeFeatureState({ source: a.source, sourceLayer: a.sourceLayer });
    map.setLayoutProperty(a.layer, 'visibility', 'none');
  }
  window.gridpatrol.ratedAreas = 0;
  const cov = state.coverage;
  if (!cov) return;
  const where = AREA_LAYERS[cov.answer.area];
  for (const r of cov.answer.rows) {
    const rate = r[cov.metric];
    // No schools or no cameras in an area: no rate, left uncoloured rather than shown as 0 %.
    if (rate !== null)
      map.setFeatureState({ source: where.source, sourceLayer: where.sourceLayer, id: r.areaId }, { rate });
  }
  map.setLayoutProperty(where.layer, 'visibility', ctx.view() === 'coverage' ? 'visible' : 'none');
  window.gridpatrol.ratedAreas = cov.answer.rows.length;
}

/** Loads the occluded camera views of the view box when zoomed in far enough, or drops them. */
async function refreshCameraViews(ctx: MapContext, state: AppState, status: HTMLElement): Promise<void> {
  const { map } = ctx;
  if (!state.showCameraViews || map.getZoom() < VIEWS_MIN_ZOOM) {
    ctx.setDeckLayer('camera-views', undefined);
    window.gridpatrol.cameraViews = 0;
    status.textContent = state.showCameraViews ? t('coverage.zoom_in', { zoom: VIEWS_MIN_ZOOM }) : '';
    return;
  }
  const b = map.getBounds();
  const cx = (b.getWest() + b.getEast()) / 2,
    cy = (b.getSouth() + b.getNorth()) / 2,
    r = MAX_VIEW_BOX_DEG / 2;
  const box = [
    Math.max(b.getWest(), cx - r),
    Math.max(b.getSouth(), cy - r),
    Math.min(b.getEast(), cx + r),
    Math.min(b.getNorth(), cy + r),
  ];
  const fc = await cameraViews(box);
  ctx.setDeckLayer('camera-views', cameraViewLayer(fc));
  window.gridpatrol.cameraViews = fc.features.length;
  window.gridpatrol.cameraViewsBox = box;
  status.textContent = t('coverage.views_shown', { count: fc.features.length });
}

/** Once per app: camera views follow the map. */
export function initCoverage(ctx: MapContext, state: AppState): { refreshViews(status: HTMLElement): Promise<void> } {
  let status: HTMLElement = h('span');
  ctx.map.on('moveend', () => {
    void refreshCameraViews(ctx, state, status);
  });
  return {
    refreshViews: (s) => {
      status = s;
      return refreshCameraViews(ctx, state, s);
    },
  };
}

function legend(metric: CoverageMetric): HTMLElement {
  return h(
    'div',
    { class: 'legend scale', 'data-testid': 'rate-scale' },
    t(`coverage.metrics.${metric}`),
    ...RATE_COLOURS.map((c, i) => h('span', { class: 'item' }, swatch(c, 'fill'), `≥${pct(RATE_BREAKS[i] ?? 0, 0)}`)),
  );
}

function worstTable(ctx: MapContext, state: AppState): HTMLElement {
  const cov = state.coverage;
  if (!cov) return h('div');
  const { metric, answer, names } = cov;
  const targetKey = TARGET[metric];
  const target = targetKey ? answer.targets[targetKey] : null;
  const rated = answer.rows.flatMap((r) => {
    const v = r[metric];
    return v === null ? [] : [{ r, v }];
  });
  const below = target === null ? 0 : rated.filter((x) => x.v < target).length;
  const mean = rated.reduce((s, x) => s + x.v, 0) / Math.max(1, rated.length);
  const worst = [...rated].sort((a, b) => a.v - b.v).slice(0, 8);
  const table = h('table', { 'data-testid': 'coverage-table' });
  for (const { r, v } of worst) {
    const row = h(
      'tr',
      { class: 'link' },
      h('td', {}, names.get(r.areaId) ?? r.areaId),
      h('td', {}, swatch(rateColour(v), 'fill'), ` ${pct(v)}`),
      h('td', {}, `${r.cameras}`),
    );
    row.onclick = async () => {
      const hit = (await findFeatures(AREA_LAYERS[answer.area].api, 'code', r.areaId)).features[0];
      if (hit) flyToFeature(ctx.map, hit);
    };
    table.append(row);
  }
  return h(
    'div',
    {},
    h(
      'p',
      { 'data-testid': 'coverage-summary' },
      target === null
        ? t('coverage.summary_no_target', { count: rated.length, mean: pct(mean) })
        : t('coverage.summary', { count: rated.length, mean: pct(mean), target: pct(target, 0), below }),
    ),
    h(
      'table',
      {},
      h(
        'tr',
        {},
        h('td', {}, t('coverage.lowest')),
        h('td', {}, t(`coverage.metrics.${metric}`)),
        h('td', {}, t('figures.cameras')),
      ),
    ),
    table,
  );
}

/** The 视频覆盖 section: rates per grid / beat / community against the 雪亮 targets, and camera view sectors. */
export function coverageSection(
  ctx: MapContext,
  state: AppState,
  views: { refreshViews(s: HTMLElement): Promise<void> },
  rerender: () => void,
): HTMLElement {
  const area = h('select', { 'data-testid': 'coverage-area' }) as HTMLSelectElement;
  for (const a of ['community', 'grid', 'beat'] as const)
    area.append(h('option', { value: a }, t(`coverage.areas.${a}`)));
  area.value = state.coverage?.answer.area ?? 'community';
  const metric = h('select', { 'data-testid': 'coverage-metric' }) as HTMLSelectElement;
  for (const m of METRICS) metric.append(h('option', { value: m }, t(`coverage.metrics.${m}`)));
  metric.value = state.coverage?.metric ?? 'weightedRoadRate';
  const status = h('p', { class: 'muted', 'data-testid': 'coverage-status' });
  const run = h('button', { 'data-testid': 'coverage-run' }, t('coverage.run'));
  run.onclick = async () => {
    status.textContent = t('coverage.running');
    const chosen = area.value as CoverageArea;
    const [answer, names] = await Promise.all([
      coverage(chosen),
      namesByCode(AREA_LAYERS[chosen].api, chosen === 'community' ? { level: 'community' } : {}),
    ]);
    state.coverage = { answer, metric: metric.value as CoverageMetric, names };
    // One thematic view at a time: the coverage view hides the heat map, grades and the rest (its restore colours).
    ctx.setView('coverage');
    rerender();
  };
  const clear = h('button', {}, t('coverage.clear'));
  clear.onclick = () => {
    state.coverage = undefined;
    applyCoverage(ctx, state);
    rerender();
  };
  metric.onchange = () => {
    if (!state.coverage) return;
    state.coverage.metric = metric.value as CoverageMetric;
    applyCoverage(ctx, state);
    rerender();
  };
  const viewsBox = h('input', { type: 'checkbox', 'data-testid': 'camera-views' }) as HTMLInputElement;
  viewsBox.checked = state.showCameraViews;
  const viewsStatus = h('span', { class: 'muted' });
  viewsBox.onchange = () => {
    state.showCameraViews = viewsBox.checked;
    if (viewsBox.checked && ctx.view() !== 'coverage') ctx.setView('coverage');
    void views.refreshViews(viewsStatus);
  };
  void views.refreshViews(viewsStatus);
  return section(
    'coverage',
    t('coverage.title'),
    state.openSections,
    h('label', { class: 'row' }, t('coverage.area'), area),
    h('label', { class: 'row' }, t('coverage.metric'), metric),
    h('div', { class: 'buttons' }, run, clear),
    status,
    legend(metric.value as CoverageMetric),
    worstTable(ctx, state),
    h('label', { class: 'toggle' }, viewsBox, t('coverage.views')),
    viewsStatus,
  );
}
