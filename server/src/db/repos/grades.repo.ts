import type { GridGrade } from '../../engines/hotspots/grid-grades.js';
import type { MultiPolygon } from 'geojson';
import type { Db, Queryable } from '../client.js';
import { writeAudit } from './audit.repo.js';

/** A stored grade: the engine's grade under the grid's code, and the day it was computed for. */
export type GridGradeRow = Omit<GridGrade, 'code'> & { gridCode: string; computedOn: string };

const SELECT = `SELECT grid_code AS "gridCode", to_char(computed_on, 'YYYY-MM-DD') AS "computedOn", grade, incidents,
  rate_per_1000 AS "ratePer1000", rate_ratio AS "rateRatio", basis, hot_cells AS "hotCells", reasons FROM grid_grade`;

/**
 * Stores one day's grades in one transaction, replacing that day's earlier run, with one audit row holding the
 * parameters and the count per grade.
 */
export async function saveGrades(
  db: Db,
  actor: string,
  day: string,
  rows: readonly GridGradeRow[],
  params: unknown,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('DELETE FROM grid_grade WHERE computed_on = $1::date', [day]);
    await tx.query(
      `INSERT INTO grid_grade (grid_code, computed_on, grade, incidents, rate_per_1000, rate_ratio, basis, hot_cells, reasons, params)
       SELECT g.code, $1::date, g.grade, g.incidents, g.rate, g.ratio, g.basis, g.hot, g.reasons, $10::jsonb
       FROM unnest($2::text[], $3::text[], $4::int[], $5::float8[], $6::float8[], $7::text[], $8::int[], $9::jsonb[])
         AS g(code, grade, incidents, rate, ratio, basis, hot, reasons)`,
      [
        day,
        rows.map((r) => r.gridCode),
        rows.map((r) => r.grade),
        rows.map((r) => r.incidents),
        rows.map((r) => r.ratePer1000),
        rows.map((r) => r.rateRatio),
        rows.map((r) => r.basis),
        rows.map((r) => r.hotCells),
        rows.map((r) => JSON.stringify(r.reasons)),
        JSON.stringify(params),
      ],
    );
    const byGrade: Record<string, number> = {};
    for (const r of rows) byGrade[r.grade] = (byGrade[r.grade] ?? 0) + 1;
    await writeAudit(tx, {
      actor,
      entity: 'grid_grade',
      entityId: day,
      action: 'create',
      after: { grids: rows.length, byGrade, params },
    });
  });
}

/** The grades of one day, or of the latest day computed. */
export async function gradesOn(db: Queryable, day?: string): Promise<GridGradeRow[]> {
  return db.query<GridGradeRow>(
    `${SELECT} WHERE computed_on = ${day ? '$1::date' : '(SELECT max(computed_on) FROM grid_grade)'} ORDER BY grid_code`,
    day ? [day] : [],
  );
}

/** The grades of one day (or the latest) with each grid's name and outline, for the map. */
export async function gradesWithOutlines(
  db: Queryable,
  day?: string,
): Promise<(GridGradeRow & { name: string; geometry: MultiPolygon })[]> {
  return db.query(
    `SELECT gg.grid_code AS "gridCode", to_char(gg.computed_on, 'YYYY-MM-DD') AS "computedOn", gg.grade, gg.incidents,
       gg.rate_per_1000 AS "ratePer1000", gg.rate_ratio AS "rateRatio", gg.basis, gg.hot_cells AS "hotCells", gg.reasons,
       g.name, ST_AsGeoJSON(ST_Multi(g.geom), 7)::json AS geometry
     FROM grid_grade gg JOIN grid g ON g.code = gg.grid_code
     WHERE gg.computed_on = ${day ? '$1::date' : '(SELECT max(computed_on) FROM grid_grade)'} ORDER BY gg.grid_code`,
    day ? [day] : [],
  );
}

/** Every stored grade of one grid, oldest first. */
export async function gradeHistory(db: Queryable, gridCode: string): Promise<GridGradeRow[]> {
  return db.query<GridGradeRow>(`${SELECT} WHERE grid_code = $1 ORDER BY computed_on`, [gridCode]);
}
