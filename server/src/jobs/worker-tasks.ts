import { Piscina } from 'piscina';
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

/** One task, on a pool thread. */
export async function runTask({ task, port }: TaskEnvelope): Promise<WorkerResults[WorkerTask['kind']]> {
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
      case 'greedy': {
        const report = reporter(port, task.k);
        return greedyOverFootprints(task.footprints, task.state, task.k, { onRound: (r) => report(r) });
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
