import type { Geometry, Position } from 'geojson';
import type {
  BuildingInput,
  CameraInput,
  GroundArea,
  KeyPlaceInput,
  RoadPiece,
} from '../src/engines/coverage/index.js';
import { DEMO_LATTICE, generateDemoCity, type DemoFeature } from '../src/engines/demo/index.js';

type Shift = (p: Position) => [number, number];

/**
 * A city from copies of the demo district laid out 4 wide (8 copies, ~160 km², for the 15,708-camera city), cameras,
 * roads, buildings, key places and grids shifted per copy; cameras cut to `maxCameras`. Road pieces belong to the grid holding
 * their midpoint (the bench does not need exact cuts at grid edges).
 */
export function bigCity(copies: number, maxCameras: number) {
  const demo = generateDemoCity(20261125, { incidents: 0 });
  const w = DEMO_LATTICE.cols * DEMO_LATTICE.blockLonDeg,
    hgt = DEMO_LATTICE.rows * DEMO_LATTICE.blockLatDeg;
  const areas: GroundArea[] = [],
    pieces: RoadPiece[] = [],
    places: KeyPlaceInput[] = [],
    buildings: BuildingInput[] = [];
  const cameras: CameraInput[] = [];
  const polys = (g: Geometry, s: Shift): [number, number][][][] =>
    g.type === 'Polygon'
      ? [g.coordinates.map((r) => r.map(s))]
      : g.type === 'MultiPolygon'
        ? g.coordinates.map((p) => p.map((r) => r.map(s)))
        : [];
  for (let copy = 0; copy < copies; copy++) {
    const dx = (copy % 4) * w,
      dy = Math.floor(copy / 4) * hgt;
    const s: Shift = (p) => [(p[0] ?? 0) + dx, (p[1] ?? 0) + dy];
    const gridAreas = demo.grids.map((g) => ({
      areaId: `${copy}-${String(g.properties.code)}`,
      coordinates: polys(g.geometry, s),
    }));
    areas.push(...gridAreas);
    const areaAt = (x: number, y: number) =>
      gridAreas.find((a) => {
        const ring = a.coordinates[0]?.[0] ?? [];
        let inside = false;
        for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
          const [xi, yi] = ring[i] ?? [0, 0],
            [xj, yj] = ring[j] ?? [0, 0];
          if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
        }
        return inside;
      })?.areaId ?? 'outside';
    for (const r of demo.roads) {
      if (r.geometry.type !== 'LineString') continue;
      const coords = r.geometry.coordinates.map(s);
      for (let i = 1; i < coords.length; i++) {
        const a: [number, number] = coords[i - 1] ?? [0, 0],
          b: [number, number] = coords[i] ?? [0, 0];
        pieces.push({
          id: pieces.length + 1,
          coordinates: [a, b],
          roadClass: String(r.properties.road_class),
          areaId: areaAt((a[0] + b[0]) / 2, (a[1] + b[1]) / 2),
        });
      }
    }
    for (const b of demo.buildings)
      buildings.push({ id: buildings.length + 1, polygons: polys(b.geometry, s), heightM: null });
    for (const k of demo.keyPlaces) places.push(placeOf(k, places.length + 1, s, areaAt));
    for (const c of demo.cameras) {
      if (c.geometry.type !== 'Point') continue;
      const [lon, lat] = s(c.geometry.coordinates);
      const p = c.properties;
      cameras.push({
        id: cameras.length + 1,
        lon,
        lat,
        headingDeg: Number(p.heading_deg),
        fovDeg: Number(p.fov_deg),
        rangeM: Number(p.range_m),
        heightM: Number(p.height_m),
        cameraType: p.camera_type as CameraInput['cameraType'],
        status: p.status as CameraInput['status'],
        networked: Boolean(p.networked),
      });
    }
  }
  return { areas, pieces, places, buildings, cameras: cameras.slice(0, maxCameras) };
}

function placeOf(k: DemoFeature, id: number, s: Shift, areaAt: (x: number, y: number) => string): KeyPlaceInput {
  const g = k.geometry;
  const base = { id, kind: String(k.properties.kind), name: String(k.properties.name) };
  if (g.type === 'Point') {
    const at = s(g.coordinates);
    return { ...base, areaId: areaAt(at[0], at[1]), geometry: { type: 'Point', coordinates: at } };
  }
  const rings =
    g.type === 'Polygon'
      ? [g.coordinates.map((r) => r.map(s))]
      : g.type === 'MultiPolygon'
        ? g.coordinates.map((p) => p.map((r) => r.map(s)))
        : [];
  const [x, y] = rings[0]?.[0]?.[0] ?? [0, 0];
  return { ...base, areaId: areaAt(x, y), geometry: { type: 'MultiPolygon', coordinates: rings } };
}
