import { jsPDF } from 'jspdf';
import type { Map as MapLibreMap } from 'maplibre-gl';
import i18next from 'i18next';
import { getJson, namesByCode } from '../api/client.js';
import { t } from '../i18n/index.js';
import type { ViewId } from '../layers/views.js';
import type { AppState } from '../state/app-state.js';
import { briefingModel, type Briefing, type BriefingTable, type KpiAnswer } from './briefing.js';
import { currentComparison } from './plan-compare.js';
import { loadAreaFigures } from './summary.js';

const FONT = "'Noto Sans CJK SC', 'Noto Sans SC', sans-serif";

/** Saves a data or blob URL under a file name (the browser's download). */
export function download(dataUrl: string, name: string): void {
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

/** A table drawn on a canvas (CJK text, see textBlock): its title, a bold header row, then rows; `colour` per row. */
function tableBlock(table: BriefingTable): HTMLCanvasElement {
  const { title, header, rows, widths, note } = table;
  const c = document.createElement('canvas');
  const rowH = 30,
    titleH = 50,
    noteH = note ? 34 : 0;
  c.width = widths.reduce((a, b) => a + b, 16);
  c.height = titleH + rowH * (rows.length + 1) + noteH + 10;
  const ctx = c.getContext('2d');
  if (!ctx) return c;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.textBaseline = 'middle';
  ctx.font = `700 26px ${FONT}`;
  ctx.fillStyle = '#111827';
  ctx.fillText(title, 8, titleH / 2, c.width - 16);
  const drawRow = (cells: string[], y: number, font: string, colour: string) => {
    ctx.font = font;
    ctx.fillStyle = colour;
    let x = 8;
    cells.forEach((text, i) => {
      // Numbers right-aligned in their column, names left-aligned.
      const w = widths[i] ?? 100;
      if (i === 0) ctx.fillText(text, x, y, w - 8);
      else ctx.fillText(text, x + w - 12 - Math.min(w - 16, ctx.measureText(text).width), y, w - 16);
      x += w;
    });
  };
  drawRow(header, titleH + rowH / 2, `700 17px ${FONT}`, '#374151');
  ctx.fillStyle = '#9ca3af';
  ctx.fillRect(4, titleH + rowH - 1, c.width - 8, 1.5);
  rows.forEach((r, i) => {
    const y = titleH + rowH * (i + 1);
    if (i % 2 === 1) {
      ctx.fillStyle = '#f3f4f6';
      ctx.fillRect(4, y, c.width - 8, rowH);
    }
    drawRow(r.cells, y + rowH / 2, `17px ${FONT}`, r.colour);
  });
  if (note) {
    ctx.font = `16px ${FONT}`;
    ctx.fillStyle = '#4b5563';
    ctx.fillText(note, 8, titleH + rowH * (rows.length + 1) + noteH / 2 + 4, c.width - 16);
  }
  return c;
}

/** The view's legend as a column: the view's name, what the colours mean, one swatch per class. */
function legendBlock(b: Briefing, viewName: string, widthPx: number): HTMLCanvasElement {
  const { title, items, note } = b.page1.legend;
  const c = document.createElement('canvas');
  const itemH = 34;
  c.width = widthPx;
  c.height = 50 + 40 + items.length * itemH + (note ? 36 : 0) + 16;
  const ctx = c.getContext('2d');
  if (!ctx) return c;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.textBaseline = 'middle';
  ctx.fillStyle = '#111827';
  ctx.font = `700 26px ${FONT}`;
  ctx.fillText(viewName, 8, 25, widthPx - 16);
  ctx.font = `18px ${FONT}`;
  ctx.fillStyle = '#4b5563';
  ctx.fillText(title, 8, 68, widthPx - 16);
  items.forEach(([colour, shape, label], i) => {
    const y = 90 + i * itemH + itemH / 2;
    ctx.fillStyle = colour;
    ctx.strokeStyle = colour;
    if (shape === 'fill') ctx.fillRect(10, y - 11, 36, 22);
    else if (shape === 'line') {
      ctx.lineWidth = 5;
      ctx.beginPath();
      ctx.moveTo(10, y);
      ctx.lineTo(46, y);
      ctx.stroke();
    } else {
      ctx.beginPath();
      ctx.arc(28, y, 9, 0, 2 * Math.PI);
      ctx.fill();
    }
    ctx.fillStyle = '#111827';
    ctx.font = `19px ${FONT}`;
    ctx.fillText(label, 58, y, widthPx - 66);
  });
  if (note) {
    ctx.font = `16px ${FONT}`;
    ctx.fillStyle = '#6b7280';
    ctx.fillText(note, 8, 90 + items.length * itemH + 18, widthPx - 16);
  }
  return c;
}

/** The part of the map canvas with the box's aspect ratio, centred (same scale, a narrower or shorter extent). */
function cropToAspect(canvas: HTMLCanvasElement, aspect: number): HTMLCanvasElement {
  const w = Math.min(canvas.width, canvas.height * aspect),
    h = w / aspect;
  const out = document.createElement('canvas');
  out.width = Math.round(w);
  out.height = Math.round(h);
  const ctx = out.getContext('2d');
  if (!ctx) return out;
  ctx.drawImage(canvas, (canvas.width - w) / 2, (canvas.height - h) / 2, w, h, 0, 0, out.width, out.height);
  return out;
}

const addCanvas = (doc: jsPDF, c: HTMLCanvasElement, x: number, y: number, w: number, h: number) =>
  doc.addImage(c.toDataURL('image/png'), 'PNG', x, y, w, h);

/** Scale bar (bottom left of the map) and a north arrow turned with the map's bearing (top right), in vector. */
function mapMarks(doc: jsPDF, b: Briefing, box: { x: number; y: number; w: number; h: number }, bearing: number) {
  const s = b.page1.scaleBar;
  const x0 = box.x + 5,
    y0 = box.y + box.h - 6;
  doc.setFillColor(255, 255, 255);
  doc.rect(x0 - 3, y0 - 6, s.mm + 12, 9.5, 'F');
  doc.setFillColor(17, 24, 39);
  doc.rect(x0, y0, s.mm / 2, 1.4, 'F');
  doc.setDrawColor(17, 24, 39);
  doc.setLineWidth(0.3);
  doc.rect(x0, y0, s.mm, 1.4, 'S');
  doc.setFont('helvetica', 'normal');
  doc.setFontSize(8);
  doc.setTextColor(17, 24, 39);
  doc.text('0', x0, y0 - 1.5, { align: 'center' });
  doc.text(s.label, x0 + s.mm, y0 - 1.5, { align: 'center' });
  // North arrow: a split triangle pointing to north (up when the bearing is 0), N at its tip.
  const cx = box.x + box.w - 10,
    cy = box.y + 13,
    r = 6;
  const a = (-bearing * Math.PI) / 180;
  const pt = (dx: number, dy: number): [number, number] => [
    cx + dx * Math.cos(a) - dy * Math.sin(a),
    cy + dx * Math.sin(a) + dy * Math.cos(a),
  ];
  doc.setFillColor(255, 255, 255);
  doc.circle(cx, cy - 1, r + 3, 'F');
  const [tx, ty] = pt(0, -r),
    [lx, ly] = pt(-r * 0.55, r * 0.7),
    [mx, my] = pt(0, r * 0.3),
    [rx, ry] = pt(r * 0.55, r * 0.7);
  doc.setFillColor(17, 24, 39);
  doc.triangle(tx, ty, lx, ly, mx, my, 'F');
  doc.setFillColor(156, 163, 175);
  doc.triangle(tx, ty, mx, my, rx, ry, 'F');
  const [nx, ny] = pt(0, -r - 1.2);
  doc.setFontSize(9);
  doc.text('N', nx, ny, { align: 'center' });
}

/**
 * Page 2: the tables stacked at the full width when they fit the page, else the first in the left column and the
 * others stacked in the right one; each column shrunk to the page's height.
 */
function drawTables(doc: jsPDF, tables: HTMLCanvasElement[], top: number): void {
  const left = 10,
    width = 277,
    bottom = 200,
    gap = 5;
  const stack = (cs: HTMLCanvasElement[], x: number, w: number) => {
    const natural = cs.map((c) => (w * c.height) / c.width);
    const gaps = gap * (cs.length - 1);
    const k = Math.min(1, (bottom - top - gaps) / natural.reduce((a, b) => a + b, 0));
    let y = top;
    cs.forEach((c, i) => {
      const h = (natural[i] ?? 0) * k;
      addCanvas(doc, c, x, y, w * k, h);
      y += h + gap;
    });
  };
  const fullHeight = tables.reduce((a, c) => a + (width * c.height) / c.width, 0) + gap * (tables.length - 1);
  if (tables.length <= 1 || fullHeight <= bottom - top) stack(tables, left, width);
  else {
    const w = (width - gap) / 2;
    stack(tables.slice(0, 1), left, w);
    stack(tables.slice(1), left + w + gap, w);
  }
}

const settle = <T>(p: Promise<T>) => p.catch(() => undefined);

/**
 * The A4 briefing of the current view (issue #19), two pages: title with the area and the day, the map with the
 * view's legend, scale bar and north arrow, the key figures; page 2 the view's table per sub-area, the 雪亮 KPIs
 * (issue #20) and the plan comparison when one is open (issue #21).
 */
export async function exportPdf(
  map: MapLibreMap,
  opts: { view: ViewId; state: AppState; incidents: number },
): Promise<number> {
  const { view, state } = opts;
  const ownTable =
    (view === 'grades' && state.grades) || (view === 'coverage' && state.coverage) || currentComparison() !== undefined;
  const [figures, kpis, gridNames] = await Promise.all([
    loadAreaFigures(),
    view === 'coverage' || !ownTable
      ? settle(getJson<KpiAnswer>('/api/v1/xueliang/kpis?level=community'))
      : Promise.resolve(undefined),
    state.grades ? settle(namesByCode('grids')) : Promise.resolve(undefined),
  ]);
  const box = { x: 10, y: 30, w: 190, h: 170 };
  map.triggerRepaint();
  const canvas = map.getCanvas();
  const shown = cropToAspect(canvas, box.w / box.h);
  // CSS px per device px of the canvas (the scale bar is in CSS px, MapLibre's unit).
  const cssPerDevice = map.getContainer().clientWidth / canvas.width || 1 / (window.devicePixelRatio || 1);
  const now = new Date();
  const comparison = currentComparison();
  const b = briefingModel({
    view,
    state,
    ...(figures.areaName ? { areaName: figures.areaName } : {}),
    day: now.toLocaleDateString('sv-SE'),
    generatedAt: now.toLocaleString(i18next.language),
    figures,
    incidents: opts.incidents,
    map: { zoom: map.getZoom(), lat: map.getCenter().lat, cssWidth: shown.width * cssPerDevice, widthMm: box.w },
    ...(gridNames ? { gridNames } : {}),
    ...(kpis ? { kpis } : {}),
    ...(comparison ? { comparison } : {}),
  });
  const doc = new jsPDF({ orientation: 'landscape', unit: 'mm', format: 'a4' });
  const header = textBlock(
    [
      { text: b.title, size: 34, bold: true },
      { text: b.subtitle, size: 18, colour: '#4b5563' },
    ],
    1800,
  );
  addCanvas(doc, header, 10, 6, 277, (277 * header.height) / header.width);
  doc.addImage(shown.toDataURL('image/jpeg', 0.9), 'JPEG', box.x, box.y, box.w, box.h);
  doc.setDrawColor(156, 163, 175);
  doc.setLineWidth(0.2);
  doc.rect(box.x, box.y, box.w, box.h, 'S');
  mapMarks(doc, b, box, map.getBearing());
  // Right column: the legend of this view, then the key figures, down to the map's foot.
  const colX = box.x + box.w + 5,
    colW = 297 - 10 - colX;
  const legend = legendBlock(b, t(`views.${view}`), 600);
  const legendH = (colW * legend.height) / legend.width;
  addCanvas(doc, legend, colX, box.y, colW, legendH);
  const figuresBlock = textBlock(
    [
      { text: t('export.figures'), size: 26, bold: true },
      ...b.page1.figures.map((f) => ({ text: `${f.label}：${f.value}`, size: 21 })),
    ],
    600,
  );
  const figY = box.y + legendH + 4;
  const figH = Math.min((colW * figuresBlock.height) / figuresBlock.width, box.y + box.h - figY);
  addCanvas(doc, figuresBlock, colX, figY, (figH * figuresBlock.width) / figuresBlock.height, figH);
  doc.addPage('a4', 'landscape');
  const title2 = textBlock([{ text: b.page2.title, size: 30, bold: true }], 1800);
  addCanvas(doc, title2, 10, 6, 277, (277 * title2.height) / title2.width);
  // A single long table runs on in a second column rather than as a narrow strip down the page.
  const one = b.page2.tables.length === 1 ? b.page2.tables[0] : undefined;
  const half = one && one.rows.length > 30 ? Math.ceil(one.rows.length / 2) : 0;
  const laidOut =
    one && half
      ? [
          { ...one, rows: one.rows.slice(0, half), note: undefined },
          { ...one, title: `${one.title}${t('briefing.continued')}`, rows: one.rows.slice(half) },
        ]
      : b.page2.tables;
  const tables = laidOut.length
    ? laidOut.map(tableBlock)
    : [textBlock([{ text: t('briefing.no_table'), size: 20, colour: '#4b5563' }], 1200)];
  drawTables(doc, tables, 22);
  window.gridpatrol.lastBriefing = {
    title: b.title,
    view,
    legend: b.page1.legend.items.map(([, , label]) => label),
    metresPerPx: b.page1.scaleBar.metresPerPx,
    scaleMetres: b.page1.scaleBar.metres,
    scaleMm: b.page1.scaleBar.mm,
    map: { zoom: map.getZoom(), lat: map.getCenter().lat },
    tables: b.page2.tables.map((x) => ({
      title: x.title,
      rows: x.rows.length,
      header: x.header,
      cells: x.rows.map((r) => r.cells),
      colours: x.rows.map((r) => r.colour),
    })),
  };
  const blob = doc.output('blob');
  download(URL.createObjectURL(blob), `gridpatrol-report-${now.toISOString().slice(0, 10)}.pdf`);
  return blob.size;
}
