import { inflateSync } from 'node:zlib';

/** An 8-bit RGB or RGBA PNG decoded to RGBA rows (what Chromium's screenshots are), with a pixel reader. */
export interface DecodedPng {
  width: number;
  height: number;
  /** [r, g, b] at a page pixel (rounded); throws outside the image rather than inventing a colour. */
  rgb(x: number, y: number): [number, number, number];
}

/** Paeth predictor of the PNG spec (section 9.4). */
function paeth(a: number, b: number, c: number): number {
  const p = a + b - c,
    pa = Math.abs(p - a),
    pb = Math.abs(p - b),
    pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * A small decoder written from the PNG spec (IHDR, IDAT, the five row filters) so the tests read a screenshot's pixels
 * with Node's zlib and no package: only what Chromium writes (8-bit, colour type 2 or 6, no interlace) is accepted.
 */
export function decodePng(buf: Buffer): DecodedPng {
  if (buf.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let width = 0,
    height = 0,
    channels = 0;
  const idat: Buffer[] = [];
  for (let at = 8; at < buf.length; ) {
    const len = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const data = buf.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colour, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0)
        throw new Error(`PNG depth ${depth} colour type ${colour} interlace ${interlace} not handled`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    else if (type === 'IEND') break;
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const px = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? (px[y * stride + i - channels] as number) : 0;
      const b = y > 0 ? (px[(y - 1) * stride + i] as number) : 0;
      const c = y > 0 && i >= channels ? (px[(y - 1) * stride + i - channels] as number) : 0;
      const x = raw[src + i] as number;
      const v =
        filter === 0
          ? x
          : filter === 1
            ? x + a
            : filter === 2
              ? x + b
              : filter === 3
                ? x + ((a + b) >> 1)
                : filter === 4
                  ? x + paeth(a, b, c)
                  : Number.NaN;
      if (Number.isNaN(v)) throw new Error(`PNG row ${y}: filter ${filter}`);
      px[y * stride + i] = v & 0xff;
    }
  }
  return {
    width,
    height,
    rgb(x, y) {
      const [ix, iy] = [Math.round(x), Math.round(y)];
      if (ix < 0 || iy < 0 || ix >= width || iy >= height)
        throw new Error(`pixel ${ix},${iy} outside ${width}×${height}`);
      const o = iy * stride + ix * channels;
      return [px[o] as number, px[o + 1] as number, px[o + 2] as number];
    },
  };
}
