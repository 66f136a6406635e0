import type { Geometry } from 'geojson';
import type { Db } from '../db/client.js';
import {
  areaHistory,
  assignGridsToBeat,
  createDrawnGrid,
  mergeGrids,
  reshapeGrids,
  splitGrid,
  successorsOf,
} from '../db/repos/area-edits.repo.js';
import { beatWithGrids } from '../db/repos/beats.repo.js';
import { gridProblems, problemFeatures } from '../db/repos/topology.repo.js';
import { NotFoundError } from '../errors.js';
import type { Editor } from './features.service.js';
import { assertGridsInOneBeat } from './beat-planning.service.js';
import { assertBeatsInScope } from './scope.service.js';

/**
 * Grid and beat edits, each one transaction: the shapes are checked in PostGIS (overlaps, gaps, slivers, the
 * community still covered), versions checked (409 when stale), and a version and audit row written per area.
 */
const ctx = (tx: Parameters<Parameters<Db['transaction']>[0]>[0], who: Editor, sliverM2: number | undefined) => ({
  tx,
  actor: who.actor,
  sliverM2,
});

/** New boundaries for one grid or several neighbours saved together; codes stay. */
export async function reshapeGridShapes(
  db: Db,
  who: Editor,
  grids: readonly { code: string; version: number; geometry: Geometry }[],
  sliverM2?: number,
) {
  return { grids: await db.transaction((tx) => reshapeGrids(ctx(tx, who, sliverM2), grids)) };
}

/** A drawn grid (snapped to its neighbours unless `snap` is false) with the next free code of its community. */
export function drawGrid(
  db: Db,
  who: Editor,
  geometry: Geometry,
  opts: { name?: string | undefined; snap: boolean; sliverM2?: number | undefined },
) {
  return db.transaction((tx) =>
    createDrawnGrid(ctx(tx, who, opts.sliverM2), geometry, {
      snap: opts.snap,
      ...(opts.name ? { name: opts.name } : {}),
    }),
  );
}

/** What is wrong with a proposed grid shape (nothing is written). */
export async function validateGridShape(
  db: Db,
  shape: { geometry: Geometry; communityCode: string; code?: string | undefined; sliverM2?: number | undefined },
) {
  const problems = await gridProblems(db, {
    geometry: shape.geometry,
    communityCode: shape.communityCode,
    code: shape.code ?? null,
    sliverM2: shape.sliverM2,
  });
  return { ok: problems.length === 0, problems: problemFeatures(problems) };
}

/** Splits a grid along a line into new grids (the old code retires with them as successors). */
export async function splitGridAlong(
  db: Db,
  who: Editor,
  code: string,
  version: number,
  line: Geometry,
  sliverM2?: number,
) {
  const out = await db.transaction((tx) => splitGrid(ctx(tx, who, sliverM2), code, version, line));
  return { retired: code, codes: out.codes };
}

/** Merges grids of one community into one (the others retire). */
export function mergeGridCodes(
  db: Db,
  who: Editor,
  codes: readonly string[],
  versions: Readonly<Record<string, number>>,
) {
  return db.transaction((tx) => mergeGrids({ tx, actor: who.actor }, codes, versions));
}

/** Every version of a grid with its successors (404 when it never existed). */
export async function gridHistory(db: Db, code: string) {
  const versions = await areaHistory(db, 'grid', code);
  if (versions.length === 0) throw new NotFoundError(`Grid ${code} has no history`);
  return { code, versions, successors: await successorsOf(db, code) };
}

/** Every version of a beat (404 when it never existed). */
export async function beatHistory(db: Db, code: string) {
  const versions = await areaHistory(db, 'beat', code);
  if (versions.length === 0) throw new NotFoundError(`Beat ${code} has no history`);
  return { code, versions };
}

/** The grids of a beat: those whose inside point lies in it. */
export async function beatGrids(db: Db, code: string) {
  const beat = await beatWithGrids(db, code);
  if (!beat) throw new NotFoundError(`No beat ${code}`);
  return { code, ...beat };
}

/**
 * A beat becomes the union of these grids, taking them from the beats that hold them now; the beat and every beat
 * its new grids come from change, so all must be the planner's station's.
 */
export function assignBeatGrids(
  db: Db,
  who: Editor,
  code: string,
  version: number,
  gridCodes: readonly string[],
  others: Readonly<Record<string, number>>,
  sliverM2?: number,
) {
  return db.transaction(async (tx) => {
    // Fenced on the beats the write actually changes (the ones it shrinks), inside the transaction: a refusal rolls back.
    await assertBeatsInScope(tx, who.user, { codes: [code] });
    const out = await assignGridsToBeat(ctx(tx, who, sliverM2), code, version, gridCodes, others);
    await assertBeatsInScope(tx, who.user, { codes: out.changed });
    await assertGridsInOneBeat(tx, who.user, gridCodes);
    return out;
  });
}
