import type { RegionAnswer } from '../contract/region.js';
import type { Db } from '../db/client.js';
import { regionFacts } from '../db/repos/region.repo.js';
import { DISTRICT_CODE } from '../engines/demo/admin.js';

/**
 * The area the loaded data is about, for the header and the PDF title: the one district when there is one, else the
 * region holding several, else the first district; "demo" only when that area is the generated demo city's district.
 */
export async function regionOf(db: Db): Promise<RegionAnswer> {
  const f = await regionFacts(db.reader);
  const district = f.districts.length === 1 ? f.districts[0] : undefined;
  const pick = district
    ? { ...district, level: 'district' }
    : f.regions[0]
      ? { ...f.regions[0], level: 'region' }
      : f.districts[0]
        ? { ...f.districts[0], level: 'district' }
        : undefined;
  return {
    area: pick ?? null,
    demo: f.demoLoaded && pick?.code === DISTRICT_CODE,
    sources: f.osmRows ? ['openstreetmap'] : [],
  };
}
