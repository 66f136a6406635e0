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
  [255, 255, 178],
  [254, 217, 118],
  [254, 178, 76],
  [253, 141, 60],
  [252, 78, 42],
  [227, 26, 28],
  [177, 0, 38],
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
    id: 'deck:hexagons',
    data: cells as IncidentCell[],
    visible,
    pickable: true,
    extruded: false,
    filled: true,
    stroked: true,
    getHexagon: (d) => d.h3,
    getFillColor: (d) => [...colourForCount(d.n), 135],
    getLineColor: [255, 255, 255, 120],
    lineWidthMinPixels: 0.5,
    ...BELOW_BEATS,
  });
}

/**
 * A heat map from res-10 cell centres weighted by count. deck.gl's kernel is a Gaussian with σ ≈ radiusPixels / 6, so
 * 50 px merges neighbouring res-10 centres (≈ 20 px apart at district zoom) into one surface. The colour domain is
 * fixed in deck.gl's SUM units (weight per texel, which deck rescales by metres per texel): the same density gets the
 * same colour in two views at the same zoom. Exact counts are read from the hexagons and their legend.
 */
export const HEAT_COLOUR_DOMAIN: [number, number] = [25, 220];

export function makeHeatmapLayer(cells: readonly IncidentCell[], visible: boolean) {
  const points = cells.map((c) => {
    const [lat, lon] = cellToLatLng(c.h3);
    return { position: [lon, lat] as [number, number], weight: c.n };
  });
  return new HeatmapLayer<{ position: [number, number]; weight: number }>({
    id: 'deck:heatmap',
    data: points,
    visible,
    getPosition: (d) => d.position,
    getWeight: (d) => d.weight,
    radiusPixels: 50,
    intensity: 1,
    threshold: 0.05,
    aggregation: 'SUM',
    colorRange: COUNT_COLOURS.map((c) => [...c, 210] as [number, number, number, number]),
    colorDomain: HEAT_COLOUR_DOMAIN,
    ...BELOW_BEATS,
  });
}
