import loadHighs from 'highs';

/** One thing to cover: its weight and the candidates (by index) that cover it. */
export interface CoverElement {
  w: number;
  by: readonly number[];
}

/**
 * The exact optimum of weighted maximal covering (HiGHS MIP), the independent reference of the placement tests:
 * maximise Σ w·y subject to y_i ≤ Σ_{j covers i} x_j, x binary, and Σ x = k (`exactly`) or ≤ k.
 */
export async function maxCoveringOptimum(
  elements: readonly CoverElement[],
  candidates: number,
  k: number,
  cardinality: 'exactly' | 'at most',
): Promise<number> {
  const xs = Array.from({ length: candidates }, (_, j) => `x${j}`);
  const lp = [
    'Maximize',
    ` obj: ${elements.map((e, i) => `${e.w.toFixed(9)} y${i}`).join(' + ')}`,
    'Subject To',
    ` k: ${xs.join(' + ')} ${cardinality === 'exactly' ? '=' : '<='} ${k}`,
    ...elements.map((e, i) => ` c${i}: y${i} - ${e.by.map((j) => `x${j}`).join(' - ')} <= 0`),
    'Bounds',
    ...elements.map((_, i) => ` 0 <= y${i} <= 1`),
    'Binary',
    ` ${xs.join(' ')}`,
    'End',
  ].join('\n');
  const highs = await loadHighs();
  const res = highs.solve(lp, { output_flag: false, mip_rel_gap: 0 });
  if (res.Status !== 'Optimal') throw new Error(`HiGHS ended with ${res.Status}`);
  return res.ObjectiveValue;
}
