import type { Feature, FeatureCollection } from 'geojson';
// The API's answer types come from the server's contract (type-only: nothing of the server is bundled).
import type { z } from 'zod';
import type { AreaCoverageRow, coverageAnswer, PlacementAnswer } from '../../../server/src/contract/coverage.js';
import type {
  alignAnswer,
  applyAnswer,
  BeatGridsAnswer,
  districtAnswer,
  NestingAnswer,
  workloadAnswer,
} from '../../../server/src/contract/editing.js';
import type {
  computedGrades,
  gradesAnswer,
  HotspotCell,
  hotspotsAnswer,
  HistogramAnswer,
  HourProfileAnswer,
  IncidentCellAnswer,
  categories,
  timeRange,
} from '../../../server/src/contract/incidents.js';
import type { PlanComparison, PlanDetailAnswer, PlanListAnswer } from '../../../server/src/contract/plan-answers.js';
import type { PlannedUnit, ReachSummary, schoolGatesAnswer } from '../../../server/src/contract/routing.js';
import type { SessionAnswer, UserAccount } from '../../../server/src/contract/session.js';
import type { TileJsonAnswer } from '../../../server/src/contract/tiles.js';
import type { SearchAnswer } from '../../../server/src/contract/search.js';
import type { incompleteAnswer, kpiAnswer, kpiQuery } from '../../../server/src/contract/xueliang.js';
import { problemText, type ProblemBody } from './problem-text.js';

/** Typed calls to the gridpatrol API (same origin). */
export type IncidentCell = IncidentCellAnswer;

export interface IncidentFilter {
  res: 7 | 8 | 9 | 10;
  from?: string;
  to?: string;
  hours?: number[];
  weekdays?: number[];
  category?: string;
}

/**
 * An API refusal worded in the reader's language from its stable problem `code` (problem-text.ts); `status` for 409
 * handling, `code` for panels that react to one refusal in particular.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

async function failure(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const p = JSON.parse(text) as ProblemBody;
    return new ApiError(res.status, problemText(p, res.status), p.code);
  } catch {
    return new ApiError(res.status, `${res.status} ${text.slice(0, 200)}`);
  }
}

/**
 * A heavy analysis the server answered 202 (its job ran past a few seconds): waits for the job's end (its event stream
 * closes then) and answers the job's result as the endpoint would have.
 */
async function settled(res: Response): Promise<Response> {
  if (res.status !== 202) return res;
  const job = (await res.clone().json()) as { id?: string };
  if (!job.id) return res;
  await (await fetch(`/api/v1/jobs/${job.id}/events`)).text();
  return fetch(`/api/v1/jobs/${job.id}/result`);
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await settled(await fetch(path));
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

/** The filter as query parameters (hours and weekdays left out when they are all of them). */
function filterParams(f: IncidentFilter): URLSearchParams {
  const q = new URLSearchParams({ res: String(f.res) });
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  if (f.hours?.length && f.hours.length < 24) q.set('hours', f.hours.join(','));
  if (f.weekdays?.length && f.weekdays.length < 7) q.set('weekdays', f.weekdays.join(','));
  if (f.category) q.set('category', f.category);
  return q;
}

export const incidentCells = (f: IncidentFilter) =>
  getJson<IncidentCell[]>(`/api/v1/incidents/cells?${filterParams(f)}`);

export type { HotspotCell };
export const incidentHotspots = (f: IncidentFilter) =>
  getJson<z.infer<typeof hotspotsAnswer>>(`/api/v1/incidents/hotspots?${filterParams(f)}`);

type GradesAnswer = z.infer<typeof computedGrades>;
export type GridGrade = GradesAnswer['grades'][number];
export type Grade = GridGrade['grade'];
export async function computeGrades(): Promise<GradesAnswer> {
  const res = await fetch('/api/v1/grades/compute', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as GradesAnswer;
}
export const latestGrades = (lang: string) =>
  getJson<Extract<z.infer<typeof gradesAnswer>, { grades: unknown }>>(`/api/v1/grades?lang=${lang}`);

export type { HourProfileAnswer };
export const hourProfile = (area: 'grid' | 'beat' | 'community', code: string, f: IncidentFilter) => {
  const q = filterParams(f);
  q.delete('res');
  q.set('area', area);
  q.set('code', code);
  return getJson<HourProfileAnswer>(`/api/v1/incidents/hour-profile?${q}`);
};

export type { HistogramAnswer };
/** The time bar's counts per local hour, day or week for a filter (server-side, GRIDPATROL_TZ). */
export const incidentHistogram = (bin: HistogramAnswer['bin'], f: IncidentFilter) => {
  const q = filterParams(f);
  q.delete('res');
  q.set('bin', bin);
  return getJson<HistogramAnswer>(`/api/v1/incidents/histogram?${q}`);
};

export const incidentCategories = () => getJson<z.infer<typeof categories>>('/api/v1/incidents/categories');

/** Features of a layer matching one column exactly (search by code or name). */
export const findFeatures = (layer: string, column: string, value: string) =>
  getJson<FeatureCollection>(`/api/v1/${layer}?${new URLSearchParams({ [column]: value, limit: '5' })}`);

export type { SearchHit } from '../../../server/src/contract/search.js';
/** Type-ahead over codes, names and pinyin (GET /api/v1/search). */
export const searchApi = (q: string, limit = 8) =>
  getJson<SearchAnswer>(`/api/v1/search?${new URLSearchParams({ q, limit: String(limit) })}`);

export const getFeature = (layer: string, id: number | string) => getJson<Feature>(`/api/v1/${layer}/${id}`);

/** How many rows match (numberMatched of a one-row page). */
export async function countOf(layer: string, filter: Record<string, string> = {}): Promise<number> {
  const page = await getJson<{ numberMatched: number }>(
    `/api/v1/${layer}?${new URLSearchParams({ ...filter, limit: '1' })}`,
  );
  return page.numberMatched;
}

export type TileJson = TileJsonAnswer;
export const tileJson = (tileset: string) => getJson<TileJson>(`/tiles/${tileset}.json`);

export type CoverageArea = 'grid' | 'beat' | 'community';
export type CoverageRow = AreaCoverageRow;
export type CoverageAnswer = Omit<z.infer<typeof coverageAnswer>, 'area'> & { area: CoverageArea };
export const coverage = (area: CoverageArea) => getJson<CoverageAnswer>(`/api/v1/analysis/coverage?area=${area}`);

/** Occluded view polygons of the cameras in a box (at most 0.05° each way). */
export const cameraViews = (bbox: readonly number[]) =>
  getJson<FeatureCollection>(`/api/v1/analysis/camera-views?bbox=${bbox.join(',')}`);

/** Code → name of the areas of one layer (for tables that the API keys by code). */
export async function namesByCode(
  layer: 'grids' | 'beats' | 'admin-areas',
  filter: Record<string, string> = {},
): Promise<Map<string, string>> {
  const fc = await getJson<FeatureCollection>(`/api/v1/${layer}?${new URLSearchParams({ ...filter, limit: '10000' })}`);
  return new Map(
    fc.features.map((f) => [String(f.properties?.code), String(f.properties?.name ?? f.properties?.code)]),
  );
}

/** 雪亮 KPIs per area of a level against the targets, worst first (GET /xueliang/kpis). */
export type XueliangKpis = z.infer<typeof kpiAnswer>;
export type XueliangLevel = z.output<typeof kpiQuery>['level'];
export const xueliangKpis = (level: XueliangLevel) =>
  getJson<XueliangKpis>(`/api/v1/xueliang/kpis?${new URLSearchParams({ level })}`);
/** The same report as the xlsx workbook (KPIs, the incomplete-record list, the targets). */
export const xueliangXlsxUrl = (level: XueliangLevel) =>
  `/api/v1/xueliang/kpis?${new URLSearchParams({ level, format: 'xlsx' })}`;
/** Cameras whose 一机一档 record is incomplete (the first `limit`), with the count of all of them. */
export type XueliangIncomplete = z.infer<typeof incompleteAnswer>;
export const xueliangIncomplete = (limit: number) =>
  getJson<XueliangIncomplete>(`/api/v1/xueliang/incomplete?limit=${limit}`);

export type { ReachSummary };
export const reachSummary = (profile: string) => getJson<ReachSummary>(`/api/v1/routing/reach?profile=${profile}`);
export const reachEdges = (profile: string) =>
  getJson<FeatureCollection>(`/api/v1/routing/reach?profile=${profile}&format=geojson`);
export const isochrone = (lon: number, lat: number, profile: string) =>
  getJson<FeatureCollection>(`/api/v1/routing/isochrone?lon=${lon}&lat=${lat}&profile=${profile}&minutes=1,3,5`);

export type PatrolUnit = PlannedUnit;
export interface PatrolRequest {
  base: { kind: 'station' | 'post'; id: number };
  beatId: number;
  units: number;
  hours: number;
  startHour: number;
  profile: string;
}
export async function planPatrol(body: PatrolRequest, format: 'json' | 'gpx' = 'json'): Promise<Response> {
  const res = await fetch(`/api/v1/routing/patrol?format=${format}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  return res;
}

/**
 * A patrol plan and the job it is kept as (the answer's Content-Location, or the 202's job when it ran long): the
 * plan's GPX is asked of that job, so it is the plan on the map, not a new one.
 */
export async function planPatrolKept(body: PatrolRequest): Promise<{ units: PatrolUnit[]; jobId: string }> {
  const first = await planPatrol(body);
  const where = first.headers.get('content-location') ?? '';
  const res = await settled(first);
  if (!res.ok) throw await failure(res);
  const jobId =
    first.status === 202 ? ((await first.clone().json()) as { id: string }).id : where.replace(/^.*\/jobs\//, '');
  return { units: ((await res.json()) as { units: PatrolUnit[] }).units, jobId };
}
export async function patrolGpxOf(jobId: string): Promise<string> {
  const res = await fetch(`/api/v1/routing/patrol/${encodeURIComponent(jobId)}/gpx`);
  if (!res.ok) throw await failure(res);
  return res.text();
}
export type SchoolGateCoverage = z.infer<typeof schoolGatesAnswer>;
export const schoolGateCoverage = (at: string) =>
  getJson<SchoolGateCoverage>(`/api/v1/routing/school-gates?${new URLSearchParams({ at })}`);

export const incidentRange = () => getJson<z.infer<typeof timeRange>>('/api/v1/incidents/range');

export const blindSpotCells = () =>
  getJson<{ h3: string; meters: number }[]>('/api/v1/analysis/blind-spot-cells?res=10');
export const blindSpotLines = (bbox: readonly number[]) =>
  getJson<FeatureCollection>(`/api/v1/analysis/blind-spots?bbox=${bbox.join(',')}`);
export const coverageInBox = (bbox: readonly number[]) =>
  getJson<CoverageAnswer>(`/api/v1/analysis/coverage?area=grid&bbox=${bbox.join(',')}`);

export type { PlacementAnswer };
export async function proposePlacement(body: {
  k: number;
  codes?: string[];
  camera?: { cameraType: 'bullet' | 'dome'; rangeM: number; fovDeg: number };
}): Promise<PlacementAnswer> {
  return sendJson<PlacementAnswer>('POST', '/api/v1/analysis/placement', { area: 'grid', ...body });
}
export async function acceptPlacement(cameras: PlacementAnswer['proposals']): Promise<FeatureCollection> {
  return sendJson<FeatureCollection>('POST', '/api/v1/analysis/placement/accept', {
    status: 'offline',
    cameras: cameras.map((c) => ({
      lon: c.lon,
      lat: c.lat,
      headingDeg: c.headingDeg,
      fovDeg: c.fovDeg,
      rangeM: c.rangeM,
      heightM: c.heightM,
      cameraType: c.cameraType,
      name: `补盲 #${c.rank}`,
    })),
  });
}

async function sendJson<T>(method: string, path: string, body: unknown): Promise<T> {
  const res = await settled(
    await fetch(path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

/** An editing call: the raw response, so the panel can read 409 and 422 problem bodies. */
export const editCall = (method: 'POST' | 'PUT', path: string, body: unknown) =>
  fetch(path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
export const beatGrids = (code: string) => getJson<BeatGridsAnswer>(`/api/v1/beats/${encodeURIComponent(code)}/grids`);
export async function incidentCountsByGrid(): Promise<Map<string, number>> {
  const a = await getJson<{ rows: { code: string; incidents: number }[] }>('/api/v1/incidents/areas?area=grid');
  return new Map(a.rows.map((r) => [r.code, r.incidents]));
}

/** Beat planning: workload and balance, nesting, auto-align, districting draft (previews; applying is a separate call). */
export type WorkloadAnswer = z.infer<typeof workloadAnswer>;
export type AlignAnswer = z.infer<typeof alignAnswer>;
export type DraftAnswer = z.infer<typeof districtAnswer>;
export type { NestingAnswer };
type AppliedBeats = z.infer<typeof applyAnswer>['beats'];
export async function stationList(): Promise<{ id: number; name: string }[]> {
  const fc = await getJson<FeatureCollection>('/api/v1/stations?limit=500');
  return fc.features.map((f) => ({ id: Number(f.id), name: String(f.properties?.name ?? f.properties?.code ?? f.id) }));
}
export const stationBeats = (stationId: number) =>
  getJson<FeatureCollection>(`/api/v1/beats?${new URLSearchParams({ station_id: String(stationId), limit: '500' })}`);
const stationParam = (stationId: number | undefined) => (stationId ? `?stationId=${stationId}` : '');
export const workload = (stationId?: number) =>
  getJson<WorkloadAnswer>(`/api/v1/planning/workload${stationParam(stationId)}`);
export const nestingCheck = (stationId?: number) =>
  getJson<NestingAnswer>(`/api/v1/planning/nesting${stationParam(stationId)}`);
export const alignPreview = (stationId: number | undefined, by: 'area' | 'incidents') =>
  sendJson<AlignAnswer>('POST', '/api/v1/planning/align', { by, ...(stationId ? { stationId } : {}) });
export const districtDraft = (body: { stationId: number; beats?: number; tolerance: number }) =>
  sendJson<DraftAnswer>('POST', '/api/v1/planning/districting', body);
export async function applyBeatPlan(
  kind: 'align' | 'district',
  beats: { code: string; version: number; gridCodes: string[] }[],
): Promise<AppliedBeats> {
  return (
    await sendJson<z.infer<typeof applyAnswer>>(
      'POST',
      `/api/v1/planning/${kind === 'align' ? 'align' : 'districting'}/apply`,
      { beats },
    )
  ).beats;
}

/** Beat plans of a station (/api/v1/plans): the plan in force first, then the stored ones; one plan; two compared. */
export type { PlanComparison, PlanDetailAnswer, PlanListAnswer };
/** A plan named in a request: "in-force" (the station's plan in force) or a stored plan's id. */
export type PlanRefParam = 'in-force' | number | string;
export const planList = (stationId: number) => getJson<PlanListAnswer>(`/api/v1/plans?stationId=${stationId}`);
export const planDetail = (ref: PlanRefParam, stationId: number) =>
  getJson<PlanDetailAnswer>(`/api/v1/plans/${encodeURIComponent(String(ref))}?stationId=${stationId}`);
export const planComparison = (a: PlanRefParam, b: PlanRefParam, stationId: number) =>
  getJson<PlanComparison>(
    `/api/v1/plans/compare?${new URLSearchParams({ a: String(a), b: String(b), stationId: String(stationId) })}`,
  );

/** The signed-in user and what the role may do; undefined when nobody is signed in. */
export type { SessionAnswer };
export async function currentSession(): Promise<SessionAnswer | undefined> {
  const res = await fetch('/api/v1/session');
  if (res.status === 401) return undefined;
  if (!res.ok) throw await failure(res);
  return (await res.json()) as SessionAnswer;
}
export const signIn = (username: string, password: string) =>
  sendJson<SessionAnswer>('POST', '/api/v1/session', { username, password });
export async function signOut(): Promise<void> {
  await fetch('/api/v1/session', { method: 'DELETE' });
}

/** User accounts (admins only). */
export type { UserAccount };
export const listUsers = async () => (await getJson<{ users: UserAccount[] }>('/api/v1/users')).users;
export const createUserAccount = (body: {
  username: string;
  role: UserAccount['role'];
  password: string;
  stationId?: number;
}) => sendJson<UserAccount>('POST', '/api/v1/users', body);
export const updateUserAccount = (id: number, change: { disabled?: boolean; password?: string }) =>
  sendJson<UserAccount>('PATCH', `/api/v1/users/${id}`, change);
