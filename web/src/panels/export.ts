import { jsPDF } from 'jspdf';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { countOf } from '../api/client.js';
import { t } from '../i18n/index.js';
import { COUNT_BREAKS, COUNT_COLOURS } from '../layers/incident-layers.js';

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
    countOf('grids'), countOf('beats'), countOf('cameras'), countOf('cameras', { status: 'working' }), countOf('cameras', { networked: 'true' }),
  ]);
  return { grids, beats, cameras, workingRate: cameras ? working / cameras : 0, networkedRate: cameras ? networked / cameras : 0, incidents: incidentsInFilter };
}

/**
 * Text for the report is drawn on a canvas with the browser's CJK font and placed as an image: jsPDF's built-in fonts
 * have no Chinese glyphs, and embedding a 16 MB CJK font in every PDF is not worth it for a one-page briefing.
 */
function textBlock(lines: { text: string; size: number; bold?: boolean; colour?: string }[], widthPx: number): HTMLCanvasElement {
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

function legendBlock(): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = 900;
  c.height = 60;
  const ctx = c.getContext('2d');
  if (!ctx) return c;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.font = `18px ${FONT}`;
  ctx.fillStyle = '#111827';
  ctx.textBaseline = 'middle';
  ctx.fillText(t('legend.count_per_cell'), 8, 30);
  COUNT_COLOURS.forEach((rgb, i) => {
    ctx.fillStyle = `rgb(${rgb.join(',')})`;
    ctx.fillRect(220 + i * 110, 15, 40, 30);
    ctx.fillStyle = '#111827';
    ctx.fillText(`≥ ${COUNT_BREAKS[i]}`, 266 + i * 110, 30);
  });
  return c;
}

/** A one-page A4 briefing: title and date, the map as shown, the legend and the key figures. */
export async function exportPdf(map: MapLibreMap, incidentsInFilter: number): Promise<number> {
  const f = await keyFigures(incidentsInFilter);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const doc = new jsPDF({ orientation: 'landscape', unit: 'mm', format: 'a4' });
  const header = textBlock([
    { text: t('export.report_title'), size: 34, bold: true },
    { text: `${t('app.subtitle')} · ${t('export.generated')} ${new Date().toLocaleString(document.documentElement.lang)}`, size: 18, colour: '#4b5563' },
  ], 1800);
  doc.addImage(header.toDataURL('image/png'), 'PNG', 10, 8, 277, (277 * header.height) / header.width);
  map.triggerRepaint();
  const canvas = map.getCanvas();
  const mapW = 190, mapH = Math.min(150, (mapW * canvas.height) / canvas.width);
  doc.addImage(canvas.toDataURL('image/jpeg', 0.9), 'JPEG', 10, 32, mapW, mapH);
  const figures = textBlock([
    { text: t('export.figures'), size: 24, bold: true },
    { text: `${t('figures.grids')}：${f.grids}`, size: 20 }, { text: `${t('figures.beats')}：${f.beats}`, size: 20 },
    { text: `${t('figures.cameras')}：${f.cameras}`, size: 20 }, { text: `${t('figures.working_rate')}：${pct(f.workingRate)}`, size: 20 },
    { text: `${t('figures.networked_rate')}：${pct(f.networkedRate)}`, size: 20 }, { text: `${t('figures.incidents')}：${f.incidents}`, size: 20 },
  ], 520);
  doc.addImage(figures.toDataURL('image/png'), 'PNG', 205, 32, 82, (82 * figures.height) / figures.width);
  const legend = legendBlock();
  doc.addImage(legend.toDataURL('image/png'), 'PNG', 10, 32 + mapH + 4, 150, (150 * legend.height) / legend.width);
  const blob = doc.output('blob');
  download(URL.createObjectURL(blob), `gridpatrol-report-${new Date().toISOString().slice(0, 10)}.pdf`);
  return blob.size;
}
