import { PolygonLayer } from '@deck.gl/layers';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';

const STATUS_RGB: Record<string, [number, number, number]> = {
  working: [22, 163, 74], faulty: [245, 158, 11], offline: [220, 38, 38],
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
      status: String(f.properties?.status ?? 'working'), networked: f.properties?.networked === true,
    }));
  });
}

/** Camera view sectors, occluded by buildings, filled by status; a camera not networked has a black outline. */
export function cameraViewLayer(fc: FeatureCollection): PolygonLayer<ViewRing> {
  return new PolygonLayer<ViewRing>({
    id: 'deck:camera-views', data: rings(fc), getPolygon: (d) => d.ring,
    getFillColor: (d) => [...(STATUS_RGB[d.status] ?? [100, 100, 100]), 60],
    getLineColor: (d) => (d.networked ? [...(STATUS_RGB[d.status] ?? [100, 100, 100]), 200] : [0, 0, 0, 220]),
    lineWidthMinPixels: 1, stroked: true, filled: true, pickable: false,
  });
}
