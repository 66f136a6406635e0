type Ring = readonly (readonly [number, number])[];

/**
 * [minX, minY, maxX, maxY] of polygons' outer rings (holes lie inside them, so they never widen the box); an empty
 * input gives [∞, ∞, −∞, −∞]. The box every spatial index here is searched and filled with.
 */
export function outerBox(polygons: readonly (readonly Ring[])[]): [number, number, number, number] {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const poly of polygons) {
    for (const [x, y] of poly[0] ?? []) {
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}
