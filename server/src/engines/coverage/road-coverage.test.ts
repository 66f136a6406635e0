import { describe, expect, it } from 'vitest';
import { indexBuildings } from './building-index.js';
import type { CameraInput } from './camera-view.js';
import { RoadCoverage, type RoadPiece } from './road-coverage.js';
import { clipSegmentToPolygon, unionLength } from './segment-clip.js';
import { viewPolygon } from './view-polygon.js';

describe('clipSegmentToPolygon', () => {
  const square = [
    [
      [0, 0],
      [4, 0],
      [4, 4],
      [0, 4],
      [0, 0],
    ],
  ] as [number, number][][];
  const withHole = [
    ...square,
    [
      [1, 1],
      [3, 1],
      [3, 3],
      [1, 3],
      [1, 1],
    ],
  ] as [number, number][][];

  it('when a segment crosses a square, then the inside part is the interval between the crossings', () => {
    expect(clipSegmentToPolygon(-2, 2, 6, 2, square)).toEqual([[0.25, 0.75]]);
  });

  it('when the square has a hole, then the hole is cut out', () => {
    expect(clipSegmentToPolygon(-2, 2, 6, 2, withHole)).toEqual([
      [0.25, 0.375],
      [0.625, 0.75],
    ]);
  });

  it('when a segment lies wholly inside or outside, then it is all or nothing', () => {
    expect(clipSegmentToPolygon(1, 0.5, 3, 0.5, square)).toEqual([[0, 1]]);
    expect(clipSegmentToPolygon(5, 5, 6, 6, square)).toEqual([]);
  });

  it('when intervals overlap, then the union counts them once', () => {
    expect(
      unionLength([
        [0, 0.5],
        [0.25, 0.75],
        [0.9, 1],
      ]),
    ).toBeCloseTo(0.85, 12);
  });
});

describe('RoadCoverage', () => {
  const cam = (id: number, lon: number, lat: number, headingDeg: number): CameraInput => ({
    id,
    lon,
    lat,
    headingDeg,
    fovDeg: 60,
    rangeM: 50,
    heightM: 6,
    cameraType: 'bullet',
    status: 'working',
    networked: true,
  });
  // An east–west street of ~190 m at 32.04° N, split into two areas.
  const roads: RoadPiece[] = [
    {
      id: 1,
      coordinates: [
        [118.78, 32.04],
        [118.781, 32.04],
      ],
      roadClass: 'primary',
      areaId: 'A',
    },
    {
      id: 2,
      coordinates: [
        [118.781, 32.04],
        [118.782, 32.04],
      ],
      roadClass: 'residential',
      areaId: 'B',
    },
  ];
  const noBuildings = indexBuildings([]);

  it('when blind spots are listed, then unseen spans and seen metres add up to each road and lie outside every view', () => {
    const cov = new RoadCoverage(roads);
    cov.setCamera(viewPolygon(cam(1, 118.7805, 32.04, 90), noBuildings));
    const spans = cov.unseenSpans();
    for (const [id, v] of cov.seenByPiece()) {
      const unseen = spans.filter((x) => x.pieceId === id).reduce((a, x) => a + x.meters, 0);
      expect(unseen + v.seenMeters, `road ${id}`).toBeCloseTo(v.roadMeters, 6);
    }
    // The camera at 118.7805 looks east 50 m: the street west of it is unseen from its start.
    expect(spans[0]?.line[0]).toEqual([118.78, 32.04]);
    expect(spans[0]?.line[1]?.[0]).toBeCloseTo(118.7805, 6);
  });

  it('when a camera looks along the street, then it sees its range of street; a camera looking away sees none', () => {
    const cov = new RoadCoverage(roads);
    cov.setCamera(viewPolygon(cam(1, 118.78, 32.04, 90), noBuildings));
    cov.setCamera(viewPolygon(cam(2, 118.782, 32.0401, 0), noBuildings)); // looks north, away from the street
    const [a, b] = cov.byArea();
    expect(a?.seenMeters).toBeCloseTo(50, 1);
    expect(b?.seenMeters).toBe(0);
  });

  it('when a camera is moved, then the result equals building the coverage afresh', () => {
    const incremental = new RoadCoverage(roads, { primary: 2 });
    incremental.setCamera(viewPolygon(cam(1, 118.78, 32.04, 90), noBuildings));
    incremental.setCamera(viewPolygon(cam(3, 118.7815, 32.0399, 270), noBuildings));
    incremental.setCamera(viewPolygon(cam(1, 118.7805, 32.0401, 90), noBuildings)); // moved
    const fresh = new RoadCoverage(roads, { primary: 2 });
    fresh.setCamera(viewPolygon(cam(3, 118.7815, 32.0399, 270), noBuildings));
    fresh.setCamera(viewPolygon(cam(1, 118.7805, 32.0401, 90), noBuildings));
    expect(incremental.byArea()).toEqual(fresh.byArea());
    incremental.removeCamera(1);
    incremental.removeCamera(3);
    expect(incremental.byArea().every((r) => r.seenMeters === 0)).toBe(true);
  });
});
