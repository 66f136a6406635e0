/** Screen pixels, [x, y]. */
export type Px = readonly [number, number];

export interface SnapHit {
  point: Px;
  kind: 'vertex' | 'edge';
  distancePx: number;
}

/**
 * Where a pointer should snap among nearby outlines (a neighbouring grid's boundary, a road), all in screen pixels:
 * a vertex within `radiusPx` wins (corners must meet exactly, so neighbouring grids share them), else the nearest
 * point on a line within `radiusPx`; undefined when nothing is that close. Written here rather than with terra-draw's
 * own snapping, which only snaps to features in its own store, not to the map's grids and roads.
 */
export function snapTarget(pointer: Px, lines: readonly (readonly Px[])[], radiusPx = 12): SnapHit | undefined {
  let vertex: SnapHit | undefined, edge: SnapHit | undefined;
  const [px, py] = pointer;
  for (const line of lines) {
    for (let i = 0; i < line.length; i++) {
      const [ax, ay] = line[i] as Px;
      const d = Math.hypot(ax - px, ay - py);
      if (d <= radiusPx && (!vertex || d < vertex.distancePx))
        vertex = { point: [ax, ay], kind: 'vertex', distancePx: d };
      if (i === 0) continue;
      const [bx, by] = line[i - 1] as Px;
      const dx = ax - bx,
        dy = ay - by,
        len2 = dx * dx + dy * dy;
      const u = len2 > 0 ? Math.min(1, Math.max(0, ((px - bx) * dx + (py - by) * dy) / len2)) : 0;
      const qx = bx + u * dx,
        qy = by + u * dy,
        e = Math.hypot(qx - px, qy - py);
      if (e <= radiusPx && (!edge || e < edge.distancePx)) edge = { point: [qx, qy], kind: 'edge', distancePx: e };
    }
  }
  return vertex ?? edge;
}
