import type {
  PlanApplyAnswer,
  PlanDetailAnswer,
  PlanDistrictingAnswer,
  PlanListAnswer,
  StoredPlanDetailAnswer,
} from '../contract/plan-answers.js';
import type { Db } from '../db/client.js';
import {
  beatsByCode,
  getPlan,
  gridNames,
  inForce,
  insertPlan,
  listPlans,
  planVersions,
  updatePlan,
  type PlanRow,
} from '../db/repos/plans.repo.js';
import { ConflictError, UnprocessableError } from '../errors.js';
import type { SignedInUser } from './auth.service.js';
import { applyBeatPlan, nestingCheck } from './beat-planning.service.js';
import { draftInputs, type DraftRequest } from './plan-drafting.service.js';
import type { RunOptions } from '../jobs/pool.js';
import { inProcess, type TaskRunner } from '../jobs/runner.js';
import {
  comparePlans,
  scoreContext,
  scorePlan,
  type CategoryWeights,
  type Scorecard,
} from './plan-scorecard.service.js';
import { assertBeatsInScope, assertDraftInScope } from './scope.service.js';

/** A plan named in a request: a stored one by id, or the plan in force (of a station, or of all). */
export type PlanRef = { kind: 'stored'; id: number } | { kind: 'in_force'; stationId: number | null };

interface Resolved {
  ref: PlanRef;
  name: string;
  stationId: number | null;
  assignment: Map<string, string>;
  stored: (PlanRow & { assignment: Map<string, string> }) | null;
}

async function resolve(db: Db, ref: PlanRef): Promise<Resolved> {
  switch (ref.kind) {
    case 'stored': {
      const p = await getPlan(db, ref.id);
      return { ref, name: p.name, stationId: p.stationId, assignment: p.assignment, stored: p };
    }
    case 'in_force': {
      const now = await inForce(db, ref.stationId);
      return { ref, name: 'in force', stationId: ref.stationId, assignment: now.assignment, stored: null };
    }
    default: {
      const never: never = ref;
      throw new Error(`unknown plan ref ${JSON.stringify(never)}`);
    }
  }
}

const iso = (d: Date | string): string => new Date(d).toISOString();
/** A stored plan as answered (the contract's storedPlanAnswer): times as ISO strings, never the plan in force. */
const planJson = (p: PlanRow) => ({
  id: p.id,
  name: p.name,
  kind: p.kind,
  stationId: p.stationId,
  version: p.version,
  baseVersions: p.baseVersions,
  params: p.params,
  createdBy: p.createdBy,
  createdAt: iso(p.createdAt),
  updatedAt: iso(p.updatedAt),
  appliedAt: p.appliedAt === null ? null : iso(p.appliedAt),
  appliedBy: p.appliedBy,
  grids: p.grids,
  beats: p.beats,
  inForce: false as const,
});

/** The plan in force (derived) first, then the stored plans of the station (or all). */
export async function plansList(db: Db, stationId?: number): Promise<PlanListAnswer> {
  const now = await inForce(db, stationId ?? null);
  return {
    plans: [
      {
        id: 'in-force',
        name: 'in force',
        kind: 'in_force',
        stationId: stationId ?? null,
        inForce: true,
        grids: now.assignment.size,
        beats: new Set(now.assignment.values()).size,
        version: null,
      },
      ...(await listPlans(db, stationId)).map(planJson),
    ],
  };
}

export async function planDetail(db: Db, ref: PlanRef): Promise<PlanDetailAnswer> {
  const r = await resolve(db, ref);
  if (r.stored) return storedDetailOf(db, r.stored);
  return {
    id: 'in-force',
    name: r.name,
    kind: 'in_force',
    stationId: r.stationId,
    inForce: true,
    assignment: await assignmentRows(db, r.assignment),
    versions: [],
  };
}

/** Grid → beat rows of an assignment, each with the grid's name. */
async function assignmentRows(db: Db, assignment: ReadonlyMap<string, string>) {
  const names = await gridNames(db, [...assignment.keys()]);
  return [...assignment].map(([gridCode, beatCode]) => ({ gridCode, beatCode, gridName: names.get(gridCode) ?? null }));
}

async function storedDetailOf(
  db: Db,
  p: PlanRow & { assignment: ReadonlyMap<string, string> },
): Promise<StoredPlanDetailAnswer> {
  const versions = (await planVersions(db, p.id)).map((v) => ({ ...v, at: iso(v.at) }));
  return { ...planJson(p), assignment: await assignmentRows(db, p.assignment), versions };
}

/** One stored plan by id, with its assignment and versions. */
const storedDetail = async (db: Db, id: number) => storedDetailOf(db, await getPlan(db, id));

/** Checks an assignment: grids exist, each once (the caller's row numbers in paths). */
async function checkAssignment(
  db: Db,
  rows: readonly { gridCode: string; beatCode: string; path: string }[],
): Promise<Map<string, string>> {
  if (rows.length === 0)
    throw new UnprocessableError('A plan needs at least one grid', [{ path: 'assignment', message: 'empty' }]);
  const seen = new Map<string, string>();
  const errors: { path: string; message: string }[] = [];
  for (const r of rows) {
    if (seen.has(r.gridCode)) errors.push({ path: r.path, message: `grid ${r.gridCode} is listed twice` });
    seen.set(r.gridCode, r.beatCode);
  }
  const known = await gridNames(db, [...seen.keys()]);
  for (const r of rows) if (!known.has(r.gridCode)) errors.push({ path: r.path, message: `no grid ${r.gridCode}` });
  if (errors.length) throw new UnprocessableError('The plan names unknown or repeated grids', errors.slice(0, 100));
  return seen;
}

async function baseVersions(
  db: Db,
  assignment: ReadonlyMap<string, string>,
  stationId: number | null,
): Promise<Record<string, number>> {
  const codes = [...new Set([...assignment.values(), ...(await inForce(db, stationId)).beats.keys()])];
  return Object.fromEntries([...(await beatsByCode(db, codes))].map(([c, b]) => [c, b.version]));
}

/** A new draft: the given assignment, or a copy of the plan in force of the station. */
export async function createDraft(
  db: Db,
  actor: string,
  req: { name: string; stationId: number | null; assignment?: readonly { gridCode: string; beatCode: string }[] },
  user?: SignedInUser,
): Promise<StoredPlanDetailAnswer> {
  await assertDraftInScope(db, user, { stationId: req.stationId });
  const assignment = req.assignment
    ? await checkAssignment(
        db,
        req.assignment.map((a, i) => ({ ...a, path: `assignment[${i}]` })),
      )
    : (await inForce(db, req.stationId)).assignment;
  await assertDraftInScope(db, user, { stationId: req.stationId, beatCodes: assignment.values() });
  const versions = await baseVersions(db, assignment, req.stationId);
  const id = await db.transaction((tx) =>
    insertPlan(tx, actor, {
      name: req.name,
      kind: 'draft',
      stationId: req.stationId,
      baseVersions: versions,
      assignment,
    }),
  );
  return storedDetail(db, id);
}

/** A draft from the districting engine on the whole scorecard, stored as a plan, with its scorecard before → after. */
export async function createFromDistricting(
  db: Db,
  actor: string,
  req: DraftRequest & { name: string },
  opts: RunOptions & { run?: TaskRunner; user?: SignedInUser } = {},
): Promise<PlanDistrictingAnswer> {
  await assertDraftInScope(db, opts.user, { stationId: req.stationId });
  const { job, ctx, inForce: now } = await draftInputs(db, req);
  const { run = inProcess, user: _user, ...runOpts } = opts;
  const out = await run({ kind: 'draft', job }, runOpts);
  // A cancelled draft stores nothing.
  opts.signal?.throwIfAborted();
  const assignment = new Map(out.assignment);
  const versions = await baseVersions(db, assignment, req.stationId);
  const { name, ...params } = req;
  const id = await db.transaction((tx) =>
    insertPlan(tx, actor, {
      name,
      kind: 'districting',
      stationId: req.stationId,
      baseVersions: versions,
      params,
      assignment,
    }),
  );
  const weights = req.categoryWeights ?? {};
  const gridsCut = (await nestingCheck(db, { stationId: req.stationId })).cut.length;
  return {
    plan: await storedDetail(db, id),
    engine: out.engine,
    before: scorePlan(ctx, now, { stationId: req.stationId, weights, gridsCut }),
    after: scorePlan(ctx, assignment, { stationId: req.stationId, weights, inForce: now }),
  };
}

export async function importPlanRows(
  db: Db,
  actor: string,
  req: { name: string; stationId: number | null; rows: readonly { gridCode: string; beatCode: string; row: number }[] },
  user?: SignedInUser,
): Promise<StoredPlanDetailAnswer> {
  await assertDraftInScope(db, user, { stationId: req.stationId });
  const assignment = await checkAssignment(
    db,
    req.rows.map((r) => ({ gridCode: r.gridCode, beatCode: r.beatCode, path: `rows[${r.row}]` })),
  );
  await assertDraftInScope(db, user, { stationId: req.stationId, beatCodes: assignment.values() });
  const versions = await baseVersions(db, assignment, req.stationId);
  const id = await db.transaction((tx) =>
    insertPlan(tx, actor, {
      name: req.name,
      kind: 'imported',
      stationId: req.stationId,
      baseVersions: versions,
      assignment,
    }),
  );
  return storedDetail(db, id);
}

export async function renamePlan(
  db: Db,
  actor: string,
  id: number,
  version: number,
  change: { name?: string; assignment?: readonly { gridCode: string; beatCode: string }[] },
  user?: SignedInUser,
): Promise<StoredPlanDetailAnswer> {
  const stored = await getPlan(db, id);
  await assertDraftInScope(db, user, { stationId: stored.stationId, path: 'id' });
  const assignment = change.assignment
    ? await checkAssignment(
        db,
        change.assignment.map((a, i) => ({ ...a, path: `assignment[${i}]` })),
      )
    : undefined;
  if (assignment) await assertDraftInScope(db, user, { stationId: stored.stationId, beatCodes: assignment.values() });
  await db.transaction((tx) =>
    updatePlan(tx, actor, id, version, {
      ...(change.name ? { name: change.name } : {}),
      ...(assignment ? { assignment } : {}),
    }),
  );
  return storedDetail(db, id);
}

async function inForceFor(db: Db, r: Resolved) {
  const now = r.ref.kind === 'in_force' ? r.assignment : (await inForce(db, r.stationId)).assignment;
  const gridsCut =
    r.ref.kind === 'in_force'
      ? (await nestingCheck(db, r.stationId === null ? {} : { stationId: r.stationId })).cut.length
      : 0;
  return { now, gridsCut };
}

/** The scorecard of one plan. */
export async function planScorecard(db: Db, ref: PlanRef, weights: CategoryWeights = {}): Promise<Scorecard> {
  const r = await resolve(db, ref);
  const { now, gridsCut } = await inForceFor(db, r);
  const ctx = await scoreContext(db, [...r.assignment.keys()], [...new Set(r.assignment.values())]);
  return scorePlan(ctx, r.assignment, {
    stationId: r.stationId,
    weights,
    gridsCut,
    ...(r.ref.kind === 'stored' ? { inForce: now } : {}),
  });
}

/** Two plans scored on the same city data, and the differences (b − a). */
export async function planComparison(db: Db, a: PlanRef, b: PlanRef, weights: CategoryWeights = {}) {
  const [ra, rb] = [await resolve(db, a), await resolve(db, b)];
  const [fa, fb] = [await inForceFor(db, ra), await inForceFor(db, rb)];
  const ctx = await scoreContext(
    db,
    [...ra.assignment.keys(), ...rb.assignment.keys()],
    [...new Set([...ra.assignment.values(), ...rb.assignment.values()])],
  );
  const sa = scorePlan(ctx, ra.assignment, {
    stationId: ra.stationId,
    weights,
    gridsCut: fa.gridsCut,
    ...(ra.ref.kind === 'stored' ? { inForce: fa.now } : {}),
  });
  const sb = scorePlan(ctx, rb.assignment, {
    stationId: rb.stationId,
    weights,
    gridsCut: fb.gridsCut,
    ...(rb.ref.kind === 'stored' ? { inForce: fb.now } : {}),
  });
  return { names: { a: ra.name, b: rb.name }, ...comparePlans(sa, sb, ra.assignment, rb.assignment) };
}

/**
 * Puts a stored plan in force: through the beat-writing path (every beat at the version the plan was made against,
 * each one piece of whole grids, one version and audit row per changed beat, the planner's station fence), and the
 * plan marked applied in the same transaction. The beats now holding the plan's grids must all be in the plan.
 */
export async function applyPlan(
  db: Db,
  user: SignedInUser | undefined,
  actor: string,
  id: number,
  version: number,
): Promise<PlanApplyAnswer> {
  const p = await getPlan(db, id);
  if (p.version !== version)
    throw new ConflictError(
      `Plan ${id} changed since`,
      [{ path: 'version', message: `stale: current version is ${p.version}` }],
      { currentVersion: p.version },
    );
  const groups = new Map<string, string[]>();
  for (const [g, b] of p.assignment) groups.set(b, [...(groups.get(b) ?? []), g]);
  const known = await beatsByCode(db, [...groups.keys()]);
  const unknown = [...groups.keys()].filter((c) => !known.has(c));
  if (unknown.length)
    throw new UnprocessableError(
      'A plan puts in force only beats that exist',
      unknown.map((c) => ({ path: `beats.${c}`, message: 'no such beat (create it first)' })),
    );
  const now = await inForce(db, null);
  const holders = [
    ...new Set([...p.assignment.keys()].map((g) => now.assignment.get(g)).filter((b): b is string => b !== undefined)),
  ];
  const left = holders.filter((b) => !groups.has(b));
  if (left.length)
    throw new UnprocessableError(
      "Beats that hold the plan's grids today must be in the plan",
      left.map((c) => ({ path: `beats.${c}`, message: 'holds grids of the plan but is not in it' })),
    );
  await assertBeatsInScope(db, user, { codes: [...new Set([...groups.keys(), ...holders])] });
  const missing = [...groups.keys()].filter((c) => p.baseVersions[c] === undefined);
  if (missing.length)
    throw new ConflictError(
      'The plan was made before these beats existed',
      missing.map((c) => ({ path: `beats.${c}`, message: 'no base version' })),
    );
  const beats = await applyBeatPlan(
    db,
    user,
    actor,
    'district',
    [...groups].map(([code, gridCodes]) => ({
      code,
      version: p.baseVersions[code] as number,
      gridCodes: gridCodes.sort(),
    })),
    async (tx) => {
      await updatePlan(tx, actor, id, version, { applied: true });
    },
  );
  return { beats, plan: await storedDetail(db, id) };
}
