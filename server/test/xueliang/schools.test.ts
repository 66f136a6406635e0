import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { reachMap } from '../../src/services/routing.service.js';
import { storeBandAreas, storeWorkingViews } from '../helpers/reference-tables.js';
import { startTestApp, type TestApp } from '../helpers/test-app.js';

let app: TestApp;
// biome-ignore lint/suspicious/noExplicitAny: test-only escape, answers are compared field by field with SQL
type Json = Record<string, any>;
const DAY = '2026-12-01';

beforeAll(async () => {
  app = await startTestApp();
  await loadDemoCity(app.db, { seed: 20261125, incidents: 0 });
  // Two gates for every third school, 20 m east and west of its point; alarms at even ids; an 08:00 entry bell at one;
  // a gate duty at 07:40 at the first school; some cameras off the network.
  await app.db.exec(`
    INSERT INTO school_gate (key_place_id, name, geom)
      SELECT k.id, n.name, ST_SetSRID(ST_MakePoint(ST_X(p) + n.dx / 94500.0, ST_Y(p)), 4326)
      FROM (SELECT id, ST_PointOnSurface(geom) AS p FROM key_place WHERE kind IN ('school', 'kindergarten') AND id % 3 = 0) k
      CROSS JOIN (VALUES ('东门', 20), ('西门', -20)) AS n(name, dx);
    UPDATE key_place SET one_key_alarm = (id % 2 = 0);
    UPDATE key_place SET entry_time = '08:00' WHERE id = (SELECT min(id) FROM key_place WHERE kind = 'school');
    UPDATE camera SET networked = id % 9 <> 0, lens_fov_deg = 60, tilt_deg = 20;
    UPDATE camera SET tilt_deg = 30, height_m = 3 WHERE id % 4 = 0;
    INSERT INTO gate_duty (day, key_place_id, arrival_min, dwell_min, base_kind, base_id, unit, created_by)
      SELECT date '${DAY}', min(id), 7 * 60 + 40, 15, 'post', 1, 1, 'test' FROM key_place WHERE kind = 'school';
    -- A camera 5 m north of every east gate, 3 m up, looking south at it: identify reaches 1920 / (2·250·tan 30°)
    -- = 6.65 m, its blind zone ends at 3 / tan(30° + 17.99°) = 2.70 m, so the gate (5 m) is identified.
    INSERT INTO camera (heading_deg, fov_deg, range_m, height_m, camera_type, tilt_deg, lens_fov_deg, status, networked,
                        h3_r7, h3_r8, h3_r9, h3_r10, geom)
      SELECT 180, 60, 40, 3, 'bullet', 30, 60, 'working', true, 0, 0, 0, 0,
             ST_SetSRID(ST_MakePoint(ST_X(geom), ST_Y(geom) + 5 / 110900.0), 4326)
      FROM school_gate WHERE name = '东门';`);
  // The identify areas by the formula; the resolutions are the types' defaults (1920×1080, PTZ 2560×1440).
  await storeWorkingViews(app.db, 'ref_view', { bbox: [-180, -90, 180, 90], networkedOnly: true });
  await storeBandAreas(app.db, 'ref_identify', 'ref_view', ['identify']);
}, 600_000);
afterAll(async () => app?.dispose());

describe('护学岗 per school', () => {
  it('when the schools are listed, then gates, identify cameras, alarms, 1-minute reach and entry/exit cover equal SQL and failing schools come first', async () => {
    const res = await fetch(`${app.url}/api/v1/xueliang/schools?day=${DAY}`, { headers: { cookie: app.cookie } });
    expect(res.status).toBe(200);
    const ours = (await res.json()) as Json;
    const ref = await app.db.query<{
      id: number;
      gates: number;
      unseen_gates: number;
      alarm: boolean;
      entry: boolean;
      exit: boolean;
    }>(`
      WITH g AS (SELECT k.id, coalesce(sg.geom, ST_PointOnSurface(k.geom)) AS geom
                 FROM key_place k LEFT JOIN school_gate sg ON sg.key_place_id = k.id
                 WHERE k.kind IN ('school', 'kindergarten')),
           b AS (SELECT id, (split_part(coalesce(entry_time, '07:30'), ':', 1)::int * 60 + split_part(coalesce(entry_time, '07:30'), ':', 2)::int) AS entry_m,
                            (split_part(coalesce(exit_time, '16:30'), ':', 1)::int * 60 + split_part(coalesce(exit_time, '16:30'), ':', 2)::int) AS exit_m,
                            one_key_alarm, geom FROM key_place WHERE kind IN ('school', 'kindergarten'))
      SELECT b.id::int, (SELECT count(*)::int FROM g WHERE g.id = b.id) AS gates,
        (SELECT count(*)::int FROM g WHERE g.id = b.id AND NOT EXISTS (
           SELECT 1 FROM ref_identify r WHERE ST_DWithin(r.geom::geography, g.geom::geography, 3))) AS unseen_gates,
        b.one_key_alarm AS alarm,
        ${['entry', 'exit']
          .map(
            (w) => `(EXISTS (SELECT 1 FROM gate_duty d WHERE d.key_place_id = b.id AND d.day = date '${DAY}'
                     AND d.arrival_min % 1440 BETWEEN b.${w}_m - 30 AND b.${w}_m + 15)
             OR EXISTS (SELECT 1 FROM post p WHERE ST_DWithin(p.geom::geography, ST_PointOnSurface(b.geom)::geography, 150)
                     AND (p.staffed_hours = '00:00-24:00' OR (b.${w}_m >= split_part(p.staffed_hours, ':', 1)::int * 60 + substr(p.staffed_hours, 4, 2)::int
                          AND b.${w}_m < substr(p.staffed_hours, 7, 2)::int * 60 + substr(p.staffed_hours, 10, 2)::int)))) AS ${w}`,
          )
          .join(',\n')}
      FROM b ORDER BY b.id`);
    expect(ref.length).toBeGreaterThan(5);
    const byId = new Map((ours.schools as Json[]).map((s) => [s.id, s]));
    expect(byId.size).toBe(ref.length);
    const reach = new Map((await reachMap(app.db, 'car')).keyPlaces.map((k) => [k.id, k.minutes]));
    for (const r of ref) {
      const s = byId.get(r.id);
      expect(s?.gates, `school ${r.id}`).toHaveLength(r.gates);
      const unseen = ((s?.gates ?? []) as Json[]).filter((g) => g.identifiedBy.length === 0).length;
      expect(unseen, `school ${r.id}: gates no networked camera identifies`).toBe(r.unseen_gates);
      expect(s?.oneKeyAlarm).toBe(r.alarm);
      expect(s?.entryCoveredBy.length > 0, `school ${r.id} entry`).toBe(r.entry);
      expect(s?.exitCoveredBy.length > 0, `school ${r.id} exit`).toBe(r.exit);
      const m = reach.get(r.id) ?? null;
      expect(s?.reachMinutes).toBe(m);
      const failures = [
        ...(r.unseen_gates > 0 ? ['gate_not_identified'] : []),
        ...(r.alarm ? [] : ['no_one_key_alarm']),
        ...(m === null || m > 1 ? ['not_reached_in_1_min'] : []),
        ...(r.entry ? [] : ['entry_uncovered']),
        ...(r.exit ? [] : ['exit_uncovered']),
      ];
      expect(s?.failures, `school ${r.id}`).toEqual(failures);
    }
    // Teeth: some gates identified and some not; the 08:00 school's 07:40 duty covers its entry.
    expect(ref.some((r) => r.unseen_gates < r.gates)).toBe(true);
    expect(ref.some((r) => r.unseen_gates > 0)).toBe(true);
    const counts = (ours.schools as Json[]).map((s) => s.failures.length as number);
    expect([...counts].sort((a, b) => b - a)).toEqual(counts);
  }, 600_000);
});
