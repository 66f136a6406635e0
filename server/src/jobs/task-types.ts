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
import type { MultiPolygon } from 'geojson';
import type { ExportFileResult, ExportFileTask } from '../import/writers/export-file.js';
import type { BandTarget, CandidateOptics } from '../engines/coverage/banded-placement.js';
import type {
  DistrictJobInput,
  DistrictJobResult,
  DraftJobInput,
  DraftJobResult,
} from '../engines/districting/draft-jobs.js';
import type { HotspotResult, HotspotTask, CellTrend, KnoxTask, TrendTask } from './incident-tasks.js';
import type { KnoxResult } from '../engines/hotspots/index.js';
import type { EdgePoint, PatrolPlan, PatrolStopInput, ReachSummary, RoadGraph } from '../engines/routing/index.js';

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
  /** Which targets each candidate sees at the band each needs (occluded view split into DORI bands). */
  | {
      kind: 'band-footprints';
      candidates: readonly CameraInput[];
      optics: CandidateOptics;
      targets: readonly BandTarget[];
      buildings: readonly BuildingInput[];
      buildingsKey: string;
    }
  /** Road reached within each limit from points on streets, with its lines (the isochrone's engine part). */
  | { kind: 'isochrone'; graph: RoadGraph; points: readonly EdgePoint[]; limitsSeconds: readonly number[] }
  /** One search from every base together; arrival at each target (null: not on a street); each edge's minutes. */
  | {
      kind: 'reach';
      graph: RoadGraph;
      starts: readonly EdgePoint[];
      targets: readonly (EdgePoint | null)[];
      limitsSeconds: readonly number[];
    }
  /** One patrol plan per unit (its own stops), each with its line and the seconds spent outside `area`. */
  | {
      kind: 'patrol';
      graph: RoadGraph;
      depotNode: number;
      depotPoint: EdgePoint;
      shiftSeconds: number;
      startHour: number;
      area?: MultiPolygon;
      units: readonly (readonly PatrolStopInput[])[];
    }
  /** The planning preview's districting (region growing + tabu). */
  | { kind: 'district'; job: DistrictJobInput }
  /** The whole-scorecard draft of a station's beats. */
  | { kind: 'draft'; job: DraftJobInput }
  /** Gi* hot spots over the study area's H3 cells (incident counts read on the main thread). */
  | ({ kind: 'hotspots' } & HotspotTask)
  /** Weekly Mann-Kendall and emerging hot-spot categories per cell. */
  | ({ kind: 'trends' } & TrendTask)
  /** Knox near-repeat test with its seeded Monte Carlo. */
  | ({ kind: 'knox' } & KnoxTask)
  /** Burns CPU until cancelled or `ms` pass, reporting progress: for the runtime's own tests (cancel, deadline). */
  | ({ kind: 'export-file' } & ExportFileTask)
  | { kind: 'spin'; ms: number; fail?: string };

export interface WorkerResults {
  views: { views: CameraView[] };
  footprints: FootprintSet;
  greedy: GreedyStep[];
  'band-footprints': number[][];
  isochrone: {
    bands: {
      limitSeconds: number;
      reachedMeters: number;
      nodes: number;
      roads: [number, number][][];
      /** 40 m around the roads (engines/routing/road-buffer.ts), null when nothing is reached. */
      area: MultiPolygon | null;
      areaSquareMeters: number;
    }[];
  };
  reach: {
    roads: ReachSummary[];
    /** Seconds to each target, null where unreached. */
    targetSeconds: (number | null)[];
    edges: { line: [number, number][]; minutes: number }[];
  };
  patrol: { units: { plan: PatrolPlan; line: [number, number][]; secondsOutside: number }[] };
  district: DistrictJobResult;
  draft: DraftJobResult;
  'export-file': ExportFileResult;
  spin: { spunMs: number };
  hotspots: HotspotResult;
  trends: { cells: CellTrend[] };
  knox: KnoxResult;
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
  /** Only when run on the calling thread (runner.ts's inProcess): a signal cannot cross to a worker. */
  signal?: AbortSignal;
}
