import type { Feature, Geometry } from 'geojson';
import type { LayerName } from '../contract/layers.js';
import { ValidationError } from '../errors.js';
import type { ImportFeature } from './types.js';

/** A FeatureCollection (or one Feature) as features of one layer; geometry and properties are checked later. */
export function readGeoJson(value: unknown, layer: LayerName): ImportFeature[] {
  const v = value as { type?: unknown; features?: unknown };
  const features = v?.type === 'FeatureCollection' && Array.isArray(v.features) ? (v.features as Feature[])
    : v?.type === 'Feature' ? [v as Feature] : undefined;
  if (!features) {
    throw new ValidationError('Not GeoJSON', [{ path: 'body', message: 'expected a FeatureCollection or a Feature' }]);
  }
  return features.map((f, i) => ({
    layer,
    geometry: (f?.geometry ?? null) as Geometry,
    properties: { ...(f?.properties ?? {}) },
    source: `feature ${i}`,
  }));
}

export function parseGeoJsonText(text: string, layer: LayerName): ImportFeature[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ValidationError('Not valid JSON', [{ path: 'body', message: (err as Error).message }]);
  }
  return readGeoJson(value, layer);
}
