/**
 * The search under patrols and team plans: one or more tours from a start place to an end place, each within a time
 * limit, collecting prizes. Moves (insert, 2-opt, or-opt, replace, relocate between tours) are priced in O(1) from
 * prefix sums of each tour's travel and dwell times and the cached leg times (issue 17: the old solver rescored the
 * whole route for every candidate, 89 s for 100 stops). That pure-travel price is exact when nothing can make a unit
 * wait or break a gap (no windows, no visit groups) and prizes do not depend on the hour; otherwise it is a lower
 * bound on the time (waiting only adds), which throws out most candidates before the exact walk checks the rest.
 */

/** Stops by index; stop i is place i + 1 of `seconds`, place 0 is the start. */
export interface TourModel {
  /** Leg times between places, [from][to]. */
  seconds: readonly Float64Array[];
  /** Where a tour ends: 0 for back to the start. */
  endPlace: number;
  limitSeconds: number;
  dwellSeconds: Float64Array;
  /** Prize of a stop reached at that time into the tour. */
  prizeAt: (stop: number, arrivalSeconds: number) => number;
  /** Set when no prize depends on the arrival time: then a move's score is priced in O(1). */
  staticPrize?: Float64Array;
  bonus: Float64Array;
  /** Arrival windows (−∞/∞ when none): early waits until the open, later than the close is not a tour. */
  windowOpen: Float64Array;
  windowClose: Float64Array;
  /** Visit group of a stop (−1: none) and the largest gap allowed between consecutive visits of the group. */
  group: Int32Array;
  maxGapSeconds: Float64Array;
  /** Stops the search may add and drop (prize stops); the others stay where they are put. */
  optional: Uint8Array;
}

export function isPlain(m: TourModel): boolean {
  for (let i = 0; i < m.dwellSeconds.length; i++) {
    if (m.group[i] !== -1 || m.windowOpen[i] !== -Infinity || m.windowClose[i] !== Infinity) return false;
  }
  return true;
}

const at = (a: ArrayLike<number>, i: number): number => a[i] as number;

/** Result of walking a tour exactly: seconds Infinity when a window or a gap is broken. */
export interface TourWalk {
  seconds: number;
  prize: number;
  bonus: number;
}

/** Prize first, then shorter time breaks ties (a tiny weight on time); −∞ over the limit. */
export function tourScore(m: TourModel, w: TourWalk): number {
  return w.seconds <= m.limitSeconds ? w.prize + w.bonus - 1e-9 * w.seconds : -Infinity;
}

/** Where a walk picks up: position k, leaving place `from` at t with the prize and bonus so far. */
export interface WalkStart {
  k: number;
  t: number;
  prize: number;
  bonus: number;
  from: number;
}

/** Exact walk of `len` stops of `seq`, writing arrivals (after any wait) into `arrivals` when given. */
export function walkTour(
  m: TourModel,
  seq: ArrayLike<number>,
  len: number,
  arrivals?: Float64Array | number[],
  start?: WalkStart,
): TourWalk {
  let t = start?.t ?? 0,
    prize = start?.prize ?? 0,
    bonus = start?.bonus ?? 0,
    from = start?.from ?? 0;
  let groups: Map<number, number> | undefined;
  for (let k = start?.k ?? 0; k < len; k++) {
    const i = at(seq, k);
    t += at(m.seconds[from] as Float64Array, i + 1);
    const close = at(m.windowClose, i);
    if (close !== Infinity || m.windowOpen[i] !== -Infinity) {
      if (t > close) t = Infinity;
      else t = Math.max(t, at(m.windowOpen, i));
    }
    const g = at(m.group, i);
    if (g !== -1) {
      groups ??= new Map();
      const last = groups.get(g);
      if (last !== undefined && t - last > at(m.maxGapSeconds, i)) t = Infinity;
      groups.set(g, t);
    }
    if (arrivals) arrivals[k] = t;
    prize += m.staticPrize ? at(m.staticPrize, i) : m.prizeAt(i, t);
    bonus += at(m.bonus, i);
    t += at(m.dwellSeconds, i);
    from = i + 1;
  }
  t += at(m.seconds[from] as Float64Array, m.endPlace);
  return { seconds: t, prize, bonus };
}

/**
 * One tour with its prefix sums: `arrive[j]` the pure (no-wait) arrival at position j (j = len: at the end),
 * `back[j]` the travel of positions 0…j walked backwards, `dwell[j]` the dwell before position j.
 */
export class Tour {
  seq: number[];
  arrive = new Float64Array(0);
  back = new Float64Array(0);
  dwell = new Float64Array(0);
  /** Exact (waits included) time of leaving position j − 1 for j, prize and bonus of positions before j. */
  leave = new Float64Array(0);
  prizeBefore = new Float64Array(0);
  bonusBefore = new Float64Array(0);
  walk: TourWalk = { seconds: 0, prize: 0, bonus: 0 };
  score = 0;
  /** With visit groups a walk must start at the beginning (a group's last visit may lie in the prefix). */
  private readonly resumable: boolean;
  constructor(
    readonly m: TourModel,
    seq: number[],
  ) {
    this.seq = seq;
    this.resumable = !m.group.some((g) => g !== -1);
    this.refresh();
  }

  /** Where a walk of a sequence sharing this tour's first `k` stops can pick up. */
  startAt(k: number): WalkStart | undefined {
    if (!this.resumable || k <= 0) return undefined;
    return {
      k,
      t: at(this.leave, k),
      prize: at(this.prizeBefore, k),
      bonus: at(this.bonusBefore, k),
      from: this.place(k - 1),
    };
  }

  /** Place at position j (−1: the start, len: the end). */
  place(j: number): number {
    if (j < 0) return 0;
    if (j >= this.seq.length) return this.m.endPlace;
    return at(this.seq, j) + 1;
  }

  leg(a: number, b: number): number {
    return at(this.m.seconds[a] as Float64Array, b);
  }

  get pureSeconds(): number {
    return at(this.arrive, this.seq.length);
  }

  refresh(): void {
    const n = this.seq.length;
    if (this.arrive.length < n + 1) {
      const cap = Math.max(8, 2 * (n + 1));
      this.arrive = new Float64Array(cap);
      this.back = new Float64Array(cap);
      this.dwell = new Float64Array(cap);
      this.leave = new Float64Array(cap);
      this.prizeBefore = new Float64Array(cap);
      this.bonusBefore = new Float64Array(cap);
    }
    let t = 0,
      back = 0,
      dw = 0;
    for (let j = 0; j <= n; j++) {
      const p = this.place(j - 1),
        q = this.place(j);
      t += this.leg(p, q);
      this.arrive[j] = t;
      this.dwell[j] = dw;
      this.back[j] = back;
      if (j < n) {
        const d = at(this.m.dwellSeconds, at(this.seq, j));
        t += d;
        dw += d;
        if (j + 1 < n) back += this.leg(this.place(j + 1), q);
      }
    }
    const arrivals = new Float64Array(n);
    this.walk = walkTour(this.m, this.seq, n, arrivals);
    this.score = tourScore(this.m, this.walk);
    let pz = 0,
      bz = 0;
    this.leave[0] = 0;
    for (let j = 0; j < n; j++) {
      const i = at(this.seq, j),
        a = at(arrivals, j);
      this.prizeBefore[j] = pz;
      this.bonusBefore[j] = bz;
      pz += this.m.staticPrize ? at(this.m.staticPrize, i) : this.m.prizeAt(i, a);
      bz += at(this.m.bonus, i);
      this.leave[j + 1] = a + at(this.m.dwellSeconds, i);
    }
    this.prizeBefore[n] = pz;
    this.bonusBefore[n] = bz;
  }

  set(seq: number[]): void {
    this.seq = seq;
    this.refresh();
  }

  /** Pure seconds after inserting stop s before position j (0…len). */
  insertSeconds(s: number, j: number): number {
    const p = this.place(j - 1),
      q = this.place(j),
      x = s + 1;
    return this.pureSeconds + this.leg(p, x) + at(this.m.dwellSeconds, s) + this.leg(x, q) - this.leg(p, q);
  }

  /** Pure seconds after removing position q. */
  removeSeconds(q: number): number {
    const a = this.place(q - 1),
      b = this.place(q),
      c = this.place(q + 1);
    return (
      this.pureSeconds + this.leg(a, c) - this.leg(a, b) - at(this.m.dwellSeconds, at(this.seq, q)) - this.leg(b, c)
    );
  }

  /** Pure seconds after reversing positions a…b. */
  reverseSeconds(a: number, b: number): number {
    const p = this.place(a - 1),
      pa = this.place(a),
      pb = this.place(b),
      q = this.place(b + 1);
    const before = at(this.arrive, a) - this.leg(p, pa);
    const after = this.pureSeconds - at(this.arrive, b + 1);
    const inner = at(this.back, b) - at(this.back, a) + at(this.dwell, b + 1) - at(this.dwell, a);
    return before + this.leg(p, pb) + inner + this.leg(pa, q) + after;
  }

  /** Pure seconds after moving positions a…a+len−1 to gap g (0…len of the tour, outside a…a+len). */
  moveSeconds(a: number, len: number, g: number): number {
    const e = a + len - 1;
    const pf = this.place(a),
      pl = this.place(e);
    const inner = at(this.arrive, e) + at(this.m.dwellSeconds, at(this.seq, e)) - at(this.arrive, a);
    const p = this.place(a - 1),
      q = this.place(e + 1);
    const removed = this.pureSeconds - this.leg(p, pf) - inner - this.leg(pl, q) + this.leg(p, q);
    const u = this.place(g - 1),
      v = this.place(g);
    return removed + this.leg(u, pf) + inner + this.leg(pl, v) - this.leg(u, v);
  }

  /** Pure seconds after replacing position q by stop s, put at gap g of the tour without q. */
  replaceSeconds(q: number, s: number, g: number): number {
    const without = this.removeSeconds(q);
    const x = s + 1;
    let u: number, v: number;
    if (g === q) {
      u = this.place(q - 1);
      v = this.place(q + 1);
    } else {
      u = this.place(g - 1);
      v = this.place(g);
    }
    return without + this.leg(u, x) + at(this.m.dwellSeconds, s) + this.leg(x, v) - this.leg(u, v);
  }
}

/** Candidate sequences built without allocating; `walk` prices one exactly. */
export class Scratch {
  buf = new Int32Array(64);
  len = 0;
  constructor(readonly m: TourModel) {}

  private fit(n: number): void {
    if (this.buf.length < n) this.buf = new Int32Array(2 * n);
  }

  insert(seq: readonly number[], s: number, j: number): this {
    this.fit(seq.length + 1);
    let k = 0;
    for (let i = 0; i < seq.length; i++) {
      if (i === j) this.buf[k++] = s;
      this.buf[k++] = at(seq, i);
    }
    if (j >= seq.length) this.buf[k++] = s;
    this.len = k;
    return this;
  }

  reverse(seq: readonly number[], a: number, b: number): this {
    this.fit(seq.length);
    for (let i = 0; i < seq.length; i++) this.buf[i] = at(seq, i >= a && i <= b ? a + b - i : i);
    this.len = seq.length;
    return this;
  }

  move(seq: readonly number[], a: number, len: number, g: number): this {
    this.fit(seq.length);
    let k = 0;
    const put = () => {
      for (let i = a; i < a + len; i++) this.buf[k++] = at(seq, i);
    };
    for (let i = 0; i < seq.length; i++) {
      if (i === g) put();
      if (i >= a && i < a + len) continue;
      this.buf[k++] = at(seq, i);
    }
    if (g >= seq.length) put();
    this.len = k;
    return this;
  }

  replace(seq: readonly number[], q: number, s: number, g: number): this {
    this.fit(seq.length + 1);
    let k = 0;
    for (let i = 0; i < seq.length; i++) {
      if (i === g || (g === q && i === q)) this.buf[k++] = s;
      if (i !== q) this.buf[k++] = at(seq, i);
    }
    if (g >= seq.length && g !== q) this.buf[k++] = s;
    this.len = k;
    return this;
  }

  remove(seq: readonly number[], q: number): this {
    this.fit(seq.length);
    let k = 0;
    for (let i = 0; i < seq.length; i++) if (i !== q) this.buf[k++] = at(seq, i);
    this.len = k;
    return this;
  }

  /** Exact walk; `from` a tour whose first `k` stops the candidate shares, only the rest is walked. */
  walk(from?: Tour, k = 0): TourWalk {
    return walkTour(this.m, this.buf, this.len, undefined, from?.startAt(k));
  }

  toArray(): number[] {
    return Array.from(this.buf.subarray(0, this.len));
  }
}
