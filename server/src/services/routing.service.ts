import { cellToLatLng } from 'h3-js';
import type { PlannedUnit } from '../contract/routing.js';
import type { Db } from '../db/client.js';
import { cellHourCounts } from '../db/repos/incident-analysis.repo.js';
import { blindSpotCells, blindSpots } from './coverage.service.js';
import {
  bufferLines, loadPlaces, loadRoads, roadsKey, storeRoadEdges, type PlacePoint,
} from '../db/repos/road-network.repo.js';
import {
  AT_JUNCTION, buildRoadGraph, CAR, edgeSlice, FOOT, indexEdges, isochrones, originsFor, pathLine, planPatrol, suggestPosts, summariseReach,
  travelTimes, RESPONSE_LIMITS_SECONDS,
  type EdgeIndex, type PatrolStopInput, type RoadGraph, type SnappedPoint, type TravelTimes,
} from '../engines/routing/index.js';
import { UnprocessableError } from '../errors.js';

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
    const graph = buildRoadGraph(await loadRoads(db), PROFILES[profile]);
    await storeRoadEdges(db, profile, graph, key);
    return { key, graph, index: indexEdges(graph) };
  })();
  perDb.set(profile, { key, built });
  built.catch(() => { if (perDb.get(profile)?.built === built) perDb.delete(profile); });
  return built;
}

function snapOrThrow(net: Network, lon: number, lat: number, field: string): SnappedPoint {
  const p = net.index.snap(lon, lat, MAX_SNAP_METERS);
  if (!p) throw new UnprocessableError(`No road within ${MAX_SNAP_METERS} m`, [{ path: field, message: `no road within ${MAX_SNAP_METERS} m of ${lon},${lat}` }]);
  return p;
}

/** Seconds to reach a snapped point from a search, and by which end of its edge (or Infinity). */
function arrivalAt(g: RoadGraph, t: TravelTimes, p: SnappedPoint): { seconds: number; via: 'source' | 'target' | null } {
  const fwd = g.edgeCost[p.edge] ?? -1, rev = g.edgeReverseCost[p.edge] ?? -1;
  const atSource = t.seconds[g.edgeSource[p.edge] ?? 0] ?? Infinity, atTarget = t.seconds[g.edgeTarget[p.edge] ?? 0] ?? Infinity;
  // A point on a junction is reached when the junction is, from whichever street.
  const viaSource = p.fraction <= AT_JUNCTION ? atSource : fwd >= 0 ? atSource + p.fraction * fwd : Infinity;
  const viaTarget = p.fraction >= 1 - AT_JUNCTION ? atTarget : rev >= 0 ? atTarget + (1 - p.fraction) * rev : Infinity;
  if (!Number.isFinite(Math.min(viaSource, viaTarget))) return { seconds: Infinity, via: null };
  return viaSource <= viaTarget ? { seconds: viaSource, via: 'source' } : { seconds: viaTarget, via: 'target' };
}

export interface RouteAnswer {
  seconds: number;
  meters: number;
  line: [number, number][];
  snapped: { from: SnappedPoint; to: SnappedPoint };
}

function lineMeters(line: readonly [number, number][]): number {
  let m = 0;
  for (let i = 1; i < line.length; i++) {
    const a = line[i - 1] ?? [0, 0], b = line[i] ?? [0, 0];
    const mLat = 111_320, mLon = 111_320 * Math.cos((a[1] * Math.PI) / 180);
    m += Math.hypot((b[0] - a[0]) * mLon, (b[1] - a[1]) * mLat);
  }
  return m;
}

/** Fastest route between two points, each snapped to the nearest road (part-edges at both ends count). */
function routeOn(net: Network, from: SnappedPoint, to: SnappedPoint): RouteAnswer | undefined {
  const g = net.graph;
  // Both on one edge, the second further along and the edge travelled forwards: no junction in between.
  const fwd = g.edgeCost[from.edge] ?? -1;
  if (from.edge === to.edge && to.fraction >= from.fraction && fwd >= 0) {
    const line = edgeSlice(g, from.edge, from.fraction, to.fraction);
    return { seconds: (to.fraction - from.fraction) * fwd, meters: lineMeters(line), line, snapped: { from, to } };
  }
  const t = travelTimes(g, originsFor(g, from));
  const end = arrivalAt(g, t, to);
  if (!end.via) return undefined;
  let v = end.via === 'source' ? (g.edgeSource[to.edge] ?? 0) : (g.edgeTarget[to.edge] ?? 0);
  const nodes = [v];
  const edges: number[] = [];
  while ((t.previous[v] ?? -1) >= 0) {
    edges.push(t.viaEdge[v] ?? 0);
    v = t.previous[v] ?? 0;
    nodes.push(v);
  }
  nodes.reverse();
  edges.reverse();
  const start = nodes[0] === g.edgeSource[from.edge] ? edgeSlice(g, from.edge, 0, from.fraction).reverse() : edgeSlice(g, from.edge, from.fraction, 1);
  const finish = end.via === 'source' ? edgeSlice(g, to.edge, 0, to.fraction) : edgeSlice(g, to.edge, to.fraction, 1).reverse();
  const line = [...start, ...pathLine(g, nodes, edges).slice(1), ...finish.slice(1)];
  return { seconds: end.seconds, meters: lineMeters(line), line, snapped: { from, to } };
}

export async function route(db: Db, profile: ProfileName, from: [number, number], to: [number, number]): Promise<RouteAnswer | undefined> {
  const net = await network(db, profile);
  return routeOn(net, snapOrThrow(net, from[0], from[1], 'query.from'), snapOrThrow(net, to[0], to[1], 'query.to'));
}

export interface IsochroneAnswer {
  snapped: SnappedPoint;
  bands: { minutes: number; reachedMeters: number; nodes: number; area: unknown; roads: [number, number][][] }[];
}

/** Reachable roads and the area around them (a 40 m network buffer) within each limit from a point. */
export async function isochrone(db: Db, profile: ProfileName, lon: number, lat: number, minutes: readonly number[]): Promise<IsochroneAnswer> {
  const net = await network(db, profile);
  const snapped = snapOrThrow(net, lon, lat, 'query.lon');
  const bands = isochrones(net.graph, originsFor(net.graph, snapped), minutes.map((m) => m * 60));
  return {
    snapped,
    bands: await Promise.all(bands.map(async (b, i) => {
      const roads = b.pieces.map((p) => edgeSlice(net.graph, p.edge, p.fromFraction, p.toFraction));
      return { minutes: minutes[i] ?? 0, reachedMeters: b.reachedMeters, nodes: b.nodes.length, area: await bufferLines(db, roads, 40), roads };
    })),
  };
}

/** One search from every post and station together (each snapped to its road), up to the longest response limit. */
async function fromBases(db: Db, net: Network): Promise<{ times: TravelTimes; bases: PlacePoint[] }> {
  const bases = await loadPlaces(db, ['post', 'station']);
  const origins = bases.flatMap((b) => {
    const s = net.index.snap(b.lon, b.lat, MAX_SNAP_METERS);
    return s ? originsFor(net.graph, s) : [];
  });
  return { times: travelTimes(net.graph, origins), bases };
}

export interface ReachAnswer {
  limitsMinutes: number[];
  roads: { limitMinutes: number; reachedMeters: number; roadMeters: number; share: number }[];
  grids: { code: string; name: string; minutes: number | null }[];
  keyPlaces: { id: number; name: string | null; minutes: number | null }[];
  /** Per limit: share of grids and key places reached. */
  shares: { limitMinutes: number; grids: number; keyPlaces: number }[];
  /** Road edges with the minutes to reach each end, for the map. */
  edges: { line: [number, number][]; minutes: number }[];
}

/** The 1-3-5 minute reach map of all posts and stations together. */
export async function reachMap(db: Db, profile: ProfileName): Promise<ReachAnswer> {
  const net = await network(db, profile);
  const g = net.graph;
  const { times } = await fromBases(db, net);
  const limits = RESPONSE_LIMITS_SECONDS.map((s) => s / 60);
  const minutesTo = (p: PlacePoint): number | null => {
    const s = net.index.snap(p.lon, p.lat, MAX_SNAP_METERS);
    const t = s ? arrivalAt(g, times, s).seconds : Infinity;
    return Number.isFinite(t) ? t / 60 : null;
  };
  const places = await loadPlaces(db, ['grid', 'key_place']);
  const grids = places.filter((p) => p.kind === 'grid').map((p) => ({ code: p.code ?? '', name: p.name ?? '', minutes: minutesTo(p) }));
  const keyPlaces = places.filter((p) => p.kind === 'key_place').map((p) => ({ id: p.id, name: p.name, minutes: minutesTo(p) }));
  const within = (xs: { minutes: number | null }[], m: number) => xs.filter((x) => x.minutes !== null && x.minutes <= m).length / Math.max(1, xs.length);
  const edges: ReachAnswer['edges'] = [];
  for (let e = 0; e < g.edgeCount; e++) {
    const m = Math.min(times.seconds[g.edgeSource[e] ?? 0] ?? Infinity, times.seconds[g.edgeTarget[e] ?? 0] ?? Infinity) / 60;
    edges.push({ line: edgeSlice(g, e), minutes: Number.isFinite(m) ? m : -1 });
  }
  return {
    limitsMinutes: limits,
    roads: summariseReach(g, times.seconds, RESPONSE_LIMITS_SECONDS).map((r) => ({ limitMinutes: r.limitSeconds / 60, reachedMeters: r.reachedMeters, roadMeters: r.roadMeters, share: r.share })),
    grids, keyPlaces,
    shares: limits.map((m) => ({ limitMinutes: m, grids: within(grids, m), keyPlaces: within(keyPlaces, m) })),
    edges,
  };
}

/** Greedy "one more post here" suggestions: junctions that add the most road reached within `minutes`. */
export async function postSuggestions(db: Db, profile: ProfileName, k: number, minutes: number) {
  const net = await network(db, profile);
  const g = net.graph;
  const { times } = await fromBases(db, net);
  const candidates = Array.from({ length: g.nodeCount }, (_, v) => v);
  return suggestPosts(g, times.seconds, candidates, k, minutes * 60).map((s) => ({
    lon: g.nodeLon[s.node] ?? 0, lat: g.nodeLat[s.node] ?? 0, gainMeters: s.gainMeters,
  }));
}

export interface PatrolRequest {
  profile: ProfileName;
  base: { kind: 'post' | 'station'; id: number };
  startHour: number;
  hours: number;
  /** Checkpoints of this beat (all of them), or the listed ids. */
  beatId?: number;
  checkpointIds?: number[];
  units: number;
  /** Hot places (res-9 cells by incidents at the hour) offered as prize stops. */
  prizeCells: number;
  /** Minutes a unit stays at a prize stop. */
  prizeDwellMinutes: number;
  /** Prize per 100 m of road no working camera sees in a cell, at every hour (patrols see what cameras cannot). */
  blindSpotWeight: number;
}

export type { PlannedUnit };

const clock = (startHour: number, s: number) => {
  const m = Math.round(startHour * 60 + s / 60) % (24 * 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
};

/**
 * Patrol routes for one shift: every required checkpoint, then as much prize as fits — cells busy at the hour the unit
 * would be there (incident counts per res-9 cell and Beijing hour) plus road no camera sees (`blindSpotWeight` per 100 m). Checkpoints and prize places are split
 * among the units by direction from the base (a sweep), so the units share no stop and each has its own sector.
 */
export async function planPatrols(db: Db, req: PatrolRequest, prizeCounts: { h3: string; hour: number; n: number }[],
  blindCells: readonly { h3: string; meters: number }[] = []): Promise<PlannedUnit[]> {
  const net = await network(db, req.profile);
  const g = net.graph;
  const all = await loadPlaces(db, [req.base.kind, 'checkpoint']);
  const base = all.find((p) => p.kind === req.base.kind && p.id === req.base.id);
  if (!base) throw new UnprocessableError(`No ${req.base.kind} ${req.base.id}`, [{ path: 'body.base.id', message: 'not found' }]);
  const baseSnap = snapOrThrow(net, base.lon, base.lat, 'body.base');
  const depotNode = (g.edgeCost[baseSnap.edge] ?? -1) >= 0 ? (g.edgeTarget[baseSnap.edge] ?? 0) : (g.edgeSource[baseSnap.edge] ?? 0);
  const checkpoints = all.filter((p) => p.kind === 'checkpoint'
    && (req.checkpointIds ? req.checkpointIds.includes(p.id) : req.beatId === undefined || p.groupId === req.beatId));
  // Prize places: the busiest cells over the shift's hours, each with its 24-hour profile.
  const byCell = new Map<string, number[]>();
  for (const c of prizeCounts) {
    const hours = byCell.get(c.h3) ?? new Array<number>(24).fill(0);
    hours[c.hour] = (hours[c.hour] ?? 0) + c.n;
    byCell.set(c.h3, hours);
  }
  const blindMeters = new Map(blindCells.map((c) => [c.h3, c.meters]));
  for (const c of blindCells) {
    const hours = byCell.get(c.h3) ?? new Array<number>(24).fill(0);
    byCell.set(c.h3, hours.map((n) => n + (req.blindSpotWeight * c.meters) / 100));
  }
  const shiftHours = Array.from({ length: Math.ceil(req.hours) }, (_, i) => Math.floor(req.startHour + i) % 24);
  const prizes = [...byCell].map(([h3, hours]) => ({ h3, hours, score: shiftHours.reduce((s, h) => s + (hours[h] ?? 0), 0) }))
    .sort((a, b) => b.score - a.score).slice(0, req.prizeCells);
  const angle = (p: { lon: number; lat: number }) => Math.atan2(p.lat - base.lat, (p.lon - base.lon) * Math.cos((base.lat * Math.PI) / 180));
  const sorted = [...checkpoints].sort((a, b) => angle(a) - angle(b));
  const per = Math.ceil(sorted.length / req.units);
  // Prize places are split the same way (by direction from the base), so every unit has its own share of the work.
  const prizesByAngle = prizes.map((p) => {
    const [lat, lon] = cellToLatLng(p.h3);
    return { ...p, a: angle({ lon, lat }) };
  }).sort((a, b) => a.a - b.a);
  const perPrize = Math.ceil(prizesByAngle.length / req.units);
  const unitPrizes = Array.from({ length: req.units }, (_, u) => prizesByAngle.slice(u * perPrize, (u + 1) * perPrize));
  const units: PlannedUnit[] = [];
  const nodeOf = (lon: number, lat: number) => {
    const s = net.index.snap(lon, lat, MAX_SNAP_METERS);
    if (!s) return undefined;
    return (g.edgeCost[s.edge] ?? -1) >= 0 ? (g.edgeTarget[s.edge] ?? 0) : (g.edgeSource[s.edge] ?? 0);
  };
  for (let u = 0; u < req.units; u++) {
    const stops: (PatrolStopInput & { lon: number; lat: number })[] = [];
    for (const c of sorted.slice(u * per, (u + 1) * per)) {
      const node = nodeOf(c.lon, c.lat);
      if (node !== undefined) stops.push({ id: `checkpoint:${c.id}`, node, dwellSeconds: c.dwellMinutes * 60, kind: 'checkpoint', lon: c.lon, lat: c.lat });
    }
    for (const p of unitPrizes[u] ?? []) {
      const [lat, lon] = cellToLatLng(p.h3);
      const node = nodeOf(lon, lat);
      if (node !== undefined) stops.push({ id: `cell:${p.h3}`, node, dwellSeconds: req.prizeDwellMinutes * 60, kind: 'prize', prizeByHour: p.hours, lon, lat });
    }
    const plan = planPatrol({ graph: g, depotNode, shiftSeconds: req.hours * 3600, startHour: req.startHour, stops });
    if (plan.kind === 'infeasible') throw new UnprocessableError(`Unit ${u + 1}: ${plan.reason}`, [{ path: 'body', message: plan.reason }]);
    const byId = new Map(stops.map((s) => [s.id, s]));
    const line: [number, number][] = [];
    const legs = [depotNode, ...plan.stops.map((s) => s.node), depotNode];
    for (let i = 1; i < legs.length; i++) {
      const a = legs[i - 1] ?? 0, b = legs[i] ?? 0;
      if (a === b) continue;
      const t = travelTimes(g, [{ node: a }], { target: b });
      const nodes = [b];
      const edges: number[] = [];
      for (let v = b; v !== a && (t.previous[v] ?? -1) >= 0; ) { edges.push(t.viaEdge[v] ?? 0); v = t.previous[v] ?? a; nodes.push(v); }
      const piece = pathLine(g, nodes.reverse(), edges.reverse());
      line.push(...(line.length ? piece.slice(1) : piece));
    }
    units.push({
      unit: u + 1,
      stops: plan.stops.map((s) => ({
        id: s.id, kind: s.kind, lon: byId.get(s.id)?.lon ?? 0, lat: byId.get(s.id)?.lat ?? 0,
        arrival: clock(req.startHour, s.arrivalSeconds), arrivalSeconds: s.arrivalSeconds, prize: s.prize,
      })),
      line, km: lineMeters(line) / 1000, minutes: plan.totalSeconds / 60, prize: plan.prize, checkpoints: plan.checkpoints,
      blindSpotMinutes: plan.stops.filter((s) => s.kind === 'prize' && (blindMeters.get(s.id.slice('cell:'.length)) ?? 0) > 0).length * req.prizeDwellMinutes,
    });
  }
  return units;
}

/** GPX 1.1: one track per unit, a waypoint per stop with its arrival time. */
export function patrolGpx(units: readonly PlannedUnit[], day: string): string {
  const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c] ?? c);
  const wpts = units.flatMap((u) => u.stops.map((s) =>
    `  <wpt lat="${s.lat.toFixed(7)}" lon="${s.lon.toFixed(7)}"><name>${esc(`U${u.unit} ${s.arrival} ${s.id}`)}</name><type>${s.kind}</type></wpt>`));
  const trks = units.map((u) => `  <trk><name>unit ${u.unit} ${day}</name><trkseg>\n${
    u.line.map(([lon, lat]) => `    <trkpt lat="${lat.toFixed(7)}" lon="${lon.toFixed(7)}"/>`).join('\n')}\n  </trkseg></trk>`);
  return `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="gridpatrol" xmlns="http://www.topografix.com/GPX/1/1">
${[...wpts, ...trks].join('\n')}
</gpx>
`;
}

/** Patrol plans with their inputs loaded: incidents per res-9 cell and hour, and the blind-spot cells when weighted. */
export async function planPatrolsWithInputs(db: Db, req: PatrolRequest): Promise<PlannedUnit[]> {
  const [counts, blind] = await Promise.all([
    cellHourCounts(db, 9), req.blindSpotWeight > 0 ? blindSpots(db).then((s) => blindSpotCells(s, 9)) : Promise.resolve([]),
  ]);
  return planPatrols(db, req, counts, blind);
}
