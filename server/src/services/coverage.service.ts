import { latLngToCell } from 'h3-js';
import { outerBox } from '../engines/coverage/outer-box.js';
import {
  candidateCameras,
  CoverageModel,
  indexBuildings,
  placeCameras,
  viewPolygon,
  type BuildingIndex,
  type CameraInput,
  type CandidateSpec,
  type GroundArea,
  type KeyPlaceInput,
  type PlacementWeights,
  type RoadPiece,
  type ViewPolygon,
} from '../engines/coverage/index.js';
import type { AcceptedCamera, AreaCoverageRow, PlacementAnswer } from '../contract/coverage.js';
import type { Db } from '../db/client.js';
import { LAYERS } from '../contract/layers.js';
import { createFeature } from '../db/repos/features.repo.js';
import { lonLatToTileFraction, padBox, tileBounds } from '../engines/shared/geo.js';
import { encodeMvt } from '../tiles/mvt-encoder.js';
import { TILE_EXTENT } from '../tiles/tilesets.js';
import type { BuildingInput, CameraView } from '../engines/coverage/index.js';
import { runInSlices } from '../jobs/chunked.js';
import { sharedPool } from '../jobs/pool.js';
import { sliced } from '../jobs/time-slice.js';
import {
  cameraVersions,
  coverageInputsKey,
  maxCameraRangeM,
  loadAreas,
  loadBuildings,
  loadCameras,
  loadKeyPlaces,
  loadRoadPieces,
  type BBox,
  type CoverageAreaKind,
} from '../db/repos/coverage.repo.js';

/** The 雪亮工程 targets an area is shown against: key areas fully covered and networked, ≥ 98 % working. */
export const XUELIANG_TARGETS = { roadCoverage: 1, keyPlaceCoverage: 1, networkedRate: 1, workingRate: 0.98 } as const;

/** Default weights of road classes in the coverage rate: arterials count more than lanes. Settable per request. */
export const DEFAULT_ROAD_CLASS_WEIGHTS: Readonly<Record<string, number>> = {
  motorway: 1,
  trunk: 3,
  primary: 3,
  secondary: 2.5,
  tertiary: 2,
  residential: 1,
  living_street: 1,
  service: 0.5,
  footway: 0.5,
  pedestrian: 1,
  path: 0.3,
  steps: 0.3,
};

export type { AreaCoverageRow, PlacementAnswer };

/** A city's coverage kept in memory per database and area kind, synchronised with the camera table on each use. */
export interface CityCoverage {
  key: string;
  model: CoverageModel;
  buildings: BuildingIndex;
  /** The buildings as loaded, for worker threads (which build their own index). */
  buildingRows: readonly BuildingInput[];
  areas: readonly GroundArea[];
  pieces: readonly RoadPiece[];
  places: readonly KeyPlaceInput[];
  versions: Map<number, number>;
  /** Serialises use: placement adds and removes candidates on the shared model. */
  queue: Promise<unknown>;
}

const cities = new WeakMap<Db, Map<CoverageAreaKind, Promise<CityCoverage>>>();

/** Lattice step for the ground share. */
const GROUND_STEP_M = 5;

async function buildCity(db: Db, kind: CoverageAreaKind, key: string): Promise<CityCoverage> {
  const [areas, pieces, places, buildings] = await Promise.all([
    loadAreas(db, kind),
    loadRoadPieces(db, kind),
    loadKeyPlaces(db, kind),
    loadBuildings(db),
  ]);
  const model = new CoverageModel({
    areas,
    roadPieces: pieces,
    places,
    buildings: buildings.map((b) => b.polygons),
    classWeights: DEFAULT_ROAD_CLASS_WEIGHTS,
    groundStepM: GROUND_STEP_M,
  });
  return {
    key,
    model,
    buildings: indexBuildings(buildings),
    buildingRows: buildings,
    areas,
    pieces,
    places,
    versions: new Map(),
    queue: Promise.resolve(),
  };
}

/** Brings the model in line with the camera table: only new, changed and removed cameras are touched. */
async function syncCameras(db: Db, city: CityCoverage): Promise<{ changed: number; removed: number }> {
  const now = await cameraVersions(db);
  const changed: number[] = [];
  for (const [id, v] of now) if (city.versions.get(id) !== v) changed.push(id);
  let removed = 0;
  for (const id of city.versions.keys()) {
    if (!now.has(id)) {
      city.model.removeCamera(id);
      city.versions.delete(id);
      removed++;
    }
  }
  if (changed.length > 0) {
    const cameras = await loadCameras(db, undefined, changed);
    const views = await viewsOf(cameras, city);
    // On the HTTP thread, in slices of a few milliseconds: other requests are answered between them.
    await sliced(cameras, (c, i) => {
      city.model.setCamera(c, views[i] ?? viewPolygon(c, city.buildings));
      city.versions.set(c.id, now.get(c.id) ?? 0);
    });
  }
  return { changed: changed.length, removed };
}

/** Below this many cameras, views are computed in place (a view is ~0.15 ms); above, in the worker pool. */
const POOL_VIEWS_FROM = 64;

/**
 * Occluded views of cameras: in parallel on the worker pool, in slices, when there are many. (The DORI band split
 * stays with the caller on this thread: shipping the band polygons back costs more than cutting them, measured on
 * 1,835 cameras: the longest pause of the HTTP thread 1.0–3.2 s with the split on the pool, 0.11–0.22 s with it here.)
 */
export async function viewsOf(cameras: readonly CameraInput[], city: CityCoverage): Promise<CameraView[]> {
  if (cameras.length < POOL_VIEWS_FROM) return cameras.map((c) => viewPolygon(c, city.buildings));
  const parts = await runInSlices(sharedPool(), cameras, 1, (slice) => ({
    kind: 'views',
    cameras: slice,
    buildings: city.buildingRows,
    buildingsKey: city.key,
  }));
  return parts.flatMap((p) => p.views);
}

/**
 * Runs `fn` on the city's coverage model, built on first use (or when roads, buildings, key places or areas change)
 * and otherwise only synchronised camera by camera. Calls on one model run one after another.
 */
export async function withCity<T>(
  db: Db,
  kind: CoverageAreaKind,
  fn: (city: CityCoverage) => T | Promise<T>,
): Promise<T> {
  const perDb = cities.get(db) ?? new Map<CoverageAreaKind, Promise<CityCoverage>>();
  cities.set(db, perDb);
  const key = await coverageInputsKey(db, kind);
  let pending = perDb.get(kind);
  if (!pending || (await pending.catch(() => null))?.key !== key) {
    pending = buildCity(db, kind, key);
    perDb.set(kind, pending);
    pending.catch(() => perDb.delete(kind));
  }
  const city = await pending;
  const run = city.queue.then(async () => {
    await syncCameras(db, city);
    return fn(city);
  });
  city.queue = run.catch(() => undefined);
  return run;
}

const areaBox = (a: GroundArea): BBox => outerBox(a.coordinates);

const boxesMeet = (a: BBox, b: BBox) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

/**
 * Coverage rates per area: road seen (plain, class-weighted, and by networked cameras), key places and schools seen,
 * open ground seen, camera working and networked rates. With a bbox, only the areas that reach into it.
 */
export async function areaCoverage(
  db: Db,
  areaKind: CoverageAreaKind,
  opts: { bbox?: BBox } = {},
): Promise<AreaCoverageRow[]> {
  return withCity(db, areaKind, (city) => {
    const rows = city.model.rates();
    if (!opts.bbox) return rows;
    const box = opts.bbox;
    const keep = new Set(city.areas.filter((a) => boxesMeet(areaBox(a), box)).map((a) => a.areaId));
    return rows.filter((r) => keep.has(r.areaId));
  });
}

/** The areas' outlines with their rates as properties (a choropleth straight from the API). */
export async function areaCoverageGeoJson(db: Db, areaKind: CoverageAreaKind, opts: { bbox?: BBox } = {}) {
  return withCity(db, areaKind, (city) => {
    const rates = new Map(city.model.rates().map((r) => [r.areaId, r]));
    const features = city.areas
      .filter((a) => !opts.bbox || boxesMeet(areaBox(a), opts.bbox))
      .map((a) => ({
        type: 'Feature' as const,
        id: a.areaId,
        geometry: { type: 'MultiPolygon' as const, coordinates: a.coordinates },
        properties: { code: a.areaId, ...rates.get(a.areaId) },
      }));
    return { type: 'FeatureCollection' as const, features };
  });
}

/** Key places with whether a working camera sees them (schools first in the list). */
export async function keyPlaceCoverage(db: Db) {
  return withCity(db, 'grid', (city) =>
    city.model
      .placeStatus()
      .map(({ place, cameras }) => ({
        id: place.id,
        kind: place.kind,
        name: place.name,
        gridCode: place.areaId,
        cameras,
        seen: cameras > 0,
      }))
      .sort(
        (a, b) =>
          Number(b.kind === 'school' || b.kind === 'kindergarten') -
            Number(a.kind === 'school' || a.kind === 'kindergarten') || a.id - b.id,
      ),
  );
}

/** View polygons of the cameras in a box, for the map (deck.gl draws them). */
export async function cameraViews(db: Db, bbox: BBox): Promise<(ViewPolygon & { camera: CameraInput })[]> {
  const cameras = await loadCameras(db, bbox);
  // Occluders as far out as the longest view in the box reaches.
  const buildings = await loadBuildings(db, bbox, Math.max(0, ...cameras.map((c) => c.rangeM)));
  const index = indexBuildings(buildings);
  return cameras.map((c) => ({ ...viewPolygon(c, index), camera: c }));
}

export interface BlindSpan {
  areaId: string;
  meters: number;
  line: [[number, number], [number, number]];
}

/** Road not seen by any working camera (occluded views), per road segment span, with the grid it lies in. */
export async function blindSpots(db: Db, opts: { bbox?: BBox } = {}): Promise<BlindSpan[]> {
  const spans = await withCity(db, 'grid', (city) => city.model.unseenSpans());
  const box = opts.bbox;
  return spans
    .filter((s) => !box || s.line.some(([x, y]) => x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3]))
    .map(({ areaId, meters, line }) => ({ areaId, meters, line }));
}

/** Unseen road metres per H3 cell (by each span's midpoint): the blind-spot heat map and the patrols' blind-spot prize. */
export function blindSpotCells(spans: readonly BlindSpan[], res: number): { h3: string; meters: number }[] {
  const acc = new Map<string, number>();
  for (const s of spans) {
    const [[x0, y0], [x1, y1]] = s.line;
    const h3 = latLngToCell((y0 + y1) / 2, (x0 + x1) / 2, res);
    acc.set(h3, (acc.get(h3) ?? 0) + s.meters);
  }
  return [...acc].map(([h3, meters]) => ({ h3, meters })).sort((a, b) => a.h3.localeCompare(b.h3));
}

export interface PlacementRequest {
  k: number;
  areaKind: CoverageAreaKind;
  /** Codes of the areas to place in (candidates on their roads and at their key places); none: the whole city. */
  areaCodes?: readonly string[];
  camera: CandidateSpec;
  weights?: PlacementWeights;
}

/**
 * Proposes `k` new cameras that add the most (lazy greedy over candidate sites and headings, see `placeCameras`),
 * with each one's marginal gain and the areas' rates before and after. The shared model is left as it was.
 */
export async function proposePlacement(
  db: Db,
  req: PlacementRequest,
  signal?: AbortSignal,
  /** The placement algorithm and view function (the bench swaps in plain greedy, and the views as computed before). */
  impl: { place: typeof placeCameras; view?: (c: CameraInput, b: BuildingIndex) => ViewPolygon } = {
    place: placeCameras,
  },
): Promise<PlacementAnswer> {
  const started = performance.now();
  return withCity(db, req.areaKind, (city) => {
    const codes = req.areaCodes && req.areaCodes.length > 0 ? new Set(req.areaCodes) : null;
    const pieces = codes ? city.pieces.filter((p) => codes.has(p.areaId)) : city.pieces;
    const places = codes ? city.places.filter((p) => codes.has(p.areaId)) : city.places;
    const candidates = candidateCameras(pieces, places, req.camera, -1);
    const view = impl.view ?? viewPolygon;
    const views = candidates.map((c) => view(c, city.buildings));
    const inScope = (r: AreaCoverageRow) => !codes || codes.has(r.areaId);
    const before = city.model.rates().filter(inScope);
    const sum = (rows: AreaCoverageRow[], f: (r: AreaCoverageRow) => number) => rows.reduce((s, r) => s + f(r), 0);
    const chosen: number[] = [];
    try {
      let seenM = sum(before, (r) => r.seenMeters),
        placesSeen = sum(before, (r) => r.keyPlacesSeen);
      const added: { roadM: number; places: number }[] = [];
      const steps = impl.place(
        {
          gainOf: (v) => city.model.gainOf(v, req.weights),
          setCamera: (v) => {
            const c = candidates[-v.cameraId - 1] as CameraInput;
            city.model.setCamera(c, v);
            chosen.push(c.id);
            const now = city.model.rates().filter(inScope);
            const m = sum(now, (r) => r.seenMeters),
              p = sum(now, (r) => r.keyPlacesSeen);
            added.push({ roadM: m - seenM, places: p - placesSeen });
            seenM = m;
            placesSeen = p;
          },
        },
        views,
        req.k,
        signal,
      );
      const after = city.model.rates().filter(inScope);
      return {
        candidates: candidates.length,
        proposals: steps.map((s, rank) => {
          const c = candidates[s.candidate] as CameraInput;
          return {
            rank: rank + 1,
            lon: c.lon,
            lat: c.lat,
            headingDeg: c.headingDeg,
            fovDeg: c.fovDeg,
            rangeM: c.rangeM,
            heightM: c.heightM,
            cameraType: c.cameraType,
            marginalGain: s.marginalGain,
            addedRoadMeters: added[rank]?.roadM ?? 0,
            addedKeyPlaces: added[rank]?.places ?? 0,
            view: views[s.candidate]?.coordinates ?? [],
          };
        }),
        before,
        after,
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
      for (const id of chosen) city.model.removeCamera(id);
    }
  });
}

/** Stores accepted proposals as cameras: one transaction, an audit row per camera. */
export async function acceptProposedCameras(
  db: Db,
  actor: string,
  cameras: readonly AcceptedCamera[],
  status: 'working' | 'offline',
) {
  return db.transaction(async (tx) => {
    const out = [];
    for (const c of cameras) {
      out.push(
        await createFeature(
          { tx, actor },
          LAYERS.cameras,
          { type: 'Point', coordinates: [c.lon, c.lat] },
          {
            name: c.name ?? null,
            heading_deg: c.headingDeg,
            fov_deg: c.fovDeg,
            range_m: c.rangeM,
            height_m: c.heightM,
            camera_type: c.cameraType,
            status,
            networked: true,
          },
        ),
      );
    }
    return { type: 'FeatureCollection' as const, features: out };
  });
}

/** Occluded view polygons of the cameras that reach into one web-mercator tile, as MVT bytes (empty: no view there). */
export async function cameraViewTile(db: Db, z: number, x: number, y: number): Promise<Uint8Array> {
  // Cameras as far outside the tile as the longest stored view still reach into it.
  const views = await cameraViews(db, padBox(tileBounds(z, x, y), await maxCameraRangeM(db)));
  const toTile = ([lon, lat]: [number, number]): [number, number] => {
    const [tx, ty] = lonLatToTileFraction(lon, lat, z);
    return [(tx - x) * TILE_EXTENT, (ty - y) * TILE_EXTENT];
  };
  return encodeMvt([
    {
      name: 'camera_views',
      features: views
        .filter((v) => v.coordinates.length > 0)
        .map((v) => ({
          id: v.cameraId,
          properties: {
            camera_id: v.cameraId,
            status: v.camera.status,
            networked: v.camera.networked,
            camera_type: v.camera.cameraType,
          },
          // Tile y runs down: rings flip orientation, as MVT wants exteriors clockwise in screen space.
          geometry: {
            type: 'MultiPolygon',
            coordinates: v.coordinates.map((poly) => poly.map((ring) => ring.map(toTile))),
          },
        })),
    },
  ]);
}
