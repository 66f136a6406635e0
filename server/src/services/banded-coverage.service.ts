import { BandedCoverage, type BandedAreaRates, type BandedPlace } from '../engines/coverage/banded-coverage.js';
import { bandAsView, viewBands, type BandPolygon } from '../engines/coverage/bands.js';
import { doriDistances, type DoriBand } from '../engines/coverage/dori.js';
import type { CameraInput, CameraView } from '../engines/coverage/index.js';
import type { Db } from '../db/client.js';
import { cameraVersions, loadCameras, type CoverageAreaKind } from '../db/repos/coverage.repo.js';
import { loadCameraOptics, loadPlaceQuality } from '../db/repos/xueliang.repo.js';
import { sliced } from '../jobs/time-slice.js';
import { DEFAULT_ROAD_CLASS_WEIGHTS, viewsOf, withCity } from './coverage.service.js';

export type { BandedAreaRates };

interface Banded {
  key: string;
  coverage: BandedCoverage;
  places: readonly BandedPlace[];
  cameras: readonly CameraInput[];
  /** "At least identify" polygons of the working, networked cameras (what the command centre can identify on). */
  identifyNetworked: readonly CameraView[];
  /** Every working, networked camera's cumulative band polygons. */
  networkedBands: readonly (readonly BandPolygon[])[];
}

const cache = new WeakMap<Db, Map<CoverageAreaKind, Banded>>();

/**
 * The city's coverage by image quality for one kind of area: the working cameras' occluded views (the coverage
 * service's view builder), each split into cumulative DORI bands. Rebuilt when the city or any camera changes.
 */
async function bandedCity(db: Db, kind: CoverageAreaKind): Promise<Banded> {
  const versions = await cameraVersions(db);
  const sig = [...versions]
    .sort((a, b) => a[0] - b[0])
    .map(([id, v]) => `${id}:${v}`)
    .join(',');
  return withCity(db, kind, async (city) => {
    const key = `${city.key}|${sig}`;
    const perDb = cache.get(db) ?? new Map<CoverageAreaKind, Banded>();
    cache.set(db, perDb);
    const hit = perDb.get(kind);
    if (hit?.key === key) return hit;
    const [cameras, optics, quality] = await Promise.all([loadCameras(db), loadCameraOptics(db), loadPlaceQuality(db)]);
    const working = cameras.filter((c) => c.status === 'working');
    const places: BandedPlace[] = city.places.map((p) => ({ ...p, requiredBand: quality.get(p.id)?.requiredBand }));
    const coverage = new BandedCoverage(city.pieces, places, DEFAULT_ROAD_CLASS_WEIGHTS);
    const views = await viewsOf(working, city);
    const identifyNetworked: CameraView[] = [];
    const networkedBands: BandPolygon[][] = [];
    await sliced(working, (c, i) => {
      const o = optics.get(c.id);
      const view = views[i];
      if (!o || !view) return;
      const bands = viewBands(c, view, doriDistances(o), { cumulative: true });
      coverage.setCamera(c.id, bands);
      const identify = bands.find((b) => b.band === 'identify');
      if (c.networked && identify && identify.coordinates.length > 0) identifyNetworked.push(bandAsView(identify));
      if (c.networked) networkedBands.push(bands);
    });
    const built = { key, coverage, places, cameras, identifyNetworked, networkedBands };
    perDb.set(kind, built);
    return built;
  });
}

/** Coverage rates per area at a band (roads at it, key places at it), or at the required bands ('required'). */
export async function bandedAreaCoverage(
  db: Db,
  kind: CoverageAreaKind,
  band: DoriBand | 'required',
): Promise<BandedAreaRates[]> {
  return (await bandedCity(db, kind)).coverage.rates(band);
}

/** Road spans not seen at `band` or better, with their area. */
export async function bandedBlindSpots(db: Db, band: DoriBand) {
  return (await bandedCity(db, 'grid')).coverage
    .unseenSpans(band)
    .map(({ areaId, meters, line }) => ({ areaId, meters, line }));
}

/** Key places with the band they need and the best band a working camera sees them at. */
export async function bandedPlaceStatus(db: Db, kind: CoverageAreaKind = 'grid') {
  return (await bandedCity(db, kind)).coverage.placeStatus().map((s) => ({
    id: s.place.id,
    kind: s.place.kind,
    name: s.place.name,
    areaId: s.place.areaId,
    requiredBand: s.requiredBand,
    bestBand: s.bestBand,
    ok: s.ok,
  }));
}

/** The "at least identify" polygons of the working, networked cameras. */
export async function identifyViewsOfNetworked(db: Db): Promise<readonly CameraView[]> {
  return (await bandedCity(db, 'grid')).identifyNetworked;
}

/** Every working, networked camera's cumulative band polygons (what quality placement counts as seen already). */
export async function networkedCameraBands(db: Db): Promise<readonly (readonly BandPolygon[])[]> {
  return (await bandedCity(db, 'grid')).networkedBands;
}
