import { latLngToCell } from 'h3-js';

export const H3_RESOLUTIONS = [7, 8, 9, 10] as const;

/**
 * H3 cells of a point at the stored resolutions, as decimal strings of the 64-bit index (for `$n::bigint`);
 * `to_hex(h3_r9)` in SQL gives back h3-js's hex form.
 */
export function h3CellsOf(lon: number, lat: number): [string, string, string, string] {
  const dec = (res: number) => BigInt(`0x${latLngToCell(lat, lon, res)}`).toString();
  return [dec(7), dec(8), dec(9), dec(10)];
}
