import iconv from 'iconv-lite';
import { checkColumnCount, malformed } from './limits.js';
import type { CellValue, ColumnType, Detected, ReadLimits } from './source.js';

export interface DbfField {
  name: string;
  type: string;
  length: number;
  decimals: number;
}
export interface DbfTable {
  fields: DbfField[];
  encoding: Detected<string>;
  /** Records in file order; null for a record marked deleted. */
  records: (Record<string, CellValue> | null)[];
}

/**
 * dBASE language driver IDs (the byte at offset 29) that name a code page. 0x57 means "the ANSI code page of the
 * machine that wrote it", which says nothing, so it (like 0x00) falls through to detection.
 */
const LDID: Record<number, string> = {
  0x01: 'cp437',
  0x02: 'cp850',
  0x03: 'windows-1252',
  0x13: 'shift_jis',
  0x4d: 'gbk',
  0x4e: 'cp949',
  0x4f: 'big5',
  0x7a: 'gbk',
  0x7b: 'shift_jis',
  0x7d: 'windows-1255',
  0x7e: 'windows-1256',
  0xc8: 'windows-1250',
  0xc9: 'windows-1251',
  0xcb: 'windows-1253',
};

/** `.cpg` contents as written by ArcGIS, QGIS and GDAL: "UTF-8", "GBK", "936", "CP936", "GB2312", "ANSI 936". */
function fromCpg(cpg: string): string | undefined {
  const t = cpg
    .trim()
    .toLowerCase()
    .replace(/^ansi\s*/, '');
  if (t === '') return undefined;
  if (/^utf-?8$/.test(t) || t === '65001') return 'utf-8';
  if (['936', 'cp936', 'gbk', 'gb2312', 'gb18030', 'cp54936', '54936'].includes(t))
    return t.includes('18030') || t.endsWith('54936') ? 'gb18030' : 'gbk';
  if (/^\d+$/.test(t) && iconv.encodingExists(`cp${t}`)) return `cp${t}`;
  return iconv.encodingExists(t) ? t : undefined;
}

function validUtf8(b: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
}

export function detectTextEncoding(sample: Uint8Array, where: string): Detected<string> {
  if (sample.every((c) => c < 0x80)) return { value: 'utf-8', reason: `${where}: ASCII only` };
  if (validUtf8(sample)) return { value: 'utf-8', reason: `${where}: bytes are valid UTF-8` };
  return { value: 'gb18030', reason: `${where}: bytes are not UTF-8; read as GB18030 (a superset of GBK)` };
}

export function readDbf(b: Uint8Array, cpg: string | undefined, limits: ReadLimits, forced?: string): DbfTable {
  if (b.length < 33) throw malformed('Malformed .dbf', `${b.length} bytes is shorter than a DBF header`, 'file.dbf');
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const count = v.getUint32(4, true),
    headerBytes = v.getUint16(8, true),
    recordBytes = v.getUint16(10, true);
  const fieldCount = Math.floor((headerBytes - 33) / 32);
  checkColumnCount(fieldCount, limits, 'file.dbf');
  // Header-claimed sizes against the bytes present, before anything is allocated from them.
  if (headerBytes > b.length || headerBytes < 33)
    throw malformed('Malformed .dbf', `header claims ${headerBytes} bytes; the file has ${b.length}`, 'file.dbf');
  if (count * recordBytes + headerBytes > b.length) {
    throw malformed(
      'Malformed .dbf',
      `header claims ${count} records of ${recordBytes} bytes (${count * recordBytes + headerBytes} bytes); the file has ${b.length}`,
      'file.dbf',
    );
  }
  const rawFields: { name: Uint8Array; type: string; length: number; decimals: number }[] = [];
  for (let p = 32; p + 32 <= headerBytes && b[p] !== 0x0d; p += 32) {
    const nameBytes = b.subarray(p, p + 11);
    const end = nameBytes.indexOf(0);
    rawFields.push({
      name: nameBytes.subarray(0, end < 0 ? 11 : end),
      type: String.fromCharCode(b[p + 11] ?? 32),
      length: b[p + 16] ?? 0,
      decimals: b[p + 17] ?? 0,
    });
  }
  const width = rawFields.reduce((s, f) => s + f.length, 1);
  if (width !== recordBytes)
    throw malformed(
      'Malformed .dbf',
      `fields add up to ${width} bytes per record; the header says ${recordBytes}`,
      'file.dbf',
    );
  const body = b.subarray(headerBytes, headerBytes + count * recordBytes);
  const ldid = b[29] ?? 0;
  const fromFile = cpg !== undefined ? fromCpg(cpg) : undefined;
  const encoding: Detected<string> = forced
    ? { value: forced, reason: 'given' }
    : fromFile
      ? { value: fromFile, reason: `.cpg says ${JSON.stringify(cpg?.trim())}` }
      : LDID[ldid]
        ? { value: LDID[ldid], reason: `DBF language byte 0x${ldid.toString(16).toUpperCase().padStart(2, '0')}` }
        : detectTextEncoding(
            new Uint8Array([...rawFields.flatMap((f) => [...f.name]), ...body.subarray(0, 1 << 20)]),
            `.dbf${ldid ? ` (language byte 0x${ldid.toString(16)})` : ''}`,
          );
  const decode = (x: Uint8Array) =>
    encoding.value === 'utf-8' ? new TextDecoder().decode(x) : iconv.decode(Buffer.from(x), encoding.value);
  const fields: DbfField[] = rawFields.map((f) => ({
    name: decode(f.name).trim(),
    type: f.type,
    length: f.length,
    decimals: f.decimals,
  }));
  const records: DbfTable['records'] = [];
  for (let r = 0; r < count; r++) {
    const rec = body.subarray(r * recordBytes, (r + 1) * recordBytes);
    if (rec[0] === 0x2a) {
      records.push(null);
      continue;
    }
    const out: Record<string, CellValue> = {};
    let p = 1;
    for (const f of fields) {
      const raw = rec.subarray(p, p + f.length);
      p += f.length;
      out[f.name] = cell(f, raw, decode);
    }
    records.push(out);
  }
  return { fields, encoding, records };
}

function cell(f: DbfField, raw: Uint8Array, decode: (x: Uint8Array) => string): CellValue {
  switch (f.type) {
    case 'N':
    case 'F': {
      const t = new TextDecoder().decode(raw).trim();
      if (t === '' || /^\*+$/.test(t)) return null;
      const n = Number(t);
      return Number.isFinite(n) ? n : null;
    }
    case 'L': {
      const t = String.fromCharCode(raw[0] ?? 63).toUpperCase();
      return 'TY'.includes(t) ? true : 'FN'.includes(t) ? false : null;
    }
    case 'D': {
      const t = new TextDecoder().decode(raw).trim();
      // GDAL, too, reads an empty date written as 00000000 as null.
      return /^\d{8}$/.test(t) && t !== '00000000' ? `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}` : null;
    }
    default: {
      const t = decode(raw).replace(/[\0 ]+$/, '');
      return t === '' ? null : t;
    }
  }
}

export function dbfColumnType(f: DbfField): ColumnType {
  if (f.type === 'N' || f.type === 'F') return f.decimals === 0 ? 'integer' : 'number';
  if (f.type === 'L') return 'boolean';
  if (f.type === 'D') return 'date';
  return 'text';
}
