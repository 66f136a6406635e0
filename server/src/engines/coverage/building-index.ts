import Flatbush from 'flatbush';
import { outerBox } from './outer-box.js';
import { metersPerDegree } from '../shared/geo.js';

/** A building footprint: polygons of [lon, lat] rings (outer first, then holes), as stored (MultiPolygon). */
export interface BuildingInput {
  id: number;
  polygons: readonly (readonly (readonly (readonly [number, number])[])[])[];
  heightM: number | null;
}

/** Buildings near a point, from a Flatbush index over their bounding boxes, built once for the whole city. */
export interface BuildingIndex {
  near(lon: number, lat: number, radiusM: number): BuildingInput[];
  readonly size: number;
}

export function indexBuildings(buildings: readonly BuildingInput[]): BuildingIndex {
  const index = new Flatbush(Math.max(1, buildings.length));
  for (const b of buildings) {
    index.add(...outerBox(b.polygons));
  }
  if (buildings.length === 0) index.add(0, 0, 0, 0);
  index.finish();
  return {
    size: buildings.length,
    near(lon, lat, radiusM) {
      if (buildings.length === 0) return [];
      // 1 % margin: the search box only has to contain the circle.
      const m = metersPerDegree(lat);
      const dLat = (1.01 * radiusM) / m.lat;
      const dLon = (1.01 * radiusM) / m.lon;
      return index.search(lon - dLon, lat - dLat, lon + dLon, lat + dLat).map((i) => buildings[i] as BuildingInput);
    },
  };
}
