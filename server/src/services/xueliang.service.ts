import ExcelJS from 'exceljs';
import {
  DEFAULT_KPI_TARGETS,
  kpiRows,
  type CameraRecord,
  type KpiLevel,
  type KpiRow,
  type KpiTargets,
  type PlaceSeen,
} from '../engines/xueliang/kpis.js';
import type { Db } from '../db/client.js';
import { loadAreaChain, loadCameraRecords } from '../db/repos/xueliang.repo.js';
import { bandedPlaceStatus } from './banded-coverage.service.js';

export type KpiGrouping = 'area' | 'point_class' | 'position_type';

export interface KpiReport {
  level: KpiLevel;
  by: KpiGrouping;
  targets: KpiTargets;
  rows: (KpiRow & { name: string | null })[];
}

/**
 * The 雪亮 KPIs per area at `level` (grids rolled up along the admin chain), or per point class (一类/二类/三类点) or
 * GB/T 28181 position type of the cameras (cameras only: key places have no class). Key places count as covered when
 * a working camera sees them at their required band (see the banded coverage).
 */
export async function xueliangKpis(
  db: Db,
  level: KpiLevel,
  by: KpiGrouping = 'area',
  targets: Partial<KpiTargets> = {},
): Promise<KpiReport> {
  const t: KpiTargets = { ...DEFAULT_KPI_TARGETS, ...targets };
  const [records, places, { chain, names }] = await Promise.all([
    loadCameraRecords(db),
    bandedPlaceStatus(db, 'grid'),
    loadAreaChain(db),
  ]);
  const seen: PlaceSeen[] = places.map((p) => ({ id: p.id, kind: p.kind, gridCode: p.areaId, ok: p.ok }));
  const cameras: CameraRecord[] = records;
  const areaOf = (grid: string | null) => (grid === null ? null : (chain.get(grid)?.[level] ?? null));
  let rows: KpiRow[];
  if (by === 'area')
    rows = kpiRows(
      cameras,
      seen,
      (c) => areaOf(c.gridCode),
      (p) => areaOf(p.gridCode),
      t,
    );
  else if (by === 'point_class')
    rows = kpiRows(
      cameras,
      [],
      (c) => (c.pointClass === null ? 'unclassified' : String(c.pointClass)),
      () => null,
      t,
    );
  else
    rows = kpiRows(
      cameras,
      [],
      (c) => c.positionType ?? 'unset',
      () => null,
      t,
    );
  return { level, by, targets: t, rows: rows.map((r) => ({ ...r, name: names.get(r.key) ?? null })) };
}

/** Cameras whose record (一机一档) is incomplete, with what is missing and where they are. */
export async function incompleteRecords(db: Db, limit = 5000) {
  const [records, { chain }] = await Promise.all([loadCameraRecords(db), loadAreaChain(db)]);
  const incomplete = records.filter((r) => r.missing.length > 0);
  return {
    total: records.length,
    incomplete: incomplete.length,
    cameras: incomplete.slice(0, limit).map((r) => ({
      id: r.id,
      code: r.code,
      name: r.name,
      gbCode: r.gbCode,
      gridCode: r.gridCode,
      communityCode: r.gridCode ? (chain.get(r.gridCode)?.community ?? null) : null,
      townshipCode: r.gridCode ? (chain.get(r.gridCode)?.township ?? null) : null,
      missing: r.missing,
    })),
  };
}

const pct = (r: number | null) => (r === null ? null : Math.round(r * 10_000) / 100);

/** The KPI report and the incomplete-record list as the xlsx such reports travel in (headers in Chinese and English). */
export async function xueliangWorkbook(report: KpiReport, incomplete: Awaited<ReturnType<typeof incompleteRecords>>) {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('雪亮KPI');
  ws.addRow([
    '编码 code',
    '名称 name',
    '摄像机 cameras',
    '覆盖率 % coverage',
    '覆盖差距 % gap',
    '联网率 % networked',
    '联网差距 % gap',
    '完好率 % working',
    '完好差距 % gap',
    '建档率 % records',
    '建档差距 % gap',
    '重点行业覆盖率 % key industry',
    '达标 meets all',
  ]);
  for (const r of report.rows)
    ws.addRow([
      r.key,
      r.name ?? '',
      r.cameras,
      pct(r.coverageRate),
      pct(r.gaps.coverage),
      pct(r.networkedRate),
      pct(r.gaps.networked),
      pct(r.workingRate),
      pct(r.gaps.working),
      pct(r.recordRate),
      pct(r.gaps.records),
      pct(r.keyIndustryRate),
      r.meetsAll ? '是 yes' : '否 no',
    ]);
  const ws2 = wb.addWorksheet('档案不全');
  ws2.addRow(['摄像机 id', '编号 code', '名称 name', '国标编码 gb_code', '网格 grid', '缺少 missing']);
  for (const c of incomplete.cameras)
    ws2.addRow([c.id, c.code ?? '', c.name ?? '', c.gbCode ?? '', c.gridCode ?? '', c.missing.join(', ')]);
  const t = wb.addWorksheet('目标');
  t.addRow(['指标 KPI', '目标 target %']);
  for (const [k, v] of Object.entries(report.targets)) t.addRow([k, pct(v)]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
