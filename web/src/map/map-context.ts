import type { Layer } from '@deck.gl/core';
import type { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Map as MapLibreMap } from 'maplibre-gl';

/**
 * What an analysis panel may do to the map: add or drop its own deck.gl layers (by id) and use the MapLibre map.
 * The incident layers are kept apart so a panel cannot remove them by accident.
 */
export interface MapContext {
  map: MapLibreMap;
  setDeckLayer(id: string, layer: Layer | undefined): void;
  /** Draws the deck layers again (after the state they read changed). */
  redraw(): void;
}

export function createMapContext(map: MapLibreMap, overlay: MapLibreOverlay, baseLayers: () => Layer[]): MapContext {
  const extras = new Map<string, Layer>();
  const redraw = () => overlay.setProps({ layers: [...baseLayers(), ...extras.values()] });
  return {
    map,
    redraw,
    setDeckLayer(id, layer) {
      if (layer) extras.set(id, layer);
      else extras.delete(id);
      redraw();
    },
  };
}
