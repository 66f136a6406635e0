/**
 * The 雪亮工程 KPIs as the 综治中心 reads them, per area (grid → community → township → district → region, the city) or per camera class:
 * 覆盖率 (key places seen at their required band / all), 联网率 (networked / all cameras), 完好率 (working / all),
 * 建档率 (cameras with a complete record / all), each against a target; 重点行业 places (banks) apart at their own
 * target. Pure: the caller brings the cameras, the places' "seen at their band" and the area chain.
 */
export type KpiLevel = 'grid' | 'community' | 'township' | 'district' | 'region';
export const KPI_LEVELS: readonly KpiLevel[] = ['grid', 'community', 'township', 'district', 'region'];

/** 发改高技〔2015〕996号: 重点公共区域 coverage and networking 100 %, 完好率 98 %, 重点行业 95 %; 一机一档 100 %. */
export const DEFAULT_KPI_TARGETS = {
  coverage: 1,
  networked: 1,
  working: 0.98,
  records: 1,
  keyIndustryCoverage: 0.95,
} as const;
export type KpiTargets = { -readonly [K in keyof typeof DEFAULT_KPI_TARGETS]: number };

/** The fields a camera's record (一机一档) must have. */
export const RECORD_FIELDS = [
  'gb_code',
  'position',
  'direction',
  'height',
  'type',
  'resolution',
  'owner',
  'installed_on',
] as const;
export type RecordField = (typeof RECORD_FIELDS)[number];

export interface CameraRecord {
  id: number;
  gridCode: string | null;
  working: boolean;
  networked: boolean;
  pointClass: number | null;
  positionType: string | null;
  missing: readonly RecordField[];
}

export interface PlaceSeen {
  id: number;
  kind: string;
  gridCode: string;
  /** Seen by a working camera at its required band. */
  ok: boolean;
}

/** Kinds counted as 重点行业 (key industries) rather than 重点公共区域. */
export const KEY_INDUSTRY_KINDS: ReadonlySet<string> = new Set(['bank']);

export interface KpiRow {
  key: string;
  cameras: number;
  networked: number;
  working: number;
  recorded: number;
  keyPlaces: number;
  keyPlacesSeen: number;
  keyIndustryPlaces: number;
  keyIndustrySeen: number;
  coverageRate: number | null;
  networkedRate: number | null;
  workingRate: number | null;
  recordRate: number | null;
  keyIndustryRate: number | null;
  /** Target minus rate where short of it (0 when met, null without anything to count). */
  gaps: Record<keyof KpiTargets, number | null>;
  meetsAll: boolean;
}

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);

function finish(key: string, a: Omit<KpiRow, 'key' | `${string}Rate` | 'gaps' | 'meetsAll'>, t: KpiTargets): KpiRow {
  const rates = {
    coverage: ratio(a.keyPlacesSeen, a.keyPlaces),
    networked: ratio(a.networked, a.cameras),
    working: ratio(a.working, a.cameras),
    records: ratio(a.recorded, a.cameras),
    keyIndustryCoverage: ratio(a.keyIndustrySeen, a.keyIndustryPlaces),
  };
  const gaps = Object.fromEntries(
    (Object.keys(rates) as (keyof KpiTargets)[]).map((k) => {
      const r = rates[k];
      // A rate a hair under the target from float division is met (e.g. 49/50 against 0.98).
      return [k, r === null ? null : Math.max(0, t[k] - r) < 1e-12 ? 0 : t[k] - r];
    }),
  ) as KpiRow['gaps'];
  return {
    key,
    ...a,
    coverageRate: rates.coverage,
    networkedRate: rates.networked,
    workingRate: rates.working,
    recordRate: rates.records,
    keyIndustryRate: rates.keyIndustryCoverage,
    gaps,
    meetsAll: Object.values(gaps).every((g) => g === null || g === 0),
  };
}

/**
 * KPIs grouped by `keyOfCamera` / `keyOfPlace` (an area at some level, or a camera class); a camera or place whose
 * key is null is left out. Rows sorted worst first (most targets missed, then the largest total gap), then by key.
 */
export function kpiRows(
  cameras: readonly CameraRecord[],
  places: readonly PlaceSeen[],
  keyOfCamera: (c: CameraRecord) => string | null,
  keyOfPlace: (p: PlaceSeen) => string | null,
  targets: KpiTargets = { ...DEFAULT_KPI_TARGETS },
): KpiRow[] {
  type Acc = Omit<KpiRow, 'key' | `${string}Rate` | 'gaps' | 'meetsAll'>;
  const acc = new Map<string, Acc>();
  const get = (k: string): Acc => {
    let a = acc.get(k);
    if (!a) {
      a = {
        cameras: 0,
        networked: 0,
        working: 0,
        recorded: 0,
        keyPlaces: 0,
        keyPlacesSeen: 0,
        keyIndustryPlaces: 0,
        keyIndustrySeen: 0,
      };
      acc.set(k, a);
    }
    return a;
  };
  for (const c of cameras) {
    const k = keyOfCamera(c);
    if (k === null) continue;
    const a = get(k);
    a.cameras++;
    if (c.networked) a.networked++;
    if (c.working) a.working++;
    if (c.missing.length === 0) a.recorded++;
  }
  for (const p of places) {
    const k = keyOfPlace(p);
    if (k === null) continue;
    const a = get(k);
    if (KEY_INDUSTRY_KINDS.has(p.kind)) {
      a.keyIndustryPlaces++;
      if (p.ok) a.keyIndustrySeen++;
    } else {
      a.keyPlaces++;
      if (p.ok) a.keyPlacesSeen++;
    }
  }
  const missed = (r: KpiRow) => Object.values(r.gaps).filter((g) => g !== null && g > 0).length;
  const gapSum = (r: KpiRow) => Object.values(r.gaps).reduce<number>((s, g) => s + (g ?? 0), 0);
  return [...acc]
    .map(([k, a]) => finish(k, a, targets))
    .sort((x, y) => missed(y) - missed(x) || gapSum(y) - gapSum(x) || x.key.localeCompare(y.key));
}
