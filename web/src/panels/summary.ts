import type { Feature } from 'geojson';
import { countOf, getJson } from '../api/client.js';
import { pct } from '../analysis/rate-scale.js';
import { t } from '../i18n/index.js';
import type { AppState } from '../state/app-state.js';
import { h } from './dom.js';

/** Figures of the whole area that do not follow the incident filter: counted once per load. */
export interface AreaFigures {
  areaName?: string;
  grids?: number;
  beats?: number;
  cameras?: number;
  working?: number;
  networked?: number;
}

/** A grid, beat or community the user selected: the stored feature and what is known of it. */
export interface SelectedArea {
  kind: 'grid' | 'beat' | 'community';
  feature: Feature;
  /** Incidents of the current filter in it (from its 24×7 profile), once answered. */
  incidents?: number;
  /** Names of what its ids and codes point to (community, station). */
  communityName?: string;
  stationName?: string;
}

const settle = <T>(p: Promise<T>) => p.catch(() => undefined);

/** The counts behind the leader's summary; a failed count shows as a dash, never as 0. */
export async function loadAreaFigures(): Promise<AreaFigures> {
  const [district, grids, beats, cameras, working, networked] = await Promise.all([
    settle(getJson<{ features: Feature[] }>('/api/v1/admin-areas?level=district&limit=1')),
    settle(countOf('grids')),
    settle(countOf('beats')),
    settle(countOf('cameras')),
    settle(countOf('cameras', { status: 'working' })),
    settle(countOf('cameras', { networked: 'true' })),
  ]);
  const name = district?.features[0]?.properties?.name;
  return {
    ...(typeof name === 'string' ? { areaName: name } : {}),
    ...(grids === undefined ? {} : { grids }),
    ...(beats === undefined ? {} : { beats }),
    ...(cameras === undefined ? {} : { cameras }),
    ...(working === undefined ? {} : { working }),
    ...(networked === undefined ? {} : { networked }),
  };
}

const num = (n: number | undefined) => (n === undefined ? '—' : n.toLocaleString('zh-CN'));
const share = (a: number | undefined, b: number | undefined) => (a === undefined || !b ? '—' : pct(a / b));

function tile(label: string, value: string, testid: string, tone?: string): HTMLElement {
  return h(
    'div',
    { class: `figure${tone ? ` ${tone}` : ''}`, 'data-testid': testid },
    h('strong', {}, value),
    h('span', {}, label),
  );
}

/** What the filter holds, in words: "20–22 时 · 周一至周五 · 盗窃" (nothing when it is the whole record). */
export function filterWords(state: AppState): string {
  const f = state.filter;
  const parts: string[] = [];
  if (f.from || f.to) parts.push(`${f.from?.slice(0, 10) ?? '…'} – ${f.to?.slice(0, 10) ?? '…'}`);
  if (f.hours?.length && f.hours.length < 24)
    parts.push(t('summary.hours', { from: f.hours[0], to: (f.hours[f.hours.length - 1] ?? 0) + 1 }));
  if (f.weekdays?.length && f.weekdays.length < 7) parts.push(t('summary.weekdays', { count: f.weekdays.length }));
  if (f.category) parts.push(f.category);
  return parts.length ? parts.join(' · ') : t('summary.all_time');
}

/**
 * The leader's summary at a glance, over the map: the area's key figures (the live incident count of the filter,
 * the same figure the PDF prints), or those of the selected grid or beat.
 */
export function renderSummary(
  el: HTMLElement,
  state: AppState,
  figures: AreaFigures,
  selected: SelectedArea | undefined,
  incidentsTotal: number,
): void {
  el.hidden = false;
  if (selected) {
    const p = selected.feature.properties ?? {};
    const grade = selected.kind === 'grid' ? state.grades?.find((g) => g.gridCode === p.code) : undefined;
    const rate =
      state.coverage?.answer.area === selected.kind
        ? state.coverage.answer.rows.find((r) => r.areaId === p.code)?.[state.coverage.metric]
        : undefined;
    const where = [selected.communityName, selected.stationName].filter(Boolean).join(' · ');
    el.replaceChildren(
      h(
        'div',
        { class: 'title' },
        h('h2', { 'data-testid': 'summary-title' }, String(p.name ?? p.code ?? '')),
        h(
          'span',
          { class: 'muted' },
          `${t(`summary.kinds.${selected.kind}`)} ${String(p.code ?? '')}${where ? ` · ${where}` : ''}`,
        ),
      ),
      h(
        'div',
        { class: 'figures' },
        tile(
          `${t('figures.incidents')}（${filterWords(state)}）`,
          selected.incidents === undefined ? '…' : num(selected.incidents),
          'summary-incidents',
        ),
        ...(typeof p.population === 'number'
          ? [tile(t('fields.population'), num(p.population), 'summary-population')]
          : []),
        ...(typeof p.households === 'number'
          ? [tile(t('fields.households'), num(p.households), 'summary-households')]
          : []),
        ...(typeof p.officers === 'number'
          ? [tile(t('summary.staff'), `${p.officers} + ${String(p.auxiliaries ?? 0)}`, 'summary-staff')]
          : []),
        ...(grade
          ? [
              tile(
                t('fields.grade'),
                t(`incidents.grade_names.${grade.grade}`),
                'summary-grade',
                `grade-${grade.grade}`,
              ),
            ]
          : []),
        ...(typeof rate === 'number' && state.coverage
          ? [tile(t(`coverage.metrics.${state.coverage.metric}`), pct(rate), 'summary-rate')]
          : []),
      ),
      ...(grade?.reasonText ? [h('p', { class: 'muted reason' }, grade.reasonText)] : []),
    );
    el.dataset.selected = String(p.code ?? '');
    return;
  }
  delete el.dataset.selected;
  const counts = new Map<string, number>();
  for (const g of state.grades ?? []) counts.set(g.grade, (counts.get(g.grade) ?? 0) + 1);
  const cov = state.coverage;
  const covRated = cov?.answer.rows.flatMap((r) => {
    const v = r[cov.metric];
    return v === null ? [] : [v];
  });
  el.replaceChildren(
    h(
      'div',
      { class: 'title' },
      h('h2', { 'data-testid': 'summary-title' }, figures.areaName ?? t('app.title')),
      h('span', { class: 'muted' }, filterWords(state)),
    ),
    h(
      'div',
      { class: 'figures' },
      tile(t('figures.incidents'), num(incidentsTotal), 'summary-incidents'),
      tile(t('figures.grids'), num(figures.grids), 'summary-grids'),
      tile(t('figures.beats'), num(figures.beats), 'summary-beats'),
      tile(t('figures.cameras'), num(figures.cameras), 'summary-cameras'),
      tile(t('figures.working_rate'), share(figures.working, figures.cameras), 'summary-working'),
      tile(t('figures.networked_rate'), share(figures.networked, figures.cameras), 'summary-networked'),
      ...(state.grades
        ? (['red', 'yellow', 'green'] as const).map((g) =>
            tile(t(`incidents.grade_names.${g}`), num(counts.get(g) ?? 0), `summary-grade-${g}`, `grade-${g}`),
          )
        : []),
      ...(cov && covRated?.length
        ? [
            tile(
              t(`coverage.metrics.${cov.metric}`),
              pct(covRated.reduce((a, b) => a + b, 0) / covRated.length),
              'summary-rate',
            ),
          ]
        : []),
    ),
  );
}
