import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import {
  areaHistory, createDrawnGrid, mergeGrids, reshapeGrids, splitGrid, successorsOf,
} from '../../db/repos/area-edits.repo.js';
import { gridProblems, problemFeatures } from '../../db/repos/topology.repo.js';
import { alignProposal, applyBeatPlan, assignBeatGrids, beatWorkload, districtDraft, nestingCheck } from '../../services/beat-planning.service.js';
import { NotFoundError } from '../../errors.js';
import { parseOrThrow } from '../contract/features.js';
import { geometryUnionFor } from '../contract/geometry.js';
import { actorOf } from './features.routes.js';

const gridCode = z.string().regex(/^[0-9]{15}$/, 'a 15-digit grid code');
const beatCode = z.string().regex(/^[0-9A-Za-z_-]{1,40}$/, 'a beat code');
const version = z.number().int().positive();
const sliverM2 = z.number().min(0).max(10_000).optional();
const areaShape = geometryUnionFor(['Polygon', 'MultiPolygon']);
const line = geometryUnionFor(['LineString']);
const weights = z.record(z.string().min(1).max(100), z.number().min(0).max(1000)).optional();
const stationId = z.coerce.number().int().positive().optional();

const reshapeBody = z.strictObject({
  grids: z.array(z.strictObject({ code: gridCode, version, geometry: areaShape })).min(1).max(20),
  sliverM2,
});
const drawBody = z.strictObject({ geometry: areaShape, name: z.string().min(1).max(200).optional(), snap: z.boolean().default(true), sliverM2 });
const splitBody = z.strictObject({ version, line, sliverM2 });
const mergeBody = z.strictObject({ codes: z.array(gridCode).min(2).max(20), versions: z.record(gridCode, version) });
const validateBody = z.strictObject({ geometry: areaShape, communityCode: z.string().regex(/^[0-9]{12}$/), code: gridCode.optional(), sliverM2 });
const assignBody = z.strictObject({ version, gridCodes: z.array(gridCode).min(1).max(500), others: z.record(beatCode, version).optional(), sliverM2 });
const workloadQuery = z.strictObject({
  stationId,
  weights: z.string().optional().transform((s, ctx) => {
    if (!s) return undefined;
    const out: Record<string, number> = {};
    for (const part of s.split(',')) {
      const [k, v] = part.split(':');
      const n = Number(v);
      if (!k || !Number.isFinite(n) || n < 0) { ctx.addIssue({ code: 'custom', message: 'category:weight,… with weights ≥ 0' }); return z.NEVER; }
      out[k] = n;
    }
    return out;
  }),
});
const nestingQuery = z.strictObject({ stationId, sliverM2: z.coerce.number().min(0).max(10_000).optional() });
const alignBody = z.strictObject({ stationId: z.number().int().positive().optional(), by: z.enum(['area', 'incidents']).default('area'), weights, sliverM2 });
const planBeats = z.array(z.strictObject({ code: beatCode, version, gridCodes: z.array(gridCode).max(2000) })).min(1).max(200);
const applyBody = z.strictObject({ beats: planBeats });
const districtBody = z.strictObject({
  stationId: z.number().int().positive(),
  beats: z.number().int().min(1).max(100).optional(),
  weights,
  tolerance: z.number().min(0).max(1).default(0.1),
  compactnessWeight: z.number().min(0).max(10).optional(),
  lockedBeats: z.array(beatCode).max(50).optional(),
});

/** Grid and beat editing (versions, split, merge, validation) and beat planning (nesting, workload, districting). */
export function editingRoutes(db: Db): Router {
  const router = Router();

  router.post('/grids/reshape', async (req, res) => {
    const b = parseOrThrow(reshapeBody, req.body, 'reshape');
    const out = await db.transaction((tx) => reshapeGrids({ tx, actor: actorOf(req), ...(b.sliverM2 === undefined ? {} : { sliverM2: b.sliverM2 }) }, b.grids));
    res.json({ grids: out });
  });

  router.post('/grids/draw', async (req, res) => {
    const b = parseOrThrow(drawBody, req.body, 'new grid');
    const out = await db.transaction((tx) => createDrawnGrid({ tx, actor: actorOf(req), ...(b.sliverM2 === undefined ? {} : { sliverM2: b.sliverM2 }) },
      b.geometry, { snap: b.snap, ...(b.name ? { name: b.name } : {}) }));
    res.status(201).json(out);
  });

  router.post('/grids/validate', async (req, res) => {
    const b = parseOrThrow(validateBody, req.body, 'shape');
    const problems = await gridProblems(db, { geometry: b.geometry, communityCode: b.communityCode, code: b.code ?? null,
      ...(b.sliverM2 === undefined ? {} : { sliverM2: b.sliverM2 }) });
    res.json({ ok: problems.length === 0, problems: problemFeatures(problems) });
  });

  router.post('/grids/:code/split', async (req, res) => {
    const code = parseOrThrow(gridCode, req.params.code, 'grid code', 'code');
    const b = parseOrThrow(splitBody, req.body, 'split');
    const out = await db.transaction((tx) => splitGrid({ tx, actor: actorOf(req), ...(b.sliverM2 === undefined ? {} : { sliverM2: b.sliverM2 }) }, code, b.version, b.line));
    res.status(201).json({ retired: code, codes: out.codes });
  });

  router.post('/grids/merge', async (req, res) => {
    const b = parseOrThrow(mergeBody, req.body, 'merge');
    res.json(await db.transaction((tx) => mergeGrids({ tx, actor: actorOf(req) }, b.codes, b.versions)));
  });

  router.get('/grids/:code/history', async (req, res) => {
    const code = parseOrThrow(gridCode, req.params.code, 'grid code', 'code');
    const versions = await areaHistory(db, 'grid', code);
    if (versions.length === 0) throw new NotFoundError(`Grid ${code} has no history`);
    res.json({ code, versions, successors: await successorsOf(db, code) });
  });

  router.get('/beats/:code/history', async (req, res) => {
    const code = parseOrThrow(beatCode, req.params.code, 'beat code', 'code');
    const versions = await areaHistory(db, 'beat', code);
    if (versions.length === 0) throw new NotFoundError(`Beat ${code} has no history`);
    res.json({ code, versions });
  });

  /** The grids of a beat: those whose inside point lies in it (what the beat editor starts from). */
  router.get('/beats/:code/grids', async (req, res) => {
    const code = parseOrThrow(beatCode, req.params.code, 'beat code', 'code');
    const rows = await db.query<{ code: string; version: number }>(
      `SELECT g.code, b.version FROM beat b JOIN grid g ON g.geom && b.geom AND ST_Intersects(b.geom, ST_PointOnSurface(g.geom)) WHERE b.code = $1 ORDER BY g.code`, [code]);
    const [beat] = await db.query<{ version: number; id: number }>('SELECT id, version FROM beat WHERE code = $1', [code]);
    if (!beat) throw new NotFoundError(`No beat ${code}`);
    res.json({ code, id: Number(beat.id), version: beat.version, gridCodes: rows.map((r) => r.code) });
  });

  router.put('/beats/:code/grids', async (req, res) => {
    const code = parseOrThrow(beatCode, req.params.code, 'beat code', 'code');
    const b = parseOrThrow(assignBody, req.body, 'beat grids');
    res.json(await assignBeatGrids(db, req.user, actorOf(req), code, b));
  });

  router.get('/planning/workload', async (req, res) => {
    const q = parseOrThrow(workloadQuery, req.query, 'query', 'query');
    res.json(await beatWorkload(db, { ...(q.stationId ? { stationId: q.stationId } : {}), ...(q.weights ? { weights: q.weights } : {}) }));
  });

  router.get('/planning/nesting', async (req, res) => {
    const q = parseOrThrow(nestingQuery, req.query, 'query', 'query');
    res.json(await nestingCheck(db, { ...(q.stationId ? { stationId: q.stationId } : {}), ...(q.sliverM2 === undefined ? {} : { sliverM2: q.sliverM2 }) }));
  });

  router.post('/planning/align', async (req, res) => {
    const b = parseOrThrow(alignBody, req.body, 'align');
    res.json(await alignProposal(db, { by: b.by, ...(b.stationId ? { stationId: b.stationId } : {}), ...(b.weights ? { weights: b.weights } : {}),
      ...(b.sliverM2 === undefined ? {} : { sliverM2: b.sliverM2 }) }));
  });

  router.post('/planning/align/apply', async (req, res) => {
    const b = parseOrThrow(applyBody, req.body, 'align plan');
    res.json({ beats: await applyBeatPlan(db, req.user, actorOf(req), 'align', b.beats) });
  });

  router.post('/planning/districting', async (req, res) => {
    const b = parseOrThrow(districtBody, req.body, 'districting');
    res.json(await districtDraft(db, { stationId: b.stationId, tolerance: b.tolerance, ...(b.beats ? { beats: b.beats } : {}),
      ...(b.weights ? { weights: b.weights } : {}), ...(b.lockedBeats ? { lockedBeats: b.lockedBeats } : {}),
      ...(b.compactnessWeight === undefined ? {} : { compactnessWeight: b.compactnessWeight }) }));
  });

  router.post('/planning/districting/apply', async (req, res) => {
    const b = parseOrThrow(applyBody, req.body, 'districting plan');
    res.json({ beats: await applyBeatPlan(db, req.user, actorOf(req), 'district', b.beats) });
  });
  return router;
}
