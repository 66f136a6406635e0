import type { Db } from '../db/client.js';
import { isLayerName, LAYER_NAMES, LAYERS, type LayerName } from '../contract/layers.js';
import { problemFromDbError } from '../db/pg-errors.js';
import {
  auditImport,
  editedSince,
  listBatches,
  lockBatch,
  markUndone,
  undoBatchRows,
} from '../db/repos/import.repo.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../errors.js';
import type { SignedInUser } from './auth.service.js';
import { seesEveryImport } from '../auth/policy.js';
import { LAYER_SPECS, type LayerSpec } from '../import/layer-specs.js';

/** Every layer's import spec: what a file must hold for it (GET /api/v1/import/layers). */
export function importLayerSpecs(): { layers: LayerSpec[] } {
  return { layers: LAYER_NAMES.map((l) => LAYER_SPECS[l]) };
}

/** The latest batches; a user who is not an admin sees only their own. */
export async function importBatches(db: Db, limit: number, user?: SignedInUser) {
  const rows = await listBatches(db, limit, user && !seesEveryImport(user.role) ? user.username : undefined);
  return {
    batches: rows.map((b) => ({
      ...b,
      at: new Date(b.at).toISOString(),
      undoneAt: b.undoneAt ? new Date(b.undoneAt).toISOString() : null,
    })),
  };
}

/**
 * Undoes an import batch in one transaction: deletes the rows it added, restores the rows it changed from their
 * before-images, puts back the rows a `replace` deleted, writes an audit row. Rows edited or deleted since the import
 * are left as they are now and named in `kept` (the undo is partial); refused (409, `import.edited_since`, the rows
 * named) only when every row of the batch was edited since, and when the batch is already undone.
 */
export async function undoImportBatch(db: Db, id: number, actor: string, user?: SignedInUser) {
  return db.transaction(async (tx) => {
    const batch = await lockBatch(tx, id);
    if (!batch) throw new NotFoundError(`No import batch ${id}`, [{ path: 'id', message: 'no such batch' }]);
    // Only its own user (or an admin) undoes an import: a planner cannot take back the grid office's grids.
    if (user && !seesEveryImport(user.role) && batch.actor !== user.username)
      throw new ForbiddenError(`Import batch ${id} was run by another user`, [{ path: 'id', message: 'not yours' }], {
        code: 'import.not_own_batch',
      });
    if (batch.undoneAt)
      throw new ConflictError(`Import batch ${id} is already undone`, [{ path: 'id', message: 'already undone' }], {
        code: 'import.already_undone',
      });
    const layers = batch.layers.filter(isLayerName);
    // Later layers first: children (beats) before their parents (stations).
    const order = [...layers].sort((a, b) => LAYER_NAMES.indexOf(b) - LAYER_NAMES.indexOf(a));
    const kept: { layer: LayerName; featureId: number; action: string; reason: string }[] = [];
    const keptIds = new Map<LayerName, number[]>();
    for (const layer of order) {
      const rows = await editedSince(tx, id, layer);
      keptIds.set(
        layer,
        rows.map((r) => r.featureId),
      );
      for (const r of rows) kept.push({ layer, featureId: r.featureId, action: r.action, reason: r.reason });
    }
    const deleted: Partial<Record<LayerName, number>> = {};
    const restored: Partial<Record<LayerName, number>> = {};
    for (const layer of order) {
      let r: { deleted: number; restored: number };
      try {
        r = await undoBatchRows(tx, id, layer, keptIds.get(layer) ?? []);
      } catch (err) {
        // e.g. a station the batch added now has beats: the foreign key names it.
        throw problemFromDbError(err, LAYERS[layer].table) ?? err;
      }
      deleted[layer] = r.deleted;
      restored[layer] = r.restored;
    }
    const undone =
      Object.values(deleted).reduce((s, n) => s + (n ?? 0), 0) +
      Object.values(restored).reduce((s, n) => s + (n ?? 0), 0);
    if (kept.length && undone === 0)
      throw new ConflictError(
        `all ${kept.length} row(s) of import batch ${id} were changed since; nothing was undone`,
        kept
          .slice(0, 200)
          .map((k) => ({ path: `${k.layer}/${k.featureId}`, message: `${k.action} by this import, ${k.reason}` })),
        { code: 'import.edited_since', rows: kept.length },
      );
    await markUndone(tx, id, actor);
    await auditImport(tx, {
      actor,
      batchId: id,
      action: 'delete',
      after: { undo: id, deleted, restored, kept: kept.map((k) => ({ layer: k.layer, id: k.featureId })) },
    });
    return { batchId: id, deleted, restored, partial: kept.length > 0, kept: kept.slice(0, 1000) };
  });
}
