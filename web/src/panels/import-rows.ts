import { t } from '../i18n/index.js';

/**
 * Row and column of an import issue in the reader's words. The server names a row by its source (`row 5`, the file's
 * line with the header as row 1; `feature 3` for GeoJSON) and a field by its path (`properties.occurred_at`,
 * `geometry.type`); the column is the file's own heading the field was mapped from.
 */
export interface RowColumn {
  row: string;
  column: string;
}

/** The row number (or the source as given when it is not numbered) of `row 5` / `feature 3` / `record 2`. */
export function rowOf(source: string): string {
  return /^(?:row|feature|record|line)\s+(\d+)$/i.exec(source.trim())?.[1] ?? source.trim();
}

/** The file's column behind a field path, through the mapping used (`target → source column`). */
export function columnOf(path: string, mapping: Record<string, string>): string {
  const field = /^properties\.([^.[]+)/.exec(path)?.[1];
  if (field) return (mapping[field] ?? field).replace(/ \([^)]*\)$/, '');
  if (path.startsWith('geometry')) return t('wizard.geometry_column');
  return path;
}

/** One issue as a line: 第 5 行「报警时间」列：… / Row 5, column “报警时间”: … */
export function issueLine(source: string, path: string, message: string, mapping: Record<string, string>): string {
  return t('wizard.issue_line', { row: rowOf(source), column: columnOf(path, mapping), message });
}

/** A 422's `errors` path (`row 5: properties.x`) split into the source and the field path. */
export function splitErrorPath(path: string): { source: string; path: string } {
  const at = path.indexOf(': ');
  return at > 0 ? { source: path.slice(0, at), path: path.slice(at + 2) } : { source: '', path };
}
