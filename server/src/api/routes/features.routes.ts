import type { Request } from 'express';
import type { Db } from '../../db/client.js';
import { LAYERS, type LayerDef } from '../../contract/layers.js';
import {
  createFeatureSchema,
  deleteFeatureBody,
  featureAnswerSchema,
  featureIdParams,
  featurePageSchema,
  listQuerySchema,
  updateFeatureSchema,
} from '../../contract/features.js';
import { ValidationError } from '../../errors.js';
import {
  createLayerFeature,
  deleteLayerFeature,
  layerFeature,
  listLayerFeatures,
  updateLayerFeature,
} from '../../services/features.service.js';
import type { Permission } from '../../auth/policy.js';
import { RouteGroup, SENT } from '../route.js';

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

/** Who may write a layer: grids and admin areas the grid office; roads and buildings come by import; the rest planners. */
const WRITE_PERMISSION: Record<LayerDef['name'], Permission> = {
  'admin-areas': 'edit_grids',
  grids: 'edit_grids',
  stations: 'edit_beats',
  beats: 'edit_beats',
  cameras: 'edit_beats',
  'key-places': 'edit_beats',
  posts: 'edit_beats',
  checkpoints: 'edit_beats',
  incidents: 'edit_beats',
  roads: 'import',
  buildings: 'import',
};

const GEOJSON = 'application/geo+json';

/** GET/POST /{layer}, GET/PATCH/DELETE /{layer}/{id} for every layer in the registry. */
export function featureRoutes(db: Db): RouteGroup {
  const group = new RouteGroup('features');
  for (const layer of Object.values(LAYERS)) mountLayer(group, db, layer);
  return group;
}

function mountLayer(group: RouteGroup, db: Db, layer: LayerDef): void {
  const base = `/${layer.name}`;
  const write = WRITE_PERMISSION[layer.name];
  const feature = featureAnswerSchema(layer);
  // The repo builds each Feature in SQL from the layer's columns: the shape the schema documents.
  type Answer = typeof feature._zod.input;
  group.add(
    {
      method: 'get',
      path: base,
      permission: 'read',
      summary: `List ${layer.name} as GeoJSON (bbox, paging, equality filters on columns)`,
      request: { query: listQuerySchema(layer) },
      response: { schema: featurePageSchema(layer), contentType: GEOJSON },
    },
    async ({ query: q }, { req }) => {
      const page = await listLayerFeatures(db, layer, q);
      const links: { rel: string; href: string }[] = [];
      if (q.offset + page.numberReturned < page.numberMatched) {
        const next = new URLSearchParams(req.query as Record<string, string>);
        next.set('offset', String(q.offset + q.limit));
        next.set('limit', String(q.limit));
        links.push({ rel: 'next', href: `${req.baseUrl}${base}?${next}` });
      }
      return { ...page, features: page.features as Answer[], links };
    },
  );

  group.add(
    {
      method: 'get',
      path: `${base}/:id`,
      permission: 'read',
      summary: `One ${layer.table} (ETag: its version)`,
      request: { params: featureIdParams },
      response: { schema: feature, contentType: GEOJSON },
      problems: { 404: 'no such feature' },
    },
    async ({ params }, { res }) => {
      const f = await layerFeature(db, layer, params.id);
      res.set('ETag', `"${String((f.properties as { version?: number } | null)?.version ?? '')}"`);
      return f as Answer;
    },
  );

  group.add(
    {
      method: 'post',
      path: base,
      permission: write,
      summary: `Create one ${layer.table} (an audit row)`,
      request: { body: createFeatureSchema(layer) },
      response: { status: 201, schema: feature, contentType: GEOJSON },
      problems: { 409: 'code taken', 422: 'invalid geometry or reference' },
    },
    async ({ body }, { req, res, user, actor }) => {
      const f = await createLayerFeature(db, { user, actor }, layer, body.geometry, body.properties);
      res.location(`${req.baseUrl}${base}/${String(f.id)}`);
      return f as Answer;
    },
  );

  group.add(
    {
      method: 'patch',
      path: `${base}/:id`,
      permission: write,
      summary: `Edit one ${layer.table} (versioned: body version or If-Match)`,
      request: { params: featureIdParams, body: updateFeatureSchema(layer) },
      response: { schema: feature, contentType: GEOJSON },
      problems: {
        404: 'no such feature',
        409: 'stale version: currentVersion tells the current one',
        422: 'invalid geometry',
      },
    },
    async ({ params, body }, { req, user, actor }) => {
      const version = baseVersionOf(req, body.version);
      return (await updateLayerFeature(db, { user, actor }, layer, params.id, version, {
        geometry: body.geometry,
        properties: body.properties,
      })) as Answer;
    },
  );

  group.add(
    {
      method: 'delete',
      path: `${base}/:id`,
      permission: write,
      summary: `Delete one ${layer.table} (versioned)`,
      request: { params: featureIdParams, body: deleteFeatureBody },
      response: { status: 204, description: 'deleted' },
      problems: { 404: 'no such feature', 409: 'stale version' },
    },
    async ({ params, body }, { req, res, user, actor }) => {
      await deleteLayerFeature(db, { user, actor }, layer, params.id, baseVersionOf(req, body?.version));
      res.status(204).end();
      return SENT;
    },
  );
}
