import type { Feature, Geometry } from 'geojson';
import type { ListQuery } from '../contract/features.js';
import type { LayerDef } from '../contract/layers.js';
import type { Db } from '../db/client.js';
import {
  createFeature,
  deleteFeature,
  getFeature,
  listFeatures,
  updateFeature,
  type FeaturePage,
} from '../db/repos/features.repo.js';
import { NotFoundError } from '../errors.js';
import type { SignedInUser } from './auth.service.js';
import { assertFeatureWriteAllowed } from './scope.service.js';

/** Who edits: the signed-in user (scoping) and the name audit rows carry. */
export interface Editor {
  user: SignedInUser | undefined;
  actor: string;
}

/** One page of a layer's features matching the query: a map read, so a replica may answer it. */
export function listLayerFeatures(db: Db, layer: LayerDef, q: ListQuery): Promise<FeaturePage> {
  return listFeatures(db.reader, layer, q);
}

/**
 * One feature, or 404. From the primary: it is read right after its create and for its version before an edit, where
 * a replica that has not replayed the write yet would answer 404 or a stale version (a 409 on the next PATCH).
 */
export async function layerFeature(db: Db, layer: LayerDef, id: number): Promise<Feature> {
  const feature = await getFeature(db, layer, id);
  if (!feature) throw new NotFoundError(`No ${layer.name} feature ${id}`);
  return feature;
}

/** Creates a feature in one transaction with its audit row, inside the planner fence (scope.service.ts). */
export function createLayerFeature(
  db: Db,
  who: Editor,
  layer: LayerDef,
  geometry: Geometry,
  properties: Record<string, unknown>,
): Promise<Feature> {
  return db.transaction(async (tx) => {
    await assertFeatureWriteAllowed(tx, who.user, layer, { kind: 'create', properties, geometry });
    return createFeature({ tx, actor: who.actor }, layer, geometry, properties);
  });
}

/** A versioned edit (409 when stale), inside the planner fence (scope.service.ts). */
export function updateLayerFeature(
  db: Db,
  who: Editor,
  layer: LayerDef,
  id: number,
  baseVersion: number,
  patch: { geometry?: Geometry | undefined; properties?: Record<string, unknown> | undefined },
): Promise<Feature> {
  return db.transaction(async (tx) => {
    await assertFeatureWriteAllowed(tx, who.user, layer, {
      kind: 'update',
      id,
      properties: patch.properties,
      geometry: patch.geometry,
    });
    return updateFeature({ tx, actor: who.actor }, layer, id, baseVersion, patch);
  });
}

/** A versioned delete (409 when stale), inside the planner fence; a station still referred to is 409. */
export async function deleteLayerFeature(
  db: Db,
  who: Editor,
  layer: LayerDef,
  id: number,
  baseVersion: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    await assertFeatureWriteAllowed(tx, who.user, layer, { kind: 'delete', id });
    await deleteFeature({ tx, actor: who.actor }, layer, id, baseVersion);
  });
}
