import type { Geometry } from 'geojson';
import { describe, expect, it } from 'vitest';
import { LAYER_NAMES } from '../../contract/layers.js';
import { chooseColumns } from '../mapping.js';
import { parseWkt } from '../readers/wkt.js';
import { exportColumns } from './columns.js';
import { toWkt } from './table.js';

/** The export's own pieces that need no database: WKT both ways, and headers the import maps back by itself. */
describe('WKT written and read', () => {
  const shapes: Geometry[] = [
    { type: 'Point', coordinates: [118.78, 32.04] },
    {
      type: 'MultiPoint',
      coordinates: [
        [1, 2],
        [3, 4],
      ],
    },
    {
      type: 'LineString',
      coordinates: [
        [1, 2],
        [3, 4.5],
        [-5e-7, 6],
      ],
    },
    {
      type: 'MultiLineString',
      coordinates: [
        [
          [1, 2],
          [3, 4],
        ],
        [
          [5, 6],
          [7, 8],
        ],
      ],
    },
    {
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [4, 0],
          [4, 4],
          [0, 0],
        ],
        [
          [1, 1],
          [2, 1],
          [2, 2],
          [1, 1],
        ],
      ],
    },
    {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [0, 0],
            [1, 0],
            [1, 1],
            [0, 0],
          ],
        ],
        [
          [
            [5, 5],
            [6, 5],
            [6, 6],
            [5, 5],
          ],
        ],
      ],
    },
  ];
  for (const g of shapes)
    it(`when a ${g.type} is written as WKT and read back, then it is the same geometry`, () => {
      expect(parseWkt(toWkt(g))).toEqual(g);
    });

  it('when WKT is written by GDAL (Z values, no space before the bracket, lower case), then it is read in 2D', () => {
    expect(parseWkt('POINT Z (1 2 3)')).toEqual({ type: 'Point', coordinates: [1, 2] });
    expect(parseWkt('linestring(1 2,3 4)')).toEqual({
      type: 'LineString',
      coordinates: [
        [1, 2],
        [3, 4],
      ],
    });
    expect(parseWkt('MULTIPOINT (1 2, 3 4)')).toEqual({
      type: 'MultiPoint',
      coordinates: [
        [1, 2],
        [3, 4],
      ],
    });
  });

  it('when WKT is malformed or of a kind not read, then it is null (the row is refused for its geometry)', () => {
    for (const bad of [
      'POINT (1)',
      'POINT (1 2',
      'LINESTRING (1 2, x 4)',
      'CIRCLE (1 2)',
      'GEOMETRYCOLLECTION EMPTY',
      '',
    ])
      expect(parseWkt(bad), bad).toBeNull();
  });
});

describe('export headers', () => {
  for (const lang of ['zh', 'en'] as const)
    it(`when every layer's ${lang} headers are mapped by the import, then each lands on its own column`, () => {
      for (const layer of LAYER_NAMES) {
        const cols = exportColumns(layer, lang);
        const { choices } = chooseColumns(
          layer,
          cols.map((c) => c.header),
          {},
        );
        for (const c of cols)
          if (!['gb_division', 'gb_industry', 'gb_type', 'gb_network'].includes(c.name))
            expect(choices[c.name]?.source, `${layer}.${c.name} ← ${c.header}`).toBe(c.header);
        expect(new Set(cols.map((c) => c.header)).size, layer).toBe(cols.length);
      }
    });

  it('when cameras are written under Chinese headers, then status and type use the words a ledger writes', () => {
    const cols = exportColumns('cameras', 'zh');
    const status = cols.find((c) => c.name === 'status');
    expect(status?.header).toBe('状态');
    expect([...(status?.words ?? [])]).toEqual([
      ['working', '在线'],
      ['offline', '离线'],
      ['faulty', '故障'],
    ]);
    expect(cols.find((c) => c.name === 'networked')?.words?.get('false')).toBe('否');
    expect(cols.find((c) => c.name === 'heading_deg')?.words).toBeUndefined();
  });
});
