/**
 * The fixed scale of coverage and reach rates (share 0–1), ColorBrewer RdYlGn in 5 classes. The 雪亮工程 targets are
 * 100 % (key-area coverage, networking) and 98 % (working), so the top class starts at 90 % and anything below half is red.
 */
export const RATE_BREAKS = [0, 0.3, 0.5, 0.7, 0.9] as const;
export const RATE_COLOURS = ['#d7191c', '#fdae61', '#ffffbf', '#a6d96a', '#1a9641'] as const;

export function rateColour(rate: number): string {
  let k = 0;
  for (let i = 0; i < RATE_BREAKS.length; i++) if (rate >= (RATE_BREAKS[i] ?? Infinity)) k = i;
  return RATE_COLOURS[k] ?? RATE_COLOURS[0];
}

/** A MapLibre expression colouring by the feature-state `rate` on the same classes. */
export function rateFillColour(): unknown[] {
  return [
    'step',
    ['coalesce', ['feature-state', 'rate'], 0],
    RATE_COLOURS[0],
    ...RATE_BREAKS.slice(1).flatMap((b, i) => [b, RATE_COLOURS[i + 1]]),
  ];
}

/** A share as a percentage; no value (no places, no cameras) as a dash. */
export const pct = (x: number | null, digits = 1): string => (x === null ? '—' : `${(x * 100).toFixed(digits)}%`);
