import { H3HexagonLayer } from '@deck.gl/geo-layers';
import type { HotspotCell } from '../api/client.js';

/**
 * Hot/cold spot classes as ArcGIS draws them (Gi_Bin): a diverging ColorBrewer RdBu, red hot and blue cold at
 * 99 / 95 / 90 % confidence; not significant is not drawn.
 */
export const HOTSPOT_BINS = [3, 2, 1, -1, -2, -3] as const;
export const HOTSPOT_COLOURS: Record<number, [number, number, number]> = {
  3: [178, 24, 43],
  2: [239, 138, 98],
  1: [253, 219, 199],
  [-1]: [209, 229, 240],
  [-2]: [103, 169, 207],
  [-3]: [33, 102, 172],
};

export function hotspotLayer(cells: readonly HotspotCell[]): H3HexagonLayer<HotspotCell> {
  return new H3HexagonLayer<HotspotCell>({
    id: 'deck:hotspots',
    data: cells.filter((c) => c.bin !== 0) as HotspotCell[],
    getHexagon: (d) => d.h3,
    getFillColor: (d) => [...(HOTSPOT_COLOURS[d.bin] ?? [0, 0, 0]), 170],
    getLineColor: [255, 255, 255, 200],
    lineWidthMinPixels: 1,
    extruded: false,
    // Pickable so what is drawn can be read back (the browser tests; one picking pass over these cells on hover).
    pickable: true,
    beforeId: 'beats-fill',
  } as ConstructorParameters<typeof H3HexagonLayer<HotspotCell>>[0]);
}
