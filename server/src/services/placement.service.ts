import { candidateCameras, concatFootprints, viewPolygon, type CameraInput } from '../engines/coverage/index.js';
import type { Db } from '../db/client.js';
import { runInSlices } from '../jobs/chunked.js';
import type { WorkerPool } from '../jobs/pool.js';
import type { CoverageCityData } from '../jobs/task-types.js';
import { UnprocessableError } from '../errors.js';
import {
  DEFAULT_ROAD_CLASS_WEIGHTS,
  withCity,
  type AreaCoverageRow,
  type PlacementAnswer,
  type PlacementRequest,
} from './coverage.service.js';

/** Lattice step of the ground share (as the coverage model's). */
const GROUND_STEP_M = 5;

export interface ProgressSink {
  signal?: AbortSignal;
  progress?: (fraction: number, stage: string) => void;
}

const sum = (rows: readonly AreaCoverageRow[], f: (r: AreaCoverageRow) => number) => rows.reduce((s, r) => s + f(r), 0);

/**
 * Placement as a job: the same answer as `proposePlacement` (lazy greedy over the same candidates, gains added the
 * same way), computed off the HTTP thread. The shared coverage model is read twice, briefly: for the coverage now
 * (plain arrays) and, at the end, for the rates with the proposals in place. In between, candidate views and what each
 * covers are computed in parallel on the worker pool, and the greedy rounds run on one worker over those footprints,
 * so no view is clipped twice.
 */
export async function placeInPool(
  db: Db,
  pool: WorkerPool,
  req: PlacementRequest,
  sink: ProgressSink = {},
): Promise<PlacementAnswer> {
  const started = performance.now();
  const { signal } = sink;
  const progress = sink.progress ?? (() => undefined);
  progress(0, '准备候选点');
  const snap = await withCity(db, req.areaKind, (city) => {
    const codes = req.areaCodes && req.areaCodes.length > 0 ? new Set(req.areaCodes) : null;
    if (codes) {
      const known = new Set(city.areas.map((a) => a.areaId));
      const unknown = [...codes].filter((c) => !known.has(c));
      if (unknown.length) {
        throw new UnprocessableError(`No ${req.areaKind} with code ${unknown.slice(0, 5).join(', ')}`, [
          { path: 'codes', message: `${unknown.length} unknown code(s)` },
        ]);
      }
    }
    const inScope = (areaId: string) => !codes || codes.has(areaId);
    const pieces = codes ? city.pieces.filter((p) => codes.has(p.areaId)) : city.pieces;
    const places = codes ? city.places.filter((p) => codes.has(p.areaId)) : city.places;
    const data: CoverageCityData = {
      key: `${city.key}|${req.areaKind}`,
      pieces: city.pieces,
      places: city.places,
      buildings: city.buildingRows,
      classWeights: DEFAULT_ROAD_CLASS_WEIGHTS,
      ...(req.weights?.groundPerM2 ? { ground: { areas: city.areas, stepM: GROUND_STEP_M } } : {}),
    };
    return {
      candidates: candidateCameras(pieces, places, req.camera, -1),
      state: city.model.placementState(req.weights ?? {}, inScope),
      before: city.model.rates().filter((r) => inScope(r.areaId)),
      data,
      inScope,
    };
  });
  signal?.throwIfAborted();

  // Views and footprints: chunks spread over the pool (a few per thread, so a slow chunk does not hold the rest up).
  const total = snap.candidates.length;
  const parts = await runInSlices(
    pool,
    snap.candidates,
    256,
    (candidates) => ({ kind: 'footprints', city: snap.data, candidates }),
    {
      signal,
      onProgress: (n) =>
        progress(0.9 * (n / Math.max(1, total)), `计算视域 ${n.toLocaleString('en')} / ${total.toLocaleString('en')}`),
    },
  );
  const footprints = concatFootprints(parts);
  signal?.throwIfAborted();

  progress(0.9, `选点 0 / ${req.k}`);
  const steps = await pool.run(
    { kind: 'greedy', footprints, state: snap.state, k: req.k },
    {
      ...(signal ? { signal } : {}),
      onProgress: (p) => progress(0.9 + 0.08 * (p.done / Math.max(1, req.k)), `选点 ${p.done} / ${req.k}`),
    },
  );
  signal?.throwIfAborted();

  progress(0.98, '计算覆盖率');
  return withCity(db, req.areaKind, (city) => {
    const chosen = steps.map((s) => snap.candidates[s.candidate] as CameraInput);
    const views = chosen.map((c) => viewPolygon(c, city.buildings));
    try {
      chosen.forEach((c, i) => {
        city.model.setCamera(c, views[i] ?? viewPolygon(c, city.buildings));
      });
      const after = city.model.rates().filter((r) => snap.inScope(r.areaId));
      return {
        candidates: total,
        proposals: steps.map((s, rank) => {
          const c = chosen[rank] as CameraInput;
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
            addedRoadMeters: s.addedRoadMeters,
            addedKeyPlaces: s.addedKeyPlaces,
            view: (views[rank]?.coordinates ?? []) as [number, number][][][],
          };
        }),
        before: snap.before,
        after,
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
      for (const c of chosen) city.model.removeCamera(c.id);
    }
  });
}

/** Road metres and key places seen in a set of rate rows (for comparisons in tests and benches). */
export function seenTotals(rows: readonly AreaCoverageRow[]): { seenM: number; places: number } {
  return { seenM: sum(rows, (r) => r.seenMeters), places: sum(rows, (r) => r.keyPlacesSeen) };
}
