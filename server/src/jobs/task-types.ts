import type { MessagePort } from 'node:worker_threads';
import type {
  BuildingInput,
  CameraInput,
  CameraView,
  CoverageState,
  FootprintSet,
  GreedyStep,
  GroundArea,
  KeyPlaceInput,
  RoadPiece,
} from '../engines/coverage/index.js';

/** The city a coverage task needs, as plain data (structured-cloned into the worker). */
export interface CoverageCityData {
  /** Identifies the data: a worker keeps the indexes it built for the last few keys. */
  key: string;
  pieces: readonly RoadPiece[];
  places: readonly KeyPlaceInput[];
  buildings: readonly BuildingInput[];
  classWeights: Readonly<Record<string, number>>;
  /** Only when ground counts (a placement weight on open ground). */
  ground?: { areas: readonly GroundArea[]; stepM: number };
}

/** Work a pool thread does: pure engine calls on plain data. */
export type WorkerTask =
  | { kind: 'views'; cameras: readonly CameraInput[]; buildings: readonly BuildingInput[]; buildingsKey: string }
  | { kind: 'footprints'; city: CoverageCityData; candidates: readonly CameraInput[] }
  | { kind: 'greedy'; footprints: FootprintSet; state: CoverageState; k: number }
  /** Burns CPU until cancelled or `ms` pass, reporting progress: for the runtime's own tests (cancel, deadline). */
  | { kind: 'spin'; ms: number; fail?: string };

export interface WorkerResults {
  views: { views: CameraView[] };
  footprints: FootprintSet;
  greedy: GreedyStep[];
  spin: { spunMs: number };
}

/** What a task posts on its progress port. */
export interface TaskProgress {
  done: number;
  total: number;
}

/** The message piscina hands the worker: the task and the port it reports progress on. */
export interface TaskEnvelope {
  task: WorkerTask;
  port?: MessagePort;
}
