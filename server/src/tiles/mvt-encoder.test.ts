import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import { describe, expect, it } from 'vitest';
import { encodeMvt, type TileLayer } from './mvt-encoder.js';
import { etagMatches, tileEtag } from './tile-etag.js';

const decode = (b: Uint8Array) => new VectorTile(new PbfReader(b));

describe('encodeMvt', () => {
  it('when no layer has a drawable feature, then the tile is zero bytes', () => {
    expect(encodeMvt([]).byteLength).toBe(0);
    expect(
      encodeMvt([
        {
          name: 'a',
          features: [
            { id: 1, properties: {}, geometry: { type: 'GeometryCollection', geometries: [] } },
            { id: 2, properties: {}, geometry: { type: 'MultiPolygon', coordinates: [] } },
          ],
        },
      ]).byteLength,
    ).toBe(0);
  });

  it('when features carry ids, typed values and nulls, then ids and values round-trip and nulls are left out', () => {
    const layers: TileLayer[] = [
      {
        name: 'cameras',
        features: [
          {
            id: 7,
            properties: { code: 'CAM-1', networked: false, heading_deg: 270.5, range_m: 40, name: null },
            geometry: { type: 'Point', coordinates: [100, 200] },
          },
        ],
      },
    ];
    const before = JSON.stringify(layers);
    const tile = decode(encodeMvt(layers));
    const f = tile.layers.cameras!.feature(0);
    expect(tile.layers.cameras!.extent).toBe(4096);
    expect(f.id).toBe(7);
    expect(f.type).toBe(1);
    expect(f.properties).toEqual({ code: 'CAM-1', networked: false, heading_deg: 270.5, range_m: 40 });
    expect(f.loadGeometry().map((r) => r.map((p) => [p.x, p.y]))).toEqual([[[100, 200]]]);
    expect(JSON.stringify(layers)).toBe(before);
  });

  it('when a multipolygon is encoded, then its rings keep their order and orientation, closing points dropped', () => {
    const outer = [
      [0, 0],
      [0, 10],
      [10, 10],
      [10, 0],
      [0, 0],
    ];
    const hole = [
      [2, 2],
      [8, 2],
      [8, 8],
      [2, 8],
      [2, 2],
    ];
    const second = [
      [20, 20],
      [20, 30],
      [30, 30],
      [30, 20],
      [20, 20],
    ];
    const tile = decode(
      encodeMvt([
        {
          name: 'b',
          features: [
            { id: 1, properties: {}, geometry: { type: 'MultiPolygon', coordinates: [[outer, hole], [second]] } },
          ],
        },
      ]),
    );
    const f = tile.layers.b!.feature(0);
    expect(f.type).toBe(3);
    const rings = f.loadGeometry().map((r) => r.map((p) => [p.x, p.y]));
    expect(rings).toEqual([outer, hole, second]);
    expect(f.toGeoJSON(0, 0, 0).geometry.type).toBe('MultiPolygon');
  });

  it('when a multilinestring has a one-point part, then only drawable parts are written', () => {
    const tile = decode(
      encodeMvt([
        {
          name: 'roads',
          features: [
            {
              id: 3,
              properties: { road_class: 'primary' },
              geometry: {
                type: 'MultiLineString',
                coordinates: [
                  [
                    [0, 0],
                    [5, 5],
                  ],
                  [[9, 9]],
                ],
              },
            },
          ],
        },
      ]),
    );
    expect(tile.layers.roads!.feature(0).loadGeometry()).toHaveLength(1);
  });
});

describe('tile ETag', () => {
  it('when the bytes are the same, then the tag is the same, and If-None-Match lists, W/ and * match it', () => {
    const tag = tileEtag(new Uint8Array([1, 2, 3]));
    expect(tileEtag(new Uint8Array([1, 2, 3]))).toBe(tag);
    expect(tileEtag(new Uint8Array([1, 2, 4]))).not.toBe(tag);
    expect(etagMatches(`"a", W/${tag}`, tag)).toBe(true);
    expect(etagMatches('*', tag)).toBe(true);
    expect(etagMatches('"a"', tag)).toBe(false);
    expect(etagMatches(undefined, tag)).toBe(false);
  });
});
