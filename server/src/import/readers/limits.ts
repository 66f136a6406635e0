import { AppError, UnprocessableError } from '../../errors.js';
import type { ReadLimits } from './source.js';

/**
 * Defaults a real city's files pass with room to spare: Nanjing's OSM buildings top out near 3,000 vertices per
 * feature and Chicago's beats near 9,000; the largest city extract we import holds a few million vertices in all.
 */
export const DEFAULT_LIMITS: ReadLimits = {
  maxEntryBytes: 512 * 1024 * 1024,
  maxTotalBytes: 1024 * 1024 * 1024,
  maxRatio: 200,
  maxFeatureVertices: 500_000,
  maxFileVertices: 20_000_000,
  maxColumns: 1000,
};

export function limitsOf(given: Partial<ReadLimits> | undefined): ReadLimits {
  return { ...DEFAULT_LIMITS, ...given };
}

/** A file over a size budget: 413, like an upload over the byte limit. */
export class TooLargeError extends AppError {
  readonly status = 413;
  readonly type = 'payload-too-large';
}

/** How many offenders an error names; the rest are counted. */
export const NAMED_OFFENDERS = 5;

export function malformed(what: string, message: string, path = 'file'): UnprocessableError {
  return new UnprocessableError(what, [{ path, message }]);
}

/** "a, b, c, d, e and 999,995 more" — never a million names in one error. */
export function firstFew(items: readonly string[], total = items.length): string {
  const shown = items.slice(0, NAMED_OFFENDERS).join(', ');
  return total > NAMED_OFFENDERS ? `${shown} and ${(total - NAMED_OFFENDERS).toLocaleString('en')} more` : shown;
}

/** Counts vertices against the per-feature and per-file budgets; throws 413 naming the feature. */
export class VertexBudget {
  private total = 0;
  constructor(private readonly limits: ReadLimits) {}
  add(count: number, where: string): void {
    if (count > this.limits.maxFeatureVertices) {
      throw new TooLargeError(`${where} has ${count.toLocaleString('en')} vertices`, [
        {
          path: where,
          message: `over the per-feature budget of ${this.limits.maxFeatureVertices.toLocaleString('en')} vertices (limits.maxFeatureVertices)`,
        },
      ]);
    }
    this.total += count;
    if (this.total > this.limits.maxFileVertices) {
      throw new TooLargeError('The file has too many vertices', [
        {
          path: where,
          message: `over the per-file budget of ${this.limits.maxFileVertices.toLocaleString('en')} vertices (limits.maxFileVertices)`,
        },
      ]);
    }
  }
}

/** `total` when the names are only the first of them (a header longer than the sample read). */
export function checkColumnCount(
  names: readonly string[] | number,
  limits: ReadLimits,
  where = 'header',
  total?: number,
): void {
  const n = total ?? (typeof names === 'number' ? names : names.length);
  if (n <= limits.maxColumns) return;
  const sample =
    typeof names === 'number'
      ? ''
      : `: ${firstFew(
          names.map((s) => JSON.stringify(s.slice(0, 40))),
          n,
        )}`;
  throw new TooLargeError(`${n.toLocaleString('en')} columns`, [
    { path: where, message: `over the limit of ${limits.maxColumns} columns (limits.maxColumns)${sample}` },
  ]);
}
