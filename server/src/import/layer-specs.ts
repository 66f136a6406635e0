import { LAYER_NAMES, LAYERS, type GeometryKind, type LayerName, type SqlType } from '../contract/layers.js';
import { DEFAULT_SPEED_KMH } from './osm.reader.js';

/**
 * What each layer takes from a file, declared once: the columns (required, optional with their default,
 * enumerations, units), the names other files give them (Chinese and English), and the natural key a re-import
 * matches rows on. `GET /api/v1/import/layers`, `npm run import -- --help LAYER` and `--inspect` show it; the
 * mapping (mapping.ts) and the write (import.service.ts) follow it.
 */
export type FieldType = 'text' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'enum';

export interface FieldSpec {
  name: string;
  type: FieldType;
  required: boolean;
  /** The value a row without this column gets; `derived` says where it comes from instead (e.g. the admin area). */
  default?: string | number | boolean | null;
  derived?: string;
  enum?: readonly string[];
  unit?: string;
  /** Header names that map to it automatically (compared case-, space- and punctuation-insensitively). */
  synonyms: readonly string[];
  /** Date + time in two columns: the names of each part. */
  parts?: { date: readonly string[]; time: readonly string[] };
  /** Values other files write, mapped to ours (e.g. 在线 → working). */
  values?: Readonly<Record<string, string | number | boolean>>;
  /** An import-only column resolved at write time (e.g. `station_code` → `station_id`). */
  importOnly?: boolean;
  note?: string;
}

export interface LayerSpec {
  layer: LayerName;
  label: { zh: string; en: string };
  geometry: readonly GeometryKind[];
  /** Columns whose value identifies a row across imports, in order of preference; else a fingerprint of the row. */
  naturalKey: readonly string[];
  fields: FieldSpec[];
}

const typeOf = (sql: SqlType, hasEnum: boolean): FieldType =>
  hasEnum
    ? 'enum'
    : sql === 'timestamptz'
      ? 'datetime'
      : sql === 'date'
        ? 'date'
        : sql === 'boolean'
          ? 'boolean'
          : sql === 'double precision'
            ? 'number'
            : sql === 'text'
              ? 'text'
              : 'integer';

const YES_NO = { 是: true, 否: false, 有: true, 无: false, 联网: true, 未联网: false, y: true, n: false };
const DIRECTIONS = {
  北: 0,
  东北: 45,
  东: 90,
  东南: 135,
  南: 180,
  西南: 225,
  西: 270,
  西北: 315,
  n: 0,
  ne: 45,
  e: 90,
  se: 135,
  s: 180,
  sw: 225,
  w: 270,
  nw: 315,
};

const CODE = ['code', '编码', '编号', '代码'];
const NAME = ['name', '名称', '名字', 'label'];
const DISTRICT = ['district_code', '区县编码', '行政区划代码', '区划代码'];

/** Per layer: synonyms, defaults, value maps and import-only columns on top of the contract's columns. */
const EXTRA: Record<
  LayerName,
  { label: LayerSpec['label']; key: string[]; fields: Record<string, Partial<FieldSpec>> }
> = {
  'admin-areas': {
    label: { zh: '行政区划', en: 'Admin areas' },
    key: ['code'],
    fields: {
      code: { synonyms: [...CODE, '区划代码', 'adcode'] },
      level: {
        synonyms: ['level', '级别', '层级'],
        values: {
          市: 'region',
          市域: 'region',
          区: 'district',
          县: 'district',
          区县: 'district',
          街道: 'township',
          乡镇: 'township',
          镇: 'township',
          乡: 'township',
          社区: 'community',
          村: 'community',
        },
      },
      name: { synonyms: NAME },
      parent_code: {
        synonyms: ['parent_code', '上级编码', '上级代码', 'parent'],
        note: 'optional: areas import without a parent above them',
      },
      district_code: { synonyms: DISTRICT },
    },
  },
  grids: {
    label: { zh: '网格', en: 'Grids' },
    key: ['code'],
    fields: {
      code: { synonyms: [...CODE, '网格编码', '网格编号'] },
      name: { synonyms: [...NAME, '网格名称'] },
      kind: {
        synonyms: ['kind', '类型', '网格类型'],
        default: 'basic',
        values: { 综合网格: 'basic', 专属网格: 'dedicated', 综合: 'basic', 专属: 'dedicated' },
      },
      dedicated_unit: { synonyms: ['dedicated_unit', '专属单位'] },
      community_code: { synonyms: ['community_code', '社区编码', '村居编码'] },
      district_code: { synonyms: DISTRICT },
      population: { synonyms: ['population', '人口', '人口数'], unit: 'persons' },
      households: { synonyms: ['households', '户数'], unit: 'households' },
      worker_name: { synonyms: ['worker_name', '网格员', '网格员姓名'] },
      worker_phone: { synonyms: ['worker_phone', '网格员电话', '联系电话', '电话'] },
    },
  },
  stations: {
    label: { zh: '派出所', en: 'Police stations' },
    key: ['code'],
    fields: {
      code: { synonyms: [...CODE, '派出所编码', '单位代码'] },
      name: { synonyms: [...NAME, '派出所', '单位名称'] },
      district_code: { synonyms: DISTRICT, derived: 'the containing admin area, else the region' },
      phone: { synonyms: ['phone', '电话', '联系电话'] },
    },
  },
  beats: {
    label: { zh: '警格', en: 'Beats' },
    key: ['code'],
    fields: {
      code: { synonyms: [...CODE, '警格编码', '警务区编码', 'beat_num', 'beat_no', 'beat'] },
      name: { synonyms: [...NAME, '警格名称', '警务区'], derived: 'the code when the file has no name' },
      station_id: {
        synonyms: ['station_id'],
        default: null,
        note: 'optional: beats import without a station (assigned later)',
      },
      district_code: { synonyms: DISTRICT, derived: 'the containing admin area (district), else the region' },
      officers: { synonyms: ['officers', '民警', '民警数'], unit: 'persons' },
      auxiliaries: { synonyms: ['auxiliaries', '辅警', '辅警数'], unit: 'persons' },
    },
  },
  cameras: {
    label: { zh: '视频监控', en: 'Cameras' },
    key: ['gb_code', 'code', 'osm_id'],
    fields: {
      code: { synonyms: [...CODE, '点位编号', '设备编号'] },
      name: { synonyms: [...NAME, '点位名称', '设备名称', '安装位置'] },
      heading_deg: {
        synonyms: ['heading_deg', 'heading', 'direction', '安装方向', '方向', '朝向'],
        unit: '° from north',
        default: 0,
        values: DIRECTIONS,
      },
      fov_deg: { synonyms: ['fov_deg', 'fov', '视场角', '视角'], unit: '°', default: 60 },
      range_m: { synonyms: ['range_m', 'range', '监控距离', '可视距离'], unit: 'm', default: 50 },
      height_m: { synonyms: ['height_m', 'height', '安装高度', '高度'], unit: 'm', default: 6 },
      camera_type: {
        synonyms: ['camera_type', '摄像机类型', '设备类型', '类型'],
        default: 'bullet',
        values: { 枪机: 'bullet', 枪型: 'bullet', 球机: 'ptz', 云台: 'ptz', 半球: 'dome', 半球机: 'dome' },
      },
      status: {
        synonyms: ['status', '状态', '设备状态', '运行状态'],
        default: 'working',
        values: { 在线: 'working', 正常: 'working', 离线: 'offline', 故障: 'faulty', 损坏: 'faulty' },
      },
      networked: { synonyms: ['networked', '是否联网', '联网'], default: true, values: YES_NO },
      installed_on: { synonyms: ['installed_on', '安装日期', '建设日期', '安装时间'] },
      owner: { synonyms: ['owner', '建设单位', '权属单位', '管理单位'] },
      osm_id: { synonyms: ['osm_id'] },
      district_code: { synonyms: DISTRICT, derived: 'digits 1–6 of gb_code when given' },
      gb_code: {
        synonyms: ['gb_code', '设备编码', '国标编码', '国标编号', 'gbcode', 'gb28181'],
        note: 'GB/T 28181 20-digit code: validated, decoded into gb_division/industry/type/network',
      },
      gb_division: { synonyms: [], derived: 'from gb_code' },
      gb_industry: { synonyms: [], derived: 'from gb_code' },
      gb_type: { synonyms: [], derived: 'from gb_code' },
      gb_network: { synonyms: [], derived: 'from gb_code' },
      point_class: {
        synonyms: ['point_class', '点位类型', '点位类别', '点位分类'],
        values: { 一类点: 1, 二类点: 2, 三类点: 3, 一类: 1, 二类: 2, 三类: 3 },
      },
      resolution: {
        synonyms: ['resolution', '分辨率', '像素', '图像分辨率', '最大分辨率'],
        note: "as written: 1920×1080, 2560*1440, 400万, 4MP, 1080P; empty = the camera type's default",
      },
      lens_fov_deg: { synonyms: ['lens_fov_deg', 'hfov', '水平视场角', '镜头视场角'], unit: '°' },
      focal_length_mm: { synonyms: ['focal_length_mm', 'focal_length', '焦距', '镜头焦距'], unit: 'mm' },
      sensor_width_mm: { synonyms: ['sensor_width_mm', 'sensor_width', '靶面宽度', '传感器宽度'], unit: 'mm' },
      tilt_deg: { synonyms: ['tilt_deg', 'tilt', '俯角', '俯仰角', '倾角'], unit: '° below the horizon', default: 15 },
      position_type: {
        synonyms: ['position_type', 'positiontype', '位置类型', '点位位置类型', '监控点位类型', '场所类型'],
        note: 'GB/T 28181 PositionType: 党政机关, 车站码头, 中心广场, 体育场馆, 商业中心, 宗教场所, 校园周边, 治安复杂区域, 交通干线, 医院周边, 金融机构周边 …',
      },
    },
  },
  'key-places': {
    label: { zh: '重点场所', en: 'Key places' },
    key: ['osm_id'],
    fields: {
      kind: {
        synonyms: ['kind', '类型', '场所类型', '类别'],
        default: 'other',
        values: {
          学校: 'school',
          幼儿园: 'kindergarten',
          医院: 'hospital',
          市场: 'market',
          商场: 'market',
          交通枢纽: 'transit_hub',
          车站: 'transit_hub',
          政府: 'government',
          银行: 'bank',
          其他: 'other',
        },
      },
      name: { synonyms: [...NAME, '场所名称'] },
      osm_id: { synonyms: ['osm_id'] },
      district_code: { synonyms: DISTRICT },
    },
  },
  posts: {
    label: { zh: '屯警点', en: 'Posts' },
    key: [],
    fields: {
      name: { synonyms: NAME },
      station_id: { synonyms: ['station_id'] },
      staffed_hours: { synonyms: ['staffed_hours', '值守时间', '勤务时间'] },
      district_code: { synonyms: DISTRICT },
    },
  },
  checkpoints: {
    label: { zh: '必巡点', en: 'Checkpoints' },
    key: [],
    fields: {
      name: { synonyms: NAME },
      beat_id: { synonyms: ['beat_id'] },
      dwell_minutes: { synonyms: ['dwell_minutes', '停留时间', '驻留时间'], unit: 'min' },
      district_code: { synonyms: DISTRICT },
    },
  },
  incidents: {
    label: { zh: '警情', en: 'Incidents' },
    key: [],
    fields: {
      occurred_at: {
        synonyms: [
          'occurred_at',
          'datetime',
          'date_time',
          'occurred',
          '发生时间',
          '报警时间',
          '案发时间',
          '接警时间',
          'date',
        ],
        parts: {
          date: ['date', '日期', '发生日期', '报警日期', 'occurred_date'],
          time: ['time', '时间', '发生时刻', 'occurred_time'],
        },
        note: 'read in --tz (default GRIDPATROL_TZ); Date + Time columns are combined; 12/31/2013 and 2024年1月2日 8时 forms',
      },
      category: { synonyms: ['category', 'primary_type', 'type', '类别', '警情类别', '案件类别', '类型'] },
      severity: { synonyms: ['severity', '等级', '级别'], unit: '1–4' },
      source: { synonyms: ['source', '来源', '警情来源'] },
      external_id: {
        synonyms: ['external_id', 'id', 'case_number', '警情编号', '案件编号', '编号'],
        note: 'kept, not a key: real files repeat it',
      },
      district_code: { synonyms: DISTRICT },
    },
  },
  roads: {
    label: { zh: '道路', en: 'Roads' },
    key: ['osm_id'],
    fields: {
      osm_id: { synonyms: ['osm_id'] },
      name: { synonyms: [...NAME, 'fullname', '道路名称', '路名'] },
      road_class: {
        synonyms: ['road_class', 'highway', 'class', 'fclass', '道路等级', '等级'],
        default: 'unclassified',
        values: {
          高速: 'motorway',
          快速路: 'trunk',
          主干路: 'primary',
          次干路: 'secondary',
          支路: 'tertiary',
          小区路: 'residential',
        },
      },
      oneway: {
        synonyms: ['oneway', '单行', '是否单行'],
        default: 0,
        values: { 是: 1, 否: 0, yes: 1, no: 0, '-1': -1 },
      },
      speed_kmh: {
        synonyms: ['speed_kmh', 'speed', 'maxspeed', '限速', '设计速度'],
        unit: 'km/h',
        derived: `the class's speed (${Object.entries(DEFAULT_SPEED_KMH)
          .slice(0, 6)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}, …; else 30)`,
      },
      district_code: { synonyms: DISTRICT },
    },
  },
  buildings: {
    label: { zh: '建筑', en: 'Buildings' },
    key: ['osm_id'],
    fields: {
      osm_id: { synonyms: ['osm_id'] },
      name: { synonyms: NAME },
      height_m: { synonyms: ['height_m', 'height', '高度'], unit: 'm' },
      levels: { synonyms: ['levels', 'building_levels', 'building:levels', '层数'] },
      district_code: { synonyms: DISTRICT },
    },
  },
};

/** Import-only columns: resolved at write time into a contract column. */
const IMPORT_ONLY: Partial<Record<LayerName, FieldSpec[]>> = {
  beats: [
    {
      name: 'station_code',
      type: 'text',
      required: false,
      synonyms: ['station_code', '派出所编码', '所属派出所编码', '所属派出所'],
      importOnly: true,
      note: 'the code of a loaded station; sets station_id',
    },
  ],
};

function enumOf(schema: unknown): readonly string[] | undefined {
  const s = schema as { options?: unknown; def?: { innerType?: unknown; entries?: Record<string, string> } };
  const entries = s?.def?.entries;
  if (entries && typeof entries === 'object') return Object.values(entries);
  const inner = s?.def?.innerType;
  return inner ? enumOf(inner) : undefined;
}

function build(layer: LayerName): LayerSpec {
  const def = LAYERS[layer];
  const extra = EXTRA[layer];
  const fields: FieldSpec[] = def.columns.map((c) => {
    const e = extra.fields[c.name] ?? {};
    const en = enumOf(c.schema);
    const required = c.required && e.default === undefined && e.derived === undefined;
    return {
      name: c.name,
      type: typeOf(c.sqlType, en !== undefined),
      required,
      ...(en ? { enum: en } : {}),
      ...e,
      synonyms: e.synonyms ?? [c.name],
    };
  });
  return {
    layer,
    label: extra.label,
    geometry: def.accepts,
    naturalKey: extra.key,
    fields: [...fields, ...(IMPORT_ONLY[layer] ?? [])],
  };
}

export const LAYER_SPECS: Record<LayerName, LayerSpec> = Object.fromEntries(
  LAYER_NAMES.map((l) => [l, build(l)]),
) as Record<LayerName, LayerSpec>;

/** The spec as a text table for `--help LAYER`. */
export function specTable(spec: LayerSpec): string {
  const lines = [`${spec.layer} (${spec.label.zh} / ${spec.label.en}): geometry ${spec.geometry.join(' | ')}`];
  lines.push(`  natural key: ${spec.naturalKey.join(', ') || '(none: a fingerprint of the whole source row)'}`);
  for (const f of spec.fields) {
    const what = f.required
      ? 'required'
      : f.derived
        ? `derived: ${f.derived}`
        : f.default !== undefined
          ? `default ${JSON.stringify(f.default)}`
          : 'optional';
    const extras = [f.enum ? `one of ${f.enum.join('|')}` : '', f.unit ? `unit ${f.unit}` : '', f.note ?? '']
      .filter(Boolean)
      .join('; ');
    lines.push(
      `  ${f.name.padEnd(15)} ${f.type.padEnd(8)} ${what}${extras ? `; ${extras}` : ''}${f.synonyms.length ? `  ← ${f.synonyms.join(', ')}` : ''}`,
    );
  }
  return lines.join('\n');
}
