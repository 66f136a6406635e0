import { VectorTile } from '@mapbox/vector-tile';
import type { Polygon } from 'geojson';
import { PbfReader } from 'pbf';
import type { Queryable } from '../../src/db/client.js';
import { insertFeatures } from '../../src/db/bulk-insert.js';
import { LAYERS } from '../../src/contract/layers.js';

/**
 * A small, real-looking corner of Nanjing (玄武区, around 118.78 E 32.04 N) with one row or a few of every layer,
 * shaped so tiles show min zooms, clipping at tile edges and polygon holes.
 */

export const CENTER = { lon: 118.7825, lat: 32.04 } as const;

export const rect = (w: number, s: number, e: number, n: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ],
  ],
});

/** Inserts the fixture; returns the ids by role for assertions. */
export async function insertTilesFixture(tx: Queryable): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  const put = (role: string, list: number[]) =>
    list.forEach((id, i) => {
      ids[`${role}${i}`] = id;
    });
  for (const [code, level, name, parent, box] of [
    ['320100000000', 'region', '南京市', null, [118.7, 31.98, 118.9, 32.1]],
    ['320102000000', 'district', '玄武区', '320100000000', [118.76, 32.02, 118.82, 32.06]],
    ['320102001000', 'township', '梅园新村街道', '320102000000', [118.77, 32.03, 118.8, 32.05]],
    ['320102001001', 'community', '大行宫社区', '320102001000', [118.775, 32.035, 118.79, 32.045]],
  ] as const) {
    put(
      `admin_${level}`,
      await insertFeatures(tx, LAYERS['admin-areas'], [
        {
          geometry: rect(box[0], box[1], box[2], box[3]),
          properties: { code, level, name, parent_code: parent, district_code: '320102000000' },
        },
      ]),
    );
  }
  const gridBase = { community_code: '320102001001', district_code: '320102000000', population: 2400, households: 900 };
  put(
    'grid',
    await insertFeatures(tx, LAYERS.grids, [
      {
        geometry: rect(118.775, 32.035, 118.7825, 32.045),
        properties: { ...gridBase, code: '320102001001001', name: '大行宫一网格', kind: 'basic', dedicated_unit: null },
      },
      {
        geometry: rect(118.7825, 32.035, 118.79, 32.045),
        properties: {
          ...gridBase,
          code: '320102001001002',
          name: '南京一中专属网格',
          kind: 'dedicated',
          dedicated_unit: '南京市第一中学',
        },
      },
    ]),
  );
  put(
    'station',
    await insertFeatures(tx, LAYERS.stations, [
      {
        geometry: { type: 'Point', coordinates: [118.781, 32.041] },
        properties: { code: 'XW01', name: '新街口派出所', district_code: '320102000000' },
      },
    ]),
  );
  put(
    'beat',
    await insertFeatures(tx, LAYERS.beats, [
      {
        geometry: rect(118.775, 32.035, 118.79, 32.045),
        properties: {
          code: 'XW01-01',
          name: '大行宫警格',
          station_id: ids.station0,
          district_code: '320102000000',
          officers: 2,
        },
      },
    ]),
  );
  put(
    'road',
    await insertFeatures(tx, LAYERS.roads, [
      {
        geometry: {
          type: 'LineString',
          coordinates: [
            [118.765, 32.0405],
            [118.7825, 32.0402],
            [118.8, 32.0408],
          ],
        },
        properties: { road_class: 'primary', name: '中山东路', speed_kmh: 50, oneway: 0 },
      },
      {
        geometry: {
          type: 'LineString',
          coordinates: [
            [118.78, 32.037],
            [118.7805, 32.044],
          ],
        },
        properties: { road_class: 'residential', name: '大行宫巷', speed_kmh: 30, oneway: 1 },
      },
      {
        geometry: {
          type: 'LineString',
          coordinates: [
            [118.781, 32.0395],
            [118.783, 32.0396],
          ],
        },
        properties: { road_class: 'footway', name: null, speed_kmh: 5, oneway: 0 },
      },
    ]),
  );
  // A plain block and a courtyard block (a polygon with a hole), both well inside one z15 tile.
  put(
    'building',
    await insertFeatures(tx, LAYERS.buildings, [
      {
        geometry: rect(118.7812, 32.041, 118.7816, 32.0413),
        properties: { name: '总统府东楼', height_m: 24.5, levels: 6 },
      },
      {
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [118.7835, 32.0385],
              [118.7845, 32.0385],
              [118.7845, 32.0393],
              [118.7835, 32.0393],
              [118.7835, 32.0385],
            ],
            [
              [118.7838, 32.0387],
              [118.7838, 32.0391],
              [118.7842, 32.0391],
              [118.7842, 32.0387],
              [118.7838, 32.0387],
            ],
          ],
        },
        properties: { name: null, height_m: null, levels: 4 },
      },
    ]),
  );
  put(
    'camera',
    await insertFeatures(tx, LAYERS.cameras, [
      {
        geometry: { type: 'Point', coordinates: [118.7815, 32.0403] },
        properties: {
          code: 'CAM-0001',
          status: 'working',
          networked: true,
          camera_type: 'dome',
          heading_deg: 90,
          fov_deg: 360,
          range_m: 40,
        },
      },
      {
        geometry: { type: 'Point', coordinates: [118.7842, 32.0401] },
        properties: {
          code: 'CAM-0002',
          status: 'faulty',
          networked: false,
          camera_type: 'bullet',
          heading_deg: 270.5,
          fov_deg: 60,
          range_m: 80,
        },
      },
    ]),
  );
  put(
    'key_place',
    await insertFeatures(tx, LAYERS['key-places'], [
      { geometry: rect(118.776, 32.038, 118.7775, 32.0392), properties: { kind: 'school', name: '南京市第一中学' } },
      {
        geometry: { type: 'Point', coordinates: [118.779, 32.042] },
        properties: { kind: 'hospital', name: '东南大学附属中大医院' },
      },
    ]),
  );
  put(
    'post',
    await insertFeatures(tx, LAYERS.posts, [
      {
        geometry: { type: 'Point', coordinates: [118.7822, 32.0404] },
        properties: { name: '大行宫屯警点', station_id: ids.station0, staffed_hours: '07:00-23:00' },
      },
    ]),
  );
  put(
    'checkpoint',
    await insertFeatures(tx, LAYERS.checkpoints, [
      {
        geometry: { type: 'Point', coordinates: [118.7832, 32.0399] },
        properties: { name: '一中校门', beat_id: ids.beat0, dwell_minutes: 10 },
      },
    ]),
  );
  put(
    'incident',
    await insertFeatures(tx, LAYERS.incidents, [
      {
        geometry: { type: 'Point', coordinates: [118.7818, 32.0406] },
        properties: { occurred_at: '2026-03-01T07:30:00+08:00', category: '盗窃', severity: 2 },
      },
      {
        geometry: { type: 'Point', coordinates: [118.7839, 32.0398] },
        properties: { occurred_at: '2026-03-02T22:40:00+08:00', category: '纠纷', severity: 1 },
      },
    ]),
  );
  return ids;
}

export interface DecodedFeature {
  id: number | undefined;
  /** 1 point, 2 line, 3 polygon. */
  type: number;
  properties: Record<string, unknown>;
  /** Parts (or rings) as [x, y] tile units. */
  rings: [number, number][][];
}

/** Decodes an MVT into layer name → features, with @mapbox/vector-tile (the decoder MapLibre uses). */
export function decodeTile(bytes: Uint8Array): Record<string, DecodedFeature[]> {
  const tile = new VectorTile(new PbfReader(bytes));
  const out: Record<string, DecodedFeature[]> = {};
  for (const [name, layer] of Object.entries(tile.layers)) {
    const features: DecodedFeature[] = [];
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      features.push({
        id: f.id,
        type: f.type,
        properties: { ...f.properties },
        rings: f.loadGeometry().map((r) => r.map((p): [number, number] => [p.x, p.y])),
      });
    }
    out[name] = features;
  }
  return out;
}

/** The MVT spec's surveyor's-formula area of a ring in tile units: positive for an exterior ring. */
export function surveyorArea(ring: readonly [number, number][]): number {
  let sum = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i]!;
    const [x2, y2] = ring[(i + 1) % ring.length]!;
    sum += x1 * y2 - x2 * y1;
  }
  return sum / 2;
}

function pointSegmentDistance(p: [number, number], a: [number, number], b: [number, number]): number {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2));
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

/** Largest distance from a vertex of `a` to the nearest segment (or point) of `b`: one side of a Hausdorff distance. */
export function maxVertexDistance(
  a: readonly [number, number][][],
  b: readonly [number, number][][],
  closed: boolean,
): number {
  let worst = 0;
  for (const part of a) {
    for (const p of part) {
      let best = Infinity;
      for (const q of b) {
        if (q.length === 1) best = Math.min(best, Math.hypot(p[0] - q[0]![0], p[1] - q[0]![1]));
        const n = closed ? q.length : q.length - 1;
        for (let i = 0; i < n; i++) best = Math.min(best, pointSegmentDistance(p, q[i]!, q[(i + 1) % q.length]!));
      }
      worst = Math.max(worst, best);
    }
  }
  return worst;
}
