import { jsPDF } from 'jspdf';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { countOf } from '../api/client.js';
import { t } from '../i18n/index.js';
import { pct, RATE_BREAKS, RATE_COLOURS } from '../analysis/rate-scale.js';
import { COUNT_BREAKS, COUNT_COLOURS } from '../layers/incident-layers.js';
import type { AppState } from '../state/app-state.js';
import { compareRows, currentComparison } from './plan-compare.js';

const FONT = "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif";

function download(dataUrl: string, name: string): void {
  const a = document.createElement('a');
  a.href = dataUrl;
  a.download = name;
  a.click();
}

/** The current view as PNG (the canvas keeps its drawing buffer, and deck.gl draws into the same canvas). */
export function exportPng(map: MapLibreMap): string {
  map.triggerRepaint();
  const url = map.getCanvas().toDataURL('image/png');
  download(url, `gridpatrol-${new Date().toISOString().slice(0, 10)}.png`);
  return url;
}

export interface KeyFigures {
  grids: number;
  beats: number;
  cameras: number;
  workingRate: number;
  networkedRate: number;
  incidents: number;
}

export async function keyFigures(incidentsInFilter: number): Promise<KeyFigures> {
  const [grids, beats, cameras, working, networked] = await Promise.all([
    countOf('grids'),
    countOf('beats'),
    countOf('cameras'),
    countOf('cameras', { status: 'working' }),
    countOf('cameras', { networked: 'true' }),
  ]);
  return {
    grids,
    beats,
    cameras,
    workingRate: cameras ? working / cameras : 0,
    networkedRate: cameras ? networked / cameras : 0,
    incidents: incidentsInFilter,
  };
}

/**
 * Text for the report is drawn on a canvas with the browser's CJK font and placed as an image: jsPDF's built-in fonts
 * have no Chinese glyphs, and embedding a 16 MB CJK font in every PDF is not worth it for a one-page briefing.
 */
function textBlock(
  lines: { text: string; size: number; bold?: boolean; colour?: string }[],
  widthPx: number,
): HTMLCanvasElement {
  const c = document.createElement('canvas');
  const lineH = (s: number) => Math.round(s * 1.5);
  c.width = widthPx;
  c.height = lines.reduce((h, l) => h + lineH(l.size), 16);
  const ctx = c.getContext('2d');
  if (!ctx) return c;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, c.width, c.height);
  let y = 8;
  for (const l of lines) {
    ctx.font = `${l.bold ? '700 ' : ''}${l.size}px ${FONT}`;
    ctx.fillStyle = l.colour ?? '#111827';
    ctx.textBaseline = 'top';
    ctx.fillText(l.text, 8, y);
    y += lineH(l.size);
  }
  return c;
}

/** The legend of what the map shows: coverage rate classes when a coverage analysis is on, else incidents per cell. */
function legendBlock(cov: AppState['coverage']): HTMLCanvasElement {
  const classes = cov
    ? RATE_COLOURS.map((colour, i) => ({ colour, label: `≥ ${pct(RATE_BREAKS[i] ?? 0, 0)}` }))
    : COUNT_COLOURS.map((rgb, i) => ({ colour: `rgb(${rgb.join(',')})`, label: `≥ ${COUNT_BREAKS[i]}` }));
  const c = document.createElement('canvas');
  c.width = 1200;
  c.height = 60;
  const ctx = c.getContext('2d');
  if (!ctx) return c;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.font = `18px ${FONT}`;
  ctx.fillStyle = '#111827';
  ctx.textBaseline = 'middle';
  ctx.fillText(cov ? t(`coverage.metrics.${cov.metric}`) : t('legend.count_per_cell'), 8, 30);
  classes.forEach(({ colour, label }, i) => {
    ctx.fillStyle = colour;
    ctx.fillRect(300 + i * 125, 15, 40, 30);
    ctx.fillStyle = '#111827';
    ctx.fillText(label, 346 + i * 125, 30);
  });
  return c;
}

/** A table drawn on a canvas (CJK text, see textBlock): a bold header row, then rows; `colour` per row. */
function tableBlock(
  title: string,
  header: string[],
  rows: { cells: string[]; colour: string }[],
  colWidths: number[],
): HTMLCanvasElement {
  const c = document.createElement('canvas');
  const rowH = 30,
    titleH = 50;
  c.width = colWidths.reduce((a, b) => a + b, 16);
  c.height = titleH + rowH * (rows.length + 1) + 10;
  const ctx = c.getContext('2d');
  if (!ctx) return c;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.textBaseline = 'middle';
  ctx.font = `700 28px ${FONT}`;
  ctx.fillStyle = '#111827';
  ctx.fillText(title, 8, titleH / 2);
  const drawRow = (cells: string[], y: number, font: string, colour: string) => {
    ctx.font = font;
    ctx.fillStyle = colour;
    let x = 8;
    cells.forEach((text, i) => {
      // Numbers right-aligned in their column, names left-aligned.
      const w = colWidths[i] ?? 100;
      if (i === 0) ctx.fillText(text, x, y);
      else ctx.fillText(text, x + w - 12 - ctx.measureText(text).width, y);
      x += w;
    });
  };
  drawRow(header, titleH + rowH / 2, `700 17px ${FONT}`, '#374151');
  rows.forEach((r, i) => {
    const y = titleH + rowH * (i + 1);
    if (i % 2 === 0) {
      ctx.fillStyle = '#f3f4f6';
      ctx.fillRect(4, y, c.width - 8, rowH);
    }
    drawRow(r.cells, y + rowH / 2, `17px ${FONT}`, r.colour);
  });
  return c;
}

/** The coverage table of the last analysis, one row per area sorted by code; areas under half the target in red. */
function coverageTable(cov: NonNullable<AppState['coverage']>): HTMLCanvasElement {
  const rows = [...cov.answer.rows]
    .sort((a, b) => a.areaId.localeCompare(b.areaId))
    .map((r) => ({
      cells: [
        cov.names.get(r.areaId) ?? r.areaId,
        r.areaId,
        pct(r.weightedRoadRate),
        pct(r.roadRate),
        pct(r.keyPlaceRate),
        pct(r.workingRate),
        pct(r.networkedRate),
        String(r.cameras),
      ],
      colour: r.weightedRoadRate < cov.answer.targets.roadCoverage * 0.5 ? '#b91c1c' : '#111827',
    }));
  return tableBlock(
    `${t('coverage.title')} · ${t(`coverage.areas.${cov.answer.area}`)}`,
    [
      t('coverage.area'),
      t('fields.code'),
      t('coverage.metrics.weightedRoadRate'),
      t('coverage.metrics.roadRate'),
      t('coverage.metrics.keyPlaceRate'),
      t('figures.working_rate'),
      t('figures.networked_rate'),
      t('figures.cameras'),
    ],
    rows,
    [190, 190, 230, 130, 150, 110, 110, 90],
  );
}

/**
 * An A4 briefing: title and date, the map as shown, the legend and the key figures; when a coverage analysis is on the
 * map, a second page with its table per area.
 */
export async function exportPdf(
  map: MapLibreMap,
  incidentsInFilter: number,
  cov?: AppState['coverage'],
): Promise<number> {
  const f = await keyFigures(incidentsInFilter);
  const doc = new jsPDF({ orientation: 'landscape', unit: 'mm', format: 'a4' });
  const header = textBlock(
    [
      { text: t('export.report_title'), size: 34, bold: true },
      {
        text: `${t('app.subtitle')} · ${t('export.generated')} ${new Date().toLocaleString(document.documentElement.lang)}`,
        size: 18,
        colour: '#4b5563',
      },
    ],
    1800,
  );
  doc.addImage(header.toDataURL('image/png'), 'PNG', 10, 8, 277, (277 * header.height) / header.width);
  map.triggerRepaint();
  const canvas = map.getCanvas();
  const mapW = 190,
    mapH = Math.min(150, (mapW * canvas.height) / canvas.width);
  doc.addImage(canvas.toDataURL('image/jpeg', 0.9), 'JPEG', 10, 32, mapW, mapH);
  const figures = textBlock(
    [
      { text: t('export.figures'), size: 24, bold: true },
      { text: `${t('figures.grids')}：${f.grids}`, size: 20 },
      { text: `${t('figures.beats')}：${f.beats}`, size: 20 },
      { text: `${t('figures.cameras')}：${f.cameras}`, size: 20 },
      { text: `${t('figures.working_rate')}：${pct(f.workingRate)}`, size: 20 },
      { text: `${t('figures.networked_rate')}：${pct(f.networkedRate)}`, size: 20 },
      { text: `${t('figures.incidents')}：${f.incidents}`, size: 20 },
    ],
    520,
  );
  doc.addImage(figures.toDataURL('image/png'), 'PNG', 205, 32, 82, (82 * figures.height) / figures.width);
  const legend = legendBlock(cov);
  doc.addImage(legend.toDataURL('image/png'), 'PNG', 10, 32 + mapH + 4, 190, (190 * legend.height) / legend.width);
  if (cov) {
    doc.addPage('a4', 'landscape');
    const table = coverageTable(cov);
    // Scale to the page: as wide as it can be, but never taller than the page.
    const w = Math.min(277, (190 * table.width) / table.height);
    doc.addImage(table.toDataURL('image/png'), 'PNG', 10, 10, w, (w * table.height) / table.width);
  }
  const cmp = currentComparison();
  if (cmp) {
    doc.addPage('a4', 'landscape');
    const table = tableBlock(
      t('plancompare.pdf_title'),
      ['', `A ${cmp.names.a}`, `B ${cmp.names.b}`, t('plancompare.diff')],
      compareRows(cmp).map((r) => ({ cells: [r.label, r.a, r.b, r.diff], colour: r.colour })),
      [520, 300, 300, 260],
    );
    const w = Math.min(277, (190 * table.width) / table.height);
    doc.addImage(table.toDataURL('image/png'), 'PNG', 10, 10, w, (w * table.height) / table.width);
  }
  const blob = doc.output('blob');
  download(URL.createObjectURL(blob), `gridpatrol-report-${new Date().toISOString().slice(0, 10)}.pdf`);
  return blob.size;
}
