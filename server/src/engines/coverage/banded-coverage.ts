import { bandAsView, type BandPolygon } from './bands.js';
import { DORI_BANDS, meetsBand, requiredBandOf, ROAD_REQUIRED_BAND, type DoriBand } from './dori.js';
import { PlaceCoverage, SCHOOL_KINDS, type KeyPlaceInput } from './place-coverage.js';
import { RoadCoverage, type RoadPiece } from './road-coverage.js';

/** A key place with the band it must be seen at (null: by its kind, see `requiredBandOf`). */
export type BandedPlace = KeyPlaceInput & { requiredBand?: DoriBand | null };

/** One area's coverage at one band (roads) and at each place's required band (key places). */
export interface BandedAreaRates {
  areaId: string;
  band: DoriBand;
  roadMeters: number;
  /** Road seen at this band or better. */
  seenMeters: number;
  roadRate: number;
  weightedRoadRate: number;
  keyPlaces: number;
  /** Key places seen at `band` or better (with `band` = 'required': at their own required band). */
  keyPlacesSeen: number;
  keyPlaceRate: number | null;
  schools: number;
  schoolsSeen: number;
  schoolRate: number | null;
}

/**
 * Coverage by image quality: one road and one place coverage per DORI band, each fed the cameras' cumulative band
 * polygons ("seen at least this well", see `viewBands` with `cumulative`). A place counts as seen at its required band
 * when the cumulative polygon of that band reaches it.
 */
export class BandedCoverage {
  private readonly roads = new Map<DoriBand, RoadCoverage>();
  private readonly placeCov = new Map<DoriBand, PlaceCoverage>();

  constructor(
    pieces: readonly RoadPiece[],
    private readonly places: readonly BandedPlace[],
    classWeights: Readonly<Record<string, number>> = {},
    opts: { pointRadiusM?: number } = {},
  ) {
    for (const b of DORI_BANDS) {
      this.roads.set(b, new RoadCoverage(pieces, classWeights));
      this.placeCov.set(b, new PlaceCoverage(places, opts));
    }
  }

  /** A camera's cumulative band polygons (one per band; missing bands count as empty). */
  setCamera(cameraId: number, cumulative: readonly BandPolygon[]): void {
    for (const b of DORI_BANDS) {
      const poly = cumulative.find((p) => p.band === b);
      const view = poly ? bandAsView(poly) : { cameraId, coordinates: [] };
      this.roads.get(b)?.setCamera(view);
      this.placeCov.get(b)?.setCamera(view);
    }
  }

  removeCamera(cameraId: number): void {
    for (const b of DORI_BANDS) {
      this.roads.get(b)?.removeCamera(cameraId);
      this.placeCov.get(b)?.removeCamera(cameraId);
    }
  }

  requiredBandOf(i: number): DoriBand {
    const p = this.places[i];
    return p?.requiredBand ?? requiredBandOf(p?.kind ?? 'other');
  }

  /** The best band a place is seen at (null: not seen at all, or only in blind zones). */
  bestBandOf(i: number): DoriBand | null {
    return DORI_BANDS.find((b) => this.placeCov.get(b)?.isSeen(i)) ?? null;
  }

  /** Rates per area; roads at `band` (default observe), places at `band` or, when 'required', at their own. */
  rates(band: DoriBand | 'required' = 'required'): BandedAreaRates[] {
    const roadBand = band === 'required' ? ROAD_REQUIRED_BAND : band;
    const road = this.roads.get(roadBand) as RoadCoverage;
    const acc = new Map<string, BandedAreaRates>();
    const row = (areaId: string): BandedAreaRates => {
      let r = acc.get(areaId);
      if (!r) {
        r = {
          areaId,
          band: roadBand,
          roadMeters: 0,
          seenMeters: 0,
          roadRate: 0,
          weightedRoadRate: 0,
          keyPlaces: 0,
          keyPlacesSeen: 0,
          keyPlaceRate: null,
          schools: 0,
          schoolsSeen: 0,
          schoolRate: null,
        };
        acc.set(areaId, r);
      }
      return r;
    };
    for (const a of road.byArea()) {
      const r = row(a.areaId);
      r.roadMeters = a.roadMeters;
      r.seenMeters = a.seenMeters;
      r.roadRate = a.roadMeters > 0 ? a.seenMeters / a.roadMeters : 0;
      r.weightedRoadRate = a.weightedRate;
    }
    this.places.forEach((p, i) => {
      const r = row(p.areaId);
      const ok = meetsBand(this.bestBandOf(i), band === 'required' ? this.requiredBandOf(i) : band);
      r.keyPlaces++;
      if (ok) r.keyPlacesSeen++;
      if (SCHOOL_KINDS.has(p.kind)) {
        r.schools++;
        if (ok) r.schoolsSeen++;
      }
    });
    for (const r of acc.values()) {
      r.keyPlaceRate = r.keyPlaces > 0 ? r.keyPlacesSeen / r.keyPlaces : null;
      r.schoolRate = r.schools > 0 ? r.schoolsSeen / r.schools : null;
    }
    return [...acc.values()].sort((a, b) => a.areaId.localeCompare(b.areaId));
  }

  /** Road not seen at `band` or better: the blind spots of that quality. */
  unseenSpans(band: DoriBand) {
    return (this.roads.get(band) as RoadCoverage).unseenSpans();
  }

  /** Every place with its required and best band. */
  placeStatus(): { place: BandedPlace; requiredBand: DoriBand; bestBand: DoriBand | null; ok: boolean }[] {
    return this.places.map((place, i) => {
      const requiredBand = this.requiredBandOf(i),
        bestBand = this.bestBandOf(i);
      return { place, requiredBand, bestBand, ok: meetsBand(bestBand, requiredBand) };
    });
  }
}
