import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { cellToLatLng } from 'h3-js';
import type { IncidentCell } from '../api/client.js';

/**
 * The fixed colour scale of incident counts per H3 cell: ColorBrewer YlOrRd, 7 classes on half-decade breaks.
 * Fixed rather than stretched to the data, so two maps — two months, two districts — compare by colour; logarithmic
 * because one scale must serve an evening hour at res 10 (tens) and a year at res 8 (thousands). Class lower bounds:
 */
export const COUNT_BREAKS = [1, 10, 30, 100, 300, 1000, 3000] as const;
export const COUNT_COLOURS: readonly [number, number, number][] = [
  [255, 255, 178], [254, 217, 118], [254, 178, 76], [253, 141, 60], [252, 78, 42], [227, 26, 28], [177, 0, 38],
];

/**
 * Interleaved deck layers go under the beats, points and labels. `beforeId` is read by @deck.gl/mapbox's interleaved
 * overlay but is not on the layer prop types, hence a spread of an untyped record.
 */
const BELOW_BEATS: Record<string, unknown> = { beforeId: 'beats-fill' };

export function colourForCount(n: number): [number, number, number] {
  let k = 0;
  for (let i = 0; i < COUNT_BREAKS.length; i++) if (n >= (COUNT_BREAKS[i] ?? Infinity)) k = i;
  return COUNT_COLOURS[k] ?? [0, 0, 0];
}

/** H3 hexagons coloured by count on the fixed scale. */
export function makeHexagonLayer(cells: readonly IncidentCell[], visible: boolean) {
  return new H3HexagonLayer<IncidentCell>({
    id: 'deck:hexagons', data: cells as IncidentCell[], visible, pickable: true, extruded: false, filled: true, stroked: true,
    getHexagon: (d) => d.h3, getFillColor: (d) => [...colourForCount(d.n), 135], getLineColor: [255, 255, 255, 120], lineWidthMinPixels: 0.5,
    ...BELOW_BEATS,
  });
}

/** A heat map from cell centres weighted by count; the colour domain is fixed in incidents per cell, like the hexagons. */
export function makeHeatmapLayer(cells: readonly IncidentCell[], visible: boolean) {
  const points = cells.map((c) => {
    const [lat, lon] = cellToLatLng(c.h3);
    return { position: [lon, lat] as [number, number], weight: c.n };
  });
  return new HeatmapLayer<{ position: [number, number]; weight: number }>({
    id: 'deck:heatmap', data: points, visible, getPosition: (d) => d.position, getWeight: (d) => d.weight,
    // A kernel wider than the spacing of res-9 cell centres at district zoom, so neighbouring cells merge into a surface.
    radiusPixels: 70, intensity: 1, threshold: 0.05, aggregation: 'SUM',
    colorRange: COUNT_COLOURS.map((c) => [...c, 200] as [number, number, number, number]),
    colorDomain: [COUNT_BREAKS[3], COUNT_BREAKS[COUNT_BREAKS.length - 1] ?? 3000],
    ...BELOW_BEATS,
  });
}
