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
import { ConflictError, NotFoundError } from '../errors.js';
import { LAYER_SPECS, type LayerSpec } from '../import/layer-specs.js';

/** Every layer's import spec: what a file must hold for it (GET /api/v1/import/layers). */
export function importLayerSpecs(): { layers: LayerSpec[] } {
  return { layers: LAYER_NAMES.map((l) => LAYER_SPECS[l]) };
}

export async function importBatches(db: Db, limit: number) {
  const rows = await listBatches(db, limit);
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
 * before-images, writes an audit row. Refused whole (409, `import.edited_since`, the rows named) when a row was
 * edited or deleted since the import, and when the batch is already undone.
 */
export async function undoImportBatch(db: Db, id: number, actor: string) {
  return db.transaction(async (tx) => {
    const batch = await lockBatch(tx, id);
    if (!batch) throw new NotFoundError(`No import batch ${id}`, [{ path: 'id', message: 'no such batch' }]);
    if (batch.undoneAt)
      throw new ConflictError(`Import batch ${id} is already undone`, [{ path: 'id', message: 'already undone' }], {
        code: 'import.already_undone',
      });
    const layers = batch.layers.filter(isLayerName);
    // Later layers first: children (beats) before their parents (stations).
    const order = [...layers].sort((a, b) => LAYER_NAMES.indexOf(b) - LAYER_NAMES.indexOf(a));
    const edited: { path: string; message: string }[] = [];
    for (const layer of order)
      for (const r of await editedSince(tx, id, layer))
        edited.push({ path: `${layer}/${r.featureId}`, message: `${r.action} by this import, ${r.reason}` });
    if (edited.length)
      throw new ConflictError(
        `${edited.length} row(s) of import batch ${id} were changed since; nothing was undone`,
        edited.slice(0, 200),
        { code: 'import.edited_since', rows: edited.length },
      );
    const deleted: Partial<Record<LayerName, number>> = {};
    const restored: Partial<Record<LayerName, number>> = {};
    for (const layer of order) {
      let r: { deleted: number; restored: number };
      try {
        r = await undoBatchRows(tx, id, layer);
      } catch (err) {
        // e.g. a station the batch added now has beats: the foreign key names it.
        throw problemFromDbError(err, LAYERS[layer].table) ?? err;
      }
      deleted[layer] = r.deleted;
      restored[layer] = r.restored;
    }
    await markUndone(tx, id, actor);
    await auditImport(tx, { actor, batchId: id, action: 'delete', after: { undo: id, deleted, restored } });
    return { batchId: id, deleted, restored };
  });
}
