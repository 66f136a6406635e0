import { Inflate } from 'fflate';
import iconv from 'iconv-lite';
import { firstFew, malformed, TooLargeError } from './limits.js';
import type { ReadLimits } from './source.js';

/**
 * A zip archive read defensively: the central directory is parsed here (not trusted to a library), every name is
 * checked, and each entry is inflated in small input slices while its output is counted, so a bomb is stopped at
 * the budget instead of after filling memory. Sizes the headers claim are checked against the bytes present.
 */
export interface ZipEntry {
  name: string;
  method: number;
  compressedBytes: number;
  claimedBytes: number;
  localOffset: number;
}

const EOCD = 0x06054b50,
  CEN = 0x02014b50,
  LOC = 0x04034b50;
/** Input slice per inflate step: 16 KiB inflates to at most ~17 MB (DEFLATE's ratio cap is 1032:1). */
const SLICE = 16 * 1024;

export function isZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6);
}

/** Names in Chinese: UTF-8 when flagged or valid, else GBK (what Windows in China writes without the flag). */
function decodeName(raw: Uint8Array, utf8Flag: boolean): string {
  if (utf8Flag) return new TextDecoder().decode(raw);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    return iconv.decode(Buffer.from(raw), 'gb18030');
  }
}

function unsafeName(name: string): boolean {
  return (
    name.startsWith('/') ||
    name.startsWith('\\') ||
    /^[a-zA-Z]:/.test(name) ||
    name.split(/[\\/]/).some((part) => part === '..') ||
    name.includes('\0')
  );
}

export function listZip(b: Uint8Array, limits: ReadLimits): ZipEntry[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
    if (v.getUint32(i, true) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw malformed('Not a readable zip archive', 'no end-of-central-directory record');
  const count = v.getUint16(eocd + 10, true);
  const cdSize = v.getUint32(eocd + 12, true);
  const cdOffset = v.getUint32(eocd + 16, true);
  if (cdOffset === 0xffffffff || count === 0xffff)
    throw malformed('Unsupported zip archive', 'ZIP64 archives are not read');
  if (cdOffset + cdSize > eocd)
    throw malformed(
      'Malformed zip archive',
      `central directory claims bytes ${cdOffset}–${cdOffset + cdSize} of a ${b.length}-byte file`,
    );
  const entries: ZipEntry[] = [];
  const bad: string[] = [];
  let p = cdOffset,
    total = 0;
  for (let k = 0; k < count; k++) {
    if (p + 46 > eocd || v.getUint32(p, true) !== CEN)
      throw malformed('Malformed zip archive', `central directory entry ${k + 1} is cut short`);
    const flags = v.getUint16(p + 8, true);
    const method = v.getUint16(p + 10, true);
    const compressedBytes = v.getUint32(p + 20, true);
    const claimedBytes = v.getUint32(p + 24, true);
    const nameLen = v.getUint16(p + 28, true),
      extraLen = v.getUint16(p + 30, true),
      commentLen = v.getUint16(p + 32, true);
    const localOffset = v.getUint32(p + 42, true);
    if (p + 46 + nameLen > eocd)
      throw malformed('Malformed zip archive', `entry ${k + 1}'s name runs past the directory`);
    const name = decodeName(b.subarray(p + 46, p + 46 + nameLen), (flags & 0x800) !== 0);
    p += 46 + nameLen + extraLen + commentLen;
    if (unsafeName(name)) {
      bad.push(JSON.stringify(name));
      continue;
    }
    if (name.endsWith('/')) continue;
    if (localOffset + 30 + compressedBytes > b.length) {
      throw malformed(
        'Malformed zip archive',
        `${name} claims ${compressedBytes} compressed bytes at offset ${localOffset}; the file has ${b.length}`,
      );
    }
    if (method !== 0 && method !== 8)
      throw malformed(
        'Unsupported zip archive',
        `${name} uses compression method ${method} (only stored and deflate are read)`,
      );
    if (flags & 1) throw malformed('Unsupported zip archive', `${name} is encrypted`);
    checkSize(name, claimedBytes, compressedBytes, limits);
    total += claimedBytes;
    if (total > limits.maxTotalBytes)
      throw tooBig(
        'The archive inflates too far',
        `more than ${limits.maxTotalBytes} bytes in all (limits.maxTotalBytes)`,
      );
    entries.push({ name, method, compressedBytes, claimedBytes, localOffset });
  }
  if (bad.length)
    throw malformed(
      'Unsafe names in the zip archive',
      `entries with ".." or an absolute path are refused: ${firstFew(bad)}`,
      'file.entries',
    );
  return entries;
}

function tooBig(what: string, message: string): TooLargeError {
  return new TooLargeError(what, [{ path: 'file.entries', message }]);
}

function checkSize(name: string, bytes: number, compressed: number, limits: ReadLimits): void {
  if (bytes > limits.maxEntryBytes)
    throw tooBig(
      'A zip entry inflates too far',
      `${name}: ${bytes} bytes, over ${limits.maxEntryBytes} (limits.maxEntryBytes)`,
    );
  if (bytes > 1024 * 1024 && bytes / Math.max(1, compressed) > limits.maxRatio) {
    throw tooBig(
      'A zip entry inflates too far',
      `${name}: ${Math.round(bytes / Math.max(1, compressed))}× its compressed size, over ${limits.maxRatio}× (limits.maxRatio)`,
    );
  }
}

/** The entry's bytes, never more than its claimed size (a header that under-claims is refused, not obeyed). */
export function readEntry(b: Uint8Array, e: ZipEntry, limits: ReadLimits): Uint8Array {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint32(e.localOffset, true) !== LOC)
    throw malformed('Malformed zip archive', `${e.name}: no local header at offset ${e.localOffset}`);
  const start = e.localOffset + 30 + v.getUint16(e.localOffset + 26, true) + v.getUint16(e.localOffset + 28, true);
  if (start + e.compressedBytes > b.length)
    throw malformed('Malformed zip archive', `${e.name}: data runs past the end of the file`);
  const data = b.subarray(start, start + e.compressedBytes);
  if (e.method === 0) {
    if (e.compressedBytes !== e.claimedBytes)
      throw malformed(
        'Malformed zip archive',
        `${e.name}: stored entry of ${e.compressedBytes} bytes claims ${e.claimedBytes}`,
      );
    return data;
  }
  const out = new Uint8Array(e.claimedBytes);
  let filled = 0,
    ended = false;
  const inf = new Inflate((chunk, final) => {
    if (filled + chunk.length > e.claimedBytes) {
      throw malformed('Malformed zip archive', `${e.name} inflates past the ${e.claimedBytes} bytes its header claims`);
    }
    out.set(chunk, filled);
    filled += chunk.length;
    if (final) ended = true;
  });
  try {
    for (let i = 0; i < data.length; i += SLICE) inf.push(data.subarray(i, i + SLICE), i + SLICE >= data.length);
  } catch (err) {
    if (err instanceof Error && 'status' in err) throw err;
    throw malformed('Malformed zip archive', `${e.name}: ${(err as Error).message}`);
  }
  if (!ended || filled !== e.claimedBytes)
    throw malformed(
      'Malformed zip archive',
      `${e.name}: inflated to ${filled} bytes, its header claims ${e.claimedBytes}`,
    );
  return out;
}

/** Every file entry, inflated within the limits. */
export function unzipSafely(
  b: Uint8Array,
  limits: ReadLimits,
  want: (name: string) => boolean = () => true,
): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const e of listZip(b, limits)) if (want(e.name)) out.set(e.name, readEntry(b, e, limits));
  return out;
}
