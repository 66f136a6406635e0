import type { Queryable } from '../client.js';

export interface RegionFacts {
  districts: { code: string; name: string }[];
  regions: { code: string; name: string }[];
  demoLoaded: boolean;
  osmRows: boolean;
}

/** The districts and regions (first ten by code), whether the demo loader ran, and whether any road or building came from OSM. */
export async function regionFacts(db: Queryable): Promise<RegionFacts> {
  const areas = await db.query<{ code: string; name: string; level: string }>(
    `(SELECT code, name, level FROM admin_area WHERE level = 'district' ORDER BY code LIMIT 10)
     UNION ALL
     (SELECT code, name, level FROM admin_area WHERE level = 'region' ORDER BY code LIMIT 10)`,
  );
  const [flags] = await db.query<{ demo: boolean; osm: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM audit_log WHERE entity = 'demo_city') AS demo,
            (EXISTS (SELECT 1 FROM road WHERE osm_id IS NOT NULL)
             OR EXISTS (SELECT 1 FROM building WHERE osm_id IS NOT NULL)) AS osm`,
  );
  return {
    districts: areas.filter((a) => a.level === 'district').map(({ code, name }) => ({ code, name })),
    regions: areas.filter((a) => a.level === 'region').map(({ code, name }) => ({ code, name })),
    demoLoaded: flags?.demo ?? false,
    osmRows: flags?.osm ?? false,
  };
}
