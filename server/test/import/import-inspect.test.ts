import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import gcoord from 'gcoord';
import { LAYERS } from '../../src/contract/layers.js';
import { ConflictError, UnprocessableError } from '../../src/errors.js';
import { importFile } from '../../src/import/import.service.js';
import { loadDemoCity } from '../../src/services/demo-city.service.js';
import { deleteLayerFeature, updateLayerFeature } from '../../src/services/features.service.js';
import { undoImportBatch } from '../../src/services/import-batches.service.js';
import { inspectUpload } from '../../src/services/import-inspect.service.js';
import { referenceGcj02ToBd09, referenceWgs84ToGcj02 } from '../helpers/china-offsets.js';
import { openTestDb, testDbKind, type TestDb } from '../helpers/test-db.js';

/**
 * Issue #15, the inspection before an import and the partial undo after it: which of wgs84 / gcj02 / bd09 puts a
 * file's points nearest the roads (points of the demo city shifted with the published formulas, the medians
 * recomputed in PostGIS over every road), a heading no field knows (reported with samples and a suggestion, nothing
 * required guessed), and an undo that restores what it can and names the rows edited since.
 */
let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => t?.dispose());

const enc = (s: string) => new TextEncoder().encode(s);
const csvOf = (pts: readonly (readonly [number, number])[]) =>
  enc(`经度,纬度,名称\n${pts.map(([x, y], i) => `${x.toFixed(7)},${y.toFixed(7)},点${i + 1}`).join('\n')}\n`);
const count = async (sql: string, params: unknown[] = []) =>
  Number((await t.db.query<{ n: number }>(sql, params))[0]?.n ?? -1);

/** Median of metres from each point to the nearest road: ST_Distance on geography over every road, no index. */
async function referenceMedian(pts: readonly (readonly [number, number])[]): Promise<number> {
  const d = await t.db.query<{ d: number }>(
    `SELECT (SELECT min(ST_Distance(ST_SetSRID(ST_MakePoint(u.x, u.y), 4326)::geography, r.geom::geography)) FROM road r) AS d
     FROM unnest($1::float8[], $2::float8[]) AS u(x, y)`,
    [pts.map((p) => p[0]), pts.map((p) => p[1])],
  );
  const s = d.map((r) => Number(r.d)).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] ?? Number.NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

describe('the CRS guess against the roads', () => {
  let truth: [number, number][] = [];

  it('when no roads are loaded, then there is no guess and the reason says so', async () => {
    const r = await inspectUpload(t.db, csvOf([[118.76, 32.04]]), { fileName: 'p.csv', format: 'csv' });
    expect(r.crsGuess.best).toBeNull();
    expect(r.crsGuess.reason).toMatch(/no roads are loaded/);
  });

  it('when camera positions of the demo city are written as WGS84, GCJ-02 and BD-09, then each file is guessed right with the medians PostGIS gives', async () => {
    await loadDemoCity(t.db, { seed: 20261202, incidents: 10 });
    const cams = await t.db.query<{ x: number; y: number }>(
      `SELECT ST_X(geom) AS x, ST_Y(geom) AS y FROM camera ORDER BY id LIMIT 300`,
    );
    truth = cams.map((c) => [Number(c.x), Number(c.y)]);
    expect(truth.length).toBeGreaterThan(100);
    const gcj = truth.map(([x, y]) => referenceWgs84ToGcj02(x, y));
    const bd = gcj.map(([x, y]) => referenceGcj02ToBd09(x, y));
    const files = { wgs84: truth, gcj02: gcj, bd09: bd } as const;
    const truthMedian = await referenceMedian(truth);
    for (const [name, pts] of Object.entries(files)) {
      const r = await inspectUpload(t.db, csvOf(pts), { fileName: `${name}.csv`, format: 'csv' });
      expect(r.crsGuess.best, `${name}: ${r.crsGuess.reason}`).toBe(name);
      expect(r.crsGuess.points).toBe(truth.length);
      // Each candidate's median equals the reference over the same points read that way (gcoord's inverse).
      for (const c of ['wgs84', 'gcj02', 'bd09'] as const) {
        const read = pts.map(([x, y]) =>
          c === 'wgs84'
            ? ([x, y] as const)
            : (gcoord.transform([x, y], c === 'gcj02' ? gcoord.GCJ02 : gcoord.BD09, gcoord.WGS84) as [number, number]),
        );
        expect(r.crsGuess.medianMeters[c]).toBeCloseTo(await referenceMedian(read), 2);
      }
      // Read the right way, the points are back where the cameras are: the median is the truth's within a metre.
      expect(Math.abs((r.crsGuess.medianMeters[name as 'wgs84'] ?? 0) - truthMedian)).toBeLessThan(1);
      // The wrong readings lie farther (the demo city's streets are dense, so not by the whole ~500 m offset).
      for (const c of ['wgs84', 'gcj02', 'bd09'] as const)
        if (c !== name) expect(r.crsGuess.medianMeters[c] ?? 0).toBeGreaterThan(truthMedian + 5);
      console.log(`${testDbKind()} ${name}: ${r.crsGuess.reason}`);
    }
  });

  it('when the CRS is given (gcj02), then no guess is made and the reason names it', async () => {
    const r = await inspectUpload(t.db, csvOf([[118.76, 32.04]]), { fileName: 'p.csv', format: 'csv', crs: 'gcj02' });
    expect(r.crsGuess.best).toBeNull();
    expect(r.crsGuess.reason).toMatch(/gcj02/);
  });
});

describe('a heading no field knows', () => {
  const file = enc(
    '经度,纬度,出警时刻,警情分类,处警单位\n118.78,32.04,2026-03-01 21:15,盗窃,玄武分局\n118.79,32.05,2026-03-02 08:00,纠纷,鼓楼分局\n',
  );

  it('when incidents come with 出警时刻 and 警情分类, then inspect lists them unmapped with samples and a suggestion, and the required fields stay missing', async () => {
    const r = await inspectUpload(t.db, file, { fileName: 'x.csv', format: 'csv', layer: 'incidents' });
    expect(r.mapping?.occurred_at).toBeUndefined();
    expect(r.mapping?.category).toBeUndefined();
    expect(r.missingRequired).toEqual(expect.arrayContaining(['occurred_at', 'category']));
    const by = Object.fromEntries((r.unmapped ?? []).map((u) => [u.column, u]));
    expect(Object.keys(by).sort()).toEqual(['出警时刻', '处警单位', '警情分类'].sort());
    expect(by['出警时刻']?.samples).toEqual(['2026-03-01 21:15', '2026-03-02 08:00']);
    expect(by['出警时刻']?.suggestion).toMatchObject({
      field: 'occurred_at',
      required: true,
      map: 'occurred_at=出警时刻',
    });
    expect(by['警情分类']?.suggestion).toMatchObject({ field: 'category', map: 'category=警情分类' });
    expect(by['警情分类']?.samples).toEqual(['盗窃', '纠纷']);
    expect(by['处警单位']?.suggestion).toBeNull();
    expect(by['处警单位']?.note).toMatch(/left out/);
  });

  it('when the file is imported as it is, then it is refused (nothing guessed, nothing written); with the suggested map it goes in', async () => {
    const before = await count(`SELECT count(*) AS n FROM incident`);
    const refused = await importFile(t.db, file, {
      fileName: 'x.csv',
      format: 'csv',
      layer: 'incidents',
      actor: 'test',
    }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UnprocessableError);
    expect(await count(`SELECT count(*) AS n FROM incident`)).toBe(before);
    const r = await importFile(t.db, file, {
      fileName: 'x.csv',
      format: 'csv',
      layer: 'incidents',
      actor: 'test',
      map: { occurred_at: '出警时刻', category: '警情分类' },
    });
    expect(r.counts.incidents).toEqual({ new: 2, updated: 0, unchanged: 0 });
    expect(r.unmapped).toEqual([
      expect.objectContaining({ column: '处警单位', samples: ['玄武分局', '鼓楼分局'], suggestion: null }),
    ]);
    expect(await count(`SELECT count(*) AS n FROM incident`)).toBe(before + 2);
  });
});

describe('partial undo', () => {
  it('when one imported row was edited and one deleted since, then undo deletes the rest, restores the updated ones, and names the two it kept', async () => {
    const rows = Array.from(
      { length: 6 },
      (_, i) => `${(118.7 + i / 1000).toFixed(4)},32.0${i},2026-04-0${i + 1} 10:00,类${i}`,
    );
    const first = await importFile(t.db, enc(`lon,lat,occurred_at,category\n${rows.join('\n')}\n`), {
      fileName: 'p.csv',
      format: 'csv',
      layer: 'incidents',
      actor: 'test',
      key: 'category',
    });
    expect(first.counts.incidents?.new).toBe(6);
    const ids = (
      await t.db.query<{ id: number; version: number; category: string }>(
        `SELECT i.id::int AS id, i.version, i.category FROM incident i JOIN import_row ir ON ir.feature_id = i.id AND ir.layer = 'incidents'
         WHERE ir.batch_id = $1 ORDER BY i.category`,
        [first.batchId],
      )
    ).map((r) => ({ ...r, version: Number(r.version) }));
    expect(ids.map((r) => r.category)).toEqual(['类0', '类1', '类2', '类3', '类4', '类5']);
    // A second import of the same keys changes two rows (类0, 类1) and edits nothing else.
    const changed = rows.map((r, i) => (i < 2 ? r.replace('10:00', '11:00') : r));
    const second = await importFile(t.db, enc(`lon,lat,occurred_at,category\n${changed.join('\n')}\n`), {
      fileName: 'p.csv',
      format: 'csv',
      layer: 'incidents',
      actor: 'test',
      key: 'category',
    });
    expect(second.counts.incidents).toEqual({ new: 0, updated: 2, unchanged: 4 });
    // Since then 类1 (a row of both batches) is edited by hand.
    const who = { user: undefined, actor: 'editor' };
    const row1 = ids[1];
    if (!row1) throw new Error('no row');
    const v1 = await count(`SELECT version AS n FROM incident WHERE id = $1`, [row1.id]);
    await updateLayerFeature(t.db, who, LAYERS.incidents, row1.id, v1, { properties: { category: '类1-改' } });
    const undo2 = await undoImportBatch(t.db, second.batchId ?? 0, 'test');
    expect(undo2.partial).toBe(true);
    expect(undo2.restored.incidents).toBe(1);
    expect(undo2.kept).toEqual([
      {
        layer: 'incidents',
        featureId: row1.id,
        action: 'updated',
        reason: expect.stringMatching(/^edited since the import/),
      },
    ]);
    // 类0 back at 10:00 (restored), 类1 as the editor left it.
    const back = await t.db.query<{ category: string; t: string }>(
      `SELECT category, to_char(occurred_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI') AS t FROM incident WHERE id = ANY($1::bigint[]) ORDER BY id`,
      [[ids[0]?.id, row1.id]],
    );
    expect(back.map((b) => `${b.category} ${b.t}`)).toEqual(['类0 10:00', '类1-改 11:00']);

    // The first batch: 类1 edited (by the editor and the undo), 类3 deleted since; the other 4 go.
    const row3 = ids[3];
    if (!row3) throw new Error('no row');
    await deleteLayerFeature(t.db, who, LAYERS.incidents, row3.id, row3.version);
    const before = await count(`SELECT count(*) AS n FROM incident`);
    const undo1 = await undoImportBatch(t.db, first.batchId ?? 0, 'test');
    expect(undo1.partial).toBe(true);
    // 类0 was restored by the undo of the second batch: its version moved, so it counts as edited since too.
    expect(undo1.deleted.incidents).toBe(3);
    expect(undo1.kept.map((k) => [k.featureId, k.reason.split(' (')[0]])).toEqual(
      [
        [ids[0]?.id, 'edited since the import'],
        [row1.id, 'edited since the import'],
        [row3.id, 'deleted since the import'],
      ].sort((a, b) => Number(a[0]) - Number(b[0])),
    );
    expect(await count(`SELECT count(*) AS n FROM incident`)).toBe(before - 3);
    expect(await count(`SELECT count(*) AS n FROM incident WHERE id = $1 AND category = '类1-改'`, [row1.id])).toBe(1);
    // Of the first batch's six rows, the two it kept (类0 and 类1) are still there.
    expect(await count(`SELECT count(*) AS n FROM incident WHERE id = ANY($1::bigint[])`, [ids.map((r) => r.id)])).toBe(
      2,
    );
    // The audit row of the undo names what it kept.
    const [audit] = await t.db.query<{ after: { kept: { id: number }[] } }>(
      `SELECT after FROM audit_log WHERE entity = 'import' AND action = 'delete' AND entity_id = $1`,
      [String(first.batchId)],
    );
    expect(audit?.after.kept.map((k) => k.id).sort((a, b) => a - b)).toEqual(
      [ids[0]?.id ?? 0, row1.id, row3.id].sort((a, b) => a - b),
    );
  });

  it('when every row of a batch was edited since, then the undo is refused naming them and changes nothing', async () => {
    const r = await importFile(t.db, enc('lon,lat,occurred_at,category\n118.71,32.01,2026-05-01 10:00,全改\n'), {
      fileName: 'q.csv',
      format: 'csv',
      layer: 'incidents',
      actor: 'test',
    });
    const [row] = await t.db.query<{ id: number; version: number }>(
      `SELECT id::int AS id, version FROM incident WHERE category = '全改'`,
    );
    if (!row) throw new Error('no row');
    await updateLayerFeature(
      t.db,
      { user: undefined, actor: 'editor' },
      LAYERS.incidents,
      row.id,
      Number(row.version),
      {
        properties: { category: '全改-已编辑' },
      },
    );
    const e = await undoImportBatch(t.db, r.batchId ?? 0, 'test').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConflictError);
    expect((e as ConflictError).code).toBe('import.edited_since');
    expect((e as ConflictError).errors[0]?.path).toBe(`incidents/${row.id}`);
    expect(await count(`SELECT count(*) AS n FROM import_batch WHERE id = $1 AND undone_at IS NULL`, [r.batchId])).toBe(
      1,
    );
  });
});
