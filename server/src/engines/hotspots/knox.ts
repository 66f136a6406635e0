import Flatbush from 'flatbush';

/** One event for the near-repeat test: position in metres (any local metric projection) and time in ms. */
export interface SpaceTimeEvent {
  xMeters: number;
  yMeters: number;
  timeMs: number;
}

export interface KnoxOptions {
  /** Pairs closer than this in space are "near". */
  spaceBandMeters: number;
  /** Pairs closer than this in time are "near". */
  timeBandMs: number;
  /** Monte-Carlo permutations of the times over the places. Default 999. */
  permutations?: number;
  /** Uniform random numbers in [0, 1): inject a seeded one so results reproduce. */
  random: () => number;
  signal?: AbortSignal;
}

export interface KnoxResult {
  /** Pairs near in both space and time. */
  observed: number;
  /** Mean of the same count over the permutations. */
  expected: number;
  /** observed / expected: above 1 means incidents repeat near each other soon after (near repeat). */
  ratio: number;
  /** One-sided Monte-Carlo p: (1 + #{permuted ≥ observed}) / (permutations + 1). */
  p: number;
  spaceNearPairs: number;
  permutations: number;
}

/**
 * Knox (1964) space–time interaction test with Monte-Carlo significance (as in the Near Repeat Calculator,
 * Ratcliffe 2009): count event pairs near in space and in time, then compare with the counts after randomly
 * reassigning the times to the places, which keeps both marginal distributions and breaks only their interaction.
 * The pairs near in space are found once with a Flatbush index; each permutation then only re-checks their times,
 * so the cost is O(pairs × permutations) instead of O(n² × permutations).
 */
export function knoxTest(events: readonly SpaceTimeEvent[], opts: KnoxOptions): KnoxResult {
  const n = events.length;
  const R = opts.permutations ?? 999;
  const pairsA: number[] = [];
  const pairsB: number[] = [];
  if (n >= 2) {
    const index = new Flatbush(n);
    for (const e of events) index.add(e.xMeters, e.yMeters, e.xMeters, e.yMeters);
    index.finish();
    const d = opts.spaceBandMeters;
    events.forEach((e, i) => {
      for (const j of index.search(e.xMeters - d, e.yMeters - d, e.xMeters + d, e.yMeters + d)) {
        if (j <= i) continue;
        const o = events[j];
        if (o && Math.hypot(o.xMeters - e.xMeters, o.yMeters - e.yMeters) <= d) {
          pairsA.push(i);
          pairsB.push(j);
        }
      }
    });
  }
  const countNear = (times: ArrayLike<number>) => {
    let c = 0;
    // hot loop (pairs × permutations): pairsA/pairsB hold event indexes built from `times` itself.
    for (let k = 0; k < pairsA.length; k++) {
      if (Math.abs((times[pairsA[k] ?? 0] ?? 0) - (times[pairsB[k] ?? 0] ?? 0)) <= opts.timeBandMs) c++;
    }
    return c;
  };
  const times = Float64Array.from(events, (e) => e.timeMs);
  const observed = countNear(times);
  let atLeast = 0;
  let total = 0;
  for (let r = 0; r < R; r++) {
    opts.signal?.throwIfAborted();
    shuffle(times, opts.random);
    const c = countNear(times);
    total += c;
    if (c >= observed) atLeast++;
  }
  const expected = R > 0 ? total / R : Number.NaN;
  return {
    observed,
    expected,
    ratio: expected > 0 ? observed / expected : Number.NaN,
    p: (1 + atLeast) / (R + 1),
    spaceNearPairs: pairsA.length,
    permutations: R,
  };
}

/** Fisher–Yates, in place. */
function shuffle(a: Float64Array, random: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    // hot loop (n × permutations): i and j are in [0, a.length) by the loop bounds.
    const t = a[i] ?? 0;
    a[i] = a[j] ?? 0;
    a[j] = t;
  }
}
