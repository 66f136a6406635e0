import type { BandedPlacementAnswer, BandedPlacementBody } from '../contract/xueliang.js';
import type { Db } from '../db/client.js';
import { loadSchoolGates } from '../db/repos/xueliang.repo.js';
import {
  bandFootprints,
  placeForBands,
  targetAnchor,
  targetCandidates,
  type BandTarget,
  type CandidateOptics,
} from '../engines/coverage/banded-placement.js';
import { requiredBandOf, type DoriBand } from '../engines/coverage/dori.js';
import type { KeyPlaceInput } from '../engines/coverage/index.js';
import { runInSlices } from '../jobs/chunked.js';
import type { WorkerPool } from '../jobs/pool.js';
import { networkedCameraBands } from './banded-coverage.service.js';
import { withCity } from './coverage.service.js';
import type { ProgressSink } from './placement.service.js';

type TargetRef = BandedPlacementAnswer['uncovered'][number];
interface Target extends BandTarget {
  ref: TargetRef;
}

/** The most targets listed as still uncovered in one answer. */
const MAX_UNCOVERED_LISTED = 500;

/** The targets the request names: each school gate on file (a school without one at its point), key places by kind. */
async function targetsOf(db: Db, req: BandedPlacementBody, places: readonly KeyPlaceInput[]): Promise<Target[]> {
  const out: Target[] = [];
  const wanted = new Map(req.targets.map((t) => [t.kind, t]));
  const gates = wanted.get('school_gate');
  if (gates) {
    const band: DoriBand = gates.band ?? 'identify';
    for (const g of await loadSchoolGates(db)) {
      const name = g.gateName ? `${g.schoolName} ${g.gateName}` : g.schoolName;
      out.push({
        place: {
          id: g.gateId ?? -g.schoolId,
          kind: 'school_gate',
          name,
          areaId: '',
          geometry: { type: 'Point', coordinates: [g.lon, g.lat] },
        },
        band,
        weight: gates.weight,
        ref: { kind: 'school_gate', placeId: g.schoolId, gateId: g.gateId, name, band, lon: g.lon, lat: g.lat },
      });
    }
  }
  for (const p of places) {
    const t = wanted.get(p.kind as BandedPlacementBody['targets'][number]['kind']);
    if (!t || p.kind === 'school_gate') continue;
    const band = t.band ?? requiredBandOf(p.kind);
    const target: BandTarget = { place: p, band, weight: t.weight };
    const [lon, lat] = targetAnchor(target);
    out.push({ ...target, ref: { kind: p.kind, placeId: p.id, gateId: null, name: p.name, band, lon, lat } });
  }
  return out;
}

const weightOf = (targets: readonly Target[], covered: ReadonlySet<number>) =>
  [...covered].reduce((s, i) => s + (targets[i]?.weight ?? 0), 0);

/**
 * "Place k cameras so every school gate is seen at identify" (any band/target mix, issue #20): candidates around each
 * target (engines/coverage/banded-placement.ts), their occluded views split into DORI bands on the worker pool, then
 * lazy greedy maximal covering of the targets' weights; what working, networked cameras already see at the band does
 * not count. Answers the proposals with what each newly covers, and what stays uncovered.
 */
export async function bandedPlacementInPool(
  db: Db,
  pool: WorkerPool,
  req: BandedPlacementBody,
  sink: ProgressSink = {},
): Promise<BandedPlacementAnswer> {
  const started = performance.now();
  const { signal } = sink;
  const progress = sink.progress ?? (() => undefined);
  progress(0, '读取目标');
  // The city's key places and buildings in one look at the shared coverage model.
  const { places, buildingRows, key } = await withCity(db, 'grid', (city) => ({
    places: city.places,
    buildingRows: city.buildingRows,
    key: city.key,
  }));
  const targets = await targetsOf(db, req, places);
  const existing = await networkedCameraBands(db);
  const already = new Set(bandFootprints(targets, existing).flat());
  signal?.throwIfAborted();

  const optics: CandidateOptics = { ...req.camera };
  // Only targets not yet seen need candidates; the others are covered whatever is placed.
  const open = targets.filter((_, i) => !already.has(i));
  const candidates = targetCandidates(open, optics);
  const parts = await runInSlices(
    pool,
    candidates,
    200,
    (slice) => ({
      kind: 'band-footprints',
      candidates: slice,
      optics,
      targets,
      buildings: buildingRows,
      buildingsKey: key,
    }),
    { signal, onProgress: (n, total) => progress(0.95 * (n / Math.max(1, total)), `计算分级视域 ${n} / ${total}`) },
  );
  const footprints = parts.flat();
  signal?.throwIfAborted();

  progress(0.95, '选点');
  const { steps, covered } = placeForBands(targets, footprints, req.k, already);
  const seenBefore = new Set(already);
  const proposals = steps.map((s, rank) => {
    const c = candidates[s.candidate];
    if (!c) throw new Error(`greedy chose candidate ${s.candidate} of ${candidates.length}`);
    const newly = (footprints[s.candidate] ?? []).filter((t) => !seenBefore.has(t));
    for (const t of newly) seenBefore.add(t);
    return {
      rank: rank + 1,
      lon: c.lon,
      lat: c.lat,
      headingDeg: c.headingDeg,
      fovDeg: c.fovDeg,
      rangeM: c.rangeM,
      heightM: c.heightM,
      tiltDeg: req.camera.tiltDeg,
      cameraType: c.cameraType,
      resolution: req.camera.resolution,
      marginalGain: s.marginalGain,
      newlyCovered: newly.map((t) => (targets[t] as Target).ref),
    };
  });
  const uncovered = targets.flatMap((t, i) => (covered.has(i) ? [] : [t.ref])).slice(0, MAX_UNCOVERED_LISTED);
  return {
    candidates: candidates.length,
    targets: targets.length,
    weightTotal: targets.reduce((s, t) => s + (t.weight ?? 1), 0),
    coveredBefore: { targets: already.size, weight: weightOf(targets, already) },
    coveredAfter: { targets: covered.size, weight: weightOf(targets, covered) },
    proposals,
    uncovered,
    seconds: (performance.now() - started) / 1000,
  };
}
