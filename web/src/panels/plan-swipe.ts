import type { FeatureCollection } from 'geojson';
import type { ExpressionSpecification, Map as MapLibreMap } from 'maplibre-gl';
import { getJson } from '../api/client.js';
import { DRAFT_BEAT_PALETTE } from '../map/style.js';

/**
 * The compare view's swipe: plan A left of a divider, plan B right of it, on the one map. A grid is on the side its
 * centre (the middle of its box) is on, so each grid shows one plan whole; moving the divider or the map redraws.
 */
export const SWIPE_B_LAYER = 'plan-compare-fill-b';
const NONE: ExpressionSpecification = ['==', ['get', 'code'], '\u0000'];

/** Grid code → its box [west, south, east, north]. */
let boxes: Map<string, [number, number, number, number]> | undefined;
let centres: Map<string, number> | undefined;
let divider: HTMLElement | undefined;
let state: { a: Map<string, string>; b: Map<string, string>; fraction: number } | undefined;
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
    const b: [number, number, number, number] = [Infinity, Infinity, -Infinity, -Infinity];
    const walk = (c: unknown): void => {
      if (Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number') {
        b[0] = Math.min(b[0], c[0]);
        b[1] = Math.min(b[1], c[1]);
        b[2] = Math.max(b[2], c[0]);
        b[3] = Math.max(b[3], c[1]);
      } else if (Array.isArray(c)) for (const x of c) walk(x);
    };
    if (f.geometry && 'coordinates' in f.geometry) walk(f.geometry.coordinates);
    centres.set(String(f.properties?.code), (b[0] + b[2]) / 2);
    boxes.set(String(f.properties?.code), b);
  }
  return centres;
}

function colours(plan: Map<string, string>, codes: string[]): ExpressionSpecification | string {
  if (codes.length === 0) return '#ccc';
  const beats = [...new Set(plan.values())].sort();
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
  map.setPaintProperty('plan-compare-fill', 'fill-color', colours(state.a, left));
  map.setFilter('plan-compare-fill', left.length ? ['in', ['get', 'code'], ['literal', left]] : NONE);
  map.setPaintProperty(SWIPE_B_LAYER, 'fill-color', colours(state.b, right));
  map.setFilter(SWIPE_B_LAYER, right.length ? ['in', ['get', 'code'], ['literal', right]] : NONE);
  if (divider) {
    divider.hidden = false;
    divider.style.left = `${x}px`;
  }
  window.gridpatrol.planSwipeLon = lon;
}

/** Swipe on (A left, B right of `fraction` of the map's width) or off (undefined: the single-plan view comes back). */
export async function setSwipe(
  assignments: { a: Map<string, string>; b: Map<string, string> } | undefined,
  fraction: number | undefined,
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
  state = { ...assignments, fraction };
  // Turned on: the two plans' grids in view (right of the sidebar), so the divider crosses them.
  const all = [...new Set([...assignments.a.keys(), ...assignments.b.keys()])]
    .map((g) => boxes?.get(g))
    .filter((b): b is [number, number, number, number] => b !== undefined);
  if (first && all.length && mapRef) {
    mapRef.fitBounds(
      [
        [Math.min(...all.map((b) => b[0])), Math.min(...all.map((b) => b[1]))],
        [Math.max(...all.map((b) => b[2])), Math.max(...all.map((b) => b[3]))],
      ],
      { padding: { top: 40, bottom: 40, left: 340, right: 40 }, duration: 0 },
    );
  }
  draw();
}
