import { bbox } from '@turf/turf';
import type { FeatureCollection } from 'geojson';
import type { ExpressionSpecification, Map as MapLibreMap } from 'maplibre-gl';
import { getJson } from '../api/client.js';
import { t } from '../i18n/index.js';
import { DRAFT_BEAT_PALETTE } from '../map/style.js';
import { drawerFitPadding } from './drawer.js';

/**
 * The compare view's swipe: plan A left of a divider, plan B right of it, on the one map. A grid is on the side its
 * centre (the middle of its box) is on, so each grid shows one plan whole; moving the divider or the map redraws.
 * The divider is dragged with the pointer (mouse, pen or finger) or moved with the arrow keys when focused.
 */
export const SWIPE_B_LAYER = 'plan-compare-fill-b';
const NONE: ExpressionSpecification = ['==', ['get', 'code'], '\u0000'];

/** Grid code → its box [west, south, east, north]. */
let boxes: Map<string, [number, number, number, number]> | undefined;
let centres: Map<string, number> | undefined;
let divider: HTMLElement | undefined;
/** Two plans (grid code → beat code) on the map, A left of the divider. */
export interface SwipePlans {
  a: Map<string, string>;
  b: Map<string, string>;
  /** Beat codes in the order their colours are taken from the palette (default: sorted), to match a table's swatches. */
  order?: { a?: readonly string[]; b?: readonly string[] };
}
/** The divider's bounds (fraction of the map's width) and the step of one arrow key press. */
const MIN_AT = 0.05,
  MAX_AT = 0.95,
  KEY_STEP = 0.02;
let state: (SwipePlans & { fraction: number; onMove?: (fraction: number) => void }) | undefined;
let mapRef: MapLibreMap | undefined;

export function initPlanSwipe(map: MapLibreMap): void {
  mapRef = map;
  map.addLayer({
    id: SWIPE_B_LAYER,
    type: 'fill',
    source: 'grids',
    'source-layer': 'grids',
    filter: NONE,
    paint: { 'fill-color': '#ccc', 'fill-opacity': 0.7 },
  });
  divider = document.createElement('div');
  divider.className = 'swipe-divider';
  divider.dataset.testid = 'plan-swipe-divider';
  divider.hidden = true;
  divider.tabIndex = 0;
  divider.setAttribute('role', 'separator');
  divider.setAttribute('aria-orientation', 'vertical');
  divider.setAttribute('aria-valuemin', String(MIN_AT * 100));
  divider.setAttribute('aria-valuemax', String(MAX_AT * 100));
  listenForDrag(divider, map);
  map.getContainer().append(divider);
  map.on('move', () => {
    if (state) draw();
  });
  window.gridpatrol.renderedCodesAt = (id, x, y) =>
    map.getLayer(id)
      ? [...new Set(map.queryRenderedFeatures([x, y], { layers: [id] }).map((f) => String(f.properties.code)))]
      : [];
  window.gridpatrol.swipeDividerX = () => {
    if (!divider || divider.hidden) return Number.NaN;
    const r = divider.getBoundingClientRect();
    const m = map.getContainer().getBoundingClientRect();
    return r.left + r.width / 2 - m.left;
  };
  window.gridpatrol.renderedCodes = (id) =>
    map.getLayer(id)
      ? [...new Set(map.queryRenderedFeatures({ layers: [id] }).map((f) => String(f.properties.code)))]
      : [];
}

/** Grid code → its box [west, south, east, north], loaded once (shared with the planning tables' fly-to and labels). */
export async function gridBoxes(): Promise<Map<string, [number, number, number, number]>> {
  await gridCentres();
  return boxes ?? new Map();
}

/** Grid code → longitude of its box's middle, loaded once. */
async function gridCentres(): Promise<Map<string, number>> {
  if (centres) return centres;
  const fc = await getJson<FeatureCollection>('/api/v1/grids?limit=10000');
  centres = new Map();
  boxes = new Map();
  for (const f of fc.features) {
    const [w, south, e, n] = bbox(f);
    const b: [number, number, number, number] = [w, south, e, n];
    centres.set(String(f.properties?.code), (b[0] + b[2]) / 2);
    boxes.set(String(f.properties?.code), b);
  }
  return centres;
}

/**
 * Drag with pointer capture (the divider keeps the pointer when it runs ahead over the map, and the map does not pan:
 * the divider sits beside MapLibre's canvas container, outside its handlers); arrow keys step it, Home/End go to the ends.
 */
function listenForDrag(el: HTMLElement, map: MapLibreMap): void {
  const moveTo = (fraction: number) => {
    if (!state) return;
    state.fraction = Math.min(MAX_AT, Math.max(MIN_AT, fraction));
    draw();
    state.onMove?.(state.fraction);
  };
  el.addEventListener('pointerdown', (e) => {
    if (!state) return;
    e.preventDefault();
    el.setPointerCapture(e.pointerId);
    el.classList.add('dragging');
  });
  el.addEventListener('pointermove', (e) => {
    if (!el.hasPointerCapture(e.pointerId)) return;
    const r = map.getContainer().getBoundingClientRect();
    moveTo((e.clientX - r.left) / r.width);
  });
  const end = (e: PointerEvent) => {
    if (el.hasPointerCapture(e.pointerId)) el.releasePointerCapture(e.pointerId);
    el.classList.remove('dragging');
  };
  el.addEventListener('pointerup', end);
  el.addEventListener('pointercancel', end);
  el.addEventListener('keydown', (e) => {
    if (!state) return;
    const to =
      e.key === 'ArrowLeft'
        ? state.fraction - KEY_STEP
        : e.key === 'ArrowRight'
          ? state.fraction + KEY_STEP
          : e.key === 'Home'
            ? MIN_AT
            : e.key === 'End'
              ? MAX_AT
              : undefined;
    if (to === undefined) return;
    e.preventDefault();
    moveTo(to);
  });
}

/**
 * Fill colour of grids `codes` by their beat in `plan` (grid → beat), the beats taking the palette in `order`
 * (default: sorted); the compare's single-plan view and both sides of the swipe draw with it.
 */
export function planFill(
  plan: ReadonlyMap<string, string>,
  codes: readonly string[],
  order?: readonly string[],
): ExpressionSpecification | string {
  if (codes.length === 0) return '#ccc';
  const beats = order ?? [...new Set(plan.values())].sort();
  const match: unknown[] = ['match', ['get', 'code']];
  for (const g of codes)
    match.push(g, DRAFT_BEAT_PALETTE[beats.indexOf(plan.get(g) ?? '') % DRAFT_BEAT_PALETTE.length] ?? '#ccc');
  match.push('#ccc');
  // A `match` built at run time: its length is not a tuple type MapLibre's expression typing can check.
  return match as unknown as ExpressionSpecification;
}

function draw(): void {
  const map = mapRef;
  if (!map || !state || !centres || !map.getLayer('plan-compare-fill')) return;
  const { width, height } = map.getContainer().getBoundingClientRect();
  const x = width * state.fraction;
  const lon = map.unproject([x, height / 2]).lng;
  const c = centres;
  const left = [...state.a.keys()].filter((g) => (c.get(g) ?? Infinity) < lon);
  const right = [...state.b.keys()].filter((g) => (c.get(g) ?? -Infinity) >= lon);
  map.setPaintProperty('plan-compare-fill', 'fill-color', planFill(state.a, left, state.order?.a));
  map.setFilter('plan-compare-fill', left.length ? ['in', ['get', 'code'], ['literal', left]] : NONE);
  map.setPaintProperty(SWIPE_B_LAYER, 'fill-color', planFill(state.b, right, state.order?.b));
  map.setFilter(SWIPE_B_LAYER, right.length ? ['in', ['get', 'code'], ['literal', right]] : NONE);
  if (divider) {
    divider.hidden = false;
    divider.style.left = `${x}px`;
    divider.setAttribute('aria-valuenow', String(Math.round(state.fraction * 100)));
    divider.setAttribute('aria-label', t('plancompare.divider'));
  }
  window.gridpatrol.planSwipeLon = lon;
}

/**
 * Swipe on (A left, B right of `fraction` of the map's width) or off (undefined: the single-plan view comes back).
 * `'centre'` puts the divider through the middle of the two plans' grids as fitted on screen (or leaves it where it is
 * when the swipe is already on). `onMove` hears where the divider was put, dragged or stepped to (the owner's slider
 * follows it).
 */
export async function setSwipe(
  assignments: SwipePlans | undefined,
  fraction: number | 'centre' | undefined,
  onMove?: (fraction: number) => void,
): Promise<void> {
  if (!assignments || fraction === undefined) {
    state = undefined;
    if (divider) divider.hidden = true;
    mapRef?.setFilter(SWIPE_B_LAYER, NONE);
    window.gridpatrol.planSwipeLon = Number.NaN;
    return;
  }
  await gridCentres();
  const first = state === undefined;
  const was = state?.fraction ?? 0.5;
  state = { ...assignments, fraction: fraction === 'centre' ? was : fraction, ...(onMove ? { onMove } : {}) };
  // Turned on: the two plans' grids in view (right of the sidebar), so the divider crosses them.
  const all = [...new Set([...assignments.a.keys(), ...assignments.b.keys()])]
    .map((g) => boxes?.get(g))
    .filter((b): b is [number, number, number, number] => b !== undefined);
  const map = mapRef;
  if (all.length && map) {
    const w = Math.min(...all.map((b) => b[0])),
      e = Math.max(...all.map((b) => b[2]));
    if (first)
      map.fitBounds(
        [
          [w, Math.min(...all.map((b) => b[1]))],
          [e, Math.max(...all.map((b) => b[3]))],
        ],
        { padding: drawerFitPadding(), duration: 0 },
      );
    if (fraction === 'centre' && first) {
      const x = map.project([(w + e) / 2, map.getCenter().lat]).x;
      const width = map.getContainer().getBoundingClientRect().width;
      state.fraction = Math.min(MAX_AT, Math.max(MIN_AT, x / width));
    }
  }
  draw();
  state.onMove?.(state.fraction);
}
