import { acceptPlacement, blindSpotCells, blindSpotLines, coverageInBox, type PlacementAnswer } from '../api/client.js';
import { runningJobElement, startJob } from './job-progress.js';
import {
  BLIND_BREAKS,
  BLIND_COLOURS,
  blindSpotCellLayer,
  blindSpotLineLayer,
  proposalLayers,
} from '../analysis/coverage-layers.js';
import { pct } from '../analysis/rate-scale.js';
import { t } from '../i18n/index.js';
import type { MapContext } from '../map/map-context.js';
import type { AppState } from '../state/app-state.js';
import { h, section, swatch } from './dom.js';

/** Blind-spot lines are per road span: only at street zoom, for the box in view. */
const LINES_MIN_ZOOM = 15;

type RowSums = { road: number; seen: number; places: number; placesSeen: number };
const sums = (rows: PlacementAnswer['before']): RowSums =>
  rows.reduce(
    (s, r) => ({
      road: s.road + r.roadMeters,
      seen: s.seen + r.seenMeters,
      places: s.places + r.keyPlaces,
      placesSeen: s.placesSeen + r.keyPlacesSeen,
    }),
    { road: 0, seen: 0, places: 0, placesSeen: 0 },
  );

let placementMessage = '';

function clearProposals(ctx: MapContext): void {
  for (const id of ['proposal-views', 'proposal-sites', 'proposal-ranks']) ctx.setDeckLayer(id, undefined);
  window.gridpatrol.proposedCameras = 0;
}

function drawProposals(ctx: MapContext, answer: PlacementAnswer): void {
  const [views, sites, ranks] = proposalLayers(answer.proposals);
  ctx.setDeckLayer('proposal-views', views);
  ctx.setDeckLayer('proposal-sites', sites);
  ctx.setDeckLayer('proposal-ranks', ranks);
  window.gridpatrol.proposedCameras = answer.proposals.length;
}

async function refreshBlindLines(ctx: MapContext, state: AppState): Promise<void> {
  const { map } = ctx;
  if (!state.showBlindSpots || map.getZoom() < LINES_MIN_ZOOM) {
    ctx.setDeckLayer('blind-spot-lines', undefined);
    return;
  }
  const b = map.getBounds();
  ctx.setDeckLayer(
    'blind-spot-lines',
    blindSpotLineLayer(await blindSpotLines([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()])),
  );
}

/** Once per app: blind-spot lines follow the map. */
export function initBlindSpots(ctx: MapContext, state: AppState): void {
  ctx.map.on('moveend', () => {
    void refreshBlindLines(ctx, state);
  });
}

function beforeAfter(answer: PlacementAnswer): HTMLElement {
  const b = sums(answer.before),
    a = sums(answer.after);
  const rate = (seen: number, all: number) => (all > 0 ? seen / all : null);
  const table = h(
    'table',
    { 'data-testid': 'placement-table' },
    h('tr', {}, h('th', {}, ''), h('th', {}, t('placement.before')), h('th', {}, t('placement.after'))),
    h(
      'tr',
      {},
      h('td', {}, t('coverage.metrics.roadRate')),
      h('td', {}, pct(rate(b.seen, b.road))),
      h('td', { 'data-testid': 'placement-road-after' }, pct(rate(a.seen, a.road))),
    ),
    h(
      'tr',
      {},
      h('td', {}, t('coverage.metrics.keyPlaceRate')),
      h('td', {}, `${b.placesSeen}/${b.places}`),
      h('td', {}, `${a.placesSeen}/${a.places}`),
    ),
  );
  const list = h(
    'table',
    { 'data-testid': 'placement-list' },
    h(
      'tr',
      {},
      h('th', {}, '#'),
      h('th', {}, t('placement.heading')),
      h('th', {}, t('placement.added_road')),
      h('th', {}, t('placement.added_places')),
    ),
  );
  for (const p of answer.proposals) {
    list.append(
      h(
        'tr',
        {},
        h('td', {}, String(p.rank)),
        h('td', {}, `${Math.round(p.headingDeg)}°`),
        h('td', {}, `${p.addedRoadMeters.toFixed(0)} m`),
        h('td', {}, String(p.addedKeyPlaces)),
      ),
    );
  }
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'muted' },
      t('placement.summary', {
        k: answer.proposals.length,
        candidates: answer.candidates,
        seconds: answer.seconds.toFixed(1),
      }),
    ),
    table,
    list,
  );
}

/** 补盲: the blind-spot heat map and a placement proposal for the grids in view, with the rates before and after. */
export function placementSection(ctx: MapContext, state: AppState, rerender: () => void): HTMLElement {
  const blind = h('input', { type: 'checkbox', 'data-testid': 'blind-spots' }) as HTMLInputElement;
  blind.checked = state.showBlindSpots;
  blind.onchange = async () => {
    state.showBlindSpots = blind.checked;
    if (blind.checked && ctx.view() !== 'blindspots') ctx.setView('blindspots');
    if (!blind.checked) {
      ctx.setDeckLayer('blind-spot-cells', undefined);
      window.gridpatrol.blindSpotCells = 0;
    } else {
      const cells = await blindSpotCells();
      ctx.setDeckLayer('blind-spot-cells', blindSpotCellLayer(cells));
      window.gridpatrol.blindSpotCells = cells.length;
    }
    await refreshBlindLines(ctx, state);
  };
  const legend = h(
    'div',
    { class: 'legend scale', 'data-testid': 'blind-scale' },
    t('placement.blind_legend'),
    ...BLIND_COLOURS.map((c, i) =>
      h('span', { class: 'item' }, swatch(`rgb(${c.join(',')})`, 'fill'), `≥${BLIND_BREAKS[i] ?? 0}`),
    ),
  );

  const k = h('input', {
    type: 'number',
    min: '1',
    max: '50',
    value: String(state.placementK),
    'data-testid': 'placement-k',
  }) as HTMLInputElement;
  const kind = h('select', { 'data-testid': 'placement-type' }) as HTMLSelectElement;
  for (const c of ['bullet', 'dome'] as const) kind.append(h('option', { value: c }, t(`placement.types.${c}`)));
  // The message outlives a re-render of the sidebar (a zoom reloading cells re-renders it).
  const status = h('p', { class: 'muted', 'data-testid': 'placement-status' }, placementMessage);
  const say = (text: string) => {
    placementMessage = text;
    status.textContent = text;
  };
  const run = h('button', { 'data-testid': 'placement-run' }, t('placement.run'));
  const accept = h('button', { 'data-testid': 'placement-accept' }, t('placement.accept')) as HTMLButtonElement;
  const clear = h('button', {}, t('coverage.clear'));
  accept.disabled = !state.placement;
  run.onclick = async () => {
    say(t('placement.running'));
    if (ctx.view() !== 'blindspots') ctx.setView('blindspots');
    const b = ctx.map.getBounds();
    const inView = await coverageInBox([b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
    const codes = inView.rows.map((r) => r.areaId).slice(0, 500);
    state.placementK = Math.min(50, Math.max(1, Number(k.value) || 10));
    const dome = kind.value === 'dome';
    // A job with a progress bar and cancel; the answer lands in the state even if the panel was closed meanwhile.
    status.after(
      startJob<PlacementAnswer>(
        'placement',
        {
          area: 'grid',
          k: state.placementK,
          codes,
          camera: dome
            ? { cameraType: 'dome', rangeM: 40, fovDeg: 360 }
            : { cameraType: 'bullet', rangeM: 60, fovDeg: 60 },
        },
        {
          onResult: (answer) => {
            state.placement = answer;
            placementMessage = '';
            drawProposals(ctx, answer);
            rerender();
          },
          onError: (message) => {
            placementMessage = message;
            rerender();
          },
        },
      ),
    );
  };
  accept.onclick = async () => {
    if (!state.placement) return;
    const created = await acceptPlacement(state.placement.proposals);
    say(t('placement.accepted', { n: created.features.length }));
    state.placement = undefined;
    clearProposals(ctx);
    accept.disabled = true;
  };
  clear.onclick = () => {
    state.placement = undefined;
    clearProposals(ctx);
    rerender();
  };
  return section(
    'placement',
    t('placement.title'),
    state.openSections,
    h('label', { class: 'toggle' }, blind, t('placement.blind_spots')),
    legend,
    h('label', { class: 'row' }, t('placement.k'), k),
    h('label', { class: 'row' }, t('placement.type'), kind),
    h('div', { class: 'buttons' }, run, ...(state.role === 'planner' ? [accept] : []), clear),
    status,
    runningJobElement('placement') ?? '',
    state.placement ? beforeAfter(state.placement) : h('div'),
  );
}
