import type { CameraOptics } from '../../engines/coverage/dori.js';
import type { DoriBand } from '../../engines/coverage/dori.js';
import type { KpiLevel, RecordField } from '../../engines/xueliang/kpis.js';
import type { Queryable } from '../client.js';

/** What image quality needs of every camera, by id (issue #20 columns, migration 016). */
export async function loadCameraOptics(db: Queryable): Promise<Map<number, CameraOptics>> {
  const rows = await db.query<{
    id: number;
    camera_type: CameraOptics['cameraType'];
    fov_deg: number;
    range_m: number;
    height_m: number;
    tilt_deg: number;
    resolution: string | null;
    lens_fov_deg: number | null;
    focal_length_mm: number | null;
    sensor_width_mm: number | null;
  }>(
    `SELECT id, camera_type, fov_deg, range_m, height_m, tilt_deg, resolution, lens_fov_deg, focal_length_mm,
            sensor_width_mm FROM camera`,
  );
  return new Map(
    rows.map((r) => [
      Number(r.id),
      {
        cameraType: r.camera_type,
        fovDeg: r.fov_deg,
        rangeM: r.range_m,
        heightM: r.height_m,
        tiltDeg: r.tilt_deg,
        resolution: r.resolution,
        lensFovDeg: r.lens_fov_deg,
        focalLengthMm: r.focal_length_mm,
        sensorWidthMm: r.sensor_width_mm,
      },
    ]),
  );
}

/** Key places' own required band (null: by kind) and one-key alarm flag, by id. */
export async function loadPlaceQuality(
  db: Queryable,
): Promise<Map<number, { requiredBand: DoriBand | null; oneKeyAlarm: boolean }>> {
  const rows = await db.query<{ id: number; required_band: DoriBand | null; one_key_alarm: boolean }>(
    'SELECT id, required_band, one_key_alarm FROM key_place',
  );
  return new Map(rows.map((r) => [Number(r.id), { requiredBand: r.required_band, oneKeyAlarm: r.one_key_alarm }]));
}

/** A camera's record as the 建档率 needs it: its grid, state, class and which record fields are empty. */
export interface CameraRecordRow {
  id: number;
  code: string | null;
  name: string | null;
  gbCode: string | null;
  gridCode: string | null;
  working: boolean;
  networked: boolean;
  pointClass: number | null;
  positionType: string | null;
  missing: RecordField[];
}

/**
 * Every camera with the grid holding it and the empty fields of its record. Direction, height and type are NOT NULL
 * with defaults in the camera table: one that took its default (`unrecorded`, migration 022) is missing too.
 */
export async function loadCameraRecords(db: Queryable): Promise<CameraRecordRow[]> {
  const rows = await db.query<{
    id: number;
    code: string | null;
    name: string | null;
    gb_code: string | null;
    grid_code: string | null;
    working: boolean;
    networked: boolean;
    point_class: number | null;
    position_type: string | null;
    missing: RecordField[];
  }>(
    `SELECT c.id, c.code, c.name, c.gb_code, g.code AS grid_code, c.status = 'working' AS working, c.networked,
            c.point_class, c.position_type,
            array_remove(ARRAY[
              CASE WHEN c.gb_code IS NULL THEN 'gb_code' END,
              CASE WHEN c.geom IS NULL OR ST_IsEmpty(c.geom) THEN 'position' END,
              CASE WHEN c.heading_deg IS NULL OR 'heading_deg' = ANY(c.unrecorded) THEN 'direction' END,
              CASE WHEN c.height_m IS NULL OR 'height_m' = ANY(c.unrecorded) THEN 'height' END,
              CASE WHEN c.camera_type IS NULL OR 'camera_type' = ANY(c.unrecorded) THEN 'type' END,
              CASE WHEN c.resolution IS NULL THEN 'resolution' END,
              CASE WHEN c.owner IS NULL OR btrim(c.owner) = '' THEN 'owner' END,
              CASE WHEN c.installed_on IS NULL THEN 'installed_on' END], NULL) AS missing
     FROM camera c
     LEFT JOIN LATERAL (SELECT code FROM grid WHERE ST_Intersects(grid.geom, c.geom) ORDER BY code LIMIT 1) g ON true
     ORDER BY c.id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    code: r.code,
    name: r.name,
    gbCode: r.gb_code,
    gridCode: r.grid_code,
    working: r.working,
    networked: r.networked,
    pointClass: r.point_class,
    positionType: r.position_type,
    missing: r.missing,
  }));
}

/** Each grid's community, township and district (the admin_area parent chain), with the areas' names. */
export async function loadAreaChain(
  db: Queryable,
): Promise<{ chain: Map<string, Record<KpiLevel, string | null>>; names: Map<string, string> }> {
  const rows = await db.query<{
    grid: string;
    community: string;
    township: string | null;
    district: string | null;
    region: string | null;
  }>(
    `SELECT g.code AS grid, g.community_code AS community, t.code AS township, d.code AS district, r.code AS region
     FROM grid g LEFT JOIN admin_area c ON c.code = g.community_code
     LEFT JOIN admin_area t ON t.code = c.parent_code AND t.level = 'township'
     LEFT JOIN admin_area d ON d.code = t.parent_code AND d.level = 'district'
     LEFT JOIN admin_area r ON r.code = d.parent_code AND r.level = 'region'`,
  );
  const names = await db.query<{ code: string; name: string }>(
    'SELECT code, name FROM admin_area UNION ALL SELECT code, name FROM grid',
  );
  return {
    chain: new Map(
      rows.map((r) => [
        r.grid,
        { grid: r.grid, community: r.community, township: r.township, district: r.district, region: r.region },
      ]),
    ),
    names: new Map(names.map((n) => [n.code, n.name])),
  };
}

export interface SchoolGateRow {
  schoolId: number;
  schoolName: string;
  kind: string;
  entryTime: string | null;
  exitTime: string | null;
  oneKeyAlarm: boolean;
  /** null: the school has no gate on file and is judged at a point on its grounds. */
  gateId: number | null;
  gateName: string | null;
  lon: number;
  lat: number;
}

/** Schools and kindergartens with their gates (one row per gate; a school without gates once, at its point). */
export async function loadSchoolGates(db: Queryable): Promise<SchoolGateRow[]> {
  const rows = await db.query<{
    school_id: number;
    school_name: string;
    kind: string;
    entry_time: string | null;
    exit_time: string | null;
    one_key_alarm: boolean;
    gate_id: number | null;
    gate_name: string | null;
    lon: number;
    lat: number;
  }>(
    `SELECT k.id AS school_id, k.name AS school_name, k.kind, k.entry_time, k.exit_time, k.one_key_alarm,
            g.id AS gate_id, g.name AS gate_name,
            ST_X(coalesce(g.geom, ST_PointOnSurface(k.geom))) AS lon, ST_Y(coalesce(g.geom, ST_PointOnSurface(k.geom))) AS lat
     FROM key_place k LEFT JOIN school_gate g ON g.key_place_id = k.id
     WHERE k.kind IN ('school', 'kindergarten') ORDER BY k.id, g.id`,
  );
  return rows.map((r) => ({
    schoolId: Number(r.school_id),
    schoolName: r.school_name,
    kind: r.kind,
    entryTime: r.entry_time,
    exitTime: r.exit_time,
    oneKeyAlarm: r.one_key_alarm,
    gateId: r.gate_id === null ? null : Number(r.gate_id),
    gateName: r.gate_name,
    lon: r.lon,
    lat: r.lat,
  }));
}
