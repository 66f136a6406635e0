import type { Layer } from '@deck.gl/core';
import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { deckLayerShown, VIEW_IDS, VIEWS, type ViewId } from '../layers/views.js';

/**
 * What an analysis panel may do to the map: add or drop its own deck.gl layers (by id), use the MapLibre map, and
 * bring its thematic view forward (which hides every other view's layers). The incident layers are kept apart so a
 * panel cannot remove them by accident.
 */
export interface MapContext {
  map: MapLibreMap;
  setDeckLayer(id: string, layer: Layer | undefined): void;
  /** Draws the deck layers again (after the state they read changed). */
  redraw(): void;
  /** The thematic view on the map. */
  view(): ViewId;
  /** Shows one view: its layers come back (through its restore callback), the other views' layers are hidden. */
  setView(id: ViewId): void;
  /** How a view puts its MapLibre layers back when it is shown again (e.g. grades set their feature-states). */
  onViewShown(id: ViewId, restore: () => void): void;
  /** Ids of the deck layers handed to deck.gl for drawing (visible ones only). */
  drawnDeckLayers(): string[];
  /** Called after every view change (the sidebar, the legend and the URL follow). */
  onViewChange(listener: (id: ViewId) => void): void;
}

/** Reference fills are faint under a theme so that the theme is read, not the beats' station colours. */
function styleReference(map: MapLibreMap, themed: boolean): void {
  if (map.getLayer('beats-fill')) map.setPaintProperty('beats-fill', 'fill-opacity', themed ? 0.03 : 0.22);
  if (map.getLayer('grids-fill'))
    map.setPaintProperty(
      'grids-fill',
      'fill-opacity',
      themed ? 0.02 : ['match', ['get', 'kind'], 'dedicated', 0.28, 0.05],
    );
  if (map.getLayer('beats-line')) {
    map.setPaintProperty('beats-line', 'line-width', themed ? 1.2 : 2);
    map.setPaintProperty('beats-line', 'line-color', themed ? '#374151' : '#1f2937');
  }
}

export function createMapContext(
  map: MapLibreMap,
  overlay: MapLibreOverlay,
  baseLayers: () => Layer[],
  initialView: ViewId = 'reference',
): MapContext {
  const extras = new Map<string, Layer>();
  const restores = new Map<ViewId, () => void>();
  const listeners: ((id: ViewId) => void)[] = [];
  let active: ViewId = initialView;
  let drawn: Layer[] = [];
  const redraw = () => {
    drawn = [...baseLayers(), ...extras.values()].filter((l) => deckLayerShown(active, l.id));
    overlay.setProps({ layers: drawn });
  };
  const showMapLayers = () => {
    for (const v of VIEW_IDS) {
      if (v === active) continue;
      for (const id of VIEWS[v].mapLayers) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', 'none');
    }
    const restore = restores.get(active);
    if (restore) restore();
    else
      for (const id of VIEWS[active].mapLayers)
        if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', 'visible');
    styleReference(map, active !== 'reference');
  };
  return {
    map,
    redraw,
    setDeckLayer(id, layer) {
      if (layer) extras.set(id, layer);
      else extras.delete(id);
      redraw();
    },
    view: () => active,
    drawnDeckLayers: () => drawn.filter((l) => l.props.visible !== false).map((l) => l.id),
    setView(id) {
      active = id;
      showMapLayers();
      redraw();
      for (const l of listeners) l(id);
    },
    onViewShown(id, restore) {
      restores.set(id, restore);
    },
    onViewChange(listener) {
      listeners.push(listener);
    },
  };
}
