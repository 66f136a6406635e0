import type { Db } from '../../db/client.js';
import {
  isochroneAnswer,
  isochroneQuery,
  patrolAnswer,
  patrolBody,
  patrolJobParams,
  patrolQuery,
  reachAnswer,
  reachQuery,
  routeAnswer,
  routeQuery,
  suggestionsAnswer,
  schoolGatesAnswer,
  schoolGatesQuery,
  suggestQuery,
} from '../../contract/routing.js';
import { ConflictError, NotFoundError, UnauthorizedError } from '../../errors.js';
import { localDay } from '../../local-clock.js';
import type { SignedInUser } from '../../services/auth.service.js';
import {
  patrolGpx,
  postSuggestions,
  route,
  schoolGateCoverage,
  type PlannedUnit,
} from '../../services/routing.service.js';
import type { JobManager } from '../../jobs/job-manager.js';
import { answerViaJob } from '../../jobs/jobs.routes.js';
import { RouteGroup, SENT } from '../route.js';

const GEOJSON = 'application/geo+json';

/** The GPX of a finished patrol job of this user (an admin: anyone's), from its kept result: nothing is planned. */
async function patrolGpxOfJob(jobs: JobManager, user: SignedInUser | undefined, jobId: string): Promise<string> {
  if (!user) throw new UnauthorizedError('Sign in first');
  const job = await jobs.get(user, jobId);
  if (job.kind !== 'patrol') throw new NotFoundError(`No patrol job ${jobId}`);
  if (job.state !== 'done') throw new ConflictError(`The patrol job is ${job.state}`, [], { code: 'job.not_done' });
  const { units } = job.result as { units: PlannedUnit[] };
  return patrolGpx(units, localDay(new Date(job.createdAt)));
}

/** Road network analysis under /api/v1/routing: isochrones, routes, the 1-3-5 minute reach map, post suggestions, patrols. */
export function routingRoutes(db: Db, jobs: JobManager): RouteGroup {
  return new RouteGroup('routing')
    .add(
      {
        method: 'get',
        path: '/routing/isochrone',
        permission: 'read',
        summary: 'Isochrone bands (network-buffer areas) from a point',
        request: { query: isochroneQuery },
        response: { schema: isochroneAnswer, contentType: GEOJSON },
        problems: { 422: 'no road near the point' },
      },
      // Through the worker pool as a job (params: the query string): at once when quick, else 202 with the job.
      (_input, { req, res, user }) => answerViaJob(jobs, res, user, 'isochrone', req.query),
    )
    .add(
      {
        method: 'get',
        path: '/routing/route',
        permission: 'read',
        summary: 'Fastest route between two points with its edges',
        request: { query: routeQuery },
        response: { schema: routeAnswer, contentType: GEOJSON },
        problems: { 404: 'no route', 422: 'no road near a point' },
      },
      async ({ query: q }) => {
        const r = await route(db, q.profile, q.from, q.to);
        if (!r)
          throw new NotFoundError('No route: one-way streets or a gap in the network keep the two points apart', [], {
            code: 'routing.no_route',
          });
        return {
          type: 'Feature' as const,
          geometry: { type: 'LineString', coordinates: r.line },
          properties: { seconds: r.seconds, meters: r.meters, profile: q.profile },
        };
      },
    )
    .add(
      {
        method: 'get',
        path: '/routing/reach',
        permission: 'read',
        summary: '1-3-5 minute reach map of posts and stations with shares of roads, grids and key places',
        request: { query: reachQuery },
        response: { schema: reachAnswer },
      },
      (_input, { req, res, user }) => answerViaJob(jobs, res, user, 'reach', req.query),
    )
    .add(
      {
        method: 'get',
        path: '/routing/post-suggestions',
        permission: 'read',
        summary: 'Sites for new posts that reach the most unreached road',
        request: { query: suggestQuery },
        response: { schema: suggestionsAnswer },
      },
      async ({ query: q }) => ({
        minutes: q.minutes,
        suggestions: await postSuggestions(db, q.profile, q.k, q.minutes),
      }),
    )
    .add(
      {
        method: 'post',
        path: '/routing/patrol',
        permission: 'analyse',
        summary: 'Patrol plans for a beat (format=gpx for GPX)',
        request: { query: patrolQuery, body: patrolBody, bodyPath: 'body' },
        response: { status: 200, schema: patrolAnswer },
        problems: { 422: 'no such base, no road near it, or no plan fits' },
      },
      ({ query: q, body }, { res, user }) =>
        answerViaJob(jobs, res, user, 'patrol', body, (result, job) => {
          const { units } = result as { units: PlannedUnit[] };
          // The plan is kept as its job: its GPX is GET /routing/patrol/{job}/gpx, without planning again.
          res.set('content-location', `/api/v1/jobs/${job.id}`);
          if (q.format === 'json') res.json({ units });
          else
            res
              .type('application/gpx+xml')
              .attachment('patrol.gpx')
              .send(patrolGpx(units, new Date().toISOString().slice(0, 10)));
          return SENT;
        }),
    )
    .add(
      {
        method: 'get',
        path: '/routing/patrol/:jobId/gpx',
        permission: 'analyse',
        summary: 'GPX of a patrol plan already made (its job), not planned again',
        request: { params: patrolJobParams },
        response: { contentType: 'application/gpx+xml', description: 'GPX 1.1: a track per unit, a waypoint per stop' },
        problems: { 404: 'no such patrol job of this user', 409: 'the job has not finished' },
      },
      async ({ params }, { res, user }) => {
        const gpx = await patrolGpxOfJob(jobs, user, params.jobId);
        res.type('application/gpx+xml').attachment('patrol.gpx').send(gpx);
        return SENT;
      },
    )
    .add(
      {
        method: 'get',
        path: '/routing/school-gates',
        permission: 'read',
        summary: 'Schools whose bell is near a time and which no planned gate duty or staffed post covers (护学岗)',
        request: { query: schoolGatesQuery },
        response: { schema: schoolGatesAnswer },
      },
      async ({ query: q }) => schoolGateCoverage(db, q.at, q.day),
    );
}
