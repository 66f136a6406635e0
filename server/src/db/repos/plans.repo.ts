import { ConflictError, NotFoundError } from '../../errors.js';
import type { Queryable } from '../client.js';
import { writeAudit, writePlanVersion } from './audit.repo.js';

export type PlanKind = 'draft' | 'districting' | 'imported';

export interface PlanRow {
  id: number;
  name: string;
  kind: PlanKind;
  stationId: number | null;
  version: number;
  baseVersions: Record<string, number>;
  params: unknown;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
  appliedAt: Date | null;
  appliedBy: string | null;
  grids: number;
  beats: number;
}

interface RawPlan {
  id: number;
  name: string;
  kind: PlanKind;
  station_id: number | null;
  version: number;
  base_versions: Record<string, number>;
  params: unknown;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  applied_at: Date | null;
  applied_by: string | null;
  grids: number;
  beats: number;
}

const SELECT_PLAN = `SELECT p.id, p.name, p.kind, p.station_id, p.version, p.base_versions, p.params, p.created_by, p.created_at,
    p.updated_at, p.applied_at, p.applied_by,
    (SELECT count(*)::int FROM plan_assignment a WHERE a.plan_id = p.id) AS grids,
    (SELECT count(DISTINCT beat_code)::int FROM plan_assignment a WHERE a.plan_id = p.id) AS beats
  FROM plan p`;

const toPlan = (r: RawPlan): PlanRow => ({
  id: Number(r.id),
  name: r.name,
  kind: r.kind,
  stationId: r.station_id === null ? null : Number(r.station_id),
  version: r.version,
  baseVersions: r.base_versions,
  params: r.params,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  appliedAt: r.applied_at,
  appliedBy: r.applied_by,
  grids: r.grids,
  beats: r.beats,
});

export async function listPlans(q: Queryable, stationId?: number): Promise<PlanRow[]> {
  const rows = await q.query<RawPlan>(`${SELECT_PLAN} WHERE ($1::bigint IS NULL OR p.station_id = $1) ORDER BY p.id`, [
    stationId ?? null,
  ]);
  return rows.map(toPlan);
}

export async function getPlan(
  q: Queryable,
  id: number,
  opts: { lock?: boolean } = {},
): Promise<PlanRow & { assignment: Map<string, string> }> {
  if (opts.lock) await q.query('SELECT id FROM plan WHERE id = $1 FOR UPDATE', [id]);
  const [row] = await q.query<RawPlan>(`${SELECT_PLAN} WHERE p.id = $1`, [id]);
  if (!row) throw new NotFoundError(`No plan ${id}`, [{ path: 'id', message: 'no such plan' }]);
  const a = await q.query<{ grid_code: string; beat_code: string }>(
    'SELECT grid_code, beat_code FROM plan_assignment WHERE plan_id = $1 ORDER BY grid_code',
    [id],
  );
  return { ...toPlan(row), assignment: new Map(a.map((r) => [r.grid_code, r.beat_code])) };
}

async function writeAssignment(tx: Queryable, id: number, assignment: ReadonlyMap<string, string>): Promise<void> {
  await tx.query('DELETE FROM plan_assignment WHERE plan_id = $1', [id]);
  await tx.query(
    `INSERT INTO plan_assignment (plan_id, grid_code, beat_code) SELECT $1, u.g, u.b FROM unnest($2::text[], $3::text[]) AS u(g, b)`,
    [id, [...assignment.keys()], [...assignment.values()]],
  );
}

/** A new plan at version 1, with its assignment, its first stored version and an audit row. */
export async function insertPlan(
  tx: Queryable,
  actor: string,
  p: {
    name: string;
    kind: PlanKind;
    stationId: number | null;
    baseVersions: Record<string, number>;
    params?: unknown;
    assignment: ReadonlyMap<string, string>;
  },
): Promise<number> {
  const [row] = await tx.query<{ id: number }>(
    `INSERT INTO plan (name, kind, station_id, base_versions, params, created_by) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6) RETURNING id`,
    [
      p.name,
      p.kind,
      p.stationId,
      JSON.stringify(p.baseVersions),
      p.params === undefined ? null : JSON.stringify(p.params),
      actor,
    ],
  );
  const id = Number(row?.id);
  await writeAssignment(tx, id, p.assignment);
  await writePlanVersion(tx, {
    planId: id,
    version: 1,
    name: p.name,
    change: 'create',
    assignment: p.assignment,
    actor,
  });
  await writeAudit(tx, {
    actor,
    entity: 'plan',
    entityId: String(id),
    action: p.kind === 'imported' ? 'import' : 'create',
    before: null,
    after: {
      name: p.name,
      kind: p.kind,
      stationId: p.stationId,
      grids: p.assignment.size,
      params: p.params ?? null,
    },
  });
  return id;
}

/** Checks the version an edit was based on (stale → 409 naming the current one) and writes the next version. */
export async function updatePlan(
  tx: Queryable,
  actor: string,
  id: number,
  basedOn: number,
  change: {
    name?: string;
    assignment?: ReadonlyMap<string, string>;
    baseVersions?: Record<string, number>;
    applied?: boolean;
  },
): Promise<number> {
  const cur = await getPlan(tx, id, { lock: true });
  if (cur.version !== basedOn) {
    throw new ConflictError(
      `Plan ${id} changed since the edit began`,
      [{ path: 'version', message: `stale: current version is ${cur.version}` }],
      { currentVersion: cur.version },
    );
  }
  const version = cur.version + 1;
  const name = change.name ?? cur.name;
  const assignment = change.assignment ?? cur.assignment;
  await tx.query(
    `UPDATE plan SET name = $2, version = $3, updated_at = now(), base_versions = coalesce($4::jsonb, base_versions),
       applied_at = CASE WHEN $5 THEN now() ELSE applied_at END, applied_by = CASE WHEN $5 THEN $6 ELSE applied_by END WHERE id = $1`,
    [
      id,
      name,
      version,
      change.baseVersions ? JSON.stringify(change.baseVersions) : null,
      change.applied ?? false,
      actor,
    ],
  );
  if (change.assignment) await writeAssignment(tx, id, change.assignment);
  const kind = change.applied ? 'apply' : 'update';
  await writePlanVersion(tx, { planId: id, version, name, change: kind, assignment, actor });
  await writeAudit(tx, {
    actor,
    entity: 'plan',
    entityId: String(id),
    action: 'update',
    before: { version: cur.version, name: cur.name, grids: cur.assignment.size },
    after: { version, name, grids: assignment.size, applied: change.applied ?? false },
  });
  return version;
}

export async function planVersions(
  q: Queryable,
  id: number,
): Promise<{ version: number; name: string; change: string; actor: string; at: Date; grids: number }[]> {
  return q.query(
    `SELECT version, name, change, actor, at, (SELECT count(*)::int FROM jsonb_object_keys(assignment)) AS grids
    FROM plan_version WHERE plan_id = $1 ORDER BY version`,
    [id],
  );
}

export async function deletePlan(tx: Queryable, actor: string, id: number, basedOn: number): Promise<void> {
  const cur = await getPlan(tx, id, { lock: true });
  if (cur.version !== basedOn)
    throw new ConflictError(
      `Plan ${id} changed since`,
      [{ path: 'version', message: `stale: current version is ${cur.version}` }],
      { currentVersion: cur.version },
    );
  await tx.query('DELETE FROM plan WHERE id = $1', [id]);
  // A deleted plan's row says `after: null` (the JSON null), as it always has.
  await writeAudit(tx, {
    actor,
    entity: 'plan',
    entityId: String(id),
    action: 'update',
    before: { version: cur.version, name: cur.name },
    after: null,
  });
}

/**
 * The plan in force, derived from today's beats: every grid in the beat holding its inside point (the rule districting
 * uses), for one station's beats or all; with the beats' versions and stations.
 */
export async function inForce(
  q: Queryable,
  stationId?: number | null,
): Promise<{ assignment: Map<string, string>; beats: Map<string, { version: number; stationId: number | null }> }> {
  const rows = await q.query<{ grid: string; beat: string }>(
    `SELECT DISTINCT ON (g.code) g.code AS grid, b.code AS beat FROM grid g
       JOIN beat b ON ($1::bigint IS NULL OR b.station_id = $1) AND b.geom && g.geom AND ST_Intersects(b.geom, ST_PointOnSurface(g.geom))
     ORDER BY g.code, b.code`,
    [stationId ?? null],
  );
  const beats = await q.query<{ code: string; version: number; station_id: number | null }>(
    'SELECT code, version, station_id FROM beat WHERE ($1::bigint IS NULL OR station_id = $1) ORDER BY code',
    [stationId ?? null],
  );
  return {
    assignment: new Map(rows.map((r) => [r.grid, r.beat])),
    beats: new Map(
      beats.map((b) => [
        b.code,
        { version: b.version, stationId: b.station_id === null ? null : Number(b.station_id) },
      ]),
    ),
  };
}

/** Beats by code (any station): version and station. */
export async function beatsByCode(
  q: Queryable,
  codes: readonly string[],
): Promise<Map<string, { version: number; stationId: number | null }>> {
  const rows = await q.query<{ code: string; version: number; station_id: number | null }>(
    'SELECT code, version, station_id FROM beat WHERE code = ANY($1::text[])',
    [codes],
  );
  return new Map(
    rows.map((b) => [b.code, { version: b.version, stationId: b.station_id === null ? null : Number(b.station_id) }]),
  );
}

/** Grid codes that exist, with their names (an import names grids by code). */
export async function gridNames(q: Queryable, codes: readonly string[]): Promise<Map<string, string>> {
  const rows = await q.query<{ code: string; name: string }>(
    'SELECT code, name FROM grid WHERE code = ANY($1::text[])',
    [codes],
  );
  return new Map(rows.map((r) => [r.code, r.name]));
}

export interface GridMeasures {
  code: string;
  communityCode: string;
  areaM2: number;
  perimeterM: number;
  population: number;
  households: number;
  roadM: number;
  keyPlaces: number;
  /** Incidents of the last 365 days of data, per category. */
  incidentsByCategory: Record<string, number>;
}

/**
 * What a scorecard adds up, per grid, measured once in PostGIS over geography; and the boundary length each
 * neighbouring pair shares (for one-piece and Polsby–Popper of unions of grids without building them).
 */
export async function gridMeasures(
  q: Queryable,
  codes: readonly string[],
): Promise<{ grids: GridMeasures[]; adjacency: { a: string; b: string; m: number }[] }> {
  const grids = await q.query<{
    code: string;
    community_code: string;
    area: number;
    perim: number;
    population: number;
    households: number;
    road_m: number;
    key_places: number;
    by_cat: Record<string, number> | null;
  }>(
    `WITH span AS (SELECT max(occurred_at) AS t1 FROM incident),
          g AS (SELECT * FROM grid WHERE code = ANY($1::text[]))
     SELECT g.code, g.community_code, ST_Area(g.geom::geography) AS area, ST_Perimeter(g.geom::geography) AS perim, g.population, g.households,
       (SELECT coalesce(sum(ST_Length(ST_Intersection(r.geom, g.geom)::geography)), 0) FROM road r WHERE r.geom && g.geom AND ST_Intersects(r.geom, g.geom)) AS road_m,
       (SELECT count(*)::int FROM key_place k WHERE k.geom && g.geom AND ST_Intersects(g.geom, ST_PointOnSurface(k.geom))) AS key_places,
       (SELECT json_object_agg(category, n) FROM (SELECT i.category, count(*)::int AS n FROM incident i, span
          WHERE i.geom && g.geom AND ST_Intersects(g.geom, i.geom) AND i.occurred_at > span.t1 - interval '365 days' GROUP BY i.category) x) AS by_cat
     FROM g ORDER BY g.code`,
    [codes],
  );
  const adjacency = await q.query<{ a: string; b: string; m: number }>(
    `WITH g AS (SELECT code, geom FROM grid WHERE code = ANY($1::text[]))
     SELECT x.code AS a, y.code AS b, ST_Length(ST_CollectionExtract(ST_Intersection(x.geom, y.geom), 2)::geography) AS m
     FROM g x JOIN g y ON x.code < y.code AND x.geom && y.geom AND ST_Intersects(x.geom, y.geom)`,
    [codes],
  );
  return {
    grids: grids.map((r) => ({
      code: r.code,
      communityCode: r.community_code,
      areaM2: r.area,
      perimeterM: r.perim,
      population: r.population,
      households: r.households,
      roadM: r.road_m,
      keyPlaces: r.key_places,
      incidentsByCategory: r.by_cat ?? {},
    })),
    adjacency: adjacency.filter((e) => e.m > 0.5),
  };
}

/** The grid holding the midpoint of each stored road edge (0-based edge index of the routing graph). */
export async function edgeGrids(
  q: Queryable,
  profile: 'car' | 'foot',
  codes: readonly string[],
): Promise<{ edge: number; grid: string }[]> {
  const rows = await q.query<{ edge: number; grid: string }>(
    `SELECT DISTINCT ON (e.id) (e.id - 1)::int AS edge, g.code AS grid FROM road_edge e
       JOIN grid g ON g.code = ANY($2::text[]) AND g.geom && e.geom AND ST_Intersects(g.geom, ST_LineInterpolatePoint(e.geom, 0.5))
     WHERE e.profile = $1 ORDER BY e.id, g.code`,
    [profile, codes],
  );
  return rows;
}

/** Points (posts, stations, key places at their inside point) with the grid they stand in. */
export async function pointsInGrids(
  q: Queryable,
  codes: readonly string[],
): Promise<
  {
    kind: 'post' | 'key_place';
    id: number;
    stationId: number | null;
    grid: string;
    lon: number;
    lat: number;
    placeKind: string | null;
  }[]
> {
  const rows = await q.query<{
    kind: 'post' | 'key_place';
    id: number;
    station_id: number | null;
    grid: string;
    lon: number;
    lat: number;
    place_kind: string | null;
  }>(
    `WITH g AS (SELECT code, geom FROM grid WHERE code = ANY($1::text[])),
          p AS (SELECT 'post' AS kind, id, station_id, geom, NULL AS place_kind FROM post
                UNION ALL SELECT 'key_place', id, NULL::bigint, ST_PointOnSurface(geom), kind FROM key_place)
     SELECT DISTINCT ON (p.kind, p.id) p.kind, p.id, p.station_id, g.code AS grid, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat, p.place_kind
     FROM p JOIN g ON g.geom && p.geom AND ST_Intersects(g.geom, p.geom) ORDER BY p.kind, p.id, g.code`,
    [codes],
  );
  return rows.map((r) => ({
    kind: r.kind,
    id: Number(r.id),
    stationId: r.station_id === null ? null : Number(r.station_id),
    grid: r.grid,
    lon: r.lon,
    lat: r.lat,
    placeKind: r.place_kind,
  }));
}

export async function stationPoints(q: Queryable): Promise<Map<number, { lon: number; lat: number }>> {
  const rows = await q.query<{ id: number; lon: number; lat: number }>(
    'SELECT id, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM station',
  );
  return new Map(rows.map((r) => [Number(r.id), { lon: r.lon, lat: r.lat }]));
}
