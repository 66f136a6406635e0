import { describe, expect, it } from 'vitest';
import {
  bandAt,
  bandRingM,
  doriDistances,
  meetsBand,
  nearBlindM,
  opticsOf,
  parseResolution,
  pixelDensityPxPerM,
  requiredBandOf,
} from './dori.js';

describe('parseResolution', () => {
  it('when a ledger writes W×H, N万, N MP, NNNNP or 4K, then it gives the frame in pixels', () => {
    expect(parseResolution('1920×1080')).toEqual({ h: 1920, v: 1080 });
    expect(parseResolution(' 2560*1440 ')).toEqual({ h: 2560, v: 1440 });
    expect(parseResolution('1280x720')).toEqual({ h: 1280, v: 720 });
    expect(parseResolution('400万')).toEqual({ h: 2560, v: 1440 });
    expect(parseResolution('200万像素')).toEqual({ h: 1920, v: 1080 });
    expect(parseResolution('4MP')).toEqual({ h: 2560, v: 1440 });
    expect(parseResolution('1080P')).toEqual({ h: 1920, v: 1080 });
    expect(parseResolution('4k')).toEqual({ h: 3840, v: 2160 });
    // An unlisted class: 16:9 of 900万 pixels, √(9e6·16/9) = 4000.
    expect(parseResolution('900万')).toEqual({ h: 4000, v: 2250 });
  });

  it('when the text is empty or says something else, then it is null', () => {
    expect(parseResolution(null)).toBeNull();
    expect(parseResolution('')).toBeNull();
    expect(parseResolution('高清')).toBeNull();
  });
});

describe('DORI distances (IEC 62676-4)', () => {
  // Worked example: a 1920×1080 bullet with a 90° lens, 6 m up, tilted 45° down, range 50 m.
  // Density at d: 1920 / (2·d·tan 45°) = 960 / d px/m, so the bands end where 960/d = 250, 125, 62.5, 25:
  // identify 3.84 m, recognise 7.68 m, observe 15.36 m, detect 38.4 m.
  // Vertical field: 2·atan(tan 45° · 1080/1920) = 2·atan(0.5625) = 58.7155°; the frame's bottom edge points
  // 45° + 29.3578° down; tan(45° + α) = (1 + tan α) / (1 − tan α) = 1.5625 / 0.4375 = 25/7, so the ground nearer
  // than 6 · 7/25 = 1.68 m is not seen.
  const cam = {
    cameraType: 'bullet' as const,
    fovDeg: 90,
    rangeM: 50,
    heightM: 6,
    tiltDeg: 45,
    resolution: '1920×1080',
  };

  it('when worked by hand from the formula, then the band edges and the blind zone agree', () => {
    const d = doriDistances(cam);
    expect(d.outerM.identify).toBeCloseTo(3.84, 9);
    expect(d.outerM.recognise).toBeCloseTo(7.68, 9);
    expect(d.outerM.observe).toBeCloseTo(15.36, 9);
    expect(d.outerM.detect).toBeCloseTo(38.4, 9);
    expect(opticsOf(cam).vFovDeg).toBeCloseTo(58.7155, 3);
    expect(d.nearBlindM).toBeCloseTo(1.68, 9);
    expect(pixelDensityPxPerM(1920, 90, 10)).toBeCloseTo(96, 9);
  });

  it('when the rings of the bands are asked for, then each starts where the previous ends and the first at the blind zone', () => {
    const d = doriDistances(cam);
    expect(bandRingM(d, 'identify')[0]).toBe(d.nearBlindM);
    expect(bandRingM(d, 'identify')[1]).toBeCloseTo(3.84, 9);
    expect(bandRingM(d, 'recognise')[0]).toBeCloseTo(3.84, 9);
    expect(bandRingM(d, 'detect')[0]).toBeCloseTo(15.36, 9);
    expect(bandRingM(d, 'observe', true)).toEqual([d.nearBlindM, d.outerM.observe]);
    expect(bandAt(d, 1)).toBeNull();
    expect(bandAt(d, 3)).toBe('identify');
    expect(bandAt(d, 10)).toBe('observe');
    expect(bandAt(d, 40)).toBeNull();
  });

  it('when the range is shorter than a band edge or the blind zone passes it, then the band is cut or empty', () => {
    const short = doriDistances({ ...cam, rangeM: 10 });
    expect(short.outerM.observe).toBe(10);
    expect(short.outerM.detect).toBe(10);
    const steep = doriDistances({ ...cam, tiltDeg: 10 }); // 6 / tan 39.36° = 7.31 m
    const [i0, i1] = bandRingM(steep, 'identify');
    expect(i1 - i0).toBe(0);
    expect(steep.nearBlindM).toBeCloseTo(6 / Math.tan(((10 + 29.35775) * Math.PI) / 180), 3);
  });

  it('when focal length and sensor width are given, then the lens field is 2·atan(w / 2f)', () => {
    // 1/2.8" sensor (5.37 mm wide) behind a 6 mm lens: 2·atan(5.37/12) = 48.3°.
    const o = opticsOf({ ...cam, focalLengthMm: 6, sensorWidthMm: 5.37 });
    expect(o.hFovDeg).toBeCloseTo((2 * Math.atan(5.37 / 12) * 180) / Math.PI, 9);
    expect(opticsOf({ ...cam, lensFovDeg: 30 }).hFovDeg).toBe(30);
    // A PTZ decides at its tele end; a dome at its wide lens; unknown resolution falls to the type's default.
    expect(opticsOf({ ...cam, cameraType: 'ptz', resolution: null })).toMatchObject({ hPx: 2560, hFovDeg: 4 });
    expect(opticsOf({ ...cam, cameraType: 'dome', resolution: '?' })).toMatchObject({ hPx: 1920, hFovDeg: 100 });
  });

  it('when the frame bottom points straight down, then there is no blind zone', () => {
    expect(nearBlindM(6, 80, 30)).toBe(0);
  });

  it('when bands are compared, then identify meets every need and detect only detect', () => {
    expect(meetsBand('identify', 'observe')).toBe(true);
    expect(meetsBand('observe', 'identify')).toBe(false);
    expect(meetsBand(null, 'detect')).toBe(false);
    expect(requiredBandOf('school')).toBe('identify');
    expect(requiredBandOf('bank')).toBe('identify');
    expect(requiredBandOf('transit_hub')).toBe('identify');
    expect(requiredBandOf('hospital')).toBe('recognise');
    expect(requiredBandOf('market')).toBe('observe');
  });
});
