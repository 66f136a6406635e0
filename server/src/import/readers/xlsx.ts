import ExcelJS from 'exceljs';
import { ColumnProfiler } from './columns.js';
import { crsByName } from './crs.js';
import { checkColumnCount, malformed } from './limits.js';
import { findGeometryColumns, pointOf } from './lonlat.js';
import type { CellValue, ReadLimits, ReadOptions, RowAsRead, SourceRead } from './source.js';
import { unzipSafely } from './zip.js';

/** Rows searched for the header below title lines such as "某某分局视频监控点位台账". */
const HEADER_SEARCH_ROWS = 20;

/** exceljs cell values (rich text, formulas, hyperlinks, errors) as plain cells. */
function plain(v: ExcelJS.CellValue): CellValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v.trim() === '' ? null : v;
  if (typeof v === 'number' || typeof v === 'boolean' || v instanceof Date) return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('formula' in v || 'sharedFormula' in v)
      return plain((v as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
    if ('hyperlink' in v) return String((v as ExcelJS.CellHyperlinkValue).text);
    if ('error' in v) return null;
  }
  return String(v);
}

export async function readXlsx(bytes: Uint8Array, opts: ReadOptions, limits: ReadLimits): Promise<SourceRead> {
  // Inflate every member within the archive budgets first: exceljs's own unzip has none.
  unzipSafely(bytes, limits);
  const wb = new ExcelJS.Workbook();
  try {
    // exceljs types its input as its own Buffer alias; a Node Buffer over the same bytes is what it reads.
    await wb.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch (err) {
    throw malformed('Unreadable .xlsx', (err as Error).message);
  }
  const ws = opts.sheet ? wb.getWorksheet(opts.sheet) : wb.worksheets[0];
  if (!ws) throw malformed('No such sheet', `sheets: ${wb.worksheets.map((w) => w.name).join(', ')}`, 'sheet');
  checkColumnCount(ws.columnCount, limits);
  const grid: { number: number; cells: CellValue[] }[] = [];
  ws.eachRow({ includeEmpty: false }, (row) => {
    const cells: CellValue[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      // A merged title ("某某分局视频监控点位台账" over the whole width) repeats its value in every cell it covers:
      // only its first cell counts, or the title row looks as wide as the header.
      cells[col - 1] = cell.isMerged && cell.master.address !== cell.address ? null : plain(cell.value);
    });
    grid.push({ number: row.number, cells });
  });
  const filled = (c: CellValue[]) => c.filter((x) => x !== null && x !== undefined).length;
  const widest = Math.max(0, ...grid.slice(0, 50).map((r) => filled(r.cells)));
  // The header is the first row about as wide as the table (title rows hold one merged cell).
  const headerAt = grid
    .slice(0, HEADER_SEARCH_ROWS)
    .findIndex((r) => filled(r.cells) >= Math.max(2, Math.ceil(widest * 0.6)));
  const headerRow = grid[headerAt];
  if (!headerRow)
    throw malformed(
      'No header row',
      `none of the first ${HEADER_SEARCH_ROWS} rows of sheet ${ws.name} looks like a header`,
    );
  const header = headerRow.cells.map((c, i) => (c === null || c === undefined ? `column_${i + 1}` : String(c).trim()));
  checkColumnCount(header, limits);
  const lonlat = findGeometryColumns(header, opts.lonColumn, opts.latColumn);
  const crs = opts.crs
    ? crsByName(opts.crs, 'given')
    : crsByName(
        'EPSG:4326',
        lonlat
          ? `${'wkt' in lonlat ? `WKT column ${lonlat.wkt}` : `lon/lat columns ${lonlat.lon}, ${lonlat.lat}`}; no CRS given: WGS84`
          : 'no coordinates',
      );
  const profiler = new ColumnProfiler(header);
  const rows: RowAsRead[] = [];
  for (const r of grid.slice(headerAt + 1)) {
    const properties: Record<string, CellValue> = {};
    header.forEach((h, i) => {
      properties[h] = r.cells[i] ?? null;
    });
    profiler.add(properties);
    rows.push({ rowNumber: r.number, properties, geometry: pointOf(properties, lonlat, crs.toWgs84) });
  }
  const titles = grid
    .slice(0, headerAt)
    .map((r) => r.cells.find((c) => c !== null && c !== undefined))
    .filter((c) => c !== undefined);
  return {
    format: {
      value: 'xlsx',
      reason: `Excel workbook, sheet "${ws.name}", header on row ${headerRow.number}${titles.length ? ` below ${titles.length} title row(s): ${titles.map((t) => JSON.stringify(String(t))).join(', ')}` : ''}`,
    },
    encoding: null,
    crs: crs.detected,
    columns: profiler.result(),
    geometryTypes: [...new Set(rows.flatMap((r) => (r.geometry ? [r.geometry.type] : [])))],
    rowCount: rows.length,
    leftOut: [],
    rows: async function* () {
      yield* rows;
    },
  };
}
