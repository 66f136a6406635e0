import { Router, type Request } from 'express';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { LAYERS, type LayerDef } from '../../db/layers.js';
import {
  createFeature, deleteFeature, getFeature, listFeatures, updateFeature,
} from '../../db/repos/features.repo.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import { assertFeatureWriteAllowed } from '../../services/scope.service.js';
import { createFeatureSchema, listQuerySchema, parseOrThrow, updateFeatureSchema } from '../contract/features.js';

const idSchema = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
/** Who is editing: the signed-in user (audit rows carry it). */
export function actorOf(req: Request): string {
  return req.user?.username ?? 'anonymous';
}

/** The version an edit was based on: `version` in the body, or an If-Match header ("3" or W/"3"). */
function baseVersionOf(req: Request, bodyVersion: number | undefined): number {
  const header = req.get('if-match');
  const fromHeader = header ? Number(/^(?:W\/)?"?(\d+)"?$/.exec(header.trim())?.[1]) : undefined;
  const v = bodyVersion ?? fromHeader;
  if (v === undefined || !Number.isInteger(v) || v < 1) {
    throw new ValidationError('The edit must say which version it was based on', [
      { path: 'version', message: 'send "version" in the body or an If-Match header' },
    ]);
  }
  return v;
}

/** GET/POST /{layer}, GET/PATCH/DELETE /{layer}/{id} for every layer in the registry. */
export function featureRoutes(db: Db): Router {
  const router = Router();
  for (const layer of Object.values(LAYERS)) mountLayer(router, db, layer);
  return router;
}

function mountLayer(router: Router, db: Db, layer: LayerDef): void {
  const base = `/${layer.name}`;
  const listQuery = listQuerySchema(layer);
  const createBody = createFeatureSchema(layer);
  const updateBody = updateFeatureSchema(layer);

  router.get(base, async (req, res) => {
    const q = parseOrThrow(listQuery, req.query, 'query', 'query');
    const page = await listFeatures(db, layer, q);
    const links: { rel: string; href: string }[] = [];
    if (q.offset + page.numberReturned < page.numberMatched) {
      const next = new URLSearchParams(req.query as Record<string, string>);
      next.set('offset', String(q.offset + q.limit));
      next.set('limit', String(q.limit));
      links.push({ rel: 'next', href: `${req.baseUrl}${base}?${next}` });
    }
    res.type('application/geo+json').json({ ...page, links });
  });

  router.get(`${base}/:id`, async (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'feature id', 'id');
    const feature = await getFeature(db, layer, id);
    if (!feature) throw new NotFoundError(`No ${layer.name} feature ${id}`);
    res.set('ETag', `"${String((feature.properties as { version?: number } | null)?.version ?? '')}"`);
    res.type('application/geo+json').json(feature);
  });

  router.post(base, async (req, res) => {
    const body = parseOrThrow(createBody, req.body, `${layer.name} feature`);
    const feature = await db.transaction(async (tx) => {
      await assertFeatureWriteAllowed(tx, req.user, layer, { kind: 'create', properties: body.properties, geometry: body.geometry });
      return createFeature({ tx, actor: actorOf(req) }, layer, body.geometry, body.properties);
    });
    res.status(201).location(`${req.baseUrl}${base}/${String(feature.id)}`).type('application/geo+json').json(feature);
  });

  router.patch(`${base}/:id`, async (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'feature id', 'id');
    const body = parseOrThrow(updateBody, req.body, `${layer.name} edit`);
    const version = baseVersionOf(req, body.version);
    const feature = await db.transaction(async (tx) => {
      await assertFeatureWriteAllowed(tx, req.user, layer, { kind: 'update', id, properties: body.properties, geometry: body.geometry });
      return updateFeature({ tx, actor: actorOf(req) }, layer, id, version, { geometry: body.geometry, properties: body.properties });
    });
    res.type('application/geo+json').json(feature);
  });

  router.delete(`${base}/:id`, async (req, res) => {
    const id = parseOrThrow(idSchema, req.params.id, 'feature id', 'id');
    const body = parseOrThrow(z.strictObject({ version: z.number().int().positive().optional() }).optional(), req.body, 'delete');
    const version = baseVersionOf(req, body?.version);
    await db.transaction(async (tx) => {
      await assertFeatureWriteAllowed(tx, req.user, layer, { kind: 'delete', id });
      await deleteFeature({ tx, actor: actorOf(req) }, layer, id, version);
    });
    res.status(204).end();
  });
}
