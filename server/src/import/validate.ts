import type { z } from 'zod';
import { geometrySchemaFor } from '../contract/geometry.js';
import { formatPath } from '../contract/features.js';
import { LAYERS, propertiesSchema, type LayerName } from '../contract/layers.js';
import type { ImportFeature, ImportIssue } from './types.js';

const schemas = new Map<LayerName, { geometry: z.ZodType; properties: z.ZodType; columns: Set<string> }>();
function schemaOf(layer: LayerName) {
  let s = schemas.get(layer);
  if (!s) {
    const def = LAYERS[layer];
    s = {
      geometry: geometrySchemaFor(def.accepts),
      properties: propertiesSchema(def, 'create'),
      columns: new Set(def.columns.map((c) => c.name)),
    };
    schemas.set(layer, s);
  }
  return s;
}

/**
 * Checks one feature against the layer's contract — the same zod schemas the API uses — after dropping properties
 * no column takes (counted in `ignored`). Returns the clean feature or its issues.
 */
export function validateFeature(
  f: ImportFeature,
  ignored: Record<string, number>,
): { ok: true; feature: ImportFeature } | { ok: false; issues: ImportIssue[] } {
  const s = schemaOf(f.layer);
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f.properties)) {
    if (s.columns.has(k)) {
      if (v !== undefined && v !== '') props[k] = v;
    } else ignored[k] = (ignored[k] ?? 0) + 1;
  }
  const issues: ImportIssue[] = [];
  const g = s.geometry.safeParse(f.geometry);
  if (!g.success)
    for (const i of g.error.issues)
      issues.push({ source: f.source, layer: f.layer, path: formatPath('geometry', i.path), message: i.message });
  const p = s.properties.safeParse(props);
  if (!p.success)
    for (const i of p.error.issues)
      issues.push({ source: f.source, layer: f.layer, path: formatPath('properties', i.path), message: i.message });
  if (issues.length) return { ok: false, issues };
  return { ok: true, feature: { ...f, properties: p.data as Record<string, unknown> } };
}
