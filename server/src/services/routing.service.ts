import { booleanPointInPolygon } from '@turf/turf';
import type { MultiPolygon } from 'geojson';
import { cellToLatLng } from 'h3-js';
import type { PlannedUnit } from '../contract/routing.js';
import type { Db } from '../db/client.js';
import { cellHourCounts } from '../db/repos/incident-analysis.repo.js';
import { blindSpotCells, blindSpots } from './coverage.service.js';
import {
  incidentDays,
  loadBeatArea,
  loadKeyPlaces,
  loadPlaces,
  loadRoads,
  roadsKey,
  storeRoadEdges,
  type PlacePoint,
} from '../db/repos/road-network.repo.js';
import {
  beatPrizes,
  buildRoadGraph,
  describePlan,
  routeBetween,
  shiftHoursOf,
  CAR,
  FOOT,
  indexEdges,
  originsFor,
  originsForAll,
  pathLine,
  suggestPosts,
  travelTimes,
  tierCompliance,
  defaultReachTier,
  dosageReport,
  dosageVisits,
  RESPONSE_LIMITS_SECONDS,
  type TierCompliance,
  type EdgeIndex,
  type EdgePoint,
  type PatrolStopInput,
  type RoadGraph,
  type SnappedPoint,
  type TravelTimes,
} from '../engines/routing/index.js';
import { metersPerDegree } from '../engines/shared/geo.js';
import { gateDutiesOn, postsNearSchools, replaceGateDuties } from '../db/repos/gate-duty.repo.js';
import { UnprocessableError } from '../errors.js';
import { localDay } from '../local-clock.js';
import type { RunOptions } from '../jobs/pool.js';
import { inProcess, type TaskRunner } from '../jobs/runner.js';

export type ProfileName = 'car' | 'foot';
const PROFILES = { car: CAR, foot: FOOT } as const;
/** A point farther than this from any road is refused rather than routed from a street it is not on. */
const MAX_SNAP_METERS = 500;

interface Network {
  key: string;
  graph: RoadGraph;
  index: EdgeIndex;
}

/**
 * Built networks per database and profile; rebuilt (and written to road_edge) when the roads change. The promise is
 * kept, not the result, so concurrent requests after a change share one build instead of each writing road_edge.
 */
const networks = new WeakMap<Db, Map<ProfileName, { key: string; built: Promise<Network> }>>();

export async function network(db: Db, profile: ProfileName): Promise<Network> {
  const key = await roadsKey(db);
  const perDb = networks.get(db) ?? new Map<ProfileName, { key: string; built: Promise<Network> }>();
  networks.set(db, perDb);
  const cached = perDb.get(profile);
  if (cached?.key === key) return cached.built;
  const built = (async () => {
    const graph = shared(buildRoadGraph(await loadRoads(db), PROFILES[profile]));
    await storeRoadEdges(db, profile, graph, key);
    return { key, graph, index: indexEdges(graph) };
  })();
  perDb.set(profile, { key, built });
  built.catch(() => {
    if (perDb.get(profile)?.built === built) perDb.delete(profile);
  });
  return built;
}

/**
 * The graph with its arrays on shared memory: handed to a worker thread it is shared, not copied, so every task on the
 * road network costs the HTTP thread nothing to send. The graph is never written after it is built.
 */
function shared(g: RoadGraph): RoadGraph {
  const share = <A extends Float64Array | Int32Array>(a: A): A => {
    const out = new (a.constructor as new (b: SharedArrayBuffer) => A)(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  return {
    ...g,
    nodeLon: share(g.nodeLon),
    nodeLat: share(g.nodeLat),
    edgeSource: share(g.edgeSource),
    edgeTarget: share(g.edgeTarget),
    edgeLengthMeters: share(g.edgeLengthMeters),
    edgeCost: share(g.edgeCost),
    edgeReverseCost: share(g.edgeReverseCost),
    edgeRoadId: share(g.edgeRoadId),
    edgeCoordStart: share(g.edgeCoordStart),
    edgeCoords: share(g.edgeCoords),
    arcStart: share(g.arcStart),
    arcTarget: share(g.arcTarget),
    arcCost: share(g.arcCost),
    arcEdge: share(g.arcEdge),
  };
}

function snapOrThrow(net: Network, lon: number, lat: number, field: string): SnappedPoint {
  const p = net.index.snap(lon, lat, MAX_SNAP_METERS);
  if (!p)
    throw new UnprocessableError(`No road within ${MAX_SNAP_METERS} m`, [
      { field, message: `no road within ${MAX_SNAP_METERS} m of ${lon},${lat}` },
    ]);
  return p;
}

export interface RouteAnswer {
  seconds: number;
  meters: number;
  line: [number, number][];
  snapped: { from: SnappedPoint; to: SnappedPoint };
}

/** A route line's length, on the sphere the road graph measures its edges on (haversine radius). */
function lineMeters(line: readonly [number, number][]): number {
  let m = 0;
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1] ?? [0, 0],
      b = line[i] ?? [0, 0];
    const perDeg = metersPerDegree(a[1], 'sphere');
    m += Math.hypot((b[0] - a[0]) * perDeg.lon, (b[1] - a[1]) * perDeg.lat);
  }
  return m;
}

function routeOn(net: Network, from: SnappedPoint, to: SnappedPoint): RouteAnswer | undefined {
  const r = routeBetween(net.graph, from, to);
  return r && { seconds: r.seconds, meters: lineMeters(r.line), line: r.line, snapped: { from, to } };
}

export async function route(
  db: Db,
  profile: ProfileName,
  from: [number, number],
  to: [number, number],
): Promise<RouteAnswer | undefined> {
  const net = await network(db, profile);
  return routeOn(net, snapOrThrow(net, from[0], from[1], 'from'), snapOrThrow(net, to[0], to[1], 'to'));
}

export interface IsochroneAnswer {
  snapped: SnappedPoint;
  bands: {
    minutes: number;
    reachedMeters: number;
    nodes: number;
    area: unknown;
    /** Square metres of `area` (measured in the engine's local projection). */
    areaSquareMeters: number;
    roads: [number, number][][];
  }[];
}

/** Reachable roads and the area around them (a 40 m network buffer) within each limit from a point. */
export async function isochrone(
  db: Db,
  profile: ProfileName,
  lon: number,
  lat: number,
  minutes: readonly number[],
  run: TaskRunner = inProcess,
  runOpts: RunOptions = {},
): Promise<IsochroneAnswer> {
  const net = await network(db, profile);
  const snapped = snapOrThrow(net, lon, lat, 'lon');
  const { bands } = await run(
    { kind: 'isochrone', graph: net.graph, points: [snapped], limitsSeconds: minutes.map((m) => m * 60) },
    runOpts,
  );
  return {
    snapped,
    // The area is drawn on the worker (engines/routing/road-buffer.ts): a geography or PGlite union of every reached
    // edge took seconds.
    bands: bands.map((b, i) => ({
      minutes: minutes[i] ?? 0,
      reachedMeters: b.reachedMeters,
      nodes: b.nodes,
      area: b.area,
      areaSquareMeters: b.areaSquareMeters,
      roads: b.roads,
    })),
  };
}

/** The isochrone as the API answers it: per band its area and its roads, and where the point was snapped. */
export function isochroneGeoJson(a: IsochroneAnswer) {
  return {
    type: 'FeatureCollection' as const,
    features: a.bands.flatMap((b) => [
      {
        type: 'Feature' as const,
        geometry: b.area as { type: string },
        properties: {
          kind: 'area',
          minutes: b.minutes,
          reached_m: b.reachedMeters,
          nodes: b.nodes,
          area_m2: Math.round(b.areaSquareMeters),
        },
      },
      {
        type: 'Feature' as const,
        geometry: { type: 'MultiLineString', coordinates: b.roads },
        properties: { kind: 'roads', minutes: b.minutes },
      },
    ]),
    snapped: { lon: a.snapped.lon, lat: a.snapped.lat, distance_m: a.snapped.distanceMeters },
  };
}

/** One search from every post and station together (each snapped to its road, its edge split there). */
async function fromBases(
  db: Db,
  net: Network,
): Promise<{ times: TravelTimes; bases: PlacePoint[]; starts: SnappedPoint[] }> {
  const bases = await loadPlaces(db, ['post', 'station']);
  const starts = bases.flatMap((b) => net.index.snap(b.lon, b.lat, MAX_SNAP_METERS) ?? []);
  return { times: travelTimes(net.graph, originsForAll(net.graph, starts)), bases, starts };
}

export interface ReachAnswer {
  limitsMinutes: number[];
  roads: { limitMinutes: number; reachedMeters: number; roadMeters: number; share: number }[];
  grids: { code: string; name: string; minutes: number | null }[];
  /** Each key place with the tier it must be reached in (its own, or its kind's default) and whether it is. */
  keyPlaces: {
    id: number;
    name: string | null;
    kind: string;
    tierMinutes: 1 | 3 | 5;
    minutes: number | null;
    meetsTier: boolean;
  }[];
  /** Per limit: share of grids and key places reached. */
  shares: { limitMinutes: number; grids: number; keyPlaces: number }[];
  /** 快反圈: per tier (1, 3, 5 min), the key places that must be reached in it, how many are, and those that miss. */
  tiers: TierCompliance[];
  /** Road edges with the minutes to reach each end, for the map. */
  edges: { line: [number, number][]; minutes: number }[];
}

/** The 1-3-5 minute reach map of all posts and stations together (the searches on `run`: the pool, from the API). */
export async function reachMap(
  db: Db,
  profile: ProfileName,
  run: TaskRunner = inProcess,
  runOpts: RunOptions = {},
): Promise<ReachAnswer> {
  const net = await network(db, profile);
  const bases = await loadPlaces(db, ['post', 'station']);
  const starts = bases.flatMap((b) => net.index.snap(b.lon, b.lat, MAX_SNAP_METERS) ?? []);
  const places = await loadPlaces(db, ['grid']);
  const keyPlaceRows = await loadKeyPlaces(db);
  const out = await run(
    {
      kind: 'reach',
      graph: net.graph,
      starts,
      targets: [...places, ...keyPlaceRows].map((p) => net.index.snap(p.lon, p.lat, MAX_SNAP_METERS) ?? null),
      limitsSeconds: RESPONSE_LIMITS_SECONDS,
    },
    runOpts,
  );
  const limits = RESPONSE_LIMITS_SECONDS.map((s) => s / 60);
  const minutesAt = (i: number) => {
    const t = out.targetSeconds[i];
    return t === null || t === undefined ? null : t / 60;
  };
  const grids = places.map((p, i) => ({ code: p.code ?? '', name: p.name ?? '', minutes: minutesAt(i) }));
  const tiered = keyPlaceRows.map((p, j) => ({
    id: p.id,
    name: p.name,
    kind: p.kind,
    tierMinutes: p.tierMinutes ?? defaultReachTier(p.kind),
    minutes: minutesAt(places.length + j),
  }));
  const tiers = tierCompliance(tiered);
  const missed = new Set(tiers.flatMap((t) => t.misses.map((m) => m.id)));
  const keyPlaces = tiered.map((p) => ({ ...p, meetsTier: !missed.has(p.id) }));
  const within = (xs: { minutes: number | null }[], m: number) =>
    xs.filter((x) => x.minutes !== null && x.minutes <= m).length / Math.max(1, xs.length);
  return {
    limitsMinutes: limits,
    roads: out.roads.map((r) => ({
      limitMinutes: r.limitSeconds / 60,
      reachedMeters: r.reachedMeters,
      roadMeters: r.roadMeters,
      share: r.share,
    })),
    grids,
    keyPlaces,
    shares: limits.map((m) => ({ limitMinutes: m, grids: within(grids, m), keyPlaces: within(keyPlaces, m) })),
    tiers,
    edges: out.edges,
  };
}

/** The reach map as the API answers it: a summary, or (geojson) every edge with its minutes. */
export function reachMapAnswer(r: ReachAnswer, format: 'json' | 'geojson') {
  if (format === 'geojson') {
    return {
      type: 'FeatureCollection' as const,
      features: r.edges.map((e) => ({
        type: 'Feature' as const,
        geometry: { type: 'LineString', coordinates: e.line },
        properties: { minutes: e.minutes },
      })),
    };
  }
  const { edges, ...summary } = r;
  return { ...summary, edges: edges.length };
}

/** Greedy "one more post here" suggestions: junctions that add the most road reached within `minutes`. */
export async function postSuggestions(db: Db, profile: ProfileName, k: number, minutes: number) {
  const net = await network(db, profile);
  const g = net.graph;
  const { times } = await fromBases(db, net);
  const candidates = Array.from({ length: g.nodeCount }, (_, v) => v);
  return suggestPosts(g, times.seconds, candidates, k, minutes * 60).map((s) => ({
    lon: g.nodeLon[s.node] ?? 0,
    lat: g.nodeLat[s.node] ?? 0,
    gainMeters: s.gainMeters,
  }));
}

export interface PatrolRequest {
  profile: ProfileName;
  base: { kind: 'post' | 'station'; id: number };
  startHour: number;
  hours: number;
  /** The beat patrolled: its checkpoints and prize cells are those inside it; roads outside only lead there and back. */
  beatId?: number;
  /** The checkpoints to visit instead of the beat's. */
  checkpointIds?: number[];
  units: number;
  /** How many of the beat's cells (res-9, best first) are offered as prize stops. */
  prizeCells: number;
  /** Minutes a unit stays at a prize stop. */
  prizeDwellMinutes: number;
  /** Weight of a cell's share of the beat's incidents in the shift's hours (default 1). */
  incidentWeight: number;
  /** Weight of a cell's share of the beat's road no camera sees (default 0.3). */
  blindSpotWeight: number;
  /** Hot-spot dosage for each unit's best `places` prize cells (see dosageVisits). */
  dosage?: { places: number; dwellMinutes: number };
  /** School gates (护学岗) of the beat's schools (or these) whose bells fall in the shift. */
  schoolGates?: { schoolIds?: number[]; dwellMinutes: number; record: boolean; day?: string };
  /** Who asks (gate duties are recorded under this name). */
  actor?: string;
}

/** Schools' bells (local minutes of the day): their own or the defaults, 07:30 and 16:30. */
export const DEFAULT_BELLS = { entry: '07:30', exit: '16:30' } as const;
const minuteOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
/** A gate's window: from 30 minutes before the bell to 15 after. */
const GATE_BEFORE_MIN = 30,
  GATE_AFTER_MIN = 15;

/** Seconds into the shift of a bell whose gate window meets the shift (undefined when none does). */
function bellInShift(bellMin: number, startHour: number, hours: number): number | undefined {
  const start = startHour * 60;
  for (const day of [0, 1, -1]) {
    const off = (bellMin + day * 1440 - start) * 60;
    if (off + GATE_AFTER_MIN * 60 >= 0 && off - GATE_BEFORE_MIN * 60 <= hours * 3600) return off;
  }
  return undefined;
}

export type { PlannedUnit };

const clock = (startHour: number, s: number) => {
  const m = Math.round(startHour * 60 + s / 60) % (24 * 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/**
 * Patrol routes for one shift: every required checkpoint, then as much prize as fits — the beat's cells by their share
 * of the beat's incidents at the hour the unit would be there (local hours) and their share of the beat's road no
 * camera sees (see beatPrizes). For a beat, checkpoints and prize cells are those inside it. Checkpoints and prize
 * places are split among the units by direction from the base (a sweep), so the units share no stop.
 */
export async function planPatrols(
  db: Db,
  req: PatrolRequest,
  prizeCounts: { h3: string; hour: number; n: number }[],
  blindCells: readonly { h3: string; meters: number }[] = [],
  run: TaskRunner = inProcess,
  runOpts: RunOptions = {},
): Promise<PlannedUnit[]> {
  const net = await network(db, req.profile);
  const g = net.graph;
  const all = await loadPlaces(db, [req.base.kind, 'checkpoint']);
  const base = all.find((p) => p.kind === req.base.kind && p.id === req.base.id);
  if (!base)
    throw new UnprocessableError(`No ${req.base.kind} ${req.base.id}`, [{ field: 'base.id', message: 'not found' }]);
  const baseSnap = snapOrThrow(net, base.lon, base.lat, 'base');
  const depotNode =
    (g.edgeCost[baseSnap.edge] ?? -1) >= 0 ? (g.edgeTarget[baseSnap.edge] ?? 0) : (g.edgeSource[baseSnap.edge] ?? 0);
  const area = req.beatId === undefined ? undefined : await loadBeatArea(db, req.beatId);
  if (req.beatId !== undefined && !area)
    throw new UnprocessableError(`No beat ${req.beatId}`, [{ field: 'beatId', message: 'not found' }]);
  const inArea = (lon: number, lat: number) => !area || booleanPointInPolygon([lon, lat], area);
  const checkpoints = all.filter(
    (p) =>
      p.kind === 'checkpoint' &&
      (req.checkpointIds ? req.checkpointIds.includes(p.id) : req.beatId === undefined || inArea(p.lon, p.lat)),
  );
  // Prize places: the beat's cells (centre inside it), each with its 24-hour incident profile and blind road.
  const byCell = new Map<string, { hours: number[]; blind: number; lon: number; lat: number }>();
  const cell = (h3: string) => {
    let c = byCell.get(h3);
    if (!c) {
      const [lat, lon] = cellToLatLng(h3);
      c = { hours: new Array<number>(24).fill(0), blind: 0, lon, lat };
      byCell.set(h3, c);
    }
    return c;
  };
  for (const c of prizeCounts) {
    const x = cell(c.h3);
    x.hours[c.hour] = (x.hours[c.hour] ?? 0) + c.n;
  }
  for (const c of blindCells) cell(c.h3).blind += c.meters;
  const beatCells = [...byCell].filter(([, c]) => inArea(c.lon, c.lat));
  const shiftHours = shiftHoursOf(req.startHour, req.hours);
  const ranked = beatPrizes(
    beatCells.map(([h3, c]) => ({ id: h3, incidentsByHour: c.hours, blindMeters: c.blind })),
    shiftHours,
    { incidentWeight: req.incidentWeight, blindSpotWeight: req.blindSpotWeight },
  );
  const prizes = ranked
    .slice(0, req.prizeCells)
    .map((p) => ({ ...p, ...(byCell.get(p.id) as { lon: number; lat: number; hours: number[]; blind: number }) }));
  const days = await incidentDays(db);
  const beatIncidents =
    beatCells.reduce((s, [, c]) => s + shiftHours.reduce((t, h) => t + (c.hours[h] ?? 0), 0), 0) / days;
  const schools = req.schoolGates
    ? (await loadKeyPlaces(db, ['school', 'kindergarten'])).filter((k) =>
        req.schoolGates?.schoolIds ? req.schoolGates.schoolIds.includes(k.id) : inArea(k.lon, k.lat),
      )
    : [];
  const gateStops = schools.flatMap((k) =>
    [k.entryTime ?? DEFAULT_BELLS.entry, k.exitTime ?? DEFAULT_BELLS.exit].flatMap((bell) => {
      const off = bellInShift(minuteOf(bell), req.startHour, req.hours);
      return off === undefined ? [] : [{ school: k, bell, off }];
    }),
  );
  const perDeg = metersPerDegree(base.lat, 'sphere');
  const angle = (p: { lon: number; lat: number }) =>
    Math.atan2((p.lat - base.lat) * perDeg.lat, (p.lon - base.lon) * perDeg.lon);
  const sorted = [...checkpoints].sort((a, b) => angle(a) - angle(b));
  const per = Math.ceil(sorted.length / req.units);
  // Prize places are split the same way (by direction from the base), so every unit has its own share of the work.
  const prizesByAngle = prizes.map((p) => ({ ...p, a: angle(p) })).sort((a, b) => a.a - b.a);
  const perPrize = Math.ceil(prizesByAngle.length / req.units);
  const unitPrizes = Array.from({ length: req.units }, (_, u) => prizesByAngle.slice(u * perPrize, (u + 1) * perPrize));
  const gatesByAngle = gateStops.map((x) => ({ ...x, a: angle(x.school) })).sort((a, b) => a.a - b.a);
  const perGate = Math.ceil(gatesByAngle.length / req.units);
  const gateDuties: { keyPlaceId: number; arrivalMin: number; dwellMin: number; unit: number }[] = [];
  type GateInfo = { school: (typeof schools)[number]; bell: string; off: number };
  const unitGateInfo: Map<string, GateInfo>[] = [];
  const unitHotIds: string[][] = [];
  // Each stop is where it stands on its street (the edge split there); `node` is only the nearer end, for display.
  const placeOf = (lon: number, lat: number) => {
    const point = net.index.snap(lon, lat, MAX_SNAP_METERS);
    if (!point) return undefined;
    return { point, node: point.fraction < 0.5 ? (g.edgeSource[point.edge] ?? 0) : (g.edgeTarget[point.edge] ?? 0) };
  };
  type UnitStop = PatrolStopInput & { lon: number; lat: number; point: EdgePoint; name?: string | null };
  const unitStops: UnitStop[][] = [];
  for (let u = 0; u < req.units; u++) {
    const stops: UnitStop[] = [];
    for (const c of sorted.slice(u * per, (u + 1) * per)) {
      const at = placeOf(c.lon, c.lat);
      if (at)
        stops.push({
          id: `checkpoint:${c.id}`,
          ...at,
          dwellSeconds: c.dwellMinutes * 60,
          kind: 'checkpoint',
          lon: c.lon,
          lat: c.lat,
          name: c.name,
        });
    }
    const hotIds: string[] = [];
    for (const [rank, p] of (unitPrizes[u] ?? []).entries()) {
      const at = placeOf(p.lon, p.lat);
      if (at && req.dosage && rank < req.dosage.places) {
        hotIds.push(`cell:${p.id}`);
        for (const v of dosageVisits({ id: `cell:${p.id}`, ...at, prizeByHour: p.prizeByHour }, req.hours * 3600, {
          dwellMinutes: req.dosage.dwellMinutes,
        }))
          stops.push({ ...v, lon: p.lon, lat: p.lat, point: at.point });
      } else if (at)
        stops.push({
          id: `cell:${p.id}`,
          ...at,
          dwellSeconds: req.prizeDwellMinutes * 60,
          kind: 'prize',
          prizeByHour: p.prizeByHour,
          lon: p.lon,
          lat: p.lat,
        });
    }
    const gateInfo = new Map<string, GateInfo>();
    for (const x of gatesByAngle.slice(u * perGate, (u + 1) * perGate)) {
      const id = `gate:${x.school.id}@${x.bell}`;
      gateInfo.set(id, x);
      const at = placeOf(x.school.lon, x.school.lat);
      if (at)
        stops.push({
          id,
          ...at,
          dwellSeconds: (req.schoolGates?.dwellMinutes ?? 15) * 60,
          kind: 'gate',
          window: [x.off - GATE_BEFORE_MIN * 60, x.off + GATE_AFTER_MIN * 60],
          lon: x.school.lon,
          lat: x.school.lat,
          name: x.school.name,
        });
    }
    unitStops.push(stops);
    unitGateInfo.push(gateInfo);
    unitHotIds.push(hotIds);
  }
  // The plans, their lines and their time outside the beat: engine work, on `run` (the pool, from the API).
  const planned = await run(
    {
      kind: 'patrol',
      graph: g,
      depotNode,
      depotPoint: baseSnap,
      shiftSeconds: req.hours * 3600,
      startHour: req.startHour,
      ...(area ? { area } : {}),
      units: unitStops,
    },
    runOpts,
  );
  const units: PlannedUnit[] = [];
  for (let u = 0; u < req.units; u++) {
    const stops = unitStops[u] ?? [];
    const { plan, line, secondsOutside } = planned.units[u] ?? { plan: { kind: 'infeasible', reason: 'not planned' } };
    if (plan.kind === 'infeasible')
      throw new UnprocessableError(`Unit ${u + 1}: ${plan.reason}`, [{ field: '', message: plan.reason }]);
    const byId = new Map(stops.map((s) => [s.id, s]));
    let expected = 0;
    for (const s of plan.stops) {
      if (s.kind !== 'prize') continue;
      const c = byCell.get(s.id.slice('cell:'.length).replace(/#\d+$/, ''));
      const hour = shiftHoursOf(req.startHour + s.arrivalSeconds / 3600, 1)[0] ?? 0;
      expected += (c?.hours[hour] ?? 0) / days;
    }
    const blindSpotMinutes =
      plan.stops.filter(
        (s) => s.kind === 'prize' && (byCell.get(s.id.slice('cell:'.length).replace(/#\d+$/, ''))?.blind ?? 0) > 0,
      ).length * req.prizeDwellMinutes;
    const checkpointsPlanned = stops.filter((s) => s.kind === 'checkpoint').length;
    const visitsNeeded = Math.max(1, Math.ceil(req.hours / 2 - 1e-9));
    const hotPlaces = dosageReport(unitHotIds[u] ?? [], visitsNeeded, plan.stops).map((r) => ({
      id: r.id,
      visitsNeeded: r.visitsNeeded,
      arrivals: r.arrivals.map((t) => clock(req.startHour, t)),
      dosed: r.dosed,
    }));
    const missed = new Map(plan.missedGates.map((m) => [m.id, m.reason]));
    const gates = [...(unitGateInfo[u] ?? new Map<string, GateInfo>())].map(([id, x]) => {
      const stop = plan.stops.find((s) => s.id === id);
      if (stop)
        gateDuties.push({
          keyPlaceId: x.school.id,
          arrivalMin: req.startHour * 60 + stop.arrivalSeconds / 60,
          dwellMin: req.schoolGates?.dwellMinutes ?? 15,
          unit: u + 1,
        });
      return {
        schoolId: x.school.id,
        name: x.school.name,
        bell: x.bell,
        window: `${clock(req.startHour, x.off - GATE_BEFORE_MIN * 60)}–${clock(req.startHour, x.off + GATE_AFTER_MIN * 60)}`,
        arrival: stop ? clock(req.startHour, stop.arrivalSeconds) : null,
        reason: stop ? null : (missed.get(id) ?? 'no road within 500 m of the school'),
      };
    });
    const value = {
      expectedIncidents: expected,
      incidentShare: beatIncidents > 0 ? expected / beatIncidents : 0,
      blindSpotMinutes,
      minutesOutside: (secondsOutside ?? 0) / 60,
      checkpointsVisited: plan.checkpoints,
      checkpointsTotal: checkpointsPlanned,
    };
    units.push({
      unit: u + 1,
      stops: plan.stops.map((s) => ({
        id: s.id,
        kind: s.kind,
        lon: byId.get(s.id)?.lon ?? 0,
        lat: byId.get(s.id)?.lat ?? 0,
        name: byId.get(s.id)?.name ?? null,
        arrival: clock(req.startHour, s.arrivalSeconds),
        arrivalSeconds: s.arrivalSeconds,
        dwellMinutes: (byId.get(s.id)?.dwellSeconds ?? 0) / 60,
        prize: s.prize,
      })),
      line: line ?? [],
      km: lineMeters(line ?? []) / 1000,
      minutes: plan.totalSeconds / 60,
      prize: plan.prize,
      checkpoints: plan.checkpoints,
      blindSpotMinutes,
      minutesOutside: value.minutesOutside,
      expectedIncidents: expected,
      incidentShare: value.incidentShare,
      words: withGatesAndDosage(describePlan(value), gates, hotPlaces),
      hotPlaces,
      gates,
    });
  }
  if (req.schoolGates?.record)
    await replaceGateDuties(
      db,
      req.schoolGates.day ?? localDay(new Date()),
      req.base,
      gateDuties,
      req.actor ?? 'system',
    );
  return units;
}

/** The plan's words with its school gates (护学岗 k/n) and hot places' dosage (见警剂量 d/n) when it has them. */
function withGatesAndDosage(
  w: { zh: string; en: string },
  gates: readonly { arrival: string | null }[],
  hot: readonly { dosed: boolean }[],
): { zh: string; en: string } {
  let { zh, en } = w;
  if (gates.length > 0) {
    const k = gates.filter((g) => g.arrival !== null).length;
    zh += `；护学岗 ${k}/${gates.length}`;
    en += `; school gates ${k}/${gates.length}`;
  }
  if (hot.length > 0) {
    const d = hot.filter((h) => h.dosed).length;
    zh += `；热点见警剂量 ${d}/${hot.length}`;
    en += `; hot places dosed ${d}/${hot.length}`;
  }
  return { zh, en };
}

export interface SchoolGateCoverage {
  at: string;
  day: string;
  schools: {
    id: number;
    name: string;
    kind: string;
    bell: string;
    coveredBy: { kind: 'patrol' | 'post'; label: string }[];
  }[];
  uncovered: SchoolGateCoverage['schools'];
}

/** Whether a post's staffed hours ("HH:MM-HH:MM", over midnight allowed) hold a local minute of the day. */
function staffedAt(hours: string, minute: number): boolean {
  if (hours === '00:00-24:00') return true;
  const a = minuteOf(hours.slice(0, 5)),
    b = minuteOf(hours.slice(6, 11));
  return a <= b ? minute >= a && minute < b : minute >= a || minute < b;
}

/**
 * "Which schools have no 护学岗 coverage at 16:30 today": the schools with a bell from 30 minutes before `at` to 15
 * after (their own bells or 07:30 / 16:30), each covered by a gate duty a recorded patrol plan puts there for that
 * bell (arriving in its window) or by a post within 150 m staffed at `at`.
 */
export async function schoolGateCoverage(
  db: Db,
  at: string,
  day: string = localDay(new Date()),
): Promise<SchoolGateCoverage> {
  const t = minuteOf(at);
  const [schools, duties, posts] = await Promise.all([
    loadKeyPlaces(db, ['school', 'kindergarten']),
    gateDutiesOn(db, day),
    postsNearSchools(db, 150),
  ]);
  const out: SchoolGateCoverage['schools'] = [];
  for (const k of schools) {
    const bell = [k.entryTime ?? DEFAULT_BELLS.entry, k.exitTime ?? DEFAULT_BELLS.exit].find((b) => {
      const d = t - minuteOf(b);
      return d >= -GATE_BEFORE_MIN && d <= GATE_AFTER_MIN;
    });
    if (!bell) continue;
    const b = minuteOf(bell);
    const coveredBy: { kind: 'patrol' | 'post'; label: string }[] = [];
    for (const d of duties) {
      const m = d.arrivalMin % 1440;
      if (d.keyPlaceId === k.id && m >= b - GATE_BEFORE_MIN && m <= b + GATE_AFTER_MIN)
        coveredBy.push({ kind: 'patrol', label: `${d.baseKind} ${d.baseId} unit ${d.unit} ${clock(0, m * 60)}` });
    }
    for (const p of posts)
      if (p.schoolId === k.id && staffedAt(p.staffedHours, t)) coveredBy.push({ kind: 'post', label: p.name });
    out.push({ id: k.id, name: k.name, kind: k.kind, bell, coveredBy });
  }
  return { at, day, schools: out, uncovered: out.filter((s) => s.coveredBy.length === 0) };
}

/** GPX 1.1: one track per unit, a waypoint per stop with its arrival time. */
export function patrolGpx(units: readonly PlannedUnit[], day: string): string {
  const esc = (s: string) =>
    s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
  const wpts = units.flatMap((u) =>
    u.stops.map(
      (s) =>
        `  <wpt lat="${s.lat.toFixed(7)}" lon="${s.lon.toFixed(7)}"><name>${esc(`U${u.unit} ${s.arrival} ${s.id}`)}</name><type>${s.kind}</type></wpt>`,
    ),
  );
  const trks = units.map(
    (u) =>
      `  <trk><name>unit ${u.unit} ${day}</name><trkseg>\n${u.line
        .map(([lon, lat]) => `    <trkpt lat="${lat.toFixed(7)}" lon="${lon.toFixed(7)}"/>`)
        .join('\n')}\n  </trkseg></trk>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="gridpatrol" xmlns="http://www.topografix.com/GPX/1/1">
${[...wpts, ...trks].join('\n')}
</gpx>
`;
}

/** Patrol plans with their inputs loaded: incidents per res-9 cell and hour, and the blind-spot cells when weighted. */
export async function planPatrolsWithInputs(
  db: Db,
  req: PatrolRequest,
  run: TaskRunner = inProcess,
  runOpts: RunOptions = {},
): Promise<PlannedUnit[]> {
  const [counts, blind] = await Promise.all([
    cellHourCounts(db, 9),
    req.blindSpotWeight > 0 ? blindSpots(db).then((s) => blindSpotCells(s, 9)) : Promise.resolve([]),
  ]);
  return planPatrols(db, req, counts, blind, run, runOpts);
}
