import express, { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { ValidationError } from '../../errors.js';
import { readPlanFile, writePlanFile } from '../../services/plan-file.js';
import {
  applyPlan, createDraft, createFromDistricting, importPlanRows, planComparison, planDetail, planScorecard, plansList, renamePlan, type PlanRef,
} from '../../services/plans.service.js';
import { parseOrThrow } from '../contract/features.js';
import { actorOf } from './features.routes.js';

const MAX_PLAN_FILE_BYTES = 5 * 1024 * 1024;
const gridCode = z.string().regex(/^[0-9]{15}$/, 'a 15-digit grid code');
const beatCode = z.string().regex(/^[0-9A-Za-z_-]{1,40}$/, 'a beat code');
const stationId = z.coerce.number().int().positive();
const name = z.string().trim().min(1).max(200);
const assignment = z.array(z.strictObject({ gridCode, beatCode })).min(1).max(100_000);
/** "in-force" or a plan id; "in-force" takes the station of the query. */
const planRef = z.union([z.literal('in-force'), z.coerce.number().int().positive()]);
const weightsQuery = z.string().max(2000).regex(/^([^:,]{1,60}:[0-9.]{1,10})(,[^:,]{1,60}:[0-9.]{1,10})*$/, 'category:weight,…')
  .transform((s) => Object.fromEntries(s.split(',').map((p) => { const [k, v] = p.split(':'); return [k as string, Number(v)]; })));
const weight = z.number().min(0).max(1000);

const createBody = z.strictObject({ name, stationId: stationId.nullable().default(null), assignment: assignment.optional() });
const patchBody = z.strictObject({ version: z.number().int().positive(), name: name.optional(), assignment: assignment.optional() });
const applyBody = z.strictObject({ version: z.number().int().positive() });
const districtingBody = z.strictObject({
  name, stationId: z.number().int().positive(), beats: z.number().int().min(1).max(500).optional(),
  categoryWeights: z.record(z.string().max(60), weight).optional(), loadWeights: z.record(z.enum(['incidents', 'population', 'households', 'roadKm', 'keyPlaces']), weight).optional(),
  tolerance: z.number().min(0.01).max(1).optional(),
  objective: z.strictObject({ balance: weight, compactness: weight, reach: weight, coverage: weight, communitySplits: weight, overTolerance: weight }).partial().optional(),
  lockedBeats: z.array(beatCode).max(500).optional(),
  recom: z.union([z.literal(false), z.strictObject({ cycles: z.number().int().min(0).max(100), proposals: z.number().int().min(1).max(200), regionAware: z.boolean(), seed: z.number().int() }).partial()]).optional(),
});
const listQuery = z.strictObject({ stationId: stationId.optional() });
const refQuery = z.strictObject({ stationId: stationId.optional(), weights: weightsQuery.optional() });
const compareQuery = z.strictObject({ a: planRef, b: planRef, stationId: stationId.optional(), weights: weightsQuery.optional() });
const importQuery = z.strictObject({ format: z.enum(['csv', 'xlsx']), name, stationId: stationId.optional() });
const exportQuery = z.strictObject({ format: z.enum(['csv', 'xlsx']).default('csv'), stationId: stationId.optional() });

const toRef = (r: 'in-force' | number, station: number | undefined): PlanRef =>
  r === 'in-force' ? { kind: 'in_force', stationId: station ?? null } : { kind: 'stored', id: r };

/** Beat plans: list, read, drafts, districting drafts, import/export of a station's sheet, scorecards, compare, apply. */
export function planRoutes(db: Db): Router {
  const router = Router();

  router.get('/plans', async (req, res) => {
    const q = parseOrThrow(listQuery, req.query, 'query', 'query');
    res.json(await plansList(db, q.stationId));
  });

  router.get('/plans/compare', async (req, res) => {
    const q = parseOrThrow(compareQuery, req.query, 'query', 'query');
    res.json(await planComparison(db, toRef(q.a, q.stationId), toRef(q.b, q.stationId), q.weights ?? {}));
  });

  router.post('/plans', async (req, res) => {
    const b = parseOrThrow(createBody, req.body, 'plan');
    const out = await createDraft(db, actorOf(req), { name: b.name, stationId: b.stationId, ...(b.assignment ? { assignment: b.assignment } : {}) });
    res.status(201).location(`/api/v1/plans/${String(out.id)}`).json(out);
  });

  router.post('/plans/districting', async (req, res) => {
    const b = parseOrThrow(districtingBody, req.body, 'districting');
    const out = await createFromDistricting(db, actorOf(req), {
      name: b.name, stationId: b.stationId, ...(b.beats ? { beats: b.beats } : {}), ...(b.categoryWeights ? { categoryWeights: b.categoryWeights } : {}),
      ...(b.loadWeights ? { loadWeights: b.loadWeights } : {}), ...(b.tolerance === undefined ? {} : { tolerance: b.tolerance }),
      ...(b.objective ? { objective: b.objective } : {}), ...(b.lockedBeats ? { lockedBeats: b.lockedBeats } : {}), ...(b.recom === undefined ? {} : { recom: b.recom }),
    });
    res.status(201).location(`/api/v1/plans/${String(out.plan.id)}`).json(out);
  });

  router.post('/plans/import', express.raw({ type: () => true, limit: MAX_PLAN_FILE_BYTES }), async (req, res) => {
    const q = parseOrThrow(importQuery, req.query, 'query', 'query');
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new ValidationError('Empty upload', [{ path: 'body', message: 'send the sheet as the request body' }]);
    const rows = await readPlanFile(new Uint8Array(req.body), q.format);
    const out = await importPlanRows(db, actorOf(req), { name: q.name, stationId: q.stationId ?? null, rows });
    res.status(201).location(`/api/v1/plans/${String(out.id)}`).json(out);
  });

  router.get('/plans/:ref', async (req, res) => {
    const ref = parseOrThrow(planRef, req.params.ref, 'plan', 'ref');
    const q = parseOrThrow(listQuery, req.query, 'query', 'query');
    res.json(await planDetail(db, toRef(ref, q.stationId)));
  });

  router.get('/plans/:ref/scorecard', async (req, res) => {
    const ref = parseOrThrow(planRef, req.params.ref, 'plan', 'ref');
    const q = parseOrThrow(refQuery, req.query, 'query', 'query');
    res.json(await planScorecard(db, toRef(ref, q.stationId), q.weights ?? {}));
  });

  router.get('/plans/:ref/export', async (req, res) => {
    const ref = parseOrThrow(planRef, req.params.ref, 'plan', 'ref');
    const q = parseOrThrow(exportQuery, req.query, 'query', 'query');
    const plan = await planDetail(db, toRef(ref, q.stationId));
    const file = await writePlanFile(plan.assignment, q.format, plan.name);
    const base = `plan-${String(plan.id)}`;
    res.type(q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(`${base}.${q.format}`).send(file);
  });

  router.patch('/plans/:id', async (req, res) => {
    const id = parseOrThrow(z.coerce.number().int().positive(), req.params.id, 'plan id', 'id');
    const b = parseOrThrow(patchBody, req.body, 'plan');
    res.json(await renamePlan(db, actorOf(req), id, b.version, { ...(b.name ? { name: b.name } : {}), ...(b.assignment ? { assignment: b.assignment } : {}) }));
  });

  router.post('/plans/:id/apply', async (req, res) => {
    const id = parseOrThrow(z.coerce.number().int().positive(), req.params.id, 'plan id', 'id');
    const b = parseOrThrow(applyBody, req.body, 'apply');
    res.json(await applyPlan(db, req.user, actorOf(req), id, b.version));
  });
  return router;
}
