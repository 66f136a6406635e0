import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UnprocessableError } from '../../src/errors.js';
import { importFile, type ImportOptions } from '../../src/import/import.service.js';
import { openTestDb, type TestDb } from '../helpers/test-db.js';

/**
 * Imports go through the file in chunks (issue #15: a 2,000,000-row CSV in bounded memory). Whatever the chunk size,
 * the stored rows and the report must be those of reading the file whole: rows repeated across a chunk border are
 * still counted with multiplicity, a code repeated in a later chunk is still refused naming the first row, a date in
 * the last chunk still settles day/month order for the first, and a bad row in the last chunk still refuses the file.
 */
const CRIMES_2012 = path.resolve(
  import.meta.dirname,
  '../../../../shared/data/chicago_crimes/chicago_crimes_socrata_2012.csv',
);

const open: TestDb[] = [];
const freshDb = async () => {
  const t = await openTestDb();
  open.push(t);
  return t;
};
afterEach(async () => {
  for (const t of open.splice(0)) await t.dispose();
});

const csv = (lines: string[]) => new TextEncoder().encode(`${lines.join('\n')}\n`);
const opts = (o: Partial<ImportOptions> & Pick<ImportOptions, 'format' | 'fileName'>): ImportOptions => ({
  actor: 'test',
  ...o,
});
/** Every stored incident, in a stable order. */
const incidents = (t: TestDb) =>
  t.db.query<{ at: string; category: string; external_id: string | null; wkt: string }>(
    `SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') AS at, category, external_id,
            ST_AsText(geom) AS wkt
       FROM incident ORDER BY occurred_at, category, external_id, ST_AsText(geom)`,
  );
/** What the report says, less what cannot be the same in two runs (time, batch id). */
const comparable = (r: Awaited<ReturnType<typeof importFile>>) => {
  const { ms: _ms, batchId: _b, ...rest } = r;
  return rest;
};

describe('an import in chunks', () => {
  it('when the 2012 Chicago file (repeated rows, 87 bad ones) goes in 997 rows at a time, then rows and report equal one whole read, and a re-import in other chunks matches every row', async () => {
    const bytes = new Uint8Array(readFileSync(CRIMES_2012));
    const base = {
      format: 'csv' as const,
      fileName: 'chicago_crimes_socrata_2012.csv',
      layer: 'incidents' as const,
      timeZone: 'America/Chicago',
      skipInvalid: true,
    };
    const whole = await freshDb();
    const chunked = await freshDb();
    const a = await importFile(whole.db, bytes, opts(base));
    const b = await importFile(chunked.db, bytes, opts({ ...base, chunkRows: 997 }));
    expect(a.rowsRead).toBe(10_000);
    expect(a.counts.incidents).toEqual({ new: 9913, updated: 0, unchanged: 0 });
    expect(comparable(b)).toEqual(comparable(a));
    const rowsA = await incidents(whole);
    expect(rowsA.length).toBe(9913);
    expect(await incidents(chunked)).toEqual(rowsA);
    // Identical lines of the file are separate incidents, one for one, across chunk borders too.
    const again = await importFile(chunked.db, bytes, opts({ ...base, chunkRows: 1009 }));
    expect(again.summary).toMatch(/^0 new, 9913 unchanged, 0 updated, 87 refused/);
    expect((await incidents(chunked)).length).toBe(9913);
  }, 600_000);

  it('when one line is repeated in three chunks, then it is three incidents, and a fourth copy added later is one new', async () => {
    const t = await freshDb();
    const same = 'x,2024-05-01 09:30,盗窃,118.78,32.04';
    const v1 = [
      'id,发生时间,类别,经度,纬度',
      same,
      'y1,2024-05-02 10:00,纠纷,118.79,32.05',
      same,
      'y2,2024-05-03 11:00,纠纷,118.79,32.05',
      same,
    ];
    const o = opts({
      format: 'csv',
      fileName: 'repeats.csv',
      layer: 'incidents',
      timeZone: 'Asia/Shanghai',
      chunkRows: 2,
    });
    const first = await importFile(t.db, csv(v1), o);
    expect(first.summary).toBe('5 new, 0 unchanged, 0 updated, 0 refused');
    const second = await importFile(t.db, csv([...v1, 'y3,2024-05-04 12:00,纠纷,118.79,32.05', same]), o);
    expect(second.summary).toBe('2 new, 5 unchanged, 0 updated, 0 refused');
    const [n] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incident WHERE external_id = 'x'`);
    expect(n?.n).toBe(4);
  });

  it('when only a date in the last chunk settles day/month order, then the first chunk is read in that order too', async () => {
    const t = await freshDb();
    const lines = ['id,发生时间,类别,经度,纬度'];
    for (let i = 1; i <= 9; i++) lines.push(`a${i},0${i}/02/2024 08:00,盗窃,118.78,32.04`);
    lines.push('a10,25/02/2024 08:00,盗窃,118.78,32.04');
    const r = await importFile(
      t.db,
      csv(lines),
      opts({ format: 'csv', fileName: 'dmy.csv', layer: 'incidents', timeZone: 'Asia/Shanghai', chunkRows: 3 }),
    );
    expect(r.counts.incidents?.new).toBe(10);
    expect(r.warnings.some((w) => w.startsWith('dates:'))).toBe(false);
    const [first] = await t.db.query<{ at: string }>(
      `SELECT to_char(occurred_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS at FROM incident WHERE external_id = 'a1'`,
    );
    expect(first?.at).toBe('2024-02-01 08:00'); // 1 February, not 2 January
  });

  it('when a camera code repeats in a later chunk, then the file is refused naming both rows and nothing is written', async () => {
    const t = await freshDb();
    const lines = ['编号,名称,经度,纬度'];
    for (let i = 1; i <= 7; i++) lines.push(`C${i},点位${i},118.78${i},32.04`);
    lines.push('C2,点位重复,118.789,32.041');
    const err = await importFile(
      t.db,
      csv(lines),
      opts({ format: 'csv', fileName: 'cams.csv', layer: 'cameras', chunkRows: 3 }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnprocessableError);
    const problem = err as UnprocessableError;
    expect(problem.errors).toEqual([{ path: 'row 9: properties.code', message: '"C2" is also the code of row 3' }]);
    const [n] = await t.db.query<{ cams: number; batches: number }>(
      'SELECT (SELECT count(*)::int FROM camera) AS cams, (SELECT count(*)::int FROM import_batch) AS batches',
    );
    expect(n).toEqual({ cams: 0, batches: 0 });
  });

  it('when the one bad row is in the last chunk, then the whole file is refused, counted, and nothing of the earlier chunks stays', async () => {
    const t = await freshDb();
    const lines = ['id,发生时间,类别,经度,纬度'];
    for (let i = 1; i <= 8; i++) lines.push(`b${i},2024-03-0${i} 08:00,纠纷,118.78,32.04`);
    lines.push('b9,not a time,纠纷,118.78,32.04');
    const o = opts({
      format: 'csv',
      fileName: 'bad-last.csv',
      layer: 'incidents',
      timeZone: 'Asia/Shanghai',
      chunkRows: 4,
    });
    const err = await importFile(t.db, csv(lines), o).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnprocessableError);
    expect((err as UnprocessableError).message).toBe('1 feature(s) are invalid; nothing was imported');
    expect((err as UnprocessableError).errors[0]?.path).toBe('row 10: properties.occurred_at');
    const [n] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incident');
    expect(n?.n).toBe(0);
    // With skipInvalid the 8 good rows go in, in three chunks, and the report names the one refused.
    const r = await importFile(t.db, csv(lines), { ...o, skipInvalid: true });
    expect(r.summary).toBe('8 new, 0 unchanged, 0 updated, 1 refused');
    expect(r.refused[0]?.rows).toEqual(['row 10']);
  });
});
