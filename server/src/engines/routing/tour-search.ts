import { isPlain, Scratch, type Tour, tourScore, type TourModel, type TourWalk } from './orienteering.js';

/**
 * Local search and iterated local search over one or more tours sharing one pool of optional stops (a patrol is one
 * tour; the team orienteering problem is several). Textbook moves (Vansteenwegen, Souffriau, Vanden Berghe & Van
 * Oudheusden 2009, "Iterated local search for the team orienteering problem with time windows"): insert by gain per
 * added second, 2-opt, or-opt (moving 1–3 stops), replace a visited stop by an unvisited one, relocate a stop to
 * another tour; each priced in O(1) first (orienteering.ts), walked exactly only when it can be a tour.
 */
export interface SearchLimits {
  /** Shakes at most, and shakes in a row without a better plan. */
  iterations: number;
  stale: number;
  /** performance.now() past which no new shake starts. */
  deadlineMs?: number;
  signal?: AbortSignal;
  /**
   * `sweep` (default): S consecutive stops from position R, as Vansteenwegen et al.; `random`: also a seeded random
   * share of each tour's stops, and back to the best plan after `stale / 4` shakes without a better one (the sweep
   * alone cycles on the larger team instances).
   */
  shake?: 'sweep' | 'random';
  seed?: number;
}

/** A small seeded generator (LCG): the same seed, the same plan. */
function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const EPS = 1e-9;

export class TourSearch {
  readonly exact: boolean;
  readonly scratch: Scratch;
  /** Which tour holds a stop (−1: none). */
  readonly owner: Int32Array;
  /** Randomised insertion (ratio × 1 ± noise/2) right after a random shake; 0 otherwise. */
  private noise = 0;
  private rnd: () => number = () => 0.5;

  constructor(
    readonly m: TourModel,
    readonly tours: Tour[],
  ) {
    // With no waits, gaps or hour-dependent prizes the O(1) price is the score itself.
    this.exact = m.staticPrize !== undefined && isPlain(m);
    this.scratch = new Scratch(m);
    this.owner = new Int32Array(m.dwellSeconds.length).fill(-1);
    tours.forEach((t, k) => {
      for (const s of t.seq) this.owner[s] = k;
    });
  }

  total(): number {
    let s = 0;
    for (const t of this.tours) s += t.score;
    return s;
  }

  /** Score of a candidate whose pure seconds are known and whose prize/bonus change is `gain` (exact mode only). */
  private priced(t: Tour, seconds: number, gain: number): number {
    if (seconds > this.m.limitSeconds) return -Infinity;
    return t.walk.prize + t.walk.bonus + gain - EPS * seconds;
  }

  private walked(t?: Tour, k = 0): { w: TourWalk; score: number } {
    const w = this.scratch.walk(t, k);
    return { w, score: tourScore(this.m, w) };
  }

  private worth(s: number): number {
    // Per move in the search, unchecked: s is a stop of the model, and staticPrize and bonus hold one value per stop.
    return (this.m.staticPrize?.[s] ?? 0) + (this.m.bonus[s] ?? 0);
  }

  private setTour(k: number, seq: number[]): void {
    const t = this.tours[k] as Tour;
    for (const s of t.seq) this.owner[s] = -1;
    t.set(seq);
    for (const s of t.seq) this.owner[s] = k;
  }

  /** 2-opt and or-opt on one tour until no move raises its score. */
  improveTour(k: number): void {
    const t = this.tours[k] as Tour;
    const limit = this.m.limitSeconds;
    for (let improved = true; improved; ) {
      improved = false;
      const n = t.seq.length;
      for (let a = 0; a < n - 1; a++) {
        for (let b = a + 1; b < n; b++) {
          const sec = t.reverseSeconds(a, b);
          if (sec > limit) continue;
          let sc: number;
          if (this.exact) sc = this.priced(t, sec, 0);
          else {
            this.scratch.reverse(t.seq, a, b);
            sc = this.walked(t, a).score;
          }
          if (sc > t.score + EPS) {
            this.setTour(k, this.exact ? this.scratch.reverse(t.seq, a, b).toArray() : this.scratch.toArray());
            improved = true;
          }
        }
      }
      // Segments of 1–3 stops when a move is priced in O(1); one stop (as before) when each is walked.
      for (let len = 1; len <= (this.exact ? 3 : 1); len++) {
        for (let a = 0; a + len <= t.seq.length; a++) {
          for (let g = 0; g <= t.seq.length; g++) {
            if (g >= a && g <= a + len) continue;
            const sec = t.moveSeconds(a, len, g);
            if (sec > limit) continue;
            let sc: number;
            if (this.exact) sc = this.priced(t, sec, 0);
            else {
              this.scratch.move(t.seq, a, len, g);
              sc = this.walked(t, Math.min(a, g)).score;
            }
            if (sc > t.score + EPS) {
              this.setTour(k, this.exact ? this.scratch.move(t.seq, a, len, g).toArray() : this.scratch.toArray());
              improved = true;
            }
          }
        }
      }
    }
  }

  /** Gaps of tour t that can hold stop s by pure seconds, fewest added seconds first. */
  private gaps(t: Tour, s: number): { gap: number; seconds: number }[] {
    const out: { gap: number; seconds: number }[] = [];
    for (let g = 0; g <= t.seq.length; g++) {
      const sec = t.insertSeconds(s, g);
      if (sec <= this.m.limitSeconds) out.push({ gap: g, seconds: sec });
    }
    return out.sort((x, y) => x.seconds - y.seconds);
  }

  private cheapestGap(t: Tour, s: number): { gap: number; seconds: number } | undefined {
    let best: { gap: number; seconds: number } | undefined;
    for (let g = 0; g <= t.seq.length; g++) {
      const sec = t.insertSeconds(s, g);
      if (sec <= this.m.limitSeconds && (!best || sec < best.seconds)) best = { gap: g, seconds: sec };
    }
    return best;
  }

  /**
   * Adds optional stops one at a time, best gain per added second first, while a tour's limit allows. Each stop is
   * tried at its cheapest gaps (by pure seconds) until 3 of them walk as a tour: a window or a gap rule can rule the
   * cheapest out, and an hour-dependent prize can favour a dearer one.
   */
  insert(): void {
    for (;;) {
      let pick: { k: number; s: number; gap: number; ratio: number } | undefined;
      for (let s = 0; s < this.owner.length; s++) {
        if (this.owner[s] !== -1 || !this.m.optional[s]) continue;
        for (let k = 0; k < this.tours.length; k++) {
          const t = this.tours[k] as Tour;
          if (this.exact) {
            const c = this.cheapestGap(t, s);
            const gain = this.worth(s);
            if (!c || gain <= 0) continue;
            let ratio = gain / Math.max(1, c.seconds - t.pureSeconds);
            if (this.noise > 0) ratio *= 1 + this.noise * (this.rnd() - 0.5);
            if (!pick || ratio > pick.ratio) pick = { k, s, gap: c.gap, ratio };
            continue;
          }
          let fits = 0;
          for (const { gap } of this.gaps(t, s)) {
            const { w, score } = (this.scratch.insert(t.seq, s, gap), this.walked(t, gap));
            if (!Number.isFinite(score)) continue;
            const gain = w.prize + w.bonus - t.walk.prize - t.walk.bonus;
            if (gain > 0) {
              const ratio = gain / Math.max(1, w.seconds - t.walk.seconds);
              if (!pick || ratio > pick.ratio) pick = { k, s, gap, ratio };
            }
            if (++fits >= 3) break;
          }
        }
      }
      if (!pick) return;
      const t = this.tours[pick.k] as Tour;
      this.setTour(pick.k, this.scratch.insert(t.seq, pick.s, pick.gap).toArray());
    }
  }

  /** Replaces a visited optional stop by an unvisited one (at its cheapest gap that walks) where that raises the score. */
  replace(): void {
    const gaps: { gap: number; seconds: number }[] = [];
    for (let improved = true; improved; ) {
      improved = false;
      for (let k = 0; k < this.tours.length; k++) {
        const t = this.tours[k] as Tour;
        for (let q = 0; q < t.seq.length; q++) {
          const out = t.seq[q] as number;
          if (!this.m.optional[out]) continue;
          for (let s = 0; s < this.owner.length; s++) {
            if (this.owner[s] !== -1 || !this.m.optional[s]) continue;
            if (this.exact && this.worth(s) < this.worth(out) - EPS) continue;
            gaps.length = 0;
            for (let g = 0; g <= t.seq.length; g++) {
              if (g === q + 1) continue;
              const sec = t.replaceSeconds(q, s, g);
              if (sec <= this.m.limitSeconds) gaps.push({ gap: g, seconds: sec });
            }
            if (gaps.length === 0) continue;
            gaps.sort((x, y) => x.seconds - y.seconds);
            let sc = -Infinity,
              gap = -1;
            if (this.exact) {
              gap = (gaps[0] as { gap: number }).gap;
              sc = this.priced(t, (gaps[0] as { seconds: number }).seconds, this.worth(s) - this.worth(out));
            } else {
              for (const c of gaps) {
                const v = (this.scratch.replace(t.seq, q, s, c.gap), this.walked(t, Math.min(q, c.gap)).score);
                if (Number.isFinite(v)) {
                  sc = v;
                  gap = c.gap;
                  break;
                }
              }
            }
            if (sc > t.score + EPS) {
              this.setTour(k, this.scratch.replace(t.seq, q, s, gap).toArray());
              improved = true;
              break;
            }
          }
        }
      }
    }
  }

  /** Moves a stop to another tour where the two together score more (in practice: take less time, freeing room). */
  relocate(): void {
    if (this.tours.length < 2) return;
    for (let improved = true; improved; ) {
      improved = false;
      for (let k = 0; k < this.tours.length && !improved; k++) {
        const t = this.tours[k] as Tour;
        for (let q = 0; q < t.seq.length && !improved; q++) {
          const s = t.seq[q] as number;
          const fromSec = t.removeSeconds(q);
          for (let o = 0; o < this.tours.length && !improved; o++) {
            if (o === k) continue;
            const u = this.tours[o] as Tour;
            const best = this.cheapestGap(u, s);
            if (!best) continue;
            if (fromSec - t.pureSeconds + best.seconds - u.pureSeconds >= -EPS && this.exact) continue;
            const a = this.scratch.remove(t.seq, q).toArray();
            const b = this.scratch.insert(u.seq, s, best.gap).toArray();
            let sa: number, sb: number;
            if (this.exact) {
              sa = this.priced(t, fromSec, -this.worth(s));
              sb = this.priced(u, best.seconds, this.worth(s));
            } else {
              this.scratch.remove(t.seq, q);
              sa = this.walked(t, q).score;
              this.scratch.insert(u.seq, s, best.gap);
              sb = this.walked(u, best.gap).score;
            }
            if (sa + sb > t.score + u.score + EPS) {
              this.setTour(k, a);
              this.setTour(o, b);
              improved = true;
            }
          }
        }
      }
    }
  }

  /** Insert, improve, replace and relocate, repeated until the total stops rising. */
  localSearch(): void {
    for (let round = 0; round < 50; round++) {
      const before = this.total();
      this.insert();
      for (let k = 0; k < this.tours.length; k++) this.improveTour(k);
      this.replace();
      this.relocate();
      if (this.total() <= before + EPS) break;
    }
  }

  /** Removes `count` consecutive optional stops from position `from` (wrapping) of every tour. */
  shake(from: number, count: number): void {
    this.tours.forEach((t, k) => {
      const drop = new Set<number>();
      const n = t.seq.length;
      for (let j = 0, pos = n > 0 ? from % n : 0; j < n && drop.size < count; j++, pos = (pos + 1) % n) {
        const s = t.seq[pos] as number;
        if (this.m.optional[s]) drop.add(s);
      }
      if (drop.size > 0)
        this.setTour(
          k,
          t.seq.filter((s) => !drop.has(s)),
        );
    });
  }

  /** Drops each optional stop with a probability up to 40 % (drawn per shake). */
  shakeRandom(rnd: () => number): void {
    const share = 0.05 + 0.35 * rnd();
    this.tours.forEach((t, k) => {
      const keep = t.seq.filter((s) => !this.m.optional[s] || rnd() >= share);
      if (keep.length !== t.seq.length) this.setTour(k, keep);
    });
  }

  snapshot(): number[][] {
    return this.tours.map((t) => [...t.seq]);
  }

  restore(seqs: readonly number[][]): void {
    seqs.forEach((s, k) => {
      this.setTour(k, [...s]);
    });
  }

  /**
   * Iterated local search: shake by removing S consecutive optional stops from position R, search again, keep the
   * best; S grows and R moves on while nothing improves. Deterministic for the same limits (a deadline can only cut
   * it short).
   */
  iterate(limits: SearchLimits): void {
    this.localSearch();
    let best = this.snapshot();
    let bestScore = this.total();
    const rnd = limits.shake === 'random' ? lcg(limits.seed ?? 1) : undefined;
    for (let it = 0, S = 1, R = 0, stale = 0; it < limits.iterations && stale < limits.stale; it++) {
      limits.signal?.throwIfAborted();
      if (limits.deadlineMs !== undefined && performance.now() > limits.deadlineMs) break;
      this.shake(R, S);
      if (rnd) {
        this.shakeRandom(rnd);
        this.rnd = rnd;
        this.noise = 0.6;
        this.localSearch();
        this.noise = 0;
      }
      this.localSearch();
      const sc = this.total();
      if (sc > bestScore + EPS) {
        best = this.snapshot();
        bestScore = sc;
        S = 1;
        stale = 0;
      } else {
        stale++;
        R += S;
        S++;
        let shortest = Infinity,
          optional = Infinity;
        for (const t of this.tours) {
          shortest = Math.min(shortest, t.seq.length);
          optional = Math.min(optional, t.seq.filter((s) => this.m.optional[s]).length);
        }
        if (R >= Math.max(1, shortest)) R -= Math.max(1, shortest);
        if (S > Math.max(1, Math.ceil(optional / 2))) S = 1;
        if (!Number.isFinite(sc) || (rnd && stale % Math.max(1, limits.stale >> 2) === 0)) this.restore(best);
      }
    }
    this.restore(best);
  }
}
