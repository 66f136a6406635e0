import type { Db } from '../../db/client.js';
import {
  alignAnswer,
  alignBody,
  applyAnswer,
  applyBody,
  assignAnswer,
  assignBody,
  beatCodeParams,
  beatGridsAnswer,
  beatHistoryAnswer,
  districtAnswer,
  districtBody,
  drawAnswer,
  drawBody,
  gridCodeParams,
  gridHistoryAnswer,
  mergeAnswer,
  mergeBody,
  nestingAnswer,
  nestingQuery,
  reshapeAnswer,
  reshapeBody,
  splitAnswer,
  splitBody,
  validateAnswer,
  validateBody,
  workloadAnswer,
  workloadQuery,
} from '../../contract/editing.js';
import {
  assignBeatGrids,
  beatGrids,
  beatHistory,
  drawGrid,
  gridHistory,
  mergeGridCodes,
  reshapeGridShapes,
  splitGridAlong,
  validateGridShape,
} from '../../services/area-edits.service.js';
import { alignProposal, applyBeatPlanAs, nestingCheck } from '../../services/beat-planning.service.js';
import { RouteGroup } from '../route.js';
import type { JobManager } from '../../jobs/job-manager.js';
import { answerViaJob } from '../../jobs/jobs.routes.js';

const stale = {
  409: 'a version is stale: currentVersion(s) tell the current ones',
  422: 'the shapes overlap, leave gaps or slivers (problems lists them)',
} as const;

/** Grid and beat editing (versions, split, merge, validation) and beat planning (nesting, workload, districting). */
export function editingRoutes(db: Db, jobs: JobManager): RouteGroup {
  return new RouteGroup('editing')
    .add(
      {
        method: 'post',
        path: '/grids/reshape',
        permission: 'edit_grids',
        summary: 'New boundaries for one grid or neighbours saved together (versioned)',
        request: { body: reshapeBody },
        response: { status: 200, schema: reshapeAnswer },
        problems: stale,
      },
      ({ body: b }, who) => reshapeGridShapes(db, who, b.grids, b.sliverM2),
    )
    .add(
      {
        method: 'post',
        path: '/grids/draw',
        permission: 'edit_grids',
        summary: 'A new grid drawn on the map (snapped to its neighbours, next free code)',
        request: { body: drawBody },
        response: { status: 201, schema: drawAnswer },
        problems: stale,
      },
      ({ body: b }, who) => drawGrid(db, who, b.geometry, { name: b.name, snap: b.snap, sliverM2: b.sliverM2 }),
    )
    .add(
      {
        method: 'post',
        path: '/grids/validate',
        permission: 'edit_grids',
        summary: 'What is wrong with a grid shape (nothing is written)',
        request: { body: validateBody },
        response: { status: 200, schema: validateAnswer },
      },
      ({ body }) => validateGridShape(db, body),
    )
    .add(
      {
        method: 'post',
        path: '/grids/:code/split',
        permission: 'edit_grids',
        summary: 'Split a grid along a line (the code retires, new codes follow)',
        request: { params: gridCodeParams, body: splitBody },
        response: { status: 201, schema: splitAnswer },
        problems: { 404: 'no such grid', ...stale },
      },
      ({ params, body: b }, who) => splitGridAlong(db, who, params.code, b.version, b.line, b.sliverM2),
    )
    .add(
      {
        method: 'post',
        path: '/grids/merge',
        permission: 'edit_grids',
        summary: 'Merge grids of one community',
        request: { body: mergeBody },
        response: { status: 200, schema: mergeAnswer },
        problems: { 404: 'no such grid', ...stale },
      },
      ({ body: b }, who) => mergeGridCodes(db, who, b.codes, b.versions),
    )
    .add(
      {
        method: 'get',
        path: '/grids/:code/history',
        permission: 'read',
        summary: 'Every version of a grid, with its successors',
        request: { params: gridCodeParams },
        response: { schema: gridHistoryAnswer },
        problems: { 404: 'no history' },
      },
      ({ params }) => gridHistory(db, params.code),
    )
    .add(
      {
        method: 'get',
        path: '/beats/:code/history',
        permission: 'read',
        summary: 'Every version of a beat',
        request: { params: beatCodeParams },
        response: { schema: beatHistoryAnswer },
        problems: { 404: 'no history' },
      },
      ({ params }) => beatHistory(db, params.code),
    )
    .add(
      {
        method: 'get',
        path: '/beats/:code/grids',
        permission: 'read',
        summary: 'The grids of a beat (those whose inside point lies in it)',
        request: { params: beatCodeParams },
        response: { schema: beatGridsAnswer },
        problems: { 404: 'no such beat' },
      },
      ({ params }) => beatGrids(db, params.code),
    )
    .add(
      {
        method: 'put',
        path: '/beats/:code/grids',
        permission: 'edit_beats',
        summary: 'Make a beat the union of these grids (taken from their beats)',
        request: { params: beatCodeParams, body: assignBody },
        response: { schema: assignAnswer },
        problems: { 404: 'no such beat or grid', ...stale },
      },
      ({ params, body: b }, who) =>
        assignBeatGrids(db, who, params.code, b.version, b.gridCodes, b.others ?? {}, b.sliverM2),
    )
    .add(
      {
        method: 'get',
        path: '/planning/workload',
        permission: 'read',
        summary: 'Workload per beat and its balance per station',
        request: { query: workloadQuery },
        response: { schema: workloadAnswer },
      },
      (_input, { req, res, user }) => answerViaJob(jobs, res, user, 'workload', req.query),
    )
    .add(
      {
        method: 'get',
        path: '/planning/nesting',
        permission: 'read',
        summary: 'Grids cut by a beat boundary',
        request: { query: nestingQuery },
        response: { schema: nestingAnswer },
      },
      ({ query: q }) =>
        nestingCheck(db, {
          ...(q.stationId ? { stationId: q.stationId } : {}),
          ...(q.sliverM2 === undefined ? {} : { sliverM2: q.sliverM2 }),
        }),
    )
    .add(
      {
        method: 'post',
        path: '/planning/align',
        permission: 'analyse',
        summary: 'Preview: beat boundaries moved onto grid boundaries',
        request: { body: alignBody },
        response: { status: 200, schema: alignAnswer },
      },
      ({ body: b }) =>
        alignProposal(db, {
          by: b.by,
          ...(b.stationId ? { stationId: b.stationId } : {}),
          ...(b.weights ? { weights: b.weights } : {}),
          ...(b.sliverM2 === undefined ? {} : { sliverM2: b.sliverM2 }),
        }),
    )
    .add(
      {
        method: 'post',
        path: '/planning/align/apply',
        permission: 'edit_beats',
        summary: 'Apply an align plan (versions checked, one edit)',
        request: { body: applyBody },
        response: { status: 200, schema: applyAnswer },
        problems: stale,
      },
      async ({ body }, who) => ({ beats: await applyBeatPlanAs(db, who, 'align', body.beats) }),
    )
    .add(
      {
        method: 'post',
        path: '/planning/districting',
        permission: 'analyse',
        summary: 'Draft a balanced, contiguous, compact beat plan for a station',
        request: { body: districtBody },
        response: { status: 200, schema: districtAnswer },
        problems: { 422: 'the station has no beats with grids' },
      },
      // Through the worker pool as a job: at once when quick, else 202 with the job.
      ({ body }, { res, user }) => answerViaJob(jobs, res, user, 'districting', body),
    )
    .add(
      {
        method: 'post',
        path: '/planning/districting/apply',
        permission: 'edit_beats',
        summary: 'Apply a districting plan (versions checked, one edit)',
        request: { body: applyBody },
        response: { status: 200, schema: applyAnswer },
        problems: stale,
      },
      async ({ body }, who) => ({ beats: await applyBeatPlanAs(db, who, 'district', body.beats) }),
    );
}
