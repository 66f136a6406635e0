import type { z } from 'zod';
import { districtAnswer, districtBody } from '../../contract/editing.js';
import { planDistrictingAnswer } from '../../contract/plan-answers.js';
import { planDistrictingBody } from '../../contract/plans.js';
import { districtDraft } from '../../services/beat-planning.service.js';
import { createFromDistricting } from '../../services/plans.service.js';
import type { JobKind } from '../job-manager.js';
import { ALL_DATA_TABLES, runOn } from './routing.kinds.js';

type DistrictBody = z.output<typeof districtBody>;

/** The planning preview (POST /planning/districting): nothing is written, so the answer is kept. */
export const districtingKind: JobKind<DistrictBody> = {
  kind: 'districting',
  params: districtBody,
  answer: districtAnswer,
  permission: 'analyse',
  reads: () => ALL_DATA_TABLES,
  run: async (ctx, b) => {
    ctx.progress(0, '读取网格');
    return districtDraft(
      ctx.db,
      {
        stationId: b.stationId,
        tolerance: b.tolerance,
        ...(b.beats ? { beats: b.beats } : {}),
        ...(b.weights ? { weights: b.weights } : {}),
        ...(b.lockedBeats ? { lockedBeats: b.lockedBeats } : {}),
        ...(b.compactnessWeight === undefined ? {} : { compactnessWeight: b.compactnessWeight }),
      },
      ...runOn(ctx, '划分警格', 0.1, 1),
    );
  },
};

type DraftBody = z.output<typeof planDistrictingBody>;

/**
 * A stored districting draft (POST /plans/districting): inputs read here, the engine on a worker, the draft written
 * here after it (a cancelled job writes nothing). Never kept: every run stores its own draft.
 */
export const districtingDraftKind: JobKind<DraftBody> = {
  kind: 'districting-draft',
  params: planDistrictingBody,
  answer: planDistrictingAnswer,
  permission: 'edit_beats',
  reads: () => [],
  run: async (ctx, b) => {
    ctx.progress(0, '读取网格');
    const [run, opts] = runOn(ctx, '划分警格', 0.1, 0.95);
    return createFromDistricting(
      ctx.db,
      ctx.user.username,
      {
        name: b.name,
        stationId: b.stationId,
        ...(b.beats ? { beats: b.beats } : {}),
        ...(b.categoryWeights ? { categoryWeights: b.categoryWeights } : {}),
        ...(b.loadWeights ? { loadWeights: b.loadWeights } : {}),
        ...(b.tolerance === undefined ? {} : { tolerance: b.tolerance }),
        ...(b.objective ? { objective: b.objective } : {}),
        ...(b.lockedBeats ? { lockedBeats: b.lockedBeats } : {}),
        ...(b.recom === undefined ? {} : { recom: b.recom }),
      },
      { ...opts, run, user: ctx.user },
    );
  },
};
