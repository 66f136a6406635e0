import i18next from 'i18next';
import {
  computeGrades,
  incidentHotspots,
  incidentRange,
  latestGrades,
  type Grade,
  type GridGrade,
} from '../api/client.js';
import { HOTSPOT_BINS, HOTSPOT_COLOURS, hotspotLayer } from '../analysis/hotspot-layers.js';
import { t, tList } from '../i18n/index.js';
import type { MapContext } from '../map/map-context.js';
import { GRADE_COLOURS } from '../map/style.js';
import type { AppState } from '../state/app-state.js';
import { h, section, swatch } from './dom.js';
import { zoneText } from './time-bar.js';

/** Seconds each hour stays on screen while the day plays. */
const PLAY_STEP_MS = 1500;

/** Colours grids by their stored grade (feature-state, keyed by grid code) and shows the grade layer. */
export function applyGrades(ctx: MapContext, grades: readonly GridGrade[] | undefined): void {
  const { map } = ctx;
  map.removeFeatureState({ source: 'grids', sourceLayer: 'grids' });
  map.setLayoutProperty('grade-grids', 'visibility', grades && ctx.view() === 'grades' ? 'visible' : 'none');
  for (const g of grades ?? []) {
    map.setFeatureState(
      { source: 'grids', sourceLayer: 'grids', id: g.gridCode },
      { grade: g.grade, reason: g.reasonText },
    );
  }
  window.gridpatrol.gradedGrids = grades?.length ?? 0;
}

/**
 * The 警情分析 section: significant hot spots (Gi* with FDR) for the current filter, red/yellow/green grid grades,
 * and a player that steps the hour filter through the day.
 */
export function incidentsSection(
  ctx: MapContext,
  state: AppState,
  hooks: { onFilter(): Promise<void> },
  rerender: () => void,
): HTMLElement {
  const status = h('p', { class: 'muted', 'data-testid': 'incidents-status' });

  const hot = h('button', { 'data-testid': 'hotspots-run' }, t('incidents.hotspots'));
  hot.onclick = async () => {
    status.textContent = t('incidents.running');
    const answer = await incidentHotspots(state.filter);
    state.hotspots = answer.cells;
    ctx.setDeckLayer('hotspots', hotspotLayer(answer.cells));
    ctx.setView('hotspots');
    window.gridpatrol.hotspotCells = answer.cells.filter((c) => c.bin !== 0).length;
    rerender();
  };
  const hotClear = h('button', {}, t('coverage.clear'));
  hotClear.onclick = () => {
    state.hotspots = undefined;
    ctx.setDeckLayer('hotspots', undefined);
    window.gridpatrol.hotspotCells = 0;
    rerender();
  };
  const hotLegend = h(
    'div',
    { class: 'legend scale', 'data-testid': 'hotspot-legend' },
    t('incidents.hotspot_legend'),
    ...HOTSPOT_BINS.map((b) =>
      h(
        'span',
        { class: 'item' },
        swatch(`rgb(${(HOTSPOT_COLOURS[b] ?? [0, 0, 0]).join(',')})`, 'fill'),
        t(`incidents.bins.${b}`),
      ),
    ),
  );
  const hotSummary = h('p', { class: 'muted' });
  if (state.hotspots) {
    const n = (pred: (b: number) => boolean) => state.hotspots?.filter((c) => pred(c.bin)).length ?? 0;
    hotSummary.textContent = t('incidents.hotspot_summary', {
      hot: n((b) => b > 0),
      cold: n((b) => b < 0),
      cells: state.hotspots.length,
    });
  }

  const grade = h('button', { 'data-testid': 'grades-run' }, t('incidents.grades'));
  grade.onclick = async () => {
    status.textContent = t('incidents.running');
    await computeGrades();
    const answer = await latestGrades(i18next.language);
    state.grades = answer.grades;
    ctx.setView('grades'); // its restore colours the grids
    rerender();
  };
  const gradeClear = h('button', {}, t('coverage.clear'));
  gradeClear.onclick = () => {
    state.grades = undefined;
    applyGrades(ctx, undefined);
    rerender();
  };
  const counts = new Map<Grade, number>();
  for (const g of state.grades ?? []) counts.set(g.grade, (counts.get(g.grade) ?? 0) + 1);
  const gradeLegend = h(
    'div',
    { class: 'legend scale', 'data-testid': 'grade-legend' },
    ...(['red', 'yellow', 'green', 'blue'] as const)
      .filter((g) => g !== 'blue' || counts.has('blue'))
      .map((g) =>
        h(
          'span',
          { class: 'item' },
          swatch(GRADE_COLOURS[g], 'fill'),
          `${t(`incidents.grade_names.${g}`)}${state.grades ? ` ${counts.get(g) ?? 0}` : ''}`,
        ),
      ),
  );

  // The players: one hour of the day, or one week of the last twelve, at a time; the heat map and hexagons follow.
  const clock = h('span', { class: 'clock', 'data-testid': 'play-hour' });
  const play = h('button', { 'data-testid': 'play' }, state.playing ? t('incidents.stop') : t('incidents.play'));
  const playWeeks = h(
    'button',
    { 'data-testid': 'play-weeks' },
    state.playing ? t('incidents.stop') : t('incidents.play_weeks'),
  );
  const runPlayer = async (steps: { label: string; filter: Partial<AppState['filter']> }[], button: HTMLElement) => {
    if (state.playing) {
      state.playing = false;
      rerender();
      return;
    }
    state.playing = true;
    if (ctx.view() !== 'incidents') ctx.setView('incidents');
    window.gridpatrol.playedFrames = [];
    button.textContent = t('incidents.stop');
    const saved = state.filter;
    for (let i = 0; i < steps.length && state.playing; i++) {
      const step = steps[i];
      if (!step) break;
      state.filter = { ...saved, ...step.filter };
      clock.textContent = step.label;
      await hooks.onFilter();
      window.gridpatrol.playedSteps = i + 1;
      window.gridpatrol.playedFrames.push({ total: window.gridpatrol.cellsTotal, label: step.label });
      await new Promise((r) => setTimeout(r, PLAY_STEP_MS));
    }
    state.playing = false;
    state.filter = saved;
    await hooks.onFilter();
    rerender();
  };
  play.onclick = () =>
    runPlayer(
      Array.from({ length: 24 }, (_, hour) => ({ label: `${hour}:00`, filter: { hours: [hour] } })),
      play,
    );
  playWeeks.onclick = async () => {
    const range = await incidentRange();
    if (!range.to) return;
    const last = new Date(range.to.slice(0, 10) + 'T00:00:00Z');
    last.setUTCDate(last.getUTCDate() - ((last.getUTCDay() + 6) % 7)); // Monday of the newest week
    const day = (d: Date, plus: number) => new Date(d.getTime() + plus * 86_400_000).toISOString().slice(0, 10);
    await runPlayer(
      Array.from({ length: 12 }, (_, i) => {
        const from = day(last, -7 * (11 - i));
        return {
          label: from,
          filter: { from: `${from}T00:00:00+08:00`, to: `${day(last, -7 * (11 - i) + 7)}T00:00:00+08:00` },
        };
      }),
      playWeeks,
    );
  };

  // Hour window (wrapping past midnight) and weekdays, in the deployment's zone, as in the time bar.
  const f = state.filter;
  const hourFrom = h('select', { 'data-testid': 'incidents-hour-from' }) as HTMLSelectElement;
  const hourTo = h('select', { 'data-testid': 'incidents-hour-to' }) as HTMLSelectElement;
  for (let i = 0; i < 24; i++) {
    hourFrom.append(h('option', { value: String(i) }, `${i}:00`));
    hourTo.append(h('option', { value: String(i) }, `${i + 1}:00`));
  }
  hourFrom.value = String(f.hours?.[0] ?? 0);
  hourTo.value = String(f.hours?.[f.hours.length - 1] ?? 23);
  const days = h('div', { class: 'days', 'data-testid': 'incidents-weekdays' });
  tList('filter.weekday_names').forEach((name, i) => {
    const box = h('input', { type: 'checkbox', value: String(i + 1) }) as HTMLInputElement;
    box.checked = !f.weekdays || f.weekdays.includes(i + 1);
    days.append(h('label', {}, box, name));
  });
  const applyTime = h('button', { 'data-testid': 'incidents-apply-time' }, t('incidents.apply_time'));
  applyTime.onclick = async () => {
    const a = Number(hourFrom.value);
    const b = Number(hourTo.value);
    const hours: number[] = [];
    for (let x = a; ; x = (x + 1) % 24) {
      hours.push(x);
      if (x === b) break;
    }
    const weekdays = [...days.querySelectorAll('input')].filter((i) => i.checked).map((i) => Number(i.value));
    const { hours: _h, weekdays: _w, ...rest } = state.filter;
    state.filter = {
      ...rest,
      ...(hours.length < 24 ? { hours } : {}),
      ...(weekdays.length < 7 && weekdays.length > 0 ? { weekdays } : {}),
    };
    await hooks.onFilter();
    rerender();
  };

  return section(
    'incidents',
    t('incidents.title'),
    state.openSections,
    h('div', { class: 'buttons' }, hot, hotClear),
    hotLegend,
    hotSummary,
    h('div', { class: 'buttons' }, grade, gradeClear),
    gradeLegend,
    h('label', { class: 'row' }, t('incidents.hours_filter'), hourFrom, '–', hourTo),
    h('div', { class: 'row' }, t('incidents.weekdays_filter'), days),
    h('div', { class: 'buttons' }, applyTime),
    h('p', { class: 'muted zone', 'data-testid': 'incidents-zone' }, t('zone.hours_in', { zone: zoneText() })),
    h('div', { class: 'buttons' }, play, playWeeks),
    h('div', { class: 'row' }, clock),
    status,
  );
}
