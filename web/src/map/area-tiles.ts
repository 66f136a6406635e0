import type { Map as MapLibreMap, VectorTileSource } from 'maplibre-gl';

let tileVersion = 0;

/**
 * After a grid or beat save (or an import, for its layer's source): new tile URLs (a version parameter) for those
 * sources, so neither MapLibre nor the browser's HTTP cache serves the shapes from before.
 */
export function refreshAreaTiles(map: MapLibreMap, sources: readonly string[] = ['grids', 'beats']): void {
  tileVersion++;
  for (const s of sources) {
    const src = map.getSource<VectorTileSource>(s);
    const url = src?.tiles[0]?.split('?')[0];
    if (src && url) src.setTiles([`${url}?v=${tileVersion}`]);
  }
}

/** The map's tile sources that draw an import layer: administrative areas are in the basemap, the rest by name. */
export function tileSourcesOf(layer: string): readonly string[] {
  return layer === 'admin-areas' ? ['basemap'] : [layer];
}
