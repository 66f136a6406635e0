import i18next from 'i18next';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CoverageAnswer, GridGrade } from '../api/client.js';
import zhCN from '../i18n/zh-CN.json';
import type { AppState } from '../state/app-state.js';
import { briefingModel, type BriefingInput, type KpiAnswer, metresPerPixel, scaleBar } from './briefing.js';
import type { Comparison } from './plan-compare.js';

beforeAll(async () => {
  await i18next.init({
    lng: 'zh-CN',
    resources: { 'zh-CN': { translation: zhCN } },
    interpolation: { escapeValue: false },
    returnObjects: true,
  });
});

const state = (over: Partial<AppState> = {}): AppState => ({
  user: { id: 1, username: 'leader', role: 'leader', stationId: null } as AppState['user'],
  role: 'leader',
  visible: new Set(['admin', 'beats']),
  filter: { res: 9 },
  cells: [],
  heatCells: [],
  openSections: new Set(),
  showCameraViews: false,
  showBlindSpots: false,
  placementK: 10,
  playing: false,
  autoRes: true,
  profile: 'car',
  isochroneMode: false,
  ...over,
});

const grade = (gridCode: string, g: GridGrade['grade'], rateRatio: number): GridGrade => ({
  gridCode,
  computedOn: '2026-12-01',
  grade: g,
  incidents: Math.round(rateRatio * 10),
  ratePer1000: rateRatio * 3,
  rateRatio,
  basis: 'population',
  hotCells: 0,
  reasons: [],
  reasonText: '',
});

const coverageRow = (areaId: string, rate: number): CoverageAnswer['rows'][number] => ({
  areaId,
  roadMeters: 1000,
  seenMeters: 1000 * rate,
  roadRate: rate,
  weightedRoadRate: rate,
  networkedSeenMeters: 900 * rate,
  keyPlaces: 4,
  keyPlacesSeen: 2,
  keyPlaceRate: 0.5,
  schools: 1,
  schoolsSeen: 1,
  schoolRate: 1,
  groundM2: 5000,
  seenGroundM2: 5000 * rate,
  groundRate: rate,
  cameras: 12,
  workingRate: 11 / 12,
  networkedRate: 10 / 12,
});

const kpis: KpiAnswer = {
  level: 'community',
  by: 'area',
  targets: { coverage: 1, networked: 1, working: 0.98, records: 1, keyIndustryCoverage: 0.95 },
  rows: ['c1', 'c2', 'c3'].map((key, i) => ({
    key,
    name: `社区${i + 1}`,
    cameras: 10,
    networked: 10 - i,
    working: 10,
    recorded: 10,
    keyPlaces: 4,
    keyPlacesSeen: 4 - i,
    keyIndustryPlaces: 0,
    keyIndustrySeen: 0,
    coverageRate: (4 - i) / 4,
    networkedRate: (10 - i) / 10,
    workingRate: 1,
    recordRate: 1,
    keyIndustryRate: null,
    // Gaps as the server gives them: target − rate where short of it, 0 when met.
    gaps: { coverage: i / 4, networked: i / 10, working: 0, records: 0, keyIndustryCoverage: null },
    meetsAll: i === 0,
  })),
};

const input = (over: Partial<BriefingInput>): BriefingInput => ({
  view: 'grades',
  state: state(),
  areaName: '玄武区',
  day: '2026-12-02',
  generatedAt: '2026/12/2 08:00:00',
  figures: { grids: 3, beats: 2, cameras: 30, working: 27, networked: 24 },
  incidents: 1234,
  map: { zoom: 13, lat: 32.05, cssWidth: 1000, widthMm: 190 },
  ...over,
});

describe('PDF briefing model', () => {
  it('when grades are the view, then the legend is the grades’ (no incident classes) and the title names the area and day', () => {
    const b = briefingModel(
      input({ state: state({ grades: [grade('G1', 'red', 2), grade('G2', 'green', 0.5)] }), areaName: 'Chicago' }),
    );
    const labels = b.page1.legend.items.map(([, , label]) => label);
    expect(labels).toEqual(['红 · 1', '黄 · 0', '绿 · 1']);
    expect(labels.some((l) => l.startsWith('≥'))).toBe(false);
    expect(b.page1.legend.title).toBe('网格红黄绿风险等级');
    expect(b.title).toBe('Chicago · 红黄绿简报');
    expect(b.title).not.toContain('玄武区');
    expect(b.subtitle.startsWith('2026-12-02')).toBe(true);
  });

  it('when coverage or incidents are the view, then the legend follows: rate classes, or incidents per cell', () => {
    const cov = briefingModel(input({ view: 'coverage' }));
    expect(cov.page1.legend.items.map(([, , l]) => l)).toEqual(['≥ 0%', '≥ 30%', '≥ 50%', '≥ 70%', '≥ 90%']);
    expect(cov.page1.legend.title).toBe('道路覆盖率（按等级加权）');
    const inc = briefingModel(input({ view: 'incidents' }));
    expect(inc.page1.legend.title).toBe('每格警情数');
    expect(inc.page1.legend.items.every(([, , l]) => l.startsWith('≥'))).toBe(true);
  });

  it('when the scale bar is sized, then metres per CSS px are 2π·6378137·cos(lat)/(512·2^z) (MapLibre’s 512-px tiles)', () => {
    // 156543.03392 m/px is zoom 0 at 256-px tiles; MapLibre's world is 512·2^z px wide, so half of it.
    const lat = 32.05,
      z = 13;
    const expected = (156543.03392 / 2) * (Math.cos((lat * Math.PI) / 180) / 2 ** z);
    expect(metresPerPixel(z, lat)).toBeCloseTo(expected, 6);
    expect(metresPerPixel(0, 0)).toBeCloseTo(78271.51696, 4);
    // 1000 CSS px on 190 mm: 8.105 m/px · 1000 / 190 = 42.66 m per mm; ≤ 40 mm holds 1706 m → the bar is 1 km.
    const s = scaleBar(z, lat, 1000, 190);
    expect(s.metres).toBe(1000);
    expect(s.label).toBe('1 km');
    expect(s.mm).toBeCloseTo((1000 * 190) / (expected * 1000), 6);
    // A street zoom: 2 m/px · 1000 / 190 ≈ 0.0507 m... per mm → the bar is a round 1-2-5 length within 40 mm.
    const street = scaleBar(17, lat, 1000, 190);
    expect([1, 2, 5].map((m) => m * 10 ** Math.floor(Math.log10(street.metres)))).toContain(street.metres);
    expect(street.mm).toBeLessThanOrEqual(40);
    expect(street.mm).toBeGreaterThan(16);
  });

  it('when coverage per community was run, then page 2 holds every input row, lowest rate first, and the 雪亮 KPIs', () => {
    const rows = [coverageRow('C2', 0.9), coverageRow('C1', 0.3), coverageRow('C3', 0.6)];
    const b = briefingModel(
      input({
        view: 'coverage',
        state: state({
          coverage: {
            answer: {
              area: 'community',
              targets: { roadCoverage: 1, keyPlaceCoverage: 1, networkedRate: 1, workingRate: 0.98 },
              rows,
            } as CoverageAnswer,
            metric: 'weightedRoadRate',
            names: new Map([
              ['C1', '一社区'],
              ['C2', '二社区'],
              ['C3', '三社区'],
            ]),
          },
        }),
        kpis,
      }),
    );
    const [cov, kpi] = b.page2.tables;
    expect(b.page2.tables).toHaveLength(2);
    expect(cov?.rows.map((r) => r.cells.slice(0, 3))).toEqual([
      ['一社区', 'C1', '30.0%'],
      ['三社区', 'C3', '60.0%'],
      ['二社区', 'C2', '90.0%'],
    ]);
    expect(cov?.rows[0]?.colour).toBe('#b91c1c');
    // KPIs: all three rows, those missing a target first (worst gap first), with the gap in points.
    expect(kpi?.rows.map((r) => r.cells[0])).toEqual(['社区3', '社区2', '社区1']);
    expect(kpi?.rows[0]?.cells.slice(2, 6)).toEqual(['50.0%', '-50.0', '80.0%', '-20.0']);
    expect(kpi?.header).toHaveLength(kpi?.rows[0]?.cells.length ?? -1);
    expect(b.page1.figures.find((f) => f.label.startsWith('达标'))?.value).toBe('1 / 3');
  });

  it('when a grades briefing has more grids than a page holds, then red and yellow come first and the rest are counted', () => {
    const grades = Array.from({ length: 70 }, (_, i) =>
      grade(`G${String(i).padStart(2, '0')}`, i < 5 ? 'red' : i < 15 ? 'yellow' : 'green', 1 + (i % 7) / 10),
    );
    const b = briefingModel(input({ state: state({ grades }), gridNames: new Map([['G00', '大行宫社区第1网格']]) }));
    const [table] = b.page2.tables;
    expect(table?.rows).toHaveLength(60);
    expect(table?.rows.slice(0, 5).every((r) => r.cells[2] === '红')).toBe(true);
    expect(table?.rows.slice(5, 15).every((r) => r.cells[2] === '黄')).toBe(true);
    expect(table?.rows.find((r) => r.cells[1] === 'G00')?.cells[0]).toBe('大行宫社区第1网格');
    expect(table?.note).toBe('另有 10 行未列出');
    const all = briefingModel(input({ state: state({ grades }), maxRows: 100 }));
    expect(new Set(all.page2.tables[0]?.rows.map((r) => r.cells[1]))).toEqual(new Set(grades.map((g) => g.gridCode)));
  });

  it('when two plans are compared, then page 2 adds their scorecards in two columns with the differences coloured', () => {
    const card = (cv: number, split: number): Comparison['a'] => ({
      beats: [],
      plan: {
        beats: 4,
        grids: 12,
        balance: [{ measure: 'weightedIncidents', mean: 10, max: 12, maxOverMean: 1.2, cv }],
        reach: [],
        coverage: {
          roadRate: 0.7,
          keyPlaceRate: 0.8,
          schoolRate: null,
          schoolsIdentified: 0,
          schoolIdentifyRate: null,
          minBeatRoadRate: 0.5,
        },
        nesting: { gridsCut: 0, communities: 3, communitiesSplit: split, pieces: 4, split: [] },
        shape: { meanPolsbyPopper: 0.4, minPolsbyPopper: 0.3, beatsInPieces: 0 },
        change: null,
      },
    });
    const differences: Comparison['differences'] = {
      balance: [],
      reach: [],
      coverage: { roadRate: 0, minBeatRoadRate: 0, schoolsIdentified: 0, schoolIdentifyRate: null },
      nesting: { gridsCut: 0, communitiesSplit: 1, pieces: 0 },
      shape: { meanPolsbyPopper: 0, beatsInPieces: 0 },
      gridsMoved: 0,
    };
    const comparison: Comparison = {
      names: { a: '现行', b: '草案' },
      a: card(0.3, 2),
      b: card(0.2, 3),
      moved: [],
      differences,
    };
    const b = briefingModel(input({ view: 'planning', comparison, kpis }));
    // The comparison is the planning view's own table: the KPIs do not fill in beside it.
    expect(b.page2.tables).toHaveLength(1);
    const table = b.page2.tables.at(-1);
    expect(table?.header).toEqual(['', 'A 现行', 'B 草案', '差值(B−A)']);
    const cv = table?.rows.find((r) => r.cells[1] === '0.300');
    expect(cv?.cells.slice(1)).toEqual(['0.300', '0.200', '-0.100']);
    expect(cv?.colour).toBe('#2166ac');
    const split = table?.rows.find((r) => r.cells[1] === '2' && r.cells[2] === '3');
    expect(split?.colour).toBe('#b2182b');
  });
});
