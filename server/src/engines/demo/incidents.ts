import type { Lattice, LonLat } from './lattice.js';
import { INCIDENT_CATEGORIES } from './names.js';
import type { RoadLine } from './network.js';
import { gaussian, intBetween, weightedIndex, type Rng } from './prng.js';
import type { DemoFeature, PlaceBlock } from './types.js';
import { DISTRICT_CODE } from './admin.js';

/** Share of calls by local hour: night lull at 3–6 h, a morning rise, and the evening peak 19–22 h. */
export const HOUR_WEIGHTS = [
  3, 2.2, 1.6, 1, 0.8, 0.9, 1.5, 2.5, 3.5, 4, 4.2, 4.5, 4.8, 4.5, 4.3, 4.4, 4.8, 5.2, 5.8, 6.8, 7.2, 7, 6, 4.5,
];
/** Bars and night markets: from 20 h to 2 h. */
const NIGHT_HOURS = [
  0.5, 0.4, 0.3, 0.15, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.3, 0.3, 0.3, 0.3, 0.3, 0.4, 0.5, 0.8, 1.2, 3, 4, 4.5, 4,
];

interface Hotspot {
  center: LonLat;
  sigmaM: number;
  weight: number;
  categories: Record<string, number>;
  hours: readonly number[];
}

/** Local time (+08:00) as an ISO string. */
function beijingIso(dayMs: number, hour: number, minute: number, second: number): string {
  const d = new Date(dayMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(hour)}:${p(minute)}:${p(second)}+08:00`;
}

/**
 * ~100,000 incidents over one year (2025-11-01 … 2026-10-31): 55 % spread with the population, 35 % in hot spots
 * (markets, transit hubs, a nightlife street, a burglary cluster with near repeats), 10 % traffic accidents on the
 * arterials; an evening peak and night lull, busier weekend nights.
 */
export function generateIncidents(
  rng: Rng,
  l: Lattice,
  lines: readonly RoadLine[],
  places: ReadonlyMap<string, PlaceBlock>,
  gridWeights: readonly number[],
  count = 100_000,
): DemoFeature[] {
  const start = Date.UTC(2025, 10, 1);
  const days = 365;
  // Not engines/shared/geo.ts on purpose: these round metres per degree are part of the seeded recipe, and every
  // generated incident's position (and so every test built on the demo city) depends on them.
  const mLat = 111_320,
    mLon = 111_320 * Math.cos((32.04 * Math.PI) / 180);
  const hotspots: Hotspot[] = [];
  for (const p of places.values()) {
    if (p.kind === 'market')
      hotspots.push({
        center: l.inBlock(p.c, p.r, 0.5, 0.5),
        sigmaM: 90,
        weight: 3,
        hours: HOUR_WEIGHTS,
        categories: { 盗窃: 4, 诈骗: 2, 纠纷: 3, 抢劫抢夺: 0.5 },
      });
    if (p.kind === 'transit_hub')
      hotspots.push({
        center: l.inBlock(p.c, p.r, 0.5, 0.5),
        sigmaM: 120,
        weight: 3,
        hours: HOUR_WEIGHTS,
        categories: { 盗窃: 4, 纠纷: 2, 扰乱秩序: 2 },
      });
  }
  const nightRow = Math.floor(l.rows / 2) + 1;
  for (let c = 8; c < 14; c++)
    hotspots.push({
      center: l.node(c, nightRow),
      sigmaM: 60,
      weight: 2,
      hours: NIGHT_HOURS,
      categories: { 扰乱秩序: 4, 纠纷: 4, 治安案件: 3 },
    });
  const arterials = lines.filter((x) => x.roadClass !== 'residential');
  const catWeights = INCIDENT_CATEGORIES.map((c) => c.share);
  const out: DemoFeature[] = [];
  const gridCount = l.cols * l.rows;
  const push = (at: LonLat, category: string, dayIndex: number, hourWeights: readonly number[]) => {
    const cat = INCIDENT_CATEGORIES.find((c) => c.name === category) ?? INCIDENT_CATEGORIES[0];
    const hour = weightedIndex(rng, hourWeights);
    out.push({
      geometry: { type: 'Point', coordinates: at },
      properties: {
        occurred_at: beijingIso(start + dayIndex * 86_400_000, hour, intBetween(rng, 0, 59), intBetween(rng, 0, 59)),
        category,
        severity: intBetween(rng, cat.severity[0], cat.severity[1]),
        source: rng() < 0.85 ? '110' : '巡逻发现',
        external_id: `JQ${String(out.length + 1).padStart(7, '0')}`,
        district_code: DISTRICT_CODE,
      },
    });
  };
  const randomDay = (weekendBoost: number) => {
    for (;;) {
      const d = Math.floor(rng() * days);
      const weekday = (new Date(start + d * 86_400_000).getUTCDay() + 6) % 7; // 0 = Monday
      // Weekend days always kept, weekdays with 1/boost: weekends come out `boost` times as busy per day.
      if (weekday >= 5 || rng() < 1 / weekendBoost) return d;
    }
  };
  const round7 = (x: number) => Math.round(x * 1e7) / 1e7;
  const hotWeights = hotspots.map((h) => h.weight);
  // Burglary chains: a first break-in, then one or two nearby within a week (the near-repeat pattern).
  const burglaryBlock = { c: 3, r: 11 };
  while (out.length < count) {
    const x = rng();
    if (x < 0.55) {
      const g = weightedIndex(rng, gridWeights);
      const c = g % l.cols,
        r = Math.floor(g / l.cols);
      const category = INCIDENT_CATEGORIES[weightedIndex(rng, catWeights)]?.name ?? '纠纷';
      if (g < gridCount) push(l.inBlock(c, r, rng(), rng()), category, randomDay(1.1), HOUR_WEIGHTS);
    } else if (x < 0.88) {
      const h = hotspots[weightedIndex(rng, hotWeights)] as Hotspot;
      const names = Object.keys(h.categories);
      const category = names[weightedIndex(rng, Object.values(h.categories))] ?? '纠纷';
      const at: LonLat = [
        round7(h.center[0] + (gaussian(rng) * h.sigmaM) / mLon),
        round7(h.center[1] + (gaussian(rng) * h.sigmaM) / mLat),
      ];
      push(at, category, randomDay(h.hours === NIGHT_HOURS ? 1.4 : 1.1), h.hours);
    } else if (x < 0.9) {
      const first = l.inBlock(
        burglaryBlock.c + intBetween(rng, 0, 2),
        burglaryBlock.r + intBetween(rng, 0, 2),
        rng(),
        rng(),
      );
      const day = Math.floor(rng() * (days - 8));
      push(first, '入室盗窃', day, NIGHT_HOURS);
      for (let k = intBetween(rng, 1, 2); k > 0; k--) {
        push(
          [round7(first[0] + (gaussian(rng) * 40) / mLon), round7(first[1] + (gaussian(rng) * 40) / mLat)],
          '入室盗窃',
          day + intBetween(rng, 1, 7),
          NIGHT_HOURS,
        );
      }
    } else {
      const line = arterials[Math.floor(rng() * arterials.length)] as RoadLine;
      const k = Math.floor(rng() * (line.nodes.length - 1));
      const a = line.nodes[k] as LonLat,
        b = line.nodes[k + 1] as LonLat,
        t = rng();
      push(
        [round7(a[0] + (b[0] - a[0]) * t), round7(a[1] + (b[1] - a[1]) * t)],
        '交通事故',
        randomDay(1),
        HOUR_WEIGHTS,
      );
    }
  }
  return out.slice(0, count);
}
