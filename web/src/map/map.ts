import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Feature, Geometry } from 'geojson';
import { Map as MapLibreMap, NavigationControl, type GeoJSONSource, ScaleControl, setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import 'maplibre-gl/dist/maplibre-gl.css';
import { tileJson } from '../api/client.js';
import { buildStyle } from './style.js';

export interface MapHandle {
  map: MapLibreMap;
  overlay: MapLibreOverlay;
}

/** Keeps fitted areas clear of the sidebar (300 px wide at the left). */
export const SIDEBAR_PADDING = { left: 320, top: 20, right: 20, bottom: 20 } as const;

/**
 * Padding that keeps a fitted area clear of the panels as laid out now: the sidebar at the left on a wide screen;
 * below 900 px (styles.css) the summary on top and the bottom sheet with the time bar over it.
 */
export function panelPadding(): { left: number; top: number; right: number; bottom: number } {
  if (window.innerWidth > 900) return { ...SIDEBAR_PADDING };
  const h = window.innerHeight;
  const topOf = (id: string) => {
    const el = document.getElementById(id);
    return el && !el.hidden ? el.getBoundingClientRect().top : h;
  };
  const summary = document.getElementById('summary');
  const top = summary && !summary.hidden ? summary.getBoundingClientRect().bottom + 10 : 20;
  const bottom = h - Math.min(topOf('sidebar'), topOf('time-bar')) + 10;
  // A screen too short for both: split what is left rather than hand MapLibre an impossible padding.
  return top + bottom < h - 40 ? { left: 20, right: 20, top, bottom } : { left: 20, right: 20, top: 20, bottom: h / 2 };
}

/** The demo district, used until the TileJSON answers (or when the database is empty). */
const FALLBACK_BOUNDS: [number, number, number, number] = [118.755, 32.02, 118.8174, 32.0552];

/**
 * MapLibre with the self-hosted style and deck.gl drawn into the same WebGL context (interleaved), so deck layers sit
 * between map layers (`beforeId`) and the exported canvas holds both.
 */
export async function createMap(container: HTMLElement): Promise<MapHandle> {
  // MapLibre 6 ships its worker as a separate module; Vite serves it from our own origin.
  setWorkerUrl(workerUrl);
  const bounds = (await tileJson('basemap').catch(() => undefined))?.bounds ?? FALLBACK_BOUNDS;
  const map = new MapLibreMap({
    container,
    style: buildStyle(location.origin),
    bounds,
    fitBoundsOptions: { padding: panelPadding() },
    // The map position is in the address (#map=zoom/lat/lon) beside ?view=, so a shared link opens the same map.
    hash: 'map',
    localIdeographFontFamily: "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif",
    canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
    attributionControl: {
      compact: true,
      customAttribution: '© OpenStreetMap contributors (imported data) · gridpatrol',
    },
  });
  // On a phone the attribution starts folded to its ⓘ button (MapLibre opens it and folds it only on the first drag):
  // two lines of it would cover the map a thumb needs; one tap shows it.
  map.once('load', () => {
    const attrib = map.getContainer().querySelector('.maplibregl-ctrl-attrib.maplibregl-compact-show');
    if (attrib && map.getCanvasContainer().offsetWidth <= 640)
      (attrib.querySelector('.maplibregl-ctrl-attrib-button') as HTMLElement | null)?.click();
  });
  map.addControl(new NavigationControl({ showCompass: false }), 'bottom-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-right');
  // @deck.gl/maplibre rather than @deck.gl/mapbox: the mapbox adapter reads MapLibre internals (map.transform)
  // that MapLibre 6 moved; the maplibre adapter uses the public render parameters.
  const overlay = new MapLibreOverlay({ interleaved: true, layers: [] });
  map.addControl(overlay);
  await new Promise<void>((resolve) => map.once('load', () => resolve()));
  return { map, overlay };
}

/** Outlines one feature (a clicked or searched one); `undefined` clears the outline. */
export function showSelection(map: MapLibreMap, feature: { type: 'Feature'; geometry: Geometry } | undefined): void {
  const source = map.getSource<GeoJSONSource>('selection');
  source?.setData({
    type: 'FeatureCollection',
    features: feature ? [{ type: 'Feature', geometry: feature.geometry, properties: {} }] : [],
  });
}

/** Bounding box of a GeoJSON geometry, for flying to a search hit. */
function bboxOf(f: Feature): [number, number, number, number] {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as [number, number];
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    } else if (Array.isArray(c)) c.forEach(walk);
  };
  walk((f.geometry as { coordinates?: unknown }).coordinates);
  return [minX, minY, maxX, maxY];
}

/** Outlines a feature and brings it into view, clear of the sidebar. */
export function flyToFeature(map: MapLibreMap, f: Feature): void {
  if (!f.geometry) return;
  showSelection(map, { type: 'Feature', geometry: f.geometry });
  const [a, b, c, d] = bboxOf(f);
  const pad = panelPadding();
  if (a === c && b === d) map.flyTo({ center: [a, b], zoom: 17, padding: pad });
  else
    map.fitBounds([a, b, c, d], {
      padding:
        window.innerWidth > 900
          ? { ...SIDEBAR_PADDING, left: SIDEBAR_PADDING.left + 60, top: 80, right: 80, bottom: 80 }
          : { ...pad, left: 40, right: 40 },
      maxZoom: 17,
    });
}
