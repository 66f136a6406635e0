/**
 * The patrol solver as it was on 2026-12-02 (commit 89abacf, server/src/engines/routing/patrol.ts), kept unchanged as
 * the reference the faster solver is measured against (issue 17: "score ≥ today's on the same instances", in the
 * engine tests and beside it in `npm run bench -- routing`). Every candidate move rescores the whole route. Not used
 * by the product.
 */
import {
  travelMatrix,
  type PatrolPlan,
  type PatrolProblem,
  type PatrolStopInput,
  type PlannedStop,
  type TravelMatrix,
} from '../../src/engines/routing/patrol.js';

function prizeAt(p: PatrolProblem, stop: PatrolStopInput, arrivalSeconds: number): number {
  if (!stop.prizeByHour) return 0;
  const hour = Math.floor((p.startHour + arrivalSeconds / 3600) % 24);
  return stop.prizeByHour[hour] ?? 0;
}

interface Walk {
  /** Arrival (after any wait for a window to open) at each stop of the order. */
  arrivals: number[];
  seconds: number;
  prize: number;
  bonus: number;
}

/** Visits the stops in order from and back to the depot; seconds Infinity when a window or a gap is broken. */
function walk(p: PatrolProblem, m: TravelMatrix, order: readonly number[]): Walk {
  let t = 0,
    prize = 0,
    bonus = 0,
    at = 0;
  const arrivals: number[] = [];
  const lastOf = new Map<string, number>();
  for (const i of order) {
    t += m.seconds[at]?.[i + 1] ?? Infinity;
    const stop = p.stops[i];
    if (!stop) continue;
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
    at = i + 1;
  }
  t += m.seconds[at]?.[0] ?? Infinity;
  return { arrivals, seconds: t, prize, bonus };
}

/** Time and prize of visiting stops in this order from and back to the depot (Infinity seconds: not a plan). */
function evaluateRoute(
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
  const s = p.stops[i] as PatrolStopInput;
  const [open, close] = s.window ?? [0, p.shiftSeconds];
  const direct = m.seconds[0]?.[i + 1] ?? Infinity;
  const back = m.seconds[i + 1]?.[0] ?? Infinity;
  if (!Number.isFinite(direct) || !Number.isFinite(back)) return 'the gate cannot be reached from the base and back';
  if (close < 0 || open > p.shiftSeconds) return 'the window lies outside the shift';
  if (direct > close)
    return `even straight from the base the unit arrives at ${hhmm(p.startHour, direct)}, after the window closes at ${hhmm(p.startHour, close)}`;
  if (Math.max(open, direct) + s.dwellSeconds + back > p.shiftSeconds)
    return `the shift ends before the unit could stand at the gate and return (window ${hhmm(p.startHour, open)}–${hhmm(p.startHour, close)})`;
  return `with the checkpoints and the other gates the unit cannot be at the gate between ${hhmm(p.startHour, open)} and ${hhmm(p.startHour, close)}`;
}

/**
 * A patrol for one unit and one shift: every checkpoint, then as much prize as fits. A prize-collecting orienteering
 * problem with time-dependent prizes, solved by the textbook heuristic (Vansteenwegen, Souffriau & Van Oudheusden
 * 2011, "The orienteering problem: a survey"): cheapest insertion of the checkpoints, greedy insertion of prize stops
 * by gain per added second, 2-opt, or-opt (moving one stop) and swaps of a visited prize stop for an unvisited one,
 * all inside an iterated local search (below). Checked against the exact optimum on small instances in the tests.
 */
export function planPatrolToday(p: PatrolProblem, m: TravelMatrix = travelMatrix(p), signal?: AbortSignal): PatrolPlan {
  const required = p.stops.flatMap((s, i) => (s.kind === 'checkpoint' ? [i] : []));
  for (const i of required) {
    if (!Number.isFinite(m.seconds[0]?.[i + 1] ?? Infinity) || !Number.isFinite(m.seconds[i + 1]?.[0] ?? Infinity)) {
      return { kind: 'infeasible', reason: `checkpoint ${p.stops[i]?.id} cannot be reached from the post and back` };
    }
  }
  let route: number[] = [];
  for (const i of required) route = bestInsertion(p, m, route, i, 'time').route;
  if (evaluateRoute(p, m, route).seconds > p.shiftSeconds) {
    route = improve(p, m, route);
    const t = evaluateRoute(p, m, route).seconds;
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
    .sort((a, b) => (p.stops[a]?.window?.[0] ?? 0) - (p.stops[b]?.window?.[0] ?? 0));
  for (const i of gates) {
    const ins = bestInsertion(p, m, route, i, 'score');
    if (Number.isFinite(ins.value)) route = ins.route;
    else {
      const better = improve(p, m, ins.route);
      if (Number.isFinite(score(p, m, better))) route = better;
      else missedGates.push({ id: p.stops[i]?.id ?? '', reason: gateReason(p, m, i) });
    }
  }
  route = localSearch(p, m, route);
  // Iterated local search (Vansteenwegen, Souffriau, Vanden Berghe & Van Oudheusden 2009, for the team orienteering
  // problem with time windows): shake by removing S consecutive prize stops from position R, search again, keep the
  // best; S grows and R moves on while nothing improves. Deterministic, so the same input gives the same plan.
  let best = route;
  let bestScore = score(p, m, route);
  for (let it = 0, S = 1, R = 0, stale = 0; it < 150 && stale < 40; it++) {
    signal?.throwIfAborted();
    const shaken = shake(p, route, R, S);
    route = localSearch(p, m, shaken);
    const sc = score(p, m, route);
    if (sc > bestScore + 1e-9) {
      best = route;
      bestScore = sc;
      S = 1;
      stale = 0;
    } else {
      stale++;
      R += S;
      S++;
      const prizes = route.filter((i) => p.stops[i]?.kind === 'prize').length;
      if (R >= Math.max(1, route.length)) R -= Math.max(1, route.length);
      if (S > Math.max(1, Math.ceil(prizes / 2))) S = 1;
      if (!Number.isFinite(sc)) route = best;
    }
  }
  route = best;
  const w = walk(p, m, route);
  const stops: PlannedStop[] = route.map((i, k) => {
    const s = p.stops[i] as PatrolStopInput;
    const t = w.arrivals[k] ?? Infinity;
    return { id: s.id, node: s.node, kind: s.kind, arrivalSeconds: t, prize: prizeAt(p, s, t) };
  });
  return { kind: 'ok', stops, totalSeconds: w.seconds, prize: w.prize, checkpoints: required.length, missedGates };
}

/** Insertion, then 2-opt / or-opt / swap, repeated until the score stops rising. */
function localSearch(p: PatrolProblem, m: TravelMatrix, start: number[]): number[] {
  let route = start;
  for (let round = 0; round < 50; round++) {
    const before = score(p, m, route);
    route = insertPrizes(p, m, route);
    route = improve(p, m, route);
    route = swapPrizes(p, m, route);
    if (score(p, m, route) <= before + 1e-9) break;
  }
  return route;
}

/** Removes `count` consecutive prize stops from position `from` (wrapping); checkpoints always stay. */
function shake(p: PatrolProblem, route: readonly number[], from: number, count: number): number[] {
  const drop = new Set<number>();
  for (let k = 0, pos = from; k < route.length && drop.size < count; k++, pos = (pos + 1) % route.length) {
    const i = route[pos];
    if (i !== undefined && p.stops[i]?.kind === 'prize') drop.add(i);
  }
  return route.filter((i) => !drop.has(i));
}

/** Replaces one visited prize stop with an unvisited one (at its best position) where that raises the score. */
function swapPrizes(p: PatrolProblem, m: TravelMatrix, start: number[]): number[] {
  let route = start;
  let best = score(p, m, route);
  for (let improved = true; improved; ) {
    improved = false;
    for (const out of route) {
      if (p.stops[out]?.kind !== 'prize') continue;
      const without = route.filter((i) => i !== out);
      for (let inn = 0; inn < p.stops.length && !improved; inn++) {
        if (p.stops[inn]?.kind !== 'prize' || route.includes(inn)) continue;
        const cand = bestInsertion(p, m, without, inn, 'score');
        if (cand.value > best + 1e-9) {
          route = cand.route;
          best = cand.value;
          improved = true;
        }
      }
      if (improved) break;
    }
  }
  return route;
}

/** Prize first, then shorter time breaks ties (a tiny weight on time). */
function score(p: PatrolProblem, m: TravelMatrix, route: readonly number[]): number {
  const r = walk(p, m, route);
  return r.seconds <= p.shiftSeconds ? r.prize + r.bonus - 1e-9 * r.seconds : -Infinity;
}

function bestInsertion(p: PatrolProblem, m: TravelMatrix, route: readonly number[], i: number, by: 'time' | 'score') {
  let best = { route: [...route, i], value: -Infinity };
  for (let pos = 0; pos <= route.length; pos++) {
    const cand = [...route.slice(0, pos), i, ...route.slice(pos)];
    const value = by === 'time' ? -evaluateRoute(p, m, cand).seconds : score(p, m, cand);
    if (value > best.value) best = { route: cand, value };
  }
  return best;
}

/** Adds prize stops one at a time, best gain per extra second first, while the shift allows. */
function insertPrizes(p: PatrolProblem, m: TravelMatrix, start: number[]): number[] {
  let route = start;
  for (;;) {
    const base = walk(p, m, route);
    let pick: { route: number[]; ratio: number } | undefined;
    p.stops.forEach((s, i) => {
      if (s.kind !== 'prize' || route.includes(i)) return;
      const ins = bestInsertion(p, m, route, i, 'score');
      if (!Number.isFinite(ins.value)) return;
      const r = walk(p, m, ins.route);
      const gain = r.prize + r.bonus - base.prize - base.bonus;
      if (gain <= 0) return;
      const ratio = gain / Math.max(1, r.seconds - base.seconds);
      if (!pick || ratio > pick.ratio) pick = { route: ins.route, ratio };
    });
    if (!pick) return route;
    route = pick.route;
  }
}

/** 2-opt (reverse a stretch) and or-opt (move one stop) until no move raises the score. */
function improve(p: PatrolProblem, m: TravelMatrix, start: number[]): number[] {
  let route = start;
  let best = score(p, m, route);
  const timeOnly = !Number.isFinite(best); // over the shift: first shorten the route
  const value = (r: number[]) => (timeOnly ? -evaluateRoute(p, m, r).seconds : score(p, m, r));
  if (timeOnly) best = value(route);
  for (let improved = true; improved; ) {
    improved = false;
    for (let a = 0; a < route.length - 1 && !improved; a++) {
      for (let b = a + 1; b < route.length && !improved; b++) {
        const cand = [...route.slice(0, a), ...route.slice(a, b + 1).reverse(), ...route.slice(b + 1)];
        const v = value(cand);
        if (v > best + 1e-9) {
          route = cand;
          best = v;
          improved = true;
        }
      }
    }
    for (let a = 0; a < route.length && !improved; a++) {
      const rest = [...route.slice(0, a), ...route.slice(a + 1)];
      for (let pos = 0; pos <= rest.length && !improved; pos++) {
        if (pos === a) continue;
        const cand = [...rest.slice(0, pos), route[a] as number, ...rest.slice(pos)];
        const v = value(cand);
        if (v > best + 1e-9) {
          route = cand;
          best = v;
          improved = true;
        }
      }
    }
  }
  return route;
}
