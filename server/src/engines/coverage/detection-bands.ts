import type { CameraInput } from './camera-view.js';

/**
 * Pixel densities of the operational requirements in IEC 62676-4:2014 (video surveillance for security applications),
 * in pixels per metre of scene width at the target: identify a person 250, recognise 125, observe 62, detect 25.
 */
export const PIXELS_PER_METER = { identify: 250, recognise: 125, observe: 62, detect: 25 } as const;
export type DetectionBand = keyof typeof PIXELS_PER_METER;

/** Horizontal resolution assumed per camera type when the ledger does not say (1080p bullets/domes, 4 MP PTZ). */
export const DEFAULT_HORIZONTAL_PIXELS: Record<CameraInput['cameraType'], number> = {
  bullet: 1920,
  dome: 1920,
  ptz: 2560,
};

/**
 * The farthest distance at which a camera still gives each band's pixel density: the scene width at distance d is
 * 2·d·tan(fov/2), so d = pixels / (2 · density · tan(fov/2)); capped at the camera's range. A PTZ camera zooms,
 * so for it the lens's narrowest field (`ptzTeleFovDeg`) decides.
 * @returns metres per band
 */
export function detectionBandsM(
  c: Pick<CameraInput, 'cameraType' | 'fovDeg' | 'rangeM'>,
  opts: { horizontalPixels?: number; ptzTeleFovDeg?: number } = {},
): Record<DetectionBand, number> {
  const px = opts.horizontalPixels ?? DEFAULT_HORIZONTAL_PIXELS[c.cameraType];
  const fov = c.cameraType === 'ptz' ? (opts.ptzTeleFovDeg ?? 4) : Math.min(c.fovDeg, 179);
  const tan = Math.tan((fov * Math.PI) / 360);
  const band = (density: number) => Math.min(c.rangeM, px / (2 * density * tan));
  return {
    identify: band(PIXELS_PER_METER.identify),
    recognise: band(PIXELS_PER_METER.recognise),
    observe: band(PIXELS_PER_METER.observe),
    detect: band(PIXELS_PER_METER.detect),
  };
}
