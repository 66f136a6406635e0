import { at } from '../shared/checked.js';
import { travelTimes } from './dijkstra.js';
import { arrivalSeconds, originsFor, type EdgePoint } from './edge-point.js';
import { Scratch, Tour, tourScore, walkTour, type TourModel } from './orienteering.js';
import type { RoadGraph } from './road-graph.js';
import { TourSearch } from './tour-search.js';

/** A place on a patrol: a required checkpoint (必巡点) or a place worth visiting (hot spot, camera blind spot). */
export interface PatrolStopInput {
  id: string;
  node: number;
  /** Where on its street the stop is (the edge split there); without it, at `node`. */
  point?: EdgePoint;
  dwellSeconds: number;
  /**
   * checkpoint: always visited; gate: a school gate (护学岗), visited when its window can be kept, else left out with
   * the reason; prize: visited where it pays.
   */
  kind: 'checkpoint' | 'prize' | 'gate';
  /** Prize by local hour of arrival (24 values): incidents at that hour in that place, blind-spot weight, … */
  prizeByHour?: readonly number[];
  /**
   * Arrival window in seconds into the shift: a unit early waits until the first, a route arriving after the second
   * is not a plan.
   */
  window?: readonly [number, number];
  /** Visits of one place (a hot place's dosage visits): consecutive ones at most `maxGapSeconds` apart. */
  group?: string;
  maxGapSeconds?: number;
  /** Worth added to the score (not the prize) when visited: dosage visits come before any other prize. */
  bonus?: number;
}

export interface PatrolProblem {
  graph: RoadGraph;
  /** Post or station where the shift starts and ends. */
  depotNode: number;
  /** The base's place on its street; without it, at `depotNode`. */
  depotPoint?: EdgePoint;
  shiftSeconds: number;
  /** Local hour (may be fractional) at which the shift starts, e.g. 18 for 18:00. */
  startHour: number;
  stops: readonly PatrolStopInput[];
}

export interface PlannedStop {
  id: string;
  node: number;
  kind: PatrolStopInput['kind'];
  arrivalSeconds: number;
  prize: number;
}

export type PatrolPlan =
  | {
      kind: 'ok';
      stops: PlannedStop[];
      totalSeconds: number;
      prize: number;
      checkpoints: number;
      /** Gates left out, each with why its window cannot be kept. */
      missedGates: { id: string; reason: string }[];
    }
  | { kind: 'infeasible'; reason: string };

/** Travel times between the depot and every stop (one search per place), the input every route evaluation uses. */
export interface TravelMatrix {
  /** Index 0 is the depot; index i + 1 is stop i. */
  seconds: Float64Array[];
}

export function travelMatrix(p: PatrolProblem, signal?: AbortSignal): TravelMatrix {
  const places = [
    { node: p.depotNode, point: p.depotPoint },
    ...p.stops.map((s) => ({ node: s.node, point: s.point })),
  ];
  const seconds = places.map((from) => {
    signal?.throwIfAborted();
    const origins = from.point ? originsFor(p.graph, from.point) : [{ node: from.node }];
    const t = travelTimes(p.graph, origins).seconds;
    return Float64Array.from(places, (to) =>
      to.point ? arrivalSeconds(p.graph, t, to.point, from.point) : at(t, to.node, 'stop node'),
    );
  });
  return { seconds };
}

/** Prize of a stop when reached `arrivalSeconds` into the shift. */
function prizeAt(p: PatrolProblem, stop: PatrolStopInput, arrivalSeconds: number): number {
  // No prize at an infinite arrival (a broken window or gap: not a plan), nor without an hourly profile.
  if (!stop.prizeByHour || !Number.isFinite(arrivalSeconds)) return 0;
  const hour = Math.floor((p.startHour + arrivalSeconds / 3600) % 24);
  return at(stop.prizeByHour, hour, 'prize hour');
}

interface Walk {
  /** Arrival (after any wait for a window to open) at each stop of the order. */
  arrivals: number[];
  seconds: number;
  prize: number;
  bonus: number;
}

/** Seconds from place `from` to place `to` of the matrix (Infinity where unreachable; a bad place throws). */
function leg(m: TravelMatrix, from: number, to: number): number {
  return at(at(m.seconds, from, 'place'), to, 'place');
}

/** Visits the stops in order from and back to the depot; seconds Infinity when a window or a gap is broken. */
function walk(p: PatrolProblem, m: TravelMatrix, order: readonly number[]): Walk {
  let t = 0,
    prize = 0,
    bonus = 0,
    place = 0;
  const arrivals: number[] = [];
  const lastOf = new Map<string, number>();
  for (const i of order) {
    t += leg(m, place, i + 1);
    const stop = at(p.stops, i, 'stop');
    if (stop.window) {
      if (t > stop.window[1]) t = Infinity;
      else t = Math.max(t, stop.window[0]);
    }
    if (stop.group !== undefined) {
      const last = lastOf.get(stop.group);
      if (last !== undefined && stop.maxGapSeconds !== undefined && t - last > stop.maxGapSeconds) t = Infinity;
      lastOf.set(stop.group, t);
    }
    arrivals.push(t);
    prize += prizeAt(p, stop, t);
    bonus += stop.bonus ?? 0;
    t += stop.dwellSeconds;
    place = i + 1;
  }
  t += leg(m, place, 0);
  return { arrivals, seconds: t, prize, bonus };
}

/** Time and prize of visiting stops in this order from and back to the depot (Infinity seconds: not a plan). */
export function evaluateRoute(
  p: PatrolProblem,
  m: TravelMatrix,
  order: readonly number[],
): { seconds: number; prize: number } {
  const w = walk(p, m, order);
  return { seconds: w.seconds, prize: w.prize };
}

const hhmm = (startHour: number, s: number) => {
  const x = Math.round(startHour * 60 + s / 60);
  const d = ((x % 1440) + 1440) % 1440;
  return `${String(Math.floor(d / 60)).padStart(2, '0')}:${String(d % 60).padStart(2, '0')}`;
};

/** Why a gate's window cannot be kept in this plan. */
function gateReason(p: PatrolProblem, m: TravelMatrix, i: number): string {
  const s = at(p.stops, i, 'stop');
  const [open, close] = s.window ?? [0, p.shiftSeconds];
  const direct = leg(m, 0, i + 1);
  const back = leg(m, i + 1, 0);
  if (!Number.isFinite(direct) || !Number.isFinite(back)) return 'the gate cannot be reached from the base and back';
  if (close < 0 || open > p.shiftSeconds) return 'the window lies outside the shift';
  if (direct > close)
    return `even straight from the base the unit arrives at ${hhmm(p.startHour, direct)}, after the window closes at ${hhmm(p.startHour, close)}`;
  if (Math.max(open, direct) + s.dwellSeconds + back > p.shiftSeconds)
    return `the shift ends before the unit could stand at the gate and return (window ${hhmm(p.startHour, open)}–${hhmm(p.startHour, close)})`;
  return `with the checkpoints and the other gates the unit cannot be at the gate between ${hhmm(p.startHour, open)} and ${hhmm(p.startHour, close)}`;
}

/** The search's view of a patrol: stop i is place i + 1 of the travel matrix, the tour ends back at the base. */
export function patrolModel(p: PatrolProblem, m: TravelMatrix): TourModel {
  const groups = new Map<string, number>();
  const model: TourModel = {
    seconds: m.seconds,
    endPlace: 0,
    limitSeconds: p.shiftSeconds,
    dwellSeconds: Float64Array.from(p.stops, (s) => s.dwellSeconds),
    prizeAt: (i, t) => prizeAt(p, p.stops[i] as PatrolStopInput, t),
    bonus: Float64Array.from(p.stops, (s) => s.bonus ?? 0),
    windowOpen: Float64Array.from(p.stops, (s) => s.window?.[0] ?? -Infinity),
    windowClose: Float64Array.from(p.stops, (s) => s.window?.[1] ?? Infinity),
    group: Int32Array.from(p.stops, (s) => {
      if (s.group === undefined) return -1;
      if (!groups.has(s.group)) groups.set(s.group, groups.size);
      return groups.get(s.group) as number;
    }),
    maxGapSeconds: Float64Array.from(p.stops, (s) => s.maxGapSeconds ?? Infinity),
    optional: Uint8Array.from(p.stops, (s) => (s.kind === 'prize' ? 1 : 0)),
  };
  // A prize the same at every hour lets every move be priced in O(1).
  if (p.stops.every((s) => !s.prizeByHour || s.prizeByHour.every((v) => v === s.prizeByHour?.[0])))
    model.staticPrize = Float64Array.from(p.stops, (s) => s.prizeByHour?.[0] ?? 0); // no profile: no prize
  return model;
}

export interface PatrolSearchOptions {
  /** Milliseconds the iterated local search may take after the first plan (default 2,000): no new shake past it. */
  searchMs?: number;
}

/**
 * A patrol for one unit and one shift: every checkpoint, then as much prize as fits. A prize-collecting orienteering
 * problem with time-dependent prizes, solved by the textbook heuristic (Vansteenwegen, Souffriau & Van Oudheusden
 * 2011, "The orienteering problem: a survey"): cheapest insertion of the checkpoints, greedy insertion of prize stops
 * by gain per added second, 2-opt, or-opt and swaps of a visited prize stop for an unvisited one, all inside an
 * iterated local search (tour-search.ts), each move priced in O(1) before any exact walk. Checked against the exact
 * optimum on small instances and against the previous solver in the tests.
 */
export function planPatrol(
  p: PatrolProblem,
  m: TravelMatrix = travelMatrix(p),
  signal?: AbortSignal,
  opts: PatrolSearchOptions = {},
): PatrolPlan {
  const required = p.stops.flatMap((s, i) => (s.kind === 'checkpoint' ? [i] : []));
  for (const i of required) {
    if (!Number.isFinite(leg(m, 0, i + 1)) || !Number.isFinite(leg(m, i + 1, 0))) {
      return { kind: 'infeasible', reason: `checkpoint ${p.stops[i]?.id} cannot be reached from the post and back` };
    }
  }
  const model = patrolModel(p, m);
  const scratch = new Scratch(model);
  let route: number[] = [];
  for (const i of required) route = bestInsertion(model, scratch, route, i, 'time').route;
  if (walkTour(model, route, route.length).seconds > p.shiftSeconds) {
    route = shorten(model, scratch, route);
    const t = walkTour(model, route, route.length).seconds;
    if (t > p.shiftSeconds) {
      return {
        kind: 'infeasible',
        reason: `the checkpoints alone take ${Math.round(t / 60)} min, longer than the ${Math.round(p.shiftSeconds / 60)}-min shift`,
      };
    }
  }
  // Gates, earliest window first, each where it keeps every window; a gate that fits nowhere is left out with why.
  const missedGates: { id: string; reason: string }[] = [];
  const gates = p.stops
    .flatMap((s, i) => (s.kind === 'gate' ? [i] : []))
    .sort((a, b) => (at(p.stops, a, 'stop').window?.[0] ?? 0) - (at(p.stops, b, 'stop').window?.[0] ?? 0));
  const scoreOf = (r: readonly number[]) => tourScore(model, walkTour(model, r, r.length));
  for (const i of gates) {
    const ins = bestInsertion(model, scratch, route, i, 'score');
    if (Number.isFinite(ins.value)) route = ins.route;
    else {
      const better = shorten(model, scratch, ins.route);
      if (Number.isFinite(scoreOf(better))) route = better;
      else missedGates.push({ id: p.stops[i]?.id ?? '', reason: gateReason(p, m, i) });
    }
  }
  const search = new TourSearch(model, [new Tour(model, route)]);
  search.iterate({
    iterations: 150,
    stale: 40,
    deadlineMs: performance.now() + (opts.searchMs ?? 2000),
    ...(signal ? { signal } : {}),
  });
  route = search.tours[0]?.seq ?? route;
  const w = walk(p, m, route);
  const stops: PlannedStop[] = route.map((i, k) => {
    const s = at(p.stops, i, 'stop');
    const t = at(w.arrivals, k, 'route position');
    return { id: s.id, node: s.node, kind: s.kind, arrivalSeconds: t, prize: prizeAt(p, s, t) };
  });
  return { kind: 'ok', stops, totalSeconds: w.seconds, prize: w.prize, checkpoints: required.length, missedGates };
}

/** Where stop i goes in the route: least time, or best score (−∞ when no position keeps the shift and windows). */
function bestInsertion(model: TourModel, scratch: Scratch, route: readonly number[], i: number, by: 'time' | 'score') {
  let best = { route: [...route, i], value: -Infinity };
  for (let pos = 0; pos <= route.length; pos++) {
    const w = scratch.insert(route, i, pos).walk();
    const value = by === 'time' ? -w.seconds : tourScore(model, w);
    if (value > best.value) best = { route: scratch.toArray(), value };
  }
  return best;
}

/** 2-opt and or-opt on the exact time (waits included) while the route is over its shift: a route that fits first. */
function shorten(model: TourModel, scratch: Scratch, start: number[]): number[] {
  let route = start;
  let best = walkTour(model, route, route.length).seconds;
  for (let improved = true; improved; ) {
    improved = false;
    for (let a = 0; a < route.length - 1; a++)
      for (let b = a + 1; b < route.length; b++) {
        const v = scratch.reverse(route, a, b).walk().seconds;
        if (v < best - 1e-9) {
          route = scratch.toArray();
          best = v;
          improved = true;
        }
      }
    for (let a = 0; a < route.length; a++)
      for (let g = 0; g <= route.length; g++) {
        if (g === a || g === a + 1) continue;
        const v = scratch.move(route, a, 1, g).walk().seconds;
        if (v < best - 1e-9) {
          route = scratch.toArray();
          best = v;
          improved = true;
        }
      }
  }
  return route;
}
