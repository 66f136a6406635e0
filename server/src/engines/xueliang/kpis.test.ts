import { describe, expect, it } from 'vitest';
import { DEFAULT_KPI_TARGETS, kpiRows, type CameraRecord, type PlaceSeen } from './kpis.js';

const cam = (id: number, area: string, over: Partial<CameraRecord> = {}): CameraRecord => ({
  id,
  gridCode: area,
  working: true,
  networked: true,
  pointClass: 1,
  positionType: null,
  missing: [],
  ...over,
});
const place = (id: number, area: string, kind: string, ok: boolean): PlaceSeen => ({ id, kind, gridCode: area, ok });

describe('kpiRows', () => {
  // Area A: 50 cameras, one faulty (完好率 49/50 = 98 % meets 98 %), one not networked (98 % < 100 %: gap 2 %), two
  // without a full record (96 %: gap 4 %); 4 key places, 3 seen at their band (75 %: gap 25 %); 2 banks both seen
  // (100 % ≥ 95 %). Area B: 2 cameras, all fine, its only place seen: meets every target.
  const cameras = [
    ...Array.from({ length: 50 }, (_, i) =>
      cam(i + 1, 'A', {
        working: i !== 0,
        networked: i !== 1,
        missing: i === 2 || i === 3 ? ['owner'] : [],
      }),
    ),
    cam(51, 'B'),
    cam(52, 'B'),
    cam(53, 'nowhere', { gridCode: null }),
  ];
  const places = [
    place(1, 'A', 'school', true),
    place(2, 'A', 'school', false),
    place(3, 'A', 'market', true),
    place(4, 'A', 'transit_hub', true),
    place(5, 'A', 'bank', true),
    place(6, 'A', 'bank', true),
    place(7, 'B', 'school', true),
  ];
  const rows = kpiRows(
    cameras,
    places,
    (c) => c.gridCode,
    (p) => p.gridCode,
  );

  it('when counted by hand, then every rate and gap agrees and the failing area comes first', () => {
    expect(rows.map((r) => r.key)).toEqual(['A', 'B']);
    const a = rows[0];
    expect(a).toMatchObject({ cameras: 50, working: 49, networked: 49, recorded: 48, keyPlaces: 4, keyPlacesSeen: 3 });
    expect(a?.workingRate).toBeCloseTo(0.98, 12);
    expect(a?.gaps.working).toBe(0);
    expect(a?.gaps.networked).toBeCloseTo(0.02, 12);
    expect(a?.gaps.records).toBeCloseTo(0.04, 12);
    expect(a?.gaps.coverage).toBeCloseTo(0.25, 12);
    expect(a?.keyIndustryRate).toBe(1);
    expect(a?.gaps.keyIndustryCoverage).toBe(0);
    expect(a?.meetsAll).toBe(false);
    expect(rows[1]).toMatchObject({ cameras: 2, meetsAll: true, keyIndustryRate: null });
    expect(rows[1]?.gaps.keyIndustryCoverage).toBeNull();
  });

  it('when a target is lowered, then the gap closes', () => {
    const lax = kpiRows(
      cameras,
      places,
      (c) => c.gridCode,
      (p) => p.gridCode,
      { ...DEFAULT_KPI_TARGETS, coverage: 0.7, networked: 0.9, records: 0.9 },
    );
    expect(lax.find((r) => r.key === 'A')?.meetsAll).toBe(true);
  });
});
