import { Router } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { gradeHistory, gradesOn, gradesWithOutlines, type GridGradeRow } from '../../db/repos/grades.repo.js';
import { incidentsByArea, type AreaIncidentCount } from '../../db/repos/incident-analysis.repo.js';
import { DEFAULT_GRADE_THRESHOLDS, reasonText } from '../../engines/hotspots/index.js';
import {
  areaHourProfile, computeGrades, incidentHotspots, incidentTrends, nearRepeat,
} from '../../services/incidents.service.js';
import { NotFoundError } from '../../errors.js';
import { parseOrThrow } from '../contract/features.js';
import { h3Res, incidentFilterQuery, toIncidentFilter } from '../contract/incident-filter.js';
import { actorOf } from './features.routes.js';
import { localDay } from '../../local-clock.js';

const areaKind = z.enum(['grid', 'beat', 'community', 'township', 'district']);
const lang = z.enum(['zh-CN', 'en']).default('zh-CN');
const day = z.iso.date();
const format = z.enum(['json', 'geojson']).default('json');

const areasQuery = z.strictObject({ area: areaKind.default('grid'), format, ...incidentFilterQuery });
const hotspotsQuery = z.strictObject({ res: h3Res, k: z.coerce.number().int().min(1).max(3).default(1), ...incidentFilterQuery });
const trendsQuery = z.strictObject({ res: h3Res.default(8), weeks: z.coerce.number().int().min(4).max(104).default(12), ...incidentFilterQuery });
const nearRepeatQuery = z.strictObject({
  space: z.coerce.number().positive().max(5000).default(200),
  time: z.coerce.number().positive().max(365).default(14),
  permutations: z.coerce.number().int().min(19).max(9999).default(99),
  seed: z.coerce.number().int().default(1),
  ...incidentFilterQuery,
});
const profileFields = z.strictObject({ area: areaKind.optional(), code: z.string().regex(/^[0-9A-Za-z_-]{1,40}$/).optional(), ...incidentFilterQuery });
const profileQuery = profileFields.refine((q) => (q.area === undefined) === (q.code === undefined), { message: 'give area and code together', path: ['code'] });
const gradesFields = z.strictObject({
  day: day.optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  thresholds: z.strictObject({
    redRatio: z.number().positive(), redHotCells: z.number().int().min(1), yellowRatio: z.number().positive(),
    yellowHotCells: z.number().int().min(1), blueRatio: z.number().positive(), fourLevels: z.boolean(), minPopulation: z.number().int().min(0),
  }).partial().default({}),
});
const gradesBody = gradesFields.refine((b) => (b.thresholds.redRatio ?? DEFAULT_GRADE_THRESHOLDS.redRatio) >= (b.thresholds.yellowRatio ?? DEFAULT_GRADE_THRESHOLDS.yellowRatio),
  { message: 'redRatio must be at least yellowRatio', path: ['thresholds', 'redRatio'] });
const gradesQuery = z.strictObject({ date: day.optional(), lang, format });
const historyQuery = z.strictObject({ lang });
const gridCodeParam = z.strictObject({ gridCode: z.string().regex(/^[0-9A-Za-z_-]{1,40}$/) });

/** The endpoints above, for the OpenAPI document (the same zod schemas that validate the requests). */
export const INCIDENT_ANALYSIS_PATHS = [
  { method: 'get', path: '/api/v1/incidents/areas', summary: 'Incidents per grid, beat or admin area for a filter (format=geojson: outlines with counts and rates)', query: areasQuery },
  { method: 'get', path: '/api/v1/incidents/hotspots', summary: 'Getis-Ord Gi* hot/cold spots on H3 cells with FDR classes', query: hotspotsQuery },
  { method: 'get', path: '/api/v1/incidents/trends', summary: 'Weekly Mann-Kendall trend and emerging hot-spot category per cell', query: trendsQuery },
  { method: 'get', path: '/api/v1/incidents/near-repeat', summary: 'Knox near-repeat test with Monte-Carlo p', query: nearRepeatQuery },
  { method: 'get', path: '/api/v1/incidents/hour-profile', summary: '24×7 counts and peak hours for an area', query: profileFields },
  { method: 'post', path: '/api/v1/grades/compute', summary: 'Grade every grid red/yellow/green(/blue) and store the day', body: gradesFields },
  { method: 'get', path: '/api/v1/grades', summary: 'Grid grades of a day (latest by default); format=geojson: grid outlines with the grade', query: gradesQuery },
  { method: 'get', path: '/api/v1/grades/{gridCode}/history', summary: 'Every stored grade of one grid, oldest first', query: historyQuery, params: gridCodeParam },
] as const;

/** Grades with their reasons as sentences in the asked language. */
const withText = <R extends GridGradeRow>(rows: R[], l: 'zh-CN' | 'en') =>
  rows.map((r) => ({ ...r, reasonText: r.reasons.map((x) => reasonText(x, l)).join(l === 'en' ? '; ' : '；') }));

/** An area's counts with its rates: per 1,000 residents (null without residents) and per km². */
const areaRates = (r: Omit<AreaIncidentCount, 'geometry'>) => ({
  ...r,
  per1000: r.population > 0 ? (1000 * r.incidents) / r.population : null,
  perKm2: r.areaKm2 > 0 ? r.incidents / r.areaKm2 : null,
});

/**
 * Incident analysis under /api/v1: counts per area, Gi* hot spots, space–time trends, near repeat, 24×7 profiles,
 * and red/yellow/green grid grades (computed, stored per day, with history).
 */
export function incidentAnalysisRoutes(db: Db): Router {
  const router = Router();
  router.get('/incidents/areas', async (req, res) => {
    const q = parseOrThrow(areasQuery, req.query, 'query', 'query');
    const rows = await incidentsByArea(db, q.area, toIncidentFilter(q), { geometry: q.format === 'geojson' });
    if (q.format === 'geojson') {
      res.type('application/geo+json').json({
        type: 'FeatureCollection',
        features: rows.map(({ geometry, ...r }) => ({ type: 'Feature', id: r.code, geometry, properties: { area: q.area, ...areaRates(r) } })),
      });
      return;
    }
    res.json({ area: q.area, rows: rows.map(areaRates) });
  });
  router.get('/incidents/hotspots', async (req, res) => {
    const q = parseOrThrow(hotspotsQuery, req.query, 'query', 'query');
    res.json(await incidentHotspots(db, q.res, q.k, toIncidentFilter(q)));
  });
  router.get('/incidents/trends', async (req, res) => {
    const q = parseOrThrow(trendsQuery, req.query, 'query', 'query');
    res.json(await incidentTrends(db, q.res, q.weeks, toIncidentFilter(q)));
  });
  router.get('/incidents/near-repeat', async (req, res) => {
    const q = parseOrThrow(nearRepeatQuery, req.query, 'query', 'query');
    const result = await nearRepeat(db, toIncidentFilter(q), { spaceMeters: q.space, timeDays: q.time, permutations: q.permutations, seed: q.seed });
    res.json({ spaceMeters: q.space, timeDays: q.time, seed: q.seed, ...result });
  });
  router.get('/incidents/hour-profile', async (req, res) => {
    const q = parseOrThrow(profileQuery, req.query, 'query', 'query');
    res.json(await areaHourProfile(db, toIncidentFilter(q), q.area && q.code ? { kind: q.area, code: q.code } : undefined));
  });
  router.post('/grades/compute', async (req, res) => {
    const b = parseOrThrow(gradesBody, req.body ?? {}, 'body', 'body');
    const on = b.day ?? localDay(new Date());
    const rows = await computeGrades(db, actorOf(req), on, { ...(b.from ? { from: b.from } : {}), ...(b.to ? { to: b.to } : {}) },
      { ...DEFAULT_GRADE_THRESHOLDS, ...b.thresholds });
    res.status(201).json({ day: on, grades: withText(rows, 'zh-CN') });
  });
  router.get('/grades', async (req, res) => {
    const q = parseOrThrow(gradesQuery, req.query, 'query', 'query');
    if (q.format === 'geojson') {
      const rows = await gradesWithOutlines(db, q.date);
      res.type('application/geo+json').json({
        type: 'FeatureCollection',
        day: rows[0]?.computedOn ?? null,
        features: withText(rows, q.lang).map(({ geometry, ...r }) => ({ type: 'Feature', id: r.gridCode, geometry, properties: r })),
      });
      return;
    }
    const rows = await gradesOn(db, q.date);
    res.json({ day: rows[0]?.computedOn ?? null, grades: withText(rows, q.lang) });
  });
  router.get('/grades/:gridCode/history', async (req, res) => {
    const { gridCode } = parseOrThrow(gridCodeParam, req.params, 'path', 'path');
    const q = parseOrThrow(historyQuery, req.query, 'query', 'query');
    const rows = await gradeHistory(db, gridCode);
    if (rows.length === 0) throw new NotFoundError(`No grades stored for grid ${gridCode}`);
    res.json({ grid: gridCode, history: withText(rows, q.lang) });
  });
  return router;
}
