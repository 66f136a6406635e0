import { bbox } from '@turf/turf';
import type { FeatureCollection } from 'geojson';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { panelPadding } from './map.js';

/** The import wizard's rows on the map: a temporary GeoJSON source over the basemap and every layer. */
export const PREVIEW_SOURCE = 'import-preview';
export const PREVIEW_LAYERS = ['import-preview-fill', 'import-preview-line', 'import-preview-point'] as const;
// Magenta with a dark rim: apart from the posts' purple, the cameras' green/amber/red and the incident reds.
const COLOUR = '#d946ef';

function ensure(map: MapLibreMap): GeoJSONSource {
  const have = map.getSource<GeoJSONSource>(PREVIEW_SOURCE);
  if (have) return have;
  map.addSource(PREVIEW_SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: 'import-preview-fill',
    type: 'fill',
    source: PREVIEW_SOURCE,
    filter: ['==', ['geometry-type'], 'Polygon'],
    paint: { 'fill-color': COLOUR, 'fill-opacity': 0.25 },
  });
  map.addLayer({
    id: 'import-preview-line',
    type: 'line',
    source: PREVIEW_SOURCE,
    filter: ['!=', ['geometry-type'], 'Point'],
    paint: { 'line-color': COLOUR, 'line-width': 2 },
  });
  map.addLayer({
    id: 'import-preview-point',
    type: 'circle',
    source: PREVIEW_SOURCE,
    filter: ['==', ['geometry-type'], 'Point'],
    paint: { 'circle-color': COLOUR, 'circle-radius': 7, 'circle-stroke-color': '#111827', 'circle-stroke-width': 2 },
  });
  // deck.gl's interleaved layers and later views' layers are added on top: keep the rows above them all.
  map.on('idle', () => {
    const order = map.getLayersOrder();
    if (order[order.length - 1] !== 'import-preview-point') for (const id of PREVIEW_LAYERS) map.moveLayer(id);
  });
  return map.getSource<GeoJSONSource>(PREVIEW_SOURCE) as GeoJSONSource;
}

/** [minLon, minLat, maxLon, maxLat] of every position in the collection; undefined when it has none. */
export function boundsOf(fc: FeatureCollection): [number, number, number, number] | undefined {
  const b = bbox(fc);
  return Number.isFinite(b[0]) ? [b[0], b[1], b[2], b[3]] : undefined;
}

/** Padding that keeps the rows clear of the sidebar, the summary above the map and the time bar below it. */
function clearOfPanels(): { left: number; top: number; right: number; bottom: number } {
  const pad = panelPadding();
  if (window.innerWidth <= 900) return pad;
  const summary = document.getElementById('summary')?.getBoundingClientRect();
  const bar = document.getElementById('time-bar')?.getBoundingClientRect();
  return {
    left: pad.left + 40,
    right: pad.right + 40,
    top: Math.max(pad.top, (summary?.bottom ?? 0) + 30),
    bottom: Math.max(pad.bottom, bar?.height ? window.innerHeight - bar.top + 30 : 0),
  };
}

/** Draws the rows (none: clears them) and fits the map to them, clear of the sidebar. */
export function showImportPreview(map: MapLibreMap, fc: FeatureCollection | undefined): void {
  ensure(map).setData(fc ?? { type: 'FeatureCollection', features: [] });
  // Above everything drawn since (a view's layers are added later than the wizard's first preview).
  for (const id of PREVIEW_LAYERS) map.moveLayer(id);
  const b = fc && boundsOf(fc);
  if (!b) return;
  const pad = clearOfPanels();
  if (b[0] === b[2] && b[1] === b[3]) map.flyTo({ center: [b[0], b[1]], zoom: 16, padding: pad });
  else map.fitBounds(b, { padding: pad, maxZoom: 17 });
}
