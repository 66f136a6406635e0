import gcoord from 'gcoord';
import type { Geometry, Position } from 'geojson';

/**
 * GCJ-02 (the offset of Amap/Tencent maps and many Chinese exports) to WGS84, by gcoord's iterative inverse.
 * Converted at the edge and never stored.
 */
export function gcj02ToWgs84(g: Geometry): Geometry {
  const pos = (p: Position): Position =>
    gcoord.transform([p[0] ?? 0, p[1] ?? 0], gcoord.GCJ02, gcoord.WGS84) as Position;
  switch (g.type) {
    case 'Point':
      return { ...g, coordinates: pos(g.coordinates) };
    case 'MultiPoint':
    case 'LineString':
      return { ...g, coordinates: g.coordinates.map(pos) };
    case 'MultiLineString':
    case 'Polygon':
      return { ...g, coordinates: g.coordinates.map((r) => r.map(pos)) };
    case 'MultiPolygon':
      return { ...g, coordinates: g.coordinates.map((p) => p.map((r) => r.map(pos))) };
    case 'GeometryCollection':
      return { ...g, geometries: g.geometries.map(gcj02ToWgs84) };
    default: {
      const never: never = g;
      throw new Error(`unknown geometry ${JSON.stringify(never)}`);
    }
  }
}
