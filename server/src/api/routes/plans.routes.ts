import {
  planApplyAnswer,
  planCompareAnswer,
  planDetailAnswer,
  planDistrictingAnswer,
  planListAnswer,
  type PlanDistrictingAnswer,
  scorecardAnswer,
  storedPlanDetailAnswer,
} from '../../contract/plan-answers.js';
import type { Db } from '../../db/client.js';
import {
  planApplyBody,
  planCompareQuery,
  planCreateBody,
  planDistrictingBody,
  planExportQuery,
  planIdParams,
  planImportQuery,
  planListQuery,
  planPatchBody,
  planRefParams,
  planScoreQuery,
} from '../../contract/plans.js';
import { ValidationError } from '../../errors.js';
import { readPlanFile, writePlanFile } from '../../services/plan-file.js';
import {
  applyPlan,
  createDraft,
  importPlanRows,
  planComparison,
  planDetail,
  planScorecard,
  plansList,
  renamePlan,
  type PlanRef,
} from '../../services/plans.service.js';
import { RouteGroup, SENT } from '../route.js';
import type { JobManager } from '../../jobs/job-manager.js';
import { answerViaJob } from '../../jobs/jobs.routes.js';

const MAX_PLAN_FILE_BYTES = 5 * 1024 * 1024;
const toRef = (r: 'in-force' | number, station: number | undefined): PlanRef =>
  r === 'in-force' ? { kind: 'in_force', stationId: station ?? null } : { kind: 'stored', id: r };

/** Beat plans: list, read, drafts, districting drafts, import/export of a station's sheet, scorecards, compare, apply. */
export function planRoutes(db: Db, jobs: JobManager): RouteGroup {
  return new RouteGroup('plans')
    .add(
      {
        method: 'get',
        path: '/plans',
        permission: 'read',
        summary: 'Beat plans of a station: the plan in force (derived), then stored ones',
        request: { query: planListQuery },
        response: { schema: planListAnswer },
      },
      ({ query: q }) => plansList(db, q.stationId),
    )
    .add(
      {
        method: 'get',
        path: '/plans/compare',
        permission: 'read',
        summary: 'Two plans scored on the same data, and the differences (b − a)',
        request: { query: planCompareQuery },
        response: { schema: planCompareAnswer },
        problems: { 404: 'no such plan' },
      },
      ({ query: q }) => planComparison(db, toRef(q.a, q.stationId), toRef(q.b, q.stationId), q.weights ?? {}),
    )
    .add(
      {
        method: 'post',
        path: '/plans',
        permission: 'edit_beats',
        summary: 'A new draft plan (default: a copy of the plan in force)',
        request: { body: planCreateBody },
        response: { schema: storedPlanDetailAnswer, description: 'the draft' },
        problems: { 422: 'unknown or repeated grids' },
      },
      async ({ body: b }, { res, actor, user }) => {
        const out = await createDraft(
          db,
          actor,
          { name: b.name, stationId: b.stationId, ...(b.assignment ? { assignment: b.assignment } : {}) },
          user,
        );
        res.location(`/api/v1/plans/${String(out.id)}`);
        return out;
      },
    )
    .add(
      {
        method: 'post',
        path: '/plans/districting',
        permission: 'edit_beats',
        summary: 'A draft from the whole-scorecard districting engine, stored, with its scorecard before → after',
        request: { body: planDistrictingBody },
        response: { schema: planDistrictingAnswer, description: 'the draft (or 202 and the job when it runs long)' },
        problems: { 422: 'no grids, or an unknown locked beat' },
      },
      // Through the worker pool as a job (the draft is written when it ends): at once when quick, else 202 with the job.
      ({ body }, { res, user }) =>
        answerViaJob(jobs, res, user, 'districting-draft', body, (result) => {
          const out = result as PlanDistrictingAnswer;
          res
            .status(201)
            .location(`/api/v1/plans/${String(out.plan.id)}`)
            .json(out);
          return SENT;
        }),
    )
    .add(
      {
        method: 'post',
        path: '/plans/import',
        permission: 'edit_beats',
        summary: "Import a station's sheet (CSV or xlsx: 网格编码, 警格编码) as a plan: the file is the raw body",
        request: { query: planImportQuery },
        response: { schema: storedPlanDetailAnswer, description: 'the imported plan' },
        body: { kind: 'raw', limit: MAX_PLAN_FILE_BYTES },
        problems: { 413: 'file too large', 422: 'bad rows, named by row' },
      },
      async ({ query: q }, { req, res, actor, user }) => {
        if (!Buffer.isBuffer(req.body) || req.body.length === 0)
          throw new ValidationError('Empty upload', [{ path: 'body', message: 'send the sheet as the request body' }]);
        const rows = await readPlanFile(new Uint8Array(req.body), q.format);
        const out = await importPlanRows(db, actor, { name: q.name, stationId: q.stationId ?? null, rows }, user);
        res.location(`/api/v1/plans/${String(out.id)}`);
        return out;
      },
    )
    .add(
      {
        method: 'get',
        path: '/plans/:ref',
        permission: 'read',
        summary: 'One plan: its assignment and versions',
        request: { params: planRefParams, query: planListQuery },
        response: { schema: planDetailAnswer },
        problems: { 404: 'no such plan' },
      },
      ({ params: p, query: q }) => planDetail(db, toRef(p.ref, q.stationId)),
    )
    .add(
      {
        method: 'get',
        path: '/plans/:ref/scorecard',
        permission: 'read',
        summary: 'The scorecard of a plan, per beat and for the plan',
        request: { params: planRefParams, query: planScoreQuery },
        response: { schema: scorecardAnswer },
        problems: { 404: 'no such plan' },
      },
      ({ params: p, query: q }) => planScorecard(db, toRef(p.ref, q.stationId), q.weights ?? {}),
    )
    .add(
      {
        method: 'get',
        path: '/plans/:ref/export',
        permission: 'read',
        summary: 'A plan as the sheet a station keeps (CSV or xlsx)',
        request: { params: planRefParams, query: planExportQuery },
        response: { contentType: 'text/csv', description: 'the sheet' },
        problems: { 404: 'no such plan' },
      },
      async ({ params: p, query: q }, { res }) => {
        const plan = await planDetail(db, toRef(p.ref, q.stationId));
        const file = await writePlanFile(plan.assignment, q.format, plan.name);
        res
          .type(
            q.format === 'csv'
              ? 'text/csv; charset=utf-8'
              : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          )
          .attachment(`plan-${String(plan.id)}.${q.format}`)
          .send(file);
        return SENT;
      },
    )
    .add(
      {
        method: 'patch',
        path: '/plans/:id',
        permission: 'edit_beats',
        summary: 'Rename a plan or replace its assignment (the version it was based on; stale → 409)',
        request: { params: planIdParams, body: planPatchBody },
        response: { schema: storedPlanDetailAnswer },
        problems: { 404: 'no such plan', 409: 'stale version', 422: 'unknown grids' },
      },
      ({ params: p, body: b }, { actor, user }) =>
        renamePlan(
          db,
          actor,
          p.id,
          b.version,
          { ...(b.name ? { name: b.name } : {}), ...(b.assignment ? { assignment: b.assignment } : {}) },
          user,
        ),
    )
    .add(
      {
        method: 'post',
        path: '/plans/:id/apply',
        permission: 'edit_beats',
        summary: 'Put a stored plan in force through the beat edit path (versions, audit rows, planner fence)',
        request: { params: planIdParams, body: planApplyBody },
        response: { status: 200, schema: planApplyAnswer },
        problems: { 404: 'no such plan', 409: 'plan or beats changed since', 422: 'unknown beats or beats left out' },
      },
      ({ params: p, body: b }, { user, actor }) => applyPlan(db, user, actor, p.id, b.version),
    );
}
