import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { UnprocessableError } from '../errors.js';

/** Header names a station's sheet uses for the two columns (Chinese first, then English), compared without spaces/case. */
const GRID_HEADERS = ['网格编码', '网格代码', '网格编号', '网格', 'gridcode', 'grid_code', 'grid'];
const BEAT_HEADERS = [
  '警格编码',
  '警格代码',
  '警格编号',
  '警务区编码',
  '警务区',
  '警格',
  'beatcode',
  'beat_code',
  'beat',
];
const norm = (s: string) => s.replace(/[\s\u3000]/g, '').toLowerCase();

export type PlanFileFormat = 'csv' | 'xlsx';

export interface PlanFileRow {
  gridCode: string;
  beatCode: string;
  row: number;
}

/** UTF-8 (with or without BOM) when it decodes cleanly, else GBK (a sheet saved by Chinese Excel as CSV). */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return iconv.decode(Buffer.from(bytes), 'gbk');
  }
}

function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(0) : String(v);
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'object' && 'text' in v && typeof v.text === 'string') return v.text.trim(); // rich text / hyperlink cells
  if (typeof v === 'object' && 'result' in v) return cellText(v.result); // formula cells: their value
  return String(v).trim();
}

function rowsFromTable(table: readonly (readonly string[])[]): PlanFileRow[] {
  const header = (table[0] ?? []).map(norm);
  const gi = header.findIndex((h) => GRID_HEADERS.includes(h)),
    bi = header.findIndex((h) => BEAT_HEADERS.includes(h));
  const errors = [
    ...(gi < 0 ? [{ path: 'header', message: `no grid code column (one of ${GRID_HEADERS.join(', ')})` }] : []),
    ...(bi < 0 ? [{ path: 'header', message: `no beat code column (one of ${BEAT_HEADERS.join(', ')})` }] : []),
  ];
  if (errors.length) throw new UnprocessableError('The sheet lacks a column', errors);
  const out: PlanFileRow[] = [];
  const bad: { path: string; message: string }[] = [];
  table.slice(1).forEach((r, i) => {
    const row = i + 2; // as the spreadsheet numbers it (header = row 1)
    const gridCode = (r[gi] ?? '').trim(),
      beatCode = (r[bi] ?? '').trim();
    if (!gridCode && !beatCode) return; // blank line
    if (!/^[0-9]{15}$/.test(gridCode))
      bad.push({
        path: `rows[${row}].gridCode`,
        message: `not a 15-digit grid code: ${JSON.stringify(gridCode.slice(0, 40))}`,
      });
    if (!/^[0-9A-Za-z_-]{1,40}$/.test(beatCode))
      bad.push({ path: `rows[${row}].beatCode`, message: `not a beat code: ${JSON.stringify(beatCode.slice(0, 40))}` });
    out.push({ gridCode, beatCode, row });
  });
  if (bad.length) throw new UnprocessableError('Rows with bad codes', bad.slice(0, 100));
  return out;
}

/** Reads a grid code → beat code sheet (CSV in UTF-8 or GBK, or the first worksheet of an xlsx). */
export async function readPlanFile(bytes: Uint8Array, format: PlanFileFormat): Promise<PlanFileRow[]> {
  switch (format) {
    case 'csv': {
      let table: string[][];
      try {
        table = parse(decodeText(bytes), { relax_column_count: true, skip_empty_lines: true }) as string[][];
      } catch (e) {
        throw new UnprocessableError('Not a readable CSV file', [
          { field: '', message: (e as Error).message.slice(0, 200) },
        ]);
      }
      return rowsFromTable(table);
    }
    case 'xlsx': {
      const wb = new ExcelJS.Workbook();
      try {
        // exceljs takes a Node Buffer; the cast bridges its older Buffer typing.
        await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
      } catch (e) {
        throw new UnprocessableError('Not a readable xlsx file', [
          { field: '', message: (e as Error).message.slice(0, 200) },
        ]);
      }
      const ws = wb.worksheets[0];
      if (!ws) throw new UnprocessableError('The workbook has no sheet', [{ field: '', message: 'no worksheet' }]);
      const table: string[][] = [];
      ws.eachRow({ includeEmpty: true }, (row) => {
        const cells: string[] = [];
        row.eachCell({ includeEmpty: true }, (cell, col) => {
          cells[col - 1] = cellText(cell.value);
        });
        table.push(Array.from(cells, (c) => c ?? ''));
      });
      return rowsFromTable(table);
    }
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}

const EXPORT_HEADER = ['网格编码', '警格编码', '网格名称'] as const;

/** Writes the sheet a station keeps: grid code, beat code, grid name (codes as text so Excel keeps all 15 digits). */
export async function writePlanFile(
  rows: readonly { gridCode: string; beatCode: string; gridName: string | null }[],
  format: PlanFileFormat,
  sheetName: string,
): Promise<Buffer> {
  switch (format) {
    case 'csv': {
      const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
      const lines = [
        EXPORT_HEADER.join(','),
        ...rows.map((r) => [r.gridCode, r.beatCode, r.gridName ?? ''].map(q).join(',')),
      ];
      return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8'); // BOM: Excel opens it as UTF-8
    }
    case 'xlsx': {
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet(sheetName.slice(0, 31).replace(/[\\/?*[\]:]/g, ' ') || 'plan');
      ws.addRow([...EXPORT_HEADER]);
      for (const r of rows) ws.addRow([r.gridCode, r.beatCode, r.gridName ?? '']);
      ws.getColumn(1).numFmt = '@';
      ws.getColumn(1).width = 18;
      ws.getColumn(2).width = 14;
      ws.getColumn(3).width = 24;
      return Buffer.from(await wb.xlsx.writeBuffer());
    }
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}
