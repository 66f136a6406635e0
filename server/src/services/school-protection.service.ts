import { PlaceCoverage, type KeyPlaceInput } from '../engines/coverage/index.js';
import type { Db } from '../db/client.js';
import { loadSchoolGates } from '../db/repos/xueliang.repo.js';
import { localDay } from '../local-clock.js';
import { identifyViewsOfNetworked } from './banded-coverage.service.js';
import { DEFAULT_BELLS, reachMap, schoolGateCoverage } from './routing.service.js';

/** A gate counts as watched when a camera's identify polygon comes within this of it (a gate's half width). */
export const GATE_RADIUS_M = 3;

export type SchoolFailure =
  | 'gate_not_identified'
  | 'no_one_key_alarm'
  | 'not_reached_in_1_min'
  | 'entry_uncovered'
  | 'exit_uncovered';

export interface SchoolProtection {
  id: number;
  name: string;
  kind: string;
  entryTime: string;
  exitTime: string;
  gates: { id: number | null; name: string | null; lon: number; lat: number; identifiedBy: number[] }[];
  oneKeyAlarm: boolean;
  /** Minutes from the nearest post or station by road (null: not reachable). */
  reachMinutes: number | null;
  entryCoveredBy: string[];
  exitCoveredBy: string[];
  failures: SchoolFailure[];
}

/**
 * 护学岗 per school on a local day: every gate seen at identify by a working, networked camera; the networked
 * one-key alarm; reached within 1 minute from the nearest post or station; a gate duty or staffed post at the entry
 * and at the exit bell. Schools failing any of these first (most failures first).
 */
export async function schoolProtection(
  db: Db,
  day: string = localDay(new Date()),
  profile: 'car' | 'foot' = 'car',
): Promise<{ day: string; schools: SchoolProtection[] }> {
  const [gates, views, reach] = await Promise.all([
    loadSchoolGates(db),
    identifyViewsOfNetworked(db),
    reachMap(db, profile),
  ]);
  const asPlaces: KeyPlaceInput[] = gates.map((g, i) => ({
    id: i,
    kind: g.kind,
    name: g.gateName ?? g.schoolName,
    areaId: '',
    geometry: { type: 'Point', coordinates: [g.lon, g.lat] },
  }));
  const cov = new PlaceCoverage(asPlaces, { pointRadiusM: GATE_RADIUS_M });
  const by = new Map<number, number[]>();
  for (const v of views)
    for (const i of cov.placesUnder(v)) {
      const list = by.get(i) ?? [];
      list.push(v.cameraId);
      by.set(i, list);
    }
  const minutes = new Map(reach.keyPlaces.map((k) => [k.id, k.minutes]));
  // One 护学岗 check per distinct bell time (most cities have two).
  const bells = new Set(gates.flatMap((g) => [g.entryTime ?? DEFAULT_BELLS.entry, g.exitTime ?? DEFAULT_BELLS.exit]));
  const coverAt = new Map<string, Map<number, string[]>>();
  for (const b of bells) {
    const c = await schoolGateCoverage(db, b, day);
    coverAt.set(
      b,
      new Map(
        c.schools.filter((s) => s.bell === b).map((s) => [s.id, s.coveredBy.map((x) => `${x.kind}: ${x.label}`)]),
      ),
    );
  }
  const schools = new Map<number, SchoolProtection>();
  gates.forEach((g, i) => {
    let s = schools.get(g.schoolId);
    if (!s) {
      const entryTime = g.entryTime ?? DEFAULT_BELLS.entry,
        exitTime = g.exitTime ?? DEFAULT_BELLS.exit;
      s = {
        id: g.schoolId,
        name: g.schoolName,
        kind: g.kind,
        entryTime,
        exitTime,
        gates: [],
        oneKeyAlarm: g.oneKeyAlarm,
        reachMinutes: minutes.get(g.schoolId) ?? null,
        entryCoveredBy: coverAt.get(entryTime)?.get(g.schoolId) ?? [],
        exitCoveredBy: coverAt.get(exitTime)?.get(g.schoolId) ?? [],
        failures: [],
      };
      schools.set(g.schoolId, s);
    }
    s.gates.push({
      id: g.gateId,
      name: g.gateName,
      lon: g.lon,
      lat: g.lat,
      identifiedBy: (by.get(i) ?? []).sort((a, b) => a - b),
    });
  });
  for (const s of schools.values()) {
    if (s.gates.some((g) => g.identifiedBy.length === 0)) s.failures.push('gate_not_identified');
    if (!s.oneKeyAlarm) s.failures.push('no_one_key_alarm');
    if (s.reachMinutes === null || s.reachMinutes > 1) s.failures.push('not_reached_in_1_min');
    if (s.entryCoveredBy.length === 0) s.failures.push('entry_uncovered');
    if (s.exitCoveredBy.length === 0) s.failures.push('exit_uncovered');
  }
  return {
    day,
    schools: [...schools.values()].sort((a, b) => b.failures.length - a.failures.length || a.id - b.id),
  };
}
