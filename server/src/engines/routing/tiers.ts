/**
 * 1-3-5 tiers (快反圈, issue 18): every key place must be reached within the tier of its kind — government offices,
 * transit hubs and hospitals in 1 minute; schools, kindergartens, banks and markets in 3; everything else in 5 — or
 * the tier set on the place itself. Compliance is counted per tier, and the places that miss are listed.
 */
export type ReachTier = 1 | 3 | 5;
export const REACH_TIERS: readonly ReachTier[] = [1, 3, 5];

const TIER_OF_KIND: Record<string, ReachTier> = {
  government: 1,
  transit_hub: 1,
  hospital: 1,
  school: 3,
  kindergarten: 3,
  bank: 3,
  market: 3,
};

/** The tier a place of this kind must be reached in when none is set on it. */
export function defaultReachTier(kind: string): ReachTier {
  return TIER_OF_KIND[kind] ?? 5;
}

export interface TieredPlace {
  id: number;
  name: string | null;
  kind: string;
  /** Set on the place; null or undefined: the default of its kind. */
  tierMinutes?: ReachTier | null;
  /** Minutes from the nearest post or station; null when no base reaches it at all. */
  minutes: number | null;
}

export interface TierMiss {
  id: number;
  name: string | null;
  kind: string;
  tierMinutes: ReachTier;
  minutes: number | null;
  /** Minutes over the tier (null when unreached). */
  lateMinutes: number | null;
}

export interface TierCompliance {
  tierMinutes: ReachTier;
  places: number;
  met: number;
  /** met ÷ places, 1 when the tier has no place. */
  share: number;
  misses: TierMiss[];
}

/** Compliance per tier (1, 3, 5 minutes, always all three); misses worst first: unreached, then slowest. */
export function tierCompliance(places: readonly TieredPlace[]): TierCompliance[] {
  return REACH_TIERS.map((tier) => {
    const mine = places.filter((p) => (p.tierMinutes ?? defaultReachTier(p.kind)) === tier);
    // A place reached exactly at its limit meets it; the 1e-9 keeps float sums of edge costs from missing by a hair.
    const misses = mine
      .filter((p) => p.minutes === null || p.minutes > tier + 1e-9)
      .map((p) => ({
        id: p.id,
        name: p.name,
        kind: p.kind,
        tierMinutes: tier,
        minutes: p.minutes,
        lateMinutes: p.minutes === null ? null : p.minutes - tier,
      }))
      .sort((a, b) => {
        const x = a.minutes ?? Infinity,
          y = b.minutes ?? Infinity;
        return x === y ? a.id - b.id : y > x ? 1 : -1;
      });
    const met = mine.length - misses.length;
    return { tierMinutes: tier, places: mine.length, met, share: mine.length > 0 ? met / mine.length : 1, misses };
  });
}
