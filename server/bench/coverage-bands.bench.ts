import { BandedCoverage } from '../src/engines/coverage/banded-coverage.js';
import { viewBands } from '../src/engines/coverage/bands.js';
import { doriDistances } from '../src/engines/coverage/dori.js';
import { CoverageModel, indexBuildings, viewPolygon, type CameraView } from '../src/engines/coverage/index.js';
import { DEFAULT_ROAD_CLASS_WEIGHTS } from '../src/services/coverage.service.js';
import { bigCity } from './coverage-city.js';
import { sized, type BenchContext, type BenchRow, type BenchSuite } from './harness.js';

/**
 * Banded coverage (DORI identify/recognise/observe/detect) of the 15,708-camera city against today's unbanded build on
 * the same cameras, both on one thread: occluded views + coverage model + rates, and the same views + the split into
 * cumulative bands + the banded model (a road and a place coverage per band) + rates per band.
 */
async function run(ctx: BenchContext): Promise<BenchRow[]> {
  // The city of the coverage suite (15,708 cameras; 150 at smoke size).
  const city = bigCity(sized(8, 1), sized(15_708, 150));
  const size = `${city.cameras.length.toLocaleString('en')} cameras, ${city.buildings.length.toLocaleString('en')} buildings, ${city.pieces.length.toLocaleString('en')} road segments`;
  const index = indexBuildings(city.buildings);
  const working = city.cameras.filter((c) => c.status === 'working');
  // Today: views, then the unbanded model over the working cameras.
  let t0 = performance.now();
  const views: CameraView[] = working.map((c) => viewPolygon(c, index));
  const viewsMs = performance.now() - t0;
  t0 = performance.now();
  const model = new CoverageModel({
    areas: city.areas,
    roadPieces: city.pieces,
    places: city.places,
    buildings: city.buildings.map((b) => b.polygons),
    classWeights: DEFAULT_ROAD_CLASS_WEIGHTS,
    groundStepM: 5,
  });
  working.forEach((c, i) => {
    model.setCamera(c, views[i] as CameraView);
  });
  model.rates();
  const modelMs = performance.now() - t0;
  // Banded: the same views split into bands, then the banded model.
  t0 = performance.now();
  const bands = working.map((c, i) =>
    viewBands(c, views[i] as CameraView, doriDistances({ ...c, tiltDeg: 15 }), { cumulative: true }),
  );
  const splitMs = performance.now() - t0;
  t0 = performance.now();
  const banded = new BandedCoverage(city.pieces, city.places, DEFAULT_ROAD_CLASS_WEIGHTS);
  working.forEach((c, i) => {
    banded.setCamera(c.id, bands[i] ?? []);
  });
  for (const b of ['identify', 'recognise', 'observe', 'detect'] as const) banded.rates(b);
  const bandedModelMs = performance.now() - t0;
  ctx.log(
    `views ${(viewsMs / 1000).toFixed(1)} s, model ${(modelMs / 1000).toFixed(1)} s; band split ${(splitMs / 1000).toFixed(1)} s, banded model ${(bandedModelMs / 1000).toFixed(1)} s`,
  );
  return [
    {
      operation: 'banded coverage (DORI 4 bands), whole city: views + band split + banded rates',
      on: 'engine',
      size,
      oursMs: viewsMs + splitMs + bandedModelMs,
      reference: "today's unbanded build: views + coverage model + rates (same cameras, same thread)",
      referenceMs: viewsMs + modelMs,
      goal: '≤ 1.5×',
      note: `band split alone ${splitMs.toFixed(0)} ms`,
    },
  ];
}

const suite: BenchSuite = { name: 'coverage-bands (15,708 cameras, DORI)', run };
export default suite;
