import type { CameraInput } from './camera-view.js';

/**
 * Image-quality bands of IEC 62676-4:2014 (DORI), as pixels per metre of scene width at the target. 观察 observe is
 * the standard's 62.5 px/m (a quarter of identify), not rounded.
 */
export const DORI_PX_PER_M = { identify: 250, recognise: 125, observe: 62.5, detect: 25 } as const;
export type DoriBand = keyof typeof DORI_PX_PER_M;
/** Best quality first: a band "at least B" is B and every band before it. */
export const DORI_BANDS: readonly DoriBand[] = ['identify', 'recognise', 'observe', 'detect'];
export const DORI_LABELS: Record<DoriBand, { zh: string; en: string }> = {
  identify: { zh: '识别', en: 'identify' },
  recognise: { zh: '辨认', en: 'recognise' },
  observe: { zh: '观察', en: 'observe' },
  detect: { zh: '监测', en: 'detect' },
};

/** The optics of a camera as far as image quality goes; every field may be missing from a ledger. */
export interface CameraOptics {
  cameraType: CameraInput['cameraType'];
  /** Coverage field of view (the camera table's fov_deg). */
  fovDeg: number;
  rangeM: number;
  heightM: number;
  /** Downward tilt of the optical axis below the horizon, degrees. */
  tiltDeg: number;
  /** The ledger's 分辨率 as written: "1920×1080", "2560*1440", "400万", "4MP", "1080P". */
  resolution?: string | null;
  /** The lens's horizontal field of view, when the ledger gives it. */
  lensFovDeg?: number | null;
  focalLengthMm?: number | null;
  sensorWidthMm?: number | null;
}

/** Horizontal × vertical pixels assumed per type when the ledger does not say: 1080p bullets and domes, 4 MP PTZ. */
export const DEFAULT_PIXELS: Record<CameraInput['cameraType'], { h: number; v: number }> = {
  bullet: { h: 1920, v: 1080 },
  dome: { h: 1920, v: 1080 },
  ptz: { h: 2560, v: 1440 },
};

/**
 * Lens field assumed when the ledger gives none: a bullet's is its coverage fov; a dome's 2.8 mm lens on a 1/2.8"
 * sensor sees ~100°; a PTZ zooms to its tele end (~4°) to look at what it is pointed at.
 */
const DEFAULT_LENS_FOV_DEG: Record<CameraInput['cameraType'], number | null> = { bullet: null, dome: 100, ptz: 4 };

/** The usual frame of each 万-pixel class sold in China (400万 is 2560×1440, not √(4e6·16/9)). */
const MEGAPIXEL_FRAMES: Record<number, [number, number]> = {
  100: [1280, 720],
  130: [1280, 960],
  200: [1920, 1080],
  300: [2048, 1536],
  400: [2560, 1440],
  500: [2592, 1944],
  600: [3072, 2048],
  800: [3840, 2160],
  1200: [4000, 3000],
};

/**
 * Pixels of a ledger's 分辨率: "W×H" (×, x, X, *, ＊), "N万" / "N00万像素" / "N MP" / "NMP", "1080P" / "720P" / "4K".
 * @returns null when the text says none of these
 */
export function parseResolution(text: string | null | undefined): { h: number; v: number } | null {
  if (!text) return null;
  const t = text.trim().replace(/\s+/g, '').toUpperCase();
  const wh = /^(\d{3,5})[×X*＊](\d{3,5})/.exec(t);
  if (wh) return { h: Number(wh[1]), v: Number(wh[2]) };
  const wan = /^(\d+(?:\.\d+)?)万/.exec(t);
  const mp = /^(\d+(?:\.\d+)?)(?:MP|M|百万像素)$/.exec(t);
  const tenK = wan ? Number(wan[1]) : mp ? Number(mp[1]) * 100 : null;
  if (tenK !== null && tenK > 0) {
    const known = MEGAPIXEL_FRAMES[Math.round(tenK)];
    if (known) return { h: known[0], v: known[1] };
    // An unlisted class: a 16:9 frame of that many pixels.
    const h = Math.round(Math.sqrt((tenK * 1e4 * 16) / 9));
    return { h, v: Math.round((h * 9) / 16) };
  }
  const p = /^(\d{3,4})P$/.exec(t);
  if (p) {
    const v = Number(p[1]);
    return { h: Math.round((v * 16) / 9), v };
  }
  if (t === '4K') return { h: 3840, v: 2160 };
  return null;
}

const rad = (deg: number) => (deg * Math.PI) / 180;
const deg = (r: number) => (r * 180) / Math.PI;

/** The camera's horizontal and vertical pixels and lens fields of view, from the ledger or the type's defaults. */
export function opticsOf(c: CameraOptics): { hPx: number; vPx: number; hFovDeg: number; vFovDeg: number } {
  const px = parseResolution(c.resolution) ?? DEFAULT_PIXELS[c.cameraType];
  let hFovDeg: number;
  if (c.lensFovDeg) hFovDeg = c.lensFovDeg;
  else if (c.focalLengthMm && c.sensorWidthMm) hFovDeg = deg(2 * Math.atan(c.sensorWidthMm / (2 * c.focalLengthMm)));
  else hFovDeg = DEFAULT_LENS_FOV_DEG[c.cameraType] ?? c.fovDeg;
  hFovDeg = Math.min(hFovDeg, 179);
  // The sensor's aspect sets the vertical field: tan(v/2) = tan(h/2) · V/H.
  const vFovDeg = deg(2 * Math.atan(Math.tan(rad(hFovDeg) / 2) * (px.v / px.h)));
  return { hPx: px.h, vPx: px.v, hFovDeg, vFovDeg };
}

/** Pixels per metre of scene width at distance d: px / (2·d·tan(fov/2)). */
export function pixelDensityPxPerM(hPx: number, hFovDeg: number, distanceM: number): number {
  return hPx / (2 * distanceM * Math.tan(rad(hFovDeg) / 2));
}

/**
 * Ground nearer the mast than h / tan(tilt + vfov/2) is under the bottom edge of the frame; 0 when the frame's bottom
 * edge points straight down or past it.
 */
export function nearBlindM(heightM: number, tiltDeg: number, vFovDeg: number): number {
  const a = tiltDeg + vFovDeg / 2;
  return a >= 90 ? 0 : heightM / Math.tan(rad(a));
}

/** Where each band ends: d = px / (2 · density · tan(fov/2)), capped at the camera's range. */
export interface DoriDistances {
  nearBlindM: number;
  /** Outer edge of each band, metres; a band is [previous band's edge (or the blind zone), its edge]. */
  outerM: Record<DoriBand, number>;
}

export function doriDistances(c: CameraOptics): DoriDistances {
  const o = opticsOf(c);
  const tan = Math.tan(rad(o.hFovDeg) / 2);
  const edge = (density: number) => Math.min(c.rangeM, o.hPx / (2 * density * tan));
  return {
    nearBlindM: Math.min(c.rangeM, nearBlindM(c.heightM, c.tiltDeg, o.vFovDeg)),
    outerM: {
      identify: edge(DORI_PX_PER_M.identify),
      recognise: edge(DORI_PX_PER_M.recognise),
      observe: edge(DORI_PX_PER_M.observe),
      detect: edge(DORI_PX_PER_M.detect),
    },
  };
}

/** The ring [inner, outer] metres of one band (empty when inner ≥ outer), or of "at least this band" when cumulative. */
export function bandRingM(d: DoriDistances, band: DoriBand, cumulative = false): [number, number] {
  const i = DORI_BANDS.indexOf(band);
  const prev = DORI_BANDS[i - 1];
  const inner = cumulative || prev === undefined ? d.nearBlindM : Math.max(d.nearBlindM, d.outerM[prev]);
  return [inner, Math.max(inner, d.outerM[band])];
}

/** The band a point at distance d falls in (null: in the blind zone or beyond detect). */
export function bandAt(d: DoriDistances, distanceM: number): DoriBand | null {
  if (distanceM < d.nearBlindM) return null;
  return DORI_BANDS.find((b) => distanceM <= d.outerM[b]) ?? null;
}

/** True when `have` is at least as good as `need`. */
export const meetsBand = (have: DoriBand | null, need: DoriBand): boolean =>
  have !== null && DORI_BANDS.indexOf(have) <= DORI_BANDS.indexOf(need);

/** The band a key place needs by default: school gates, bank and transit-hub entrances identify; roads observe. */
export function requiredBandOf(kind: string): DoriBand {
  switch (kind) {
    case 'school':
    case 'kindergarten':
    case 'bank':
    case 'transit_hub':
      return 'identify';
    case 'government':
    case 'hospital':
      return 'recognise';
    default:
      return 'observe';
  }
}
export const ROAD_REQUIRED_BAND: DoriBand = 'observe';
