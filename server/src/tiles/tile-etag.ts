import { createHash } from 'node:crypto';

/** A strong ETag from the tile bytes: the same tile gives the same tag on any server and after a restart. */
export function tileEtag(bytes: Uint8Array): string {
  return `"${createHash('sha1').update(bytes).digest('base64url')}"`;
}

/**
 * Whether an `If-None-Match` header matches the ETag (RFC 9110 weak comparison: `W/` is ignored; `*` matches).
 * @param header the raw header value, possibly a comma-separated list
 */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || (t.startsWith('W/') ? t.slice(2) : t) === etag;
  });
}
