import { H3HexagonLayer } from '@deck.gl/geo-layers';
import { PathLayer, PolygonLayer, ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import type { Feature, FeatureCollection, LineString, MultiPolygon, Polygon } from 'geojson';

const STATUS_RGB: Record<string, [number, number, number]> = {
  working: [22, 163, 74],
  faulty: [245, 158, 11],
  offline: [220, 38, 38],
};

interface ViewRing {
  ring: [number, number][];
  status: string;
  networked: boolean;
}

/** Each outer ring of each view polygon (a view cut by buildings can be several parts); holes are not drawn. */
function rings(fc: FeatureCollection): ViewRing[] {
  return fc.features.flatMap((f: Feature) => {
    const g = f.geometry as Polygon | MultiPolygon;
    const polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    return polys.map((p) => ({
      ring: (p[0] ?? []) as [number, number][],
      status: String(f.properties?.status ?? 'working'),
      networked: f.properties?.networked === true,
    }));
  });
}

/** Camera view sectors, occluded by buildings, filled by status; a camera not networked has a black outline. */
export function cameraViewLayer(fc: FeatureCollection): PolygonLayer<ViewRing> {
  return new PolygonLayer<ViewRing>({
    id: 'deck:camera-views',
    data: rings(fc),
    getPolygon: (d) => d.ring,
    getFillColor: (d) => [...(STATUS_RGB[d.status] ?? [100, 100, 100]), 60],
    getLineColor: (d) => (d.networked ? [...(STATUS_RGB[d.status] ?? [100, 100, 100]), 200] : [0, 0, 0, 220]),
    lineWidthMinPixels: 1,
    stroked: true,
    filled: true,
    pickable: false,
  });
}

/**
 * Unseen road metres per res-10 cell (about 66 m across): ColorBrewer Purples in 5 classes, kept apart from the
 * incident scale's reds so a leader never reads a blind spot as a hot spot.
 */
export const BLIND_BREAKS = [1, 50, 100, 200, 400] as const;
export const BLIND_COLOURS: readonly [number, number, number][] = [
  [242, 240, 247],
  [203, 201, 226],
  [158, 154, 200],
  [117, 107, 177],
  [84, 39, 143],
];

export function blindColour(meters: number): [number, number, number] {
  let k = 0;
  for (let i = 0; i < BLIND_BREAKS.length; i++) if (meters >= (BLIND_BREAKS[i] ?? Infinity)) k = i;
  return BLIND_COLOURS[k] ?? [0, 0, 0];
}

export function blindSpotCellLayer(
  cells: readonly { h3: string; meters: number }[],
): H3HexagonLayer<{ h3: string; meters: number }> {
  return new H3HexagonLayer<{ h3: string; meters: number }>({
    id: 'deck:blind-spot-cells',
    data: cells as { h3: string; meters: number }[],
    // Pickable so what is drawn can be read back (the browser tests; one picking pass over these cells on hover).
    pickable: true,
    extruded: false,
    filled: true,
    stroked: false,
    getHexagon: (d) => d.h3,
    getFillColor: (d) => [...blindColour(d.meters), 170],
    ...({ beforeId: 'beats-fill' } as Record<string, unknown>),
  });
}

/** The road spans nobody sees, as thin dark-purple lines over the cells. */
export function blindSpotLineLayer(fc: FeatureCollection): PathLayer<Feature> {
  return new PathLayer<Feature>({
    id: 'deck:blind-spot-lines',
    data: fc.features,
    getPath: (f) => (f.geometry as LineString).coordinates as [number, number][],
    getColor: [63, 0, 125, 230],
    widthMinPixels: 2,
    pickable: false,
  });
}

export interface ProposedCameraView {
  rank: number;
  lon: number;
  lat: number;
  view: [number, number][][][];
}

/** Proposed cameras: their views in blue, their sites as numbered dots (rank = order of marginal gain). */
export function proposalLayers(
  proposals: readonly ProposedCameraView[],
): [PolygonLayer<{ ring: [number, number][] }>, ScatterplotLayer<ProposedCameraView>, TextLayer<ProposedCameraView>] {
  return [
    new PolygonLayer<{ ring: [number, number][] }>({
      id: 'deck:proposal-views',
      data: proposals.flatMap((p) => p.view.map((poly) => ({ ring: poly[0] ?? [] }))),
      getPolygon: (d) => d.ring,
      getFillColor: [37, 99, 235, 70],
      getLineColor: [30, 64, 175, 220],
      lineWidthMinPixels: 1,
      stroked: true,
    }),
    new ScatterplotLayer<ProposedCameraView>({
      id: 'deck:proposal-sites',
      data: proposals as ProposedCameraView[],
      getPosition: (d) => [d.lon, d.lat],
      getRadius: 9,
      radiusUnits: 'pixels',
      getFillColor: [30, 64, 175, 255],
      getLineColor: [255, 255, 255, 255],
      lineWidthMinPixels: 2,
      stroked: true,
    }),
    new TextLayer<ProposedCameraView>({
      id: 'deck:proposal-ranks',
      data: proposals as ProposedCameraView[],
      getPosition: (d) => [d.lon, d.lat],
      getText: (d) => String(d.rank),
      getSize: 11,
      getColor: [255, 255, 255, 255],
      fontWeight: 700,
      getTextAnchor: 'middle',
      getAlignmentBaseline: 'center',
    }),
  ];
}
