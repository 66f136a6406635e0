import { z } from 'zod';

/**
 * The feature layers the API, the tiles, the importers and the demo city share: one place that says which table
 * holds a layer, which geometry it takes, and which columns a client may write (with their zod schema and SQL type).
 * API property names are the column names.
 */
export const LAYER_NAMES = [
  'admin-areas',
  'grids',
  'stations',
  'beats',
  'cameras',
  'key-places',
  'posts',
  'checkpoints',
  'incidents',
  'roads',
  'buildings',
] as const;
export type LayerName = (typeof LAYER_NAMES)[number];

export type GeometryKind = 'Point' | 'LineString' | 'Polygon' | 'MultiPolygon';
export type SqlType =
  | 'text'
  | 'integer'
  | 'smallint'
  | 'bigint'
  | 'double precision'
  | 'boolean'
  | 'date'
  | 'timestamptz';

export interface ColumnDef {
  name: string;
  sqlType: SqlType;
  schema: z.ZodType;
  /** Required on create (no database default). */
  required: boolean;
}

export interface LayerDef {
  name: LayerName;
  table: string;
  /** Geometry types a client may send. */
  accepts: readonly GeometryKind[];
  /** How the column stores them: MultiPolygon columns take Polygons through ST_Multi. */
  stores: 'Point' | 'LineString' | 'MultiPolygon' | 'Geometry';
  columns: readonly ColumnDef[];
  /** Point layers whose rows carry h3_r7 … h3_r10. */
  h3: boolean;
  /** A human label column for search and tiles. */
  labelColumn: string;
  /** Column codes are unique on, when the layer has one. */
  codeColumn?: string;
}

const code12 = z.string().regex(/^[0-9]{12}$/, 'a 12-digit division code');
const name = z.string().trim().min(1).max(200);
const optText = z.string().max(200).nullable();
const osmId = z.number().int().safe().nullable();
const col = (n: string, sqlType: SqlType, schema: z.ZodType, required = false): ColumnDef => ({
  name: n,
  sqlType,
  schema,
  required,
});

const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'HH:MM');
const districtCol = col('district_code', 'text', code12.nullable());
const stationCode = z.string().regex(/^[0-9A-Za-z_-]{1,40}$/, 'letters, digits, _ or -');

export const LAYERS: Record<LayerName, LayerDef> = {
  'admin-areas': {
    name: 'admin-areas',
    table: 'admin_area',
    accepts: ['Polygon', 'MultiPolygon'],
    stores: 'MultiPolygon',
    h3: false,
    labelColumn: 'name',
    codeColumn: 'code',
    columns: [
      col('code', 'text', code12, true),
      col('level', 'text', z.enum(['region', 'district', 'township', 'community']), true),
      col('name', 'text', name, true),
      col('parent_code', 'text', code12.nullable()),
      districtCol,
    ],
  },
  grids: {
    name: 'grids',
    table: 'grid',
    accepts: ['Polygon', 'MultiPolygon'],
    stores: 'MultiPolygon',
    h3: false,
    labelColumn: 'name',
    codeColumn: 'code',
    columns: [
      col('code', 'text', z.string().regex(/^[0-9]{15}$/, 'community code + 3-digit sequence'), true),
      col('name', 'text', name, true),
      col('kind', 'text', z.enum(['basic', 'dedicated'])),
      col('dedicated_unit', 'text', optText),
      col('community_code', 'text', code12, true),
      col('district_code', 'text', code12, true),
      col('population', 'integer', z.number().int().min(0).max(10_000_000)),
      col('households', 'integer', z.number().int().min(0).max(10_000_000)),
      col('worker_name', 'text', z.string().max(100).nullable()),
      col(
        'worker_phone',
        'text',
        z
          .string()
          .regex(/^[0-9+\- ]{3,20}$/, 'a phone number')
          .nullable(),
      ),
    ],
  },
  stations: {
    name: 'stations',
    table: 'station',
    accepts: ['Point'],
    stores: 'Point',
    h3: false,
    labelColumn: 'name',
    codeColumn: 'code',
    columns: [
      col('code', 'text', stationCode, true),
      col('name', 'text', name, true),
      col('district_code', 'text', code12, true),
      col('phone', 'text', z.string().max(40).nullable()),
    ],
  },
  beats: {
    name: 'beats',
    table: 'beat',
    accepts: ['Polygon', 'MultiPolygon'],
    stores: 'MultiPolygon',
    h3: false,
    labelColumn: 'name',
    codeColumn: 'code',
    columns: [
      col('code', 'text', stationCode, true),
      col('name', 'text', name, true),
      // Beats import without a station (assigned later, issue #15).
      col('station_id', 'bigint', z.number().int().positive().nullable()),
      col('district_code', 'text', code12, true),
      col('officers', 'integer', z.number().int().min(0).max(1000)),
      col('auxiliaries', 'integer', z.number().int().min(0).max(1000)),
    ],
  },
  cameras: {
    name: 'cameras',
    table: 'camera',
    accepts: ['Point'],
    stores: 'Point',
    h3: true,
    labelColumn: 'name',
    codeColumn: 'code',
    columns: [
      col('code', 'text', stationCode.nullable()),
      col('name', 'text', optText),
      col('heading_deg', 'double precision', z.number().min(0).lt(360)),
      col('fov_deg', 'double precision', z.number().gt(0).max(360)),
      col('range_m', 'double precision', z.number().gt(0).max(2000)),
      col('height_m', 'double precision', z.number().min(0).max(300)),
      col('camera_type', 'text', z.enum(['bullet', 'dome', 'ptz'])),
      col('status', 'text', z.enum(['working', 'faulty', 'offline'])),
      col('networked', 'boolean', z.boolean()),
      col('installed_on', 'date', z.iso.date().nullable()),
      col('owner', 'text', optText),
      col('osm_id', 'bigint', osmId),
      districtCol,
      // GB/T 28181 device code and its decoded fields (import/gb28181.ts fills them from gb_code).
      col(
        'gb_code',
        'text',
        z
          .string()
          .regex(/^[0-9]{20}$/, 'a 20-digit GB/T 28181 code')
          .nullable(),
      ),
      col(
        'gb_division',
        'text',
        z
          .string()
          .regex(/^[0-9]{6}$/)
          .nullable(),
      ),
      col(
        'gb_industry',
        'text',
        z
          .string()
          .regex(/^[0-9]{2}$/)
          .nullable(),
      ),
      col(
        'gb_type',
        'text',
        z
          .string()
          .regex(/^[0-9]{3}$/)
          .nullable(),
      ),
      col(
        'gb_network',
        'text',
        z
          .string()
          .regex(/^[0-9]$/)
          .nullable(),
      ),
      col('point_class', 'smallint', z.number().int().min(1).max(3).nullable()),
      // Image quality (issue #20): the ledger's 分辨率 as written, the lens, the tilt; GB/T 28181 PositionType.
      col('resolution', 'text', z.string().min(1).max(40).nullable()),
      col('lens_fov_deg', 'double precision', z.number().gt(0).lt(180).nullable()),
      col('focal_length_mm', 'double precision', z.number().gt(0).max(2000).nullable()),
      col('sensor_width_mm', 'double precision', z.number().gt(0).max(100).nullable()),
      col('tilt_deg', 'double precision', z.number().min(0).max(90)),
      col('position_type', 'text', z.string().min(1).max(40).nullable()),
    ],
  },
  'key-places': {
    name: 'key-places',
    table: 'key_place',
    accepts: ['Point', 'Polygon', 'MultiPolygon'],
    stores: 'Geometry',
    h3: false,
    labelColumn: 'name',
    columns: [
      col(
        'kind',
        'text',
        z.enum(['school', 'kindergarten', 'hospital', 'market', 'transit_hub', 'government', 'bank', 'other']),
        true,
      ),
      col('name', 'text', name, true),
      col('osm_id', 'bigint', osmId),
      districtCol,
      // 快反圈: the 1-3-5 tier the place must be reached in; null = the default for its kind.
      col('reach_tier_minutes', 'smallint', z.union([z.literal(1), z.literal(3), z.literal(5)]).nullable()),
      // Schools' entry and exit bells (local HH:MM); null = 07:30 and 16:30.
      col('entry_time', 'text', hhmm.nullable()),
      col('exit_time', 'text', hhmm.nullable()),
      // Issue #20: the DORI band it must be seen at (null = by kind) and its networked one-key alarm.
      col('required_band', 'text', z.enum(['identify', 'recognise', 'observe', 'detect']).nullable()),
      col('one_key_alarm', 'boolean', z.boolean()),
    ],
  },
  posts: {
    name: 'posts',
    table: 'post',
    accepts: ['Point'],
    stores: 'Point',
    h3: false,
    labelColumn: 'name',
    columns: [
      col('name', 'text', name, true),
      col('station_id', 'bigint', z.number().int().positive().nullable()),
      col(
        'staffed_hours',
        'text',
        z.string().regex(/^(([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]|00:00-24:00)$/, 'HH:MM-HH:MM'),
      ),
      districtCol,
    ],
  },
  checkpoints: {
    name: 'checkpoints',
    table: 'checkpoint',
    accepts: ['Point'],
    stores: 'Point',
    h3: false,
    labelColumn: 'name',
    columns: [
      col('name', 'text', name, true),
      col('beat_id', 'bigint', z.number().int().positive().nullable()),
      col('dwell_minutes', 'integer', z.number().int().min(0).max(480)),
      districtCol,
    ],
  },
  incidents: {
    name: 'incidents',
    table: 'incident',
    accepts: ['Point'],
    stores: 'Point',
    h3: true,
    labelColumn: 'category',
    columns: [
      col('occurred_at', 'timestamptz', z.iso.datetime({ offset: true }), true),
      col('category', 'text', z.string().trim().min(1).max(100), true),
      col('severity', 'smallint', z.number().int().min(1).max(4)),
      col('source', 'text', z.string().trim().min(1).max(100)),
      col('external_id', 'text', z.string().max(100).nullable()),
      districtCol,
    ],
  },
  roads: {
    name: 'roads',
    table: 'road',
    accepts: ['LineString'],
    stores: 'LineString',
    h3: false,
    labelColumn: 'name',
    columns: [
      col('osm_id', 'bigint', osmId),
      col('name', 'text', optText),
      col('road_class', 'text', z.string().regex(/^[a-z_]{1,40}$/, 'an OSM highway class'), true),
      col('oneway', 'smallint', z.union([z.literal(-1), z.literal(0), z.literal(1)])),
      col('speed_kmh', 'double precision', z.number().gt(0).max(150), true),
      districtCol,
    ],
  },
  buildings: {
    name: 'buildings',
    table: 'building',
    accepts: ['Polygon', 'MultiPolygon'],
    stores: 'MultiPolygon',
    h3: false,
    labelColumn: 'name',
    columns: [
      col('osm_id', 'bigint', osmId),
      col('name', 'text', optText),
      col('height_m', 'double precision', z.number().gt(0).max(1000).nullable()),
      col('levels', 'integer', z.number().int().positive().max(300).nullable()),
      districtCol,
    ],
  },
};

export function isLayerName(s: string): s is LayerName {
  return (LAYER_NAMES as readonly string[]).includes(s);
}

/** Zod schema of a layer's writable properties: `partial` for updates, required columns enforced on create. */
export function propertiesSchema(layer: LayerDef, mode: 'create' | 'update'): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const c of layer.columns) shape[c.name] = mode === 'create' && c.required ? c.schema : c.schema.optional();
  return z.strictObject(shape);
}
