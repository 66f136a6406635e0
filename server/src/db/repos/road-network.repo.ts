import type { Db, Queryable } from '../client.js';
import type { MultiPolygon } from 'geojson';
import type { RoadGraph, RoadInput } from '../../engines/routing/index.js';

/** A key that changes whenever a road is added, edited or deleted: count, newest change, id sum. */
export async function roadsKey(db: Queryable): Promise<string> {
  const [r] = await db.query<{ k: string }>(
    `SELECT count(*)::text || ':' || coalesce(max(updated_at)::text, '') || ':' || coalesce(sum(id), 0)::text AS k FROM road`,
  );
  return r?.k ?? '';
}

export async function loadRoads(db: Queryable): Promise<RoadInput[]> {
  const rows = await db.query<{
    id: number;
    road_class: string;
    oneway: number;
    speed_kmh: number;
    g: { coordinates: [number, number][] };
  }>('SELECT id, road_class, oneway, speed_kmh, ST_AsGeoJSON(geom)::json AS g FROM road ORDER BY id');
  return rows.map((r) => ({
    id: r.id,
    roadClass: r.road_class,
    oneway: r.oneway as -1 | 0 | 1,
    speedKmh: r.speed_kmh,
    coordinates: r.g.coordinates,
  }));
}

/** Replaces the stored edges of a profile with the graph's (node and edge ids from 1, as pgRouting expects). */
export async function storeRoadEdges(db: Db, profile: 'car' | 'foot', g: RoadGraph, key: string): Promise<void> {
  const lines: string[] = [];
  for (let e = 0; e < g.edgeCount; e++) {
    const from = g.edgeCoordStart[e] ?? 0,
      to = g.edgeCoordStart[e + 1] ?? 0;
    const pts: string[] = [];
    for (let i = from; i < to; i++) pts.push(`${g.edgeCoords[2 * i]} ${g.edgeCoords[2 * i + 1]}`);
    lines.push(`LINESTRING(${pts.join(',')})`);
  }
  await db.transaction(async (tx) => {
    // Two servers on one database rebuilding at once would interleave their deletes and inserts.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('gridpatrol.road_edge.' || $1))", [profile]);
    await tx.query('DELETE FROM road_edge WHERE profile = $1', [profile]);
    await tx.query(
      `INSERT INTO road_edge (profile, id, source, target, cost, reverse_cost, length_m, road_id, geom)
       SELECT $1, e.id, e.s, e.t, e.c, e.rc, e.len, e.road, ST_GeomFromText(e.wkt, 4326)
       FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::float8[], $6::float8[], $7::float8[], $8::bigint[], $9::text[])
         AS e(id, s, t, c, rc, len, road, wkt)`,
      [
        profile,
        Array.from({ length: g.edgeCount }, (_, e) => e + 1),
        Array.from(g.edgeSource, (v) => v + 1),
        Array.from(g.edgeTarget, (v) => v + 1),
        Array.from(g.edgeCost),
        Array.from(g.edgeReverseCost),
        Array.from(g.edgeLengthMeters),
        Array.from(g.edgeRoadId),
        lines,
      ],
    );
    await tx.query(
      `INSERT INTO road_network_state (profile, roads_key) VALUES ($1, $2)
       ON CONFLICT (profile) DO UPDATE SET roads_key = EXCLUDED.roads_key, built_at = now()`,
      [profile, key],
    );
  });
}

export interface PlacePoint {
  kind: 'post' | 'station' | 'checkpoint' | 'key_place' | 'grid';
  id: number;
  code: string | null;
  name: string | null;
  lon: number;
  lat: number;
  /** Checkpoints: minutes to stay; others 0. */
  dwellMinutes: number;
  /** Checkpoints: their beat; posts: their station. */
  groupId: number | null;
}

/** Posts and stations (the units' bases), checkpoints, key places and grids (at a point on their surface). */
export async function loadPlaces(db: Queryable, kinds: readonly PlacePoint['kind'][]): Promise<PlacePoint[]> {
  const parts: Record<PlacePoint['kind'], string> = {
    post: `SELECT 'post' AS kind, id, NULL AS code, name, geom, 0 AS dwell, station_id AS grp FROM post`,
    station: `SELECT 'station', id, code, name, geom, 0, NULL::bigint FROM station`,
    checkpoint: `SELECT 'checkpoint', id, NULL, name, geom, dwell_minutes, beat_id FROM checkpoint`,
    key_place: `SELECT 'key_place', id, NULL, name, ST_PointOnSurface(geom), 0, NULL::bigint FROM key_place`,
    grid: `SELECT 'grid', id, code, name, ST_PointOnSurface(geom), 0, NULL::bigint FROM grid`,
  };
  const sql = kinds.map((k) => parts[k]).join(' UNION ALL ');
  return db.query<PlacePoint>(
    `SELECT kind, id, code, name, ST_X(geom) AS lon, ST_Y(geom) AS lat, dwell::float8 AS "dwellMinutes", grp AS "groupId"
     FROM (${sql}) p(kind, id, code, name, geom, dwell, grp) ORDER BY kind, id`,
  );
}

/** A beat's outline, or undefined when there is no such beat. */
export async function loadBeatArea(db: Queryable, beatId: number): Promise<MultiPolygon | undefined> {
  const [r] = await db.query<{ g: MultiPolygon }>('SELECT ST_AsGeoJSON(geom)::json AS g FROM beat WHERE id = $1', [
    beatId,
  ]);
  return r?.g;
}

/** Days the incident history spans (at least 1): divides history counts into a mean per day, i.e. per shift. */
export async function incidentDays(db: Queryable): Promise<number> {
  const [r] = await db.query<{ d: number | null }>(
    `SELECT extract(epoch FROM max(occurred_at) - min(occurred_at))::float8 / 86400 AS d FROM incident`,
  );
  return Math.max(1, Math.ceil(r?.d ?? 1));
}

export interface KeyPlaceRow {
  id: number;
  name: string;
  kind: string;
  /** The tier set on the place (1, 3 or 5 minutes), null for its kind's default. */
  tierMinutes: 1 | 3 | 5 | null;
  /** Schools' bells as set on the place ("HH:MM"), null for the defaults. */
  entryTime: string | null;
  exitTime: string | null;
  lon: number;
  lat: number;
}

/** Key places at a point on their surface, with their reach tier and bells. */
export async function loadKeyPlaces(db: Queryable, kinds?: readonly string[]): Promise<KeyPlaceRow[]> {
  return db.query<KeyPlaceRow>(
    `SELECT id::int AS id, name, kind, reach_tier_minutes::int AS "tierMinutes", entry_time AS "entryTime",
            exit_time AS "exitTime", ST_X(p) AS lon, ST_Y(p) AS lat
     FROM (SELECT *, ST_PointOnSurface(geom) AS p FROM key_place) k
     WHERE $1::text[] IS NULL OR kind = ANY($1::text[]) ORDER BY id`,
    [kinds ? [...kinds] : null],
  );
}
