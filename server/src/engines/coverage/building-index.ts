import Flatbush from 'flatbush';
import { outerBox } from './outer-box.js';
import { metersPerDegree } from '../shared/geo.js';

/** A building footprint: polygons of [lon, lat] rings (outer first, then holes), as stored (MultiPolygon). */
export interface BuildingInput {
  id: number;
  polygons: readonly (readonly (readonly (readonly [number, number])[])[])[];
  heightM: number | null;
}

/**
 * Buildings near a point, from a Flatbush index over their bounding boxes, built once for the whole city. Besides the
 * inputs, the outlines are kept flat (typed arrays), so a view reads a building's vertices without walking nested
 * arrays or allocating a point per vertex.
 */
export interface BuildingIndex {
  near(lon: number, lat: number, radiusM: number): BuildingInput[];
  /** Indexes of the buildings whose box meets a [lon, lat] box. */
  search(minLon: number, minLat: number, maxLon: number, maxLat: number): number[];
  readonly size: number;
  /** Building b's box: box[4b … 4b + 3] = minLon, minLat, maxLon, maxLat (of its outer rings). */
  readonly box: Float64Array;
  /** Building b's rings (every ring of every polygon, as given) are rings buildingRing[b] … buildingRing[b + 1] − 1. */
  readonly buildingRing: Int32Array;
  /** Ring k's vertices are points ringStart[k] … ringStart[k + 1] − 1 of `lonLat`. */
  readonly ringStart: Int32Array;
  /** Every ring's vertices, lon and lat interleaved. */
  readonly lonLat: Float64Array;
}

export function indexBuildings(buildings: readonly BuildingInput[]): BuildingIndex {
  const index = new Flatbush(Math.max(1, buildings.length));
  const box = new Float64Array(4 * buildings.length);
  const buildingRing = new Int32Array(buildings.length + 1);
  const ringStarts = [0];
  const lonLat: number[] = [];
  buildings.forEach((b, i) => {
    const bb = outerBox(b.polygons);
    box.set(bb, 4 * i);
    index.add(...bb);
    for (const poly of b.polygons) {
      for (const ring of poly) {
        for (const [lon, lat] of ring) lonLat.push(lon, lat);
        ringStarts.push(lonLat.length / 2);
      }
    }
    buildingRing[i + 1] = ringStarts.length - 1;
  });
  if (buildings.length === 0) index.add(0, 0, 0, 0);
  index.finish();
  const search = (minLon: number, minLat: number, maxLon: number, maxLat: number): number[] =>
    buildings.length === 0 ? [] : index.search(minLon, minLat, maxLon, maxLat);
  return {
    size: buildings.length,
    box,
    buildingRing,
    ringStart: Int32Array.from(ringStarts),
    lonLat: Float64Array.from(lonLat),
    search,
    near(lon, lat, radiusM) {
      const [minLon, minLat, maxLon, maxLat] = circleBox(lon, lat, radiusM);
      return search(minLon, minLat, maxLon, maxLat).map((i) => buildings[i] as BuildingInput);
    },
  };
}

/** The [lon, lat] box a circle of `radiusM` lies in, with 1 % to spare (the box only has to contain the circle). */
export function circleBox(lon: number, lat: number, radiusM: number): [number, number, number, number] {
  const m = metersPerDegree(lat);
  const dLat = (1.01 * radiusM) / m.lat;
  const dLon = (1.01 * radiusM) / m.lon;
  return [lon - dLon, lat - dLat, lon + dLon, lat + dLat];
}
