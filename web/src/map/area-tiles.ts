import type { Map as MapLibreMap, VectorTileSource } from 'maplibre-gl';

let tileVersion = 0;

/**
 * After a grid or beat save: new tile URLs (a version parameter) for the grid and beat layers, so neither MapLibre
 * nor the browser's HTTP cache serves the shapes from before.
 */
export function refreshAreaTiles(map: MapLibreMap): void {
  tileVersion++;
  for (const s of ['grids', 'beats']) {
    const src = map.getSource<VectorTileSource>(s);
    const url = src?.tiles[0]?.split('?')[0];
    if (src && url) src.setTiles([`${url}?v=${tileVersion}`]);
  }
}
