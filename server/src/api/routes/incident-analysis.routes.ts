import type { Db } from '../../db/client.js';
import {
  areasAnswer,
  areasQuery,
  categories,
  cellsAnswer,
  cellsQuery,
  computedGrades,
  gradeHistoryAnswer,
  gradesAnswer,
  gradesBodySchema,
  gradesQuery,
  gridCodeParams,
  historyQuery,
  hotspotsAnswer,
  hotspotsQuery,
  histogramAnswer,
  histogramQuery,
  hourProfileAnswer,
  nearRepeatAnswer,
  nearRepeatQuery,
  profileQuery,
  timeRange,
  trendsAnswer,
  trendsQuery,
} from '../../contract/incidents.js';
import { toIncidentFilter } from '../../contract/incident-filter.js';
import { DEFAULT_GRADE_THRESHOLDS } from '../../engines/hotspots/index.js';
import {
  areaHourProfile,
  computeGrades,
  gradeHistoryOf,
  gradesOfDay,
  incidentCellsOf,
  incidentCategoryCounts,
  incidentHistogram,
  incidentsPerArea,
  incidentTimeSpan,
  withReasonText,
} from '../../services/incidents.service.js';
import { RouteGroup } from '../route.js';
import type { JobManager } from '../../jobs/job-manager.js';
import { answerViaJob } from '../../jobs/jobs.routes.js';
import { poolRunner } from '../../jobs/runner.js';
import { localDay } from '../../local-clock.js';

const GEOJSON = 'application/geo+json';

/**
 * Incident analysis under /api/v1: cells, counts per area, Gi* hot spots, space–time trends, near repeat, 24×7
 * profiles, and red/yellow/green grid grades (computed, stored per day, with history).
 */
export function incidentAnalysisRoutes(db: Db, jobs: JobManager): RouteGroup {
  return new RouteGroup('incident analysis')
    .add(
      {
        method: 'get',
        path: '/incidents/cells',
        permission: 'read',
        summary: 'Incidents per H3 cell, compact [{h3, n}] for deck.gl (format=geojson: hexagons)',
        request: { query: cellsQuery },
        response: { schema: cellsAnswer },
      },
      async ({ query: q }, { res }) => {
        const answer = await incidentCellsOf(db, { res: q.res, ...toIncidentFilter(q) }, q.format);
        if (q.format === 'geojson') res.type(GEOJSON);
        return answer;
      },
    )
    .add(
      {
        method: 'get',
        path: '/incidents/range',
        permission: 'read',
        summary: 'First and last incident time',
        response: { schema: timeRange },
      },
      () => incidentTimeSpan(db),
    )
    .add(
      {
        method: 'get',
        path: '/incidents/categories',
        permission: 'read',
        summary: 'Incident categories with counts',
        response: { schema: categories },
      },
      () => incidentCategoryCounts(db),
    )
    .add(
      {
        method: 'get',
        path: '/incidents/areas',
        permission: 'read',
        summary: 'Incidents per grid, beat or admin area for a filter (format=geojson: outlines with counts and rates)',
        request: { query: areasQuery },
        response: { schema: areasAnswer },
      },
      async ({ query: q }, { res }) => {
        if (q.format === 'geojson') res.type(GEOJSON);
        return incidentsPerArea(db, q.area, toIncidentFilter(q), q.format);
      },
    )
    .add(
      {
        method: 'get',
        path: '/incidents/hotspots',
        permission: 'read',
        summary: 'Getis-Ord Gi* hot/cold spots on H3 cells with FDR classes',
        request: { query: hotspotsQuery },
        response: { schema: hotspotsAnswer },
      },
      // Through the worker pool as a job (params: the query string): at once when quick, else 202 with the job.
      (_input, { req, res, user }) => answerViaJob(jobs, res, user, 'hotspots', req.query),
    )
    .add(
      {
        method: 'get',
        path: '/incidents/trends',
        permission: 'read',
        summary: 'Weekly Mann-Kendall trend and emerging hot-spot category per cell',
        request: { query: trendsQuery },
        response: { schema: trendsAnswer },
      },
      (_input, { req, res, user }) => answerViaJob(jobs, res, user, 'trends', req.query),
    )
    .add(
      {
        method: 'get',
        path: '/incidents/near-repeat',
        permission: 'read',
        summary: 'Knox near-repeat test with Monte-Carlo p',
        request: { query: nearRepeatQuery },
        response: { schema: nearRepeatAnswer },
        problems: { 422: 'too many incidents for the test' },
      },
      (_input, { req, res, user }) => answerViaJob(jobs, res, user, 'near-repeat', req.query),
    )
    .add(
      {
        method: 'get',
        path: '/incidents/hour-profile',
        permission: 'read',
        summary: '24×7 counts and peak hours for an area',
        request: { query: profileQuery },
        response: { schema: hourProfileAnswer },
      },
      ({ query: q }) =>
        areaHourProfile(db, toIncidentFilter(q), q.area && q.code ? { kind: q.area, code: q.code } : undefined),
    )
    .add(
      {
        method: 'get',
        path: '/incidents/histogram',
        permission: 'read',
        summary: 'Incidents per local hour, day or week for the time bar (every bin, empty ones as 0)',
        request: { query: histogramQuery },
        response: { schema: histogramAnswer },
      },
      ({ query: q }) => incidentHistogram(db, toIncidentFilter(q), q.bin),
    )
    .add(
      {
        method: 'post',
        path: '/grades/compute',
        permission: 'analyse',
        summary: 'Grade every grid red/yellow/green(/blue) and store the day',
        request: { body: gradesBodySchema(DEFAULT_GRADE_THRESHOLDS), bodyPath: 'body' },
        response: { status: 201, schema: computedGrades },
      },
      async ({ body: b }, { actor }) => {
        const on = b.day ?? localDay(new Date());
        const rows = await computeGrades(
          db,
          actor,
          on,
          { ...(b.from ? { from: b.from } : {}), ...(b.to ? { to: b.to } : {}) },
          { ...DEFAULT_GRADE_THRESHOLDS, ...b.thresholds },
          // Its Gi* part on the pool (the grid counts and the stored grades are SQL).
          poolRunner(jobs.pool),
        );
        return { day: on, grades: withReasonText(rows, 'zh-CN') };
      },
    )
    .add(
      {
        method: 'get',
        path: '/grades',
        permission: 'read',
        summary: 'Grid grades of a day (latest by default); format=geojson: grid outlines with the grade',
        request: { query: gradesQuery },
        response: { schema: gradesAnswer },
      },
      async ({ query: q }, { res }) => {
        if (q.format === 'geojson') res.type(GEOJSON);
        return gradesOfDay(db, q.date, q.lang, q.format);
      },
    )
    .add(
      {
        method: 'get',
        path: '/grades/:gridCode/history',
        permission: 'read',
        summary: 'Every stored grade of one grid, oldest first',
        request: { params: gridCodeParams, query: historyQuery },
        response: { schema: gradeHistoryAnswer },
        problems: { 404: 'no grades stored' },
      },
      async ({ params, query: q }) => ({
        grid: params.gridCode,
        history: await gradeHistoryOf(db, params.gridCode, q.lang),
      }),
    );
}
