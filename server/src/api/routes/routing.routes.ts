import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { cellHourCounts } from '../../db/repos/incident-analysis.repo.js';
import { NotFoundError } from '../../errors.js';
import { blindSpotCells, blindSpots } from '../../services/coverage.service.js';
import {
  isochrone, patrolGpx, planPatrols, postSuggestions, reachMap, route,
} from '../../services/routing.service.js';
import { parseOrThrow } from '../contract/features.js';

const profile = z.enum(['car', 'foot']).default('car');
const lon = z.coerce.number().min(-180).max(180);
const lat = z.coerce.number().min(-90).max(90);
const lonLat = z.string().transform((s) => s.split(',').map(Number))
  .refine((p) => p.length === 2 && p.every(Number.isFinite) && Math.abs(p[0] ?? 0) <= 180 && Math.abs(p[1] ?? 0) <= 90, 'lon,lat')
  .transform((p) => p as [number, number]);
const minutesList = z.string().regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, 'comma-separated minutes').default('1,3,5')
  .transform((s) => s.split(',').map(Number)).refine((m) => m.length <= 6 && m.every((x) => x > 0 && x <= 60), 'up to 6 limits, each 0–60 minutes');

const isochroneQuery = z.strictObject({ lon, lat, profile, minutes: minutesList });
const routeQuery = z.strictObject({ from: lonLat, to: lonLat, profile });
const reachQuery = z.strictObject({ profile, format: z.enum(['json', 'geojson']).default('json') });
const suggestQuery = z.strictObject({ profile, k: z.coerce.number().int().min(1).max(20).default(5), minutes: z.coerce.number().positive().max(15).default(3) });
export const patrolBody = z.strictObject({
  profile,
  base: z.strictObject({ kind: z.enum(['post', 'station']), id: z.number().int().positive() }),
  startHour: z.number().min(0).max(24).default(18),
  hours: z.number().positive().max(12).default(8),
  beatId: z.number().int().positive().optional(),
  checkpointIds: z.array(z.number().int().positive()).max(200).optional(),
  units: z.number().int().min(1).max(6).default(1),
  prizeCells: z.number().int().min(0).max(60).default(20),
  prizeDwellMinutes: z.number().min(0).max(60).default(10),
  incidentWeight: z.number().min(0).max(10).default(1),
  blindSpotWeight: z.number().min(0).max(10).default(0.3),
});
const patrolQuery = z.strictObject({ format: z.enum(['json', 'gpx']).default('json') });

/** The routing endpoints for the OpenAPI document, with the schemas that validate them. */
export const ROUTING_PATHS = [
  { method: 'get', path: '/api/v1/routing/isochrone', summary: 'Isochrone bands (network-buffer areas) from a point', query: isochroneQuery },
  { method: 'get', path: '/api/v1/routing/route', summary: 'Fastest route between two points with its edges', query: routeQuery },
  { method: 'get', path: '/api/v1/routing/reach', summary: '1-3-5 minute reach map of posts and stations with shares of roads, grids and key places', query: reachQuery },
  { method: 'get', path: '/api/v1/routing/post-suggestions', summary: 'Sites for new posts that reach the most unreached road', query: suggestQuery },
  { method: 'post', path: '/api/v1/routing/patrol', summary: 'Patrol plans for a beat (format=gpx for GPX)', body: patrolBody, query: patrolQuery },
] as const;

/** Road network analysis under /api/v1/routing: isochrones, routes, the 1-3-5 minute reach map, post suggestions, patrols. */
export function routingRoutes(db: Db): Router {
  const router = Router();
  router.get('/routing/isochrone', async (req, res) => {
    const q = parseOrThrow(isochroneQuery, req.query, 'query', 'query');
    const a = await isochrone(db, q.profile, q.lon, q.lat, q.minutes);
    res.type('application/geo+json').json({
      type: 'FeatureCollection',
      features: a.bands.flatMap((b) => [
        { type: 'Feature', geometry: b.area, properties: { kind: 'area', minutes: b.minutes, reached_m: b.reachedMeters, nodes: b.nodes } },
        { type: 'Feature', geometry: { type: 'MultiLineString', coordinates: b.roads }, properties: { kind: 'roads', minutes: b.minutes } },
      ]),
      snapped: { lon: a.snapped.lon, lat: a.snapped.lat, distance_m: a.snapped.distanceMeters },
    });
  });
  router.get('/routing/route', async (req, res) => {
    const q = parseOrThrow(routeQuery, req.query, 'query', 'query');
    const r = await route(db, q.profile, q.from, q.to);
    if (!r) throw new NotFoundError('No route: one-way streets or a gap in the network keep the two points apart');
    res.type('application/geo+json').json({
      type: 'Feature', geometry: { type: 'LineString', coordinates: r.line },
      properties: { seconds: r.seconds, meters: r.meters, profile: q.profile },
    });
  });
  router.get('/routing/reach', async (req, res) => {
    const q = parseOrThrow(reachQuery, req.query, 'query', 'query');
    const r = await reachMap(db, q.profile);
    if (q.format === 'geojson') {
      res.type('application/geo+json').json({
        type: 'FeatureCollection',
        features: r.edges.map((e) => ({ type: 'Feature', geometry: { type: 'LineString', coordinates: e.line }, properties: { minutes: e.minutes } })),
      });
      return;
    }
    const { edges, ...summary } = r;
    res.json({ ...summary, edges: edges.length });
  });
  router.get('/routing/post-suggestions', async (req, res) => {
    const q = parseOrThrow(suggestQuery, req.query, 'query', 'query');
    res.json({ minutes: q.minutes, suggestions: await postSuggestions(db, q.profile, q.k, q.minutes) });
  });
  router.post('/routing/patrol', async (req, res) => {
    const q = parseOrThrow(patrolQuery, req.query, 'query', 'query');
    const b = parseOrThrow(patrolBody, req.body ?? {}, 'body', 'body');
    const units = await planPatrols(db, {
      profile: b.profile, base: b.base, startHour: b.startHour, hours: b.hours, units: b.units, prizeCells: b.prizeCells,
      prizeDwellMinutes: b.prizeDwellMinutes, incidentWeight: b.incidentWeight, blindSpotWeight: b.blindSpotWeight, ...(b.beatId ? { beatId: b.beatId } : {}), ...(b.checkpointIds ? { checkpointIds: b.checkpointIds } : {}),
    }, await cellHourCounts(db, 9), b.blindSpotWeight > 0 ? blindSpotCells(await blindSpots(db), 9) : []);
    if (q.format === 'gpx') {
      res.type('application/gpx+xml').attachment('patrol.gpx').send(patrolGpx(units, new Date().toISOString().slice(0, 10)));
      return;
    }
    res.json({ units });
  });
  return router;
}
