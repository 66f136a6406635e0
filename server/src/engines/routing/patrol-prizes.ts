import { at } from '../shared/checked.js';

/**
 * What a beat's patrol is worth, in shares of the beat (issue 18): a cell's prize at an hour is
 * `incidentWeight × (its incidents at that hour ÷ the beat's incidents over the shift's hours)
 *  + blindSpotWeight × (its road no camera sees ÷ the beat's) ÷ shift hours`,
 * so visiting every cell at its hour would collect at most incidentWeight + blindSpotWeight, and the weights mean what
 * they say (default 1 : 0.3) wherever cameras are dense or sparse.
 */
export interface PrizeCellInput {
  id: string;
  /** Incidents in the cell by local hour (24 values, any period: only shares are used). */
  incidentsByHour: readonly number[];
  /** Metres of road in the cell no working camera sees. */
  blindMeters: number;
}

export interface PrizeWeights {
  incidentWeight: number;
  blindSpotWeight: number;
}

export const DEFAULT_PRIZE_WEIGHTS: PrizeWeights = { incidentWeight: 1, blindSpotWeight: 0.3 };

export interface PrizeCell {
  id: string;
  prizeByHour: number[];
  /** Sum of the prize over the shift's hours: the order in which cells are offered. */
  shiftPrize: number;
}

/** Local hours (0–23) a shift from `startHour` lasting `hours` touches. */
export function shiftHoursOf(startHour: number, hours: number): number[] {
  const out: number[] = [];
  for (let h = Math.floor(startHour); h < startHour + hours; h++) out.push(((h % 24) + 24) % 24);
  return out;
}

/** Normalised prizes of a beat's cells; cells with no prize in the shift are left out. Inputs are not mutated. */
export function beatPrizes(
  cells: readonly PrizeCellInput[],
  shiftHours: readonly number[],
  w: PrizeWeights,
): PrizeCell[] {
  const inShift = new Set(shiftHours);
  let incidents = 0,
    blind = 0;
  for (const c of cells) {
    for (const h of inShift) incidents += at(c.incidentsByHour, h, 'hour');
    blind += c.blindMeters;
  }
  const hours = Math.max(1, inShift.size);
  return cells
    .map((c) => {
      const blindPart = blind > 0 ? (w.blindSpotWeight * c.blindMeters) / blind / hours : 0;
      const prizeByHour = Array.from(
        { length: 24 },
        (_, h) => (incidents > 0 ? (w.incidentWeight * at(c.incidentsByHour, h, 'hour')) / incidents : 0) + blindPart,
      );
      return { id: c.id, prizeByHour, shiftPrize: shiftHours.reduce((s, h) => s + at(prizeByHour, h, 'hour'), 0) };
    })
    .filter((c) => c.shiftPrize > 0)
    .sort((a, b) => b.shiftPrize - a.shiftPrize);
}

/** What a plan buys, as numbers a planner reads. */
export interface PlanValue {
  /** Incidents expected in the visited cells at the hours the unit is there (per shift, from the history's daily mean). */
  expectedIncidents: number;
  /** … as a share of the beat's expected incidents over the whole shift (0–1). */
  incidentShare: number;
  blindSpotMinutes: number;
  minutesOutside: number;
  checkpointsVisited: number;
  checkpointsTotal: number;
}

/** The plan in words, Chinese and English: "覆盖本时段预计警情 N 起（占本警格 x%）；盲区道路 m 分钟；必巡点 k/k". */
export function describePlan(v: PlanValue): { zh: string; en: string } {
  const n = v.expectedIncidents < 10 ? v.expectedIncidents.toFixed(1) : Math.round(v.expectedIncidents).toString();
  const pct = Math.round(v.incidentShare * 100);
  const m = Math.round(v.blindSpotMinutes),
    out = Math.round(v.minutesOutside);
  const k = `${v.checkpointsVisited}/${v.checkpointsTotal}`;
  return {
    zh: `覆盖本时段预计警情 ${n} 起（占本警格 ${pct}%）；盲区道路 ${m} 分钟；必巡点 ${k}；警格外行驶 ${out} 分钟`,
    en: `covers ${n} expected incidents this shift (${pct}% of the beat); ${m} min on blind-spot roads; checkpoints ${k}; ${out} min driven outside the beat`,
  };
}
