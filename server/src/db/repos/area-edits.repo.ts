import type { Geometry } from 'geojson';
import { ConflictError, NotFoundError, UnprocessableError } from '../../errors.js';
import type { Queryable } from '../client.js';
import { stampEdit, writeAudit, type AuditAction } from './audit.repo.js';
import {
  gridProblems,
  problemFeatures,
  validityProblem,
  DEFAULT_SLIVER_M2,
  type TopologyProblem,
} from './topology.repo.js';

export interface EditContext {
  tx: Queryable;
  actor: string;
  sliverM2?: number;
}

interface GridRow {
  id: number;
  code: string;
  version: number;
  community_code: string;
  population: number;
  households: number;
  name: string;
}

/** Locks the grids and checks the versions the edit was based on (stale → 409 naming the current versions). */
async function lockGrids(tx: Queryable, based: Readonly<Record<string, number>>): Promise<GridRow[]> {
  const codes = Object.keys(based);
  const rows = await tx.query<GridRow>(
    `SELECT id, code, version, community_code, population, households, name FROM grid WHERE code = ANY($1::text[]) ORDER BY code FOR UPDATE`,
    [codes],
  );
  const missing = codes.filter((c) => !rows.some((r) => r.code === c));
  if (missing.length)
    throw new NotFoundError(
      `No grid ${missing.join(', ')}`,
      missing.map((c) => ({ path: `versions.${c}`, message: 'no such grid (retired?)' })),
    );
  const stale = rows.filter((r) => r.version !== based[r.code]);
  if (stale.length) {
    throw new ConflictError(
      `Grid ${stale.map((r) => r.code).join(', ')} changed since the edit began`,
      stale.map((r) => ({ path: `versions.${r.code}`, message: `stale: current version is ${r.version}` })),
      { currentVersions: Object.fromEntries(rows.map((r) => [r.code, r.version])), currentVersion: stale[0]?.version },
    );
  }
  return rows;
}

function refuse(message: string, problems: readonly TopologyProblem[], path = 'geometry'): never {
  throw new UnprocessableError(
    message,
    problems.map((p) => ({ path, message: p.message })),
    { problems: problemFeatures(problems) },
  );
}

/** An area edit's audit row; `null` before/after is stored as the JSON null, as these rows always were. */
function auditArea(
  tx: Queryable,
  actor: string,
  entity: 'grid' | 'beat',
  code: string,
  action: AuditAction,
  before: unknown,
  after: unknown,
): Promise<void> {
  return writeAudit(tx, { actor, entity, entityId: code, action, before, after });
}

async function gridSnapshot(tx: Queryable, codes: readonly string[]): Promise<unknown[]> {
  const rows = await tx.query<{ f: unknown }>(
    `SELECT json_build_object('code', code, 'version', version, 'population', population, 'households', households,
       'geometry', ST_AsGeoJSON(geom)::json) AS f FROM grid WHERE code = ANY($1::text[]) ORDER BY code`,
    [codes],
  );
  return rows.map((r) => r.f);
}

/**
 * New boundaries for one grid or several saved together (a shared boundary moved between neighbours); codes stay.
 * Each shape is validated against the grids outside the edit, against the others in it, and the community must stay
 * covered.
 */
export async function reshapeGrids(
  ctx: EditContext,
  edits: readonly { code: string; version: number; geometry: Geometry }[],
): Promise<{ code: string; version: number }[]> {
  const rows = await lockGrids(ctx.tx, Object.fromEntries(edits.map((e) => [e.code, e.version])));
  const codes = edits.map((e) => e.code);
  const problems: TopologyProblem[] = [];
  for (const e of edits) {
    const row = rows.find((r) => r.code === e.code) as GridRow;
    problems.push(
      ...(await gridProblems(ctx.tx, {
        geometry: e.geometry,
        communityCode: row.community_code,
        code: e.code,
        replaces: codes,
        companions: edits.filter((o) => o !== e).map((o) => o.geometry),
        sliverM2: ctx.sliverM2 ?? DEFAULT_SLIVER_M2,
      })),
    );
  }
  // Shapes of the same edit overlapping each other.
  for (let i = 0; i < edits.length; i++)
    for (let j = i + 1; j < edits.length; j++) {
      const [o] = await ctx.tx.query<{ a: number; g: Geometry }>(
        `SELECT ST_Area(x.i::geography) AS a, ST_AsGeoJSON(x.i)::json AS g FROM (SELECT ST_CollectionExtract(ST_Intersection(
         ST_SetSRID(ST_GeomFromGeoJSON($1), 4326), ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)), 3) AS i) x`,
        [JSON.stringify(edits[i]?.geometry), JSON.stringify(edits[j]?.geometry)],
      );
      if (o && o.a > (ctx.sliverM2 ?? DEFAULT_SLIVER_M2)) {
        problems.push({
          kind: 'overlap',
          message: `the new shapes of ${edits[i]?.code} and ${edits[j]?.code} overlap by ${o.a.toFixed(1)} m²`,
          areaM2: o.a,
          with: edits[j]?.code ?? '',
          geometry: o.g,
        });
      }
    }
  // The gap check of each shape counts the same new gap once per shape: keep one of each.
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const k = `${p.kind}|${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (unique.length) refuse(`Grid ${codes.join(', ')} cannot take these shapes`, unique);
  const before = await gridSnapshot(ctx.tx, codes);
  await stampEdit(ctx.tx, ctx.actor, 'reshape');
  for (const e of edits) {
    await ctx.tx.query(
      `UPDATE grid SET geom = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)), version = version + 1, updated_at = now() WHERE code = $1`,
      [e.code, JSON.stringify(e.geometry)],
    );
  }
  const after = await gridSnapshot(ctx.tx, codes);
  for (const [i, code] of codes.entries())
    await auditArea(ctx.tx, ctx.actor, 'grid', code, 'reshape', before[i], after[i]);
  return edits.map((e) => ({ code: e.code, version: e.version + 1 }));
}

/** The next free codes of a community: sequence numbers above any code it ever had (retired ones are not reused). */
async function nextGridCodes(tx: Queryable, community: string, n: number): Promise<string[]> {
  const [r] = await tx.query<{ top: number }>(
    `SELECT coalesce(max(right(code, 3)::int), 0) AS top FROM (
       SELECT code FROM grid WHERE community_code = $1
       UNION ALL SELECT code FROM area_version WHERE entity = 'grid' AND left(code, 12) = $1) x`,
    [community],
  );
  const top = r?.top ?? 0;
  if (top + n > 999)
    throw new UnprocessableError(`Community ${community} has no free grid codes left`, [
      { path: 'code', message: 'sequence 999 reached' },
    ]);
  return Array.from({ length: n }, (_, i) => `${community}${String(top + i + 1).padStart(3, '0')}`);
}

/**
 * Splits a grid along a line into its pieces: each piece a new grid with a new code whose parent is the old one,
 * residents and households shared by area; the old code is retired. Pieces under the sliver tolerance are refused.
 */
export async function splitGrid(
  ctx: EditContext,
  code: string,
  version: number,
  line: Geometry,
): Promise<{ codes: string[] }> {
  const [row] = await lockGrids(ctx.tx, { [code]: version });
  const g = row as GridRow;
  const sliver = ctx.sliverM2 ?? DEFAULT_SLIVER_M2;
  const pieces = await ctx.tx.query<{ g: Geometry; a: number }>(
    `SELECT ST_AsGeoJSON(d.geom)::json AS g, ST_Area(d.geom::geography) AS a
     FROM grid, ST_Dump(ST_CollectionExtract(ST_Split(grid.geom, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)), 3)) d
     WHERE grid.code = $1 ORDER BY ST_XMin(d.geom), ST_YMin(d.geom)`,
    [code, JSON.stringify(line)],
  );
  if (pieces.length < 2) {
    refuse(
      `The line does not cut grid ${code} in two`,
      [{ kind: 'invalid', message: 'the line must cross the grid from edge to edge', areaM2: 0, geometry: line }],
      'line',
    );
  }
  const slivers = pieces.filter((p) => p.a <= sliver);
  if (slivers.length) {
    refuse(
      `The cut leaves slivers of grid ${code}`,
      slivers.map((p) => ({
        kind: 'sliver',
        message: `a piece of ${p.a.toFixed(2)} m² (tolerance ${sliver} m²)`,
        areaM2: p.a,
        geometry: p.g,
      })),
      'line',
    );
  }
  const codes = await nextGridCodes(ctx.tx, g.community_code, pieces.length);
  const total = pieces.reduce((s, p) => s + p.a, 0);
  const share = (n: number) => pieces.map((p, i) => (i < pieces.length - 1 ? Math.round((n * p.a) / total) : 0));
  const pop = share(g.population),
    hh = share(g.households);
  pop[pop.length - 1] = g.population - pop.reduce((s, v) => s + v, 0);
  hh[hh.length - 1] = g.households - hh.reduce((s, v) => s + v, 0);
  const before = await gridSnapshot(ctx.tx, [code]);
  await stampEdit(ctx.tx, ctx.actor, 'split', [code]);
  for (const [i, p] of pieces.entries()) {
    await ctx.tx.query(
      `INSERT INTO grid (code, name, kind, dedicated_unit, community_code, district_code, population, households, worker_name, worker_phone, geom)
       SELECT $2, left(name || '-' || $3, 200), kind, dedicated_unit, community_code, district_code, $4, $5, worker_name, worker_phone,
              ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($6), 4326))
       FROM grid WHERE code = $1`,
      [code, codes[i], String(i + 1), pop[i], hh[i], JSON.stringify(p.g)],
    );
  }
  await ctx.tx.query('DELETE FROM grid WHERE code = $1', [code]);
  await auditArea(ctx.tx, ctx.actor, 'grid', code, 'split', before[0], await gridSnapshot(ctx.tx, codes));
  return { codes };
}

/**
 * Merges neighbouring grids of one community (多格合一): the first code survives with the union of the shapes and the
 * summed residents; the others are retired with the survivor as their successor. Grids that do not form one piece
 * are refused.
 */
export async function mergeGrids(
  ctx: EditContext,
  codes: readonly string[],
  versions: Readonly<Record<string, number>>,
): Promise<{ code: string; version: number; retired: string[] }> {
  const rows = await lockGrids(ctx.tx, Object.fromEntries(codes.map((c) => [c, versions[c] ?? -1])));
  const communities = new Set(rows.map((r) => r.community_code));
  if (communities.size > 1) {
    throw new UnprocessableError('Grids of different communities cannot be merged', [
      { path: 'codes', message: `communities ${[...communities].join(', ')}` },
    ]);
  }
  const [u] = await ctx.tx.query<{ parts: number; g: Geometry }>(
    `SELECT ST_NumGeometries(u) AS parts, ST_AsGeoJSON(u)::json AS g FROM (SELECT ST_Multi(ST_Union(geom)) AS u FROM grid WHERE code = ANY($1::text[])) x`,
    [codes],
  );
  if (!u || u.parts !== 1) {
    refuse(
      'Only neighbouring grids can be merged',
      [
        {
          kind: 'not_contiguous',
          message: `the grids form ${u?.parts ?? 0} separate pieces`,
          areaM2: 0,
          geometry: u?.g ?? null,
        },
      ],
      'codes',
    );
  }
  const [survivor, ...retired] = codes as [string, ...string[]];
  const before = await gridSnapshot(ctx.tx, codes);
  const sum = (k: 'population' | 'households') => rows.reduce((s, r) => s + r[k], 0);
  await stampEdit(ctx.tx, ctx.actor, 'merge', retired);
  await ctx.tx.query(
    `UPDATE grid SET geom = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)), population = $3, households = $4,
       version = version + 1, updated_at = now() WHERE code = $1`,
    [survivor, JSON.stringify(u.g), sum('population'), sum('households')],
  );
  await stampEdit(ctx.tx, ctx.actor, 'merge', [survivor]);
  await ctx.tx.query('DELETE FROM grid WHERE code = ANY($1::text[])', [retired]);
  await auditArea(ctx.tx, ctx.actor, 'grid', survivor, 'merge', before, (await gridSnapshot(ctx.tx, [survivor]))[0]);
  const sv = rows.find((r) => r.code === survivor) as GridRow;
  return { code: survivor, version: sv.version + 1, retired };
}

/**
 * A beat made of whole grids (网格+警格): its shape becomes the union of the grids; grids it takes from other beats
 * leave those beats (each saved as a new version). Refused when the grids are not one piece or a beat would be left
 * empty.
 */
export async function assignGridsToBeat(
  ctx: EditContext,
  beatCode: string,
  version: number,
  gridCodes: readonly string[],
  others: Readonly<Record<string, number>> = {},
): Promise<{ code: string; version: number; changed: string[] }> {
  const [beat] = await ctx.tx.query<{ version: number }>('SELECT version FROM beat WHERE code = $1 FOR UPDATE', [
    beatCode,
  ]);
  if (!beat) throw new NotFoundError(`No beat ${beatCode}`);
  if (beat.version !== version) {
    throw new ConflictError(
      `Beat ${beatCode} changed since the edit began`,
      [{ path: 'version', message: `stale: current version is ${beat.version}` }],
      { currentVersion: beat.version },
    );
  }
  const [u] = await ctx.tx.query<{ n: number; parts: number; g: Geometry }>(
    `SELECT count(*)::int AS n, ST_NumGeometries(ST_Union(geom)) AS parts, ST_AsGeoJSON(ST_Multi(ST_Union(geom)))::json AS g
     FROM grid WHERE code = ANY($1::text[])`,
    [gridCodes],
  );
  if (!u || u.n !== new Set(gridCodes).size)
    throw new NotFoundError('Some grids do not exist', [
      { path: 'gridCodes', message: `found ${u?.n ?? 0} of ${gridCodes.length}` },
    ]);
  if (u.parts !== 1)
    refuse(
      'A beat must be one piece',
      [{ kind: 'not_contiguous', message: `the grids form ${u.parts} pieces`, areaM2: 0, geometry: u.g }],
      'gridCodes',
    );
  const invalid = await validityProblem(ctx.tx, u.g);
  if (invalid) refuse('The union of the grids is not a valid shape', [invalid], 'gridCodes');
  const sliver = ctx.sliverM2 ?? DEFAULT_SLIVER_M2;
  // Other beats the new shape takes ground from.
  const touched = await ctx.tx.query<{ code: string; version: number; left_a: number }>(
    `SELECT b.code, b.version, ST_Area(ST_CollectionExtract(ST_Difference(b.geom, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)), 3)::geography) AS left_a
     FROM beat b WHERE b.code <> $1 AND b.geom && ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)
       AND ST_Area(ST_Intersection(b.geom, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326))::geography) > $3
     ORDER BY b.code FOR UPDATE OF b`,
    [beatCode, JSON.stringify(u.g), sliver],
  );
  const stale = touched.filter((t) => others[t.code] !== undefined && others[t.code] !== t.version);
  if (stale.length) {
    throw new ConflictError(
      `Beat ${stale.map((t) => t.code).join(', ')} changed since the edit began`,
      stale.map((t) => ({ path: `others.${t.code}`, message: `stale: current version is ${t.version}` })),
      { currentVersions: Object.fromEntries(touched.map((t) => [t.code, t.version])) },
    );
  }
  const emptied = touched.filter((t) => t.left_a <= sliver);
  if (emptied.length) {
    refuse(
      'A beat would be left empty',
      emptied.map((t) => ({
        kind: 'gap',
        message: `beat ${t.code} would have no grids left`,
        areaM2: 0,
        with: t.code,
        geometry: null,
      })),
      'gridCodes',
    );
  }
  await stampEdit(ctx.tx, ctx.actor, 'assign', [...gridCodes]);
  for (const t of touched) {
    await ctx.tx.query(
      `UPDATE beat SET geom = ST_Multi(ST_CollectionExtract(ST_Difference(geom, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)), 3)),
         version = version + 1, updated_at = now() WHERE code = $1`,
      [t.code, JSON.stringify(u.g)],
    );
  }
  await ctx.tx.query(
    `UPDATE beat SET geom = ST_SetSRID(ST_GeomFromGeoJSON($2), 4326), version = version + 1, updated_at = now() WHERE code = $1`,
    [beatCode, JSON.stringify(u.g)],
  );
  await auditArea(
    ctx.tx,
    ctx.actor,
    'beat',
    beatCode,
    'assign',
    { version },
    { gridCodes, took_from: touched.map((t) => t.code) },
  );
  return { code: beatCode, version: version + 1, changed: touched.map((t) => t.code) };
}

export interface AreaVersionRow {
  version: number;
  change: string;
  parentCodes: string[];
  retired: boolean;
  actor: string;
  savedAt: string;
  attrs: Record<string, unknown>;
  geometry: Geometry | null;
}

/** Every saved version of a grid or beat, oldest first, with the shapes (to show old boundaries on the map). */
export async function areaHistory(tx: Queryable, entity: 'grid' | 'beat', code: string): Promise<AreaVersionRow[]> {
  const rows = await tx.query<{
    version: number;
    change: string;
    parent_codes: string[];
    retired: boolean;
    actor: string;
    saved_at: Date | string;
    attrs: Record<string, unknown>;
    g: Geometry | null;
  }>(
    `SELECT version, change, parent_codes, retired, actor, saved_at, attrs, ST_AsGeoJSON(geom)::json AS g
     FROM area_version WHERE entity = $1 AND code = $2 ORDER BY id`,
    [entity, code],
  );
  return rows.map((r) => ({
    version: r.version,
    change: r.change,
    parentCodes: r.parent_codes,
    retired: r.retired,
    actor: r.actor,
    savedAt: new Date(r.saved_at).toISOString(),
    attrs: r.attrs,
    geometry: r.g,
  }));
}

/** Codes that came out of a code (split pieces, merge survivor), from the version table. */
export async function successorsOf(tx: Queryable, code: string): Promise<string[]> {
  const rows = await tx.query<{ code: string }>(
    `SELECT DISTINCT code FROM area_version WHERE entity = 'grid' AND $1 = ANY(parent_codes) AND NOT retired ORDER BY code`,
    [code],
  );
  return rows.map((r) => r.code);
}

/**
 * Rewrites several beats at once as unions of whole grids (an auto-align or an auto-districting plan applied): every
 * beat must be at the version the plan was made from and come out in one piece. One new version per changed beat.
 */
export async function setBeatsFromGrids(
  ctx: EditContext,
  change: 'align' | 'district',
  groups: ReadonlyMap<string, readonly string[]>,
  versions: Readonly<Record<string, number>>,
): Promise<{ code: string; version: number; changed: boolean }[]> {
  const codes = [...groups.keys()];
  const rows = await ctx.tx.query<{ code: string; version: number }>(
    'SELECT code, version FROM beat WHERE code = ANY($1::text[]) ORDER BY code FOR UPDATE',
    [codes],
  );
  const missing = codes.filter((c) => !rows.some((r) => r.code === c));
  if (missing.length) throw new NotFoundError(`No beat ${missing.join(', ')}`);
  const stale = rows.filter((r) => versions[r.code] !== r.version);
  if (stale.length) {
    throw new ConflictError(
      `Beat ${stale.map((r) => r.code).join(', ')} changed since the plan was made`,
      stale.map((r) => ({ path: `versions.${r.code}`, message: `stale: current version is ${r.version}` })),
      { currentVersions: Object.fromEntries(rows.map((r) => [r.code, r.version])) },
    );
  }
  const shapes = await ctx.tx.query<{ code: string; parts: number; g: Geometry }>(
    `SELECT u.k AS code, ST_NumGeometries(ST_Union(g.geom)) AS parts, ST_AsGeoJSON(ST_Multi(ST_Union(g.geom)))::json AS g
     FROM unnest($1::text[], $2::text[]) AS u(k, code) JOIN grid g ON g.code = u.code GROUP BY u.k`,
    [codes.flatMap((k) => (groups.get(k) ?? []).map(() => k)), codes.flatMap((k) => [...(groups.get(k) ?? [])])],
  );
  const broken = shapes.filter((s) => s.parts !== 1);
  if (broken.length || shapes.length !== codes.length) {
    refuse(
      'Every beat must be one piece of whole grids',
      broken.map((s) => ({
        kind: 'not_contiguous',
        message: `beat ${s.code} would be ${s.parts} pieces`,
        areaM2: 0,
        with: s.code,
        geometry: s.g,
      })),
      'assignment',
    );
  }
  await stampEdit(ctx.tx, ctx.actor, change);
  const out: { code: string; version: number; changed: boolean }[] = [];
  const sliver = ctx.sliverM2 ?? DEFAULT_SLIVER_M2;
  for (const s of shapes) {
    const [before] = await ctx.tx.query<{ g: unknown; d: number }>(
      `SELECT ST_AsGeoJSON(geom)::json AS g, ST_Area(ST_SymDifference(geom, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326), 1e-9)::geography) AS d
       FROM beat WHERE code = $1`,
      [s.code, JSON.stringify(s.g)],
    );
    // A beat the plan leaves as it is keeps its version: the history shows only the beats that moved.
    // (No row back, as PGlite answers a GEOS error, counts as changed.)
    if (before && before.d <= sliver) {
      out.push({ code: s.code, version: versions[s.code] ?? 0, changed: false });
      continue;
    }
    await ctx.tx.query(
      `UPDATE beat SET geom = ST_SetSRID(ST_GeomFromGeoJSON($2), 4326), version = version + 1, updated_at = now() WHERE code = $1`,
      [s.code, JSON.stringify(s.g)],
    );
    await auditArea(
      ctx.tx,
      ctx.actor,
      'beat',
      s.code,
      change,
      { version: versions[s.code], geometry: before?.g },
      { geometry: s.g, grids: groups.get(s.code) },
    );
    out.push({ code: s.code, version: (versions[s.code] ?? 0) + 1, changed: true });
  }
  return out;
}

/**
 * A new grid drawn on the map. Its community is the one holding most of the drawing; with `snap` (the default) the
 * drawing is cut to that community's ground no grid holds yet, so a rough outline drawn over a gap fills it exactly
 * up to the neighbours' boundaries. Then validated like any shape and given the community's next code.
 */
export async function createDrawnGrid(
  ctx: EditContext,
  drawn: Geometry,
  opts: { name?: string; snap?: boolean },
): Promise<{ code: string; version: number; areaM2: number }> {
  const invalid = await validityProblem(ctx.tx, drawn);
  if (invalid) refuse('The drawn outline is not a valid polygon', [invalid]);
  const [c] = await ctx.tx.query<{ code: string; district_code: string | null }>(
    `SELECT a.code, a.district_code FROM admin_area a WHERE a.level = 'community' AND a.geom && ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)
     ORDER BY ST_Area(ST_Intersection(a.geom, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))) DESC LIMIT 1`,
    [JSON.stringify(drawn)],
  );
  if (!c)
    refuse('The outline is not inside any community', [
      { kind: 'outside', message: 'no community under the drawing', areaM2: 0, geometry: drawn },
    ]);
  let shape = drawn;
  if (opts.snap !== false) {
    const [free] = await ctx.tx.query<{ g: Geometry | null; a: number }>(
      `WITH d AS (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g),
            taken AS (SELECT coalesce(ST_Union(geom, 1e-9), 'SRID=4326;POLYGON EMPTY'::geometry) AS u FROM grid WHERE community_code = $2 AND geom && (SELECT g FROM d))
       SELECT ST_AsGeoJSON(ST_Multi(x.f))::json AS g, coalesce(ST_Area(x.f::geography), 0) AS a
       FROM (SELECT ST_CollectionExtract(ST_Difference(ST_Intersection(d.g, a.geom, 1e-9), taken.u, 1e-9), 3) AS f FROM d, taken, admin_area a WHERE a.code = $2) x`,
      [JSON.stringify(drawn), c.code],
    );
    if (!free?.g || free.a <= (ctx.sliverM2 ?? DEFAULT_SLIVER_M2)) {
      refuse('The outline covers no free ground of the community', [
        { kind: 'overlap', message: 'every part of it already belongs to a grid', areaM2: 0, geometry: drawn },
      ]);
    }
    shape = free.g;
  }
  const problems = await gridProblems(ctx.tx, {
    geometry: shape,
    communityCode: c.code,
    code: null,
    sliverM2: ctx.sliverM2 ?? DEFAULT_SLIVER_M2,
  });
  if (problems.length) refuse('The new grid cannot take this shape', problems);
  const [code] = (await nextGridCodes(ctx.tx, c.code, 1)) as [string];
  await stampEdit(ctx.tx, ctx.actor, 'create');
  const [row] = await ctx.tx.query<{ a: number }>(
    `INSERT INTO grid (code, name, community_code, district_code, geom) VALUES ($1, $2, $3, $4, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($5), 4326)))
     RETURNING ST_Area(geom::geography) AS a`,
    [code, opts.name ?? `网格${code.slice(12)}`, c.code, c.district_code ?? c.code, JSON.stringify(shape)],
  );
  await auditArea(ctx.tx, ctx.actor, 'grid', code, 'create', null, (await gridSnapshot(ctx.tx, [code]))[0]);
  return { code, version: 1, areaM2: row?.a ?? 0 };
}
