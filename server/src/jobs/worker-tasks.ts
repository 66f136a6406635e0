import { booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon } from 'geojson';
import { Piscina } from 'piscina';
import { runDistrict, runDraft } from '../engines/districting/draft-jobs.js';
import {
  arrivalAt,
  edgeSlice,
  haversineMeters,
  isochrones,
  originsForAll,
  planPatrol,
  routeBetween,
  summariseReach,
  travelMatrix,
  travelTimes,
  type EdgePoint,
  type PatrolProblem,
} from '../engines/routing/index.js';
import {
  footprintsOf,
  greedyOverFootprints,
  GroundCoverage,
  indexBuildings,
  PlaceCoverage,
  RoadCoverage,
  viewPolygon,
  type BuildingIndex,
  type FootprintSet,
} from '../engines/coverage/index.js';
import { bandFootprints } from '../engines/coverage/banded-placement.js';
import { viewBands } from '../engines/coverage/bands.js';
import { doriDistances } from '../engines/coverage/dori.js';
import { hotspotsOf, knoxOf, trendsOf } from './incident-tasks.js';
import { writeExportFile } from '../import/writers/export-file.js';
import { bufferBands } from '../engines/routing/road-buffer.js';
import type { CoverageCityData, TaskEnvelope, TaskProgress, WorkerResults, WorkerTask } from './task-types.js';

/** Indexes built from a city's data, kept for the last few keys so chunks of one job build them once per thread. */
interface CityIndexes {
  buildings: BuildingIndex;
  road: RoadCoverage;
  places: PlaceCoverage;
  ground?: GroundCoverage;
}
const cache = new Map<string, CityIndexes>();
const buildingCache = new Map<string, BuildingIndex>();

function remember<T>(map: Map<string, T>, key: string, make: () => T): T {
  const hit = map.get(key);
  if (hit) return hit;
  const made = make();
  map.set(key, made);
  while (map.size > 2) map.delete(map.keys().next().value as string);
  return made;
}

function cityIndexes(city: CoverageCityData): CityIndexes {
  return remember(cache, `${city.key}|${city.ground ? 'g' : ''}`, () => ({
    buildings: indexBuildings(city.buildings),
    road: new RoadCoverage(city.pieces, city.classWeights),
    places: new PlaceCoverage(city.places),
    ...(city.ground
      ? {
          ground: new GroundCoverage(
            city.ground.areas,
            city.buildings.map((b) => b.polygons),
            { stepM: city.ground.stepM },
          ),
        }
      : {}),
  }));
}

/** Throttled progress: at most every 50 ms, and always the last. */
function reporter(port: TaskEnvelope['port'], total: number): (done: number) => void {
  let last = 0;
  return (done) => {
    const now = performance.now();
    if (port && (now - last > 50 || done === total)) {
      last = now;
      port.postMessage({ done, total } satisfies TaskProgress);
    }
  };
}

/** A footprint set handed back with its buffers moved, not copied (piscina's transferable wrapper). */
const transferFootprints = (f: FootprintSet) =>
  Piscina.move({
    [Piscina.transferableSymbol]: [
      f.candEntry,
      f.entrySeg,
      f.entryIv,
      f.ivFrom,
      f.ivTo,
      f.candPlace,
      f.places,
      f.candCell,
      f.cells,
    ].map((a) => a.buffer),
    [Piscina.valueSymbol]: f,
  } as unknown as Parameters<typeof Piscina.move>[0]); // piscina's Transferable type names its private symbols; these are them

/** Share of a line's length outside an area (segment midpoints tested), 0 when there is no area. */
function outsideShare(line: readonly [number, number][], area: MultiPolygon | undefined): number {
  if (!area || line.length < 2) return 0;
  let all = 0,
    out = 0;
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1] ?? [0, 0],
      b = line[i] ?? [0, 0];
    const len = haversineMeters(a[0], a[1], b[0], b[1]);
    all += len;
    if (!booleanPointInPolygon([(a[0] + b[0]) / 2, (a[1] + b[1]) / 2], area)) out += len;
  }
  return all > 0 ? out / all : 0;
}

/** One task, on a pool thread (or, given a signal, on the calling thread). */
export async function runTask({ task, port, signal }: TaskEnvelope): Promise<WorkerResults[WorkerTask['kind']]> {
  try {
    switch (task.kind) {
      case 'views': {
        const index = remember(buildingCache, task.buildingsKey, () => indexBuildings(task.buildings));
        const report = reporter(port, task.cameras.length);
        const views = task.cameras.map((c, i) => {
          const v = viewPolygon(c, index);
          report(i + 1);
          return { cameraId: v.cameraId, coordinates: v.coordinates };
        });
        return { views };
      }
      case 'footprints': {
        const ix = cityIndexes(task.city);
        const report = reporter(port, task.candidates.length);
        const views = task.candidates.map((c) => viewPolygon(c, ix.buildings));
        const fp = footprintsOf(views, ix.road, ix.places, ix.ground, report);
        // piscina unwraps the transferable wrapper: the main thread receives the set itself.
        return transferFootprints(fp) as unknown as FootprintSet;
      }
      case 'band-footprints': {
        const index = remember(buildingCache, task.buildingsKey, () => indexBuildings(task.buildings));
        const report = reporter(port, task.candidates.length);
        const distances = doriDistances(task.optics);
        const bands = task.candidates.map((c, i) => {
          const b = viewBands(c, viewPolygon(c, index), distances, { cumulative: true });
          report(i + 1);
          return b;
        });
        return bandFootprints(task.targets, bands);
      }
      case 'greedy': {
        const report = reporter(port, task.k);
        return greedyOverFootprints(task.footprints, task.state, task.k, { onRound: (r) => report(r) });
      }
      case 'isochrone': {
        const g = task.graph;
        const report = reporter(port, 100);
        const bands = isochrones(g, { kind: 'points', points: task.points }, task.limitsSeconds, {
          ...(signal ? { signal } : {}),
          onProgress: (f) => report(Math.round(f * 100)),
        });
        const roads = bands.map((b) => b.pieces.map((p) => edgeSlice(g, p.edge, p.fromFraction, p.toFraction)));
        // 40 m around each band's roads (the network buffer the map shows), all bands on one raster frame.
        const areas = bufferBands(roads, 40);
        return {
          bands: bands.map((b, i) => ({
            limitSeconds: b.limitSeconds,
            reachedMeters: b.reachedMeters,
            nodes: b.nodes.length,
            roads: roads[i] ?? [],
            area: areas[i]?.area ?? null,
            areaSquareMeters: areas[i]?.areaSquareMeters ?? 0,
          })),
        };
      }
      case 'reach': {
        const g = task.graph;
        const report = reporter(port, 3);
        const times = travelTimes(g, originsForAll(g, task.starts), signal ? { signal } : {});
        report(1);
        const targetSeconds = task.targets.map((p) => {
          const t = p ? arrivalAt(g, times.seconds, p, task.starts).seconds : Infinity;
          return Number.isFinite(t) ? t : null;
        });
        const edges: { line: [number, number][]; minutes: number }[] = [];
        for (let e = 0; e < g.edgeCount; e++) {
          const m =
            Math.min(times.seconds[g.edgeSource[e] ?? 0] ?? Infinity, times.seconds[g.edgeTarget[e] ?? 0] ?? Infinity) /
            60;
          edges.push({ line: edgeSlice(g, e), minutes: Number.isFinite(m) ? m : -1 });
        }
        report(2);
        const roads = summariseReach(g, times.seconds, task.limitsSeconds, task.starts);
        report(3);
        return { roads, targetSeconds, edges };
      }
      case 'patrol': {
        const g = task.graph;
        const report = reporter(port, task.units.length);
        const units = task.units.map((stops, u) => {
          const problem: PatrolProblem = {
            graph: g,
            depotNode: task.depotNode,
            depotPoint: task.depotPoint,
            shiftSeconds: task.shiftSeconds,
            startHour: task.startHour,
            stops,
          };
          const plan = planPatrol(problem, travelMatrix(problem, signal), signal);
          const line: [number, number][] = [];
          let secondsOutside = 0;
          if (plan.kind === 'ok') {
            const byId = new Map(stops.map((s) => [s.id, s]));
            const legs: EdgePoint[] = [
              task.depotPoint,
              ...plan.stops.map((s) => byId.get(s.id)?.point ?? task.depotPoint),
              task.depotPoint,
            ];
            for (let i = 1; i < legs.length; i++) {
              const leg = routeBetween(g, legs[i - 1] ?? task.depotPoint, legs[i] ?? task.depotPoint);
              const piece = leg?.line ?? [];
              secondsOutside += (leg?.seconds ?? 0) * outsideShare(piece, task.area);
              line.push(...(line.length ? piece.slice(1) : piece));
            }
          }
          report(u + 1);
          return { plan, line, secondsOutside };
        });
        return { units };
      }
      case 'district':
        return runDistrict(task.job, signal);
      case 'draft': {
        const report = reporter(port, 1000);
        return runDraft(task.job, signal, (p) => report(Math.round(p.done * 1000)));
      }
      case 'hotspots':
        return hotspotsOf(task);
      case 'trends': {
        const report = reporter(port, task.weeks.length);
        return { cells: trendsOf(task, (done) => report(done)) };
      }
      case 'knox':
        return knoxOf(task, signal);
      case 'export-file': {
        const { kind: _kind, ...file } = task;
        return writeExportFile(file);
      }
      case 'spin': {
        const t0 = performance.now();
        const report = reporter(port, task.ms);
        let x = 0;
        while (performance.now() - t0 < task.ms) {
          for (let i = 0; i < 100_000; i++) x += Math.sqrt(i);
          report(Math.min(task.ms, performance.now() - t0));
          if (task.fail && performance.now() - t0 > task.ms / 2) throw new Error(task.fail);
        }
        return { spunMs: performance.now() - t0 + (x < 0 ? 1 : 0) };
      }
      default: {
        const never: never = task;
        throw new Error(`unknown task ${JSON.stringify(never)}`);
      }
    }
  } finally {
    port?.close();
  }
}
