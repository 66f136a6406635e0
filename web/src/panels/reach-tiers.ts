import { schoolGateCoverage, type ReachSummary, type SchoolGateCoverage } from '../api/client.js';
import { pct } from '../analysis/rate-scale.js';
import { t } from '../i18n/index.js';
import { localNow, zoneLabel } from '../state/local-zone.js';
import { h } from './dom.js';

/** Names of key-place kinds in the reader's language (the kind itself when the app has no word for it). */
const kindName = (kind: string) => {
  const w = t(`kinds.${kind}`);
  return w.startsWith('kinds.') ? kind : w;
};

/**
 * 快反圈 compliance: per tier (1, 3, 5 min), the key places that must be reached in it, how many are, and each place
 * that misses with its minutes (or "not reached").
 */
export function tierPanel(reach: ReachSummary): HTMLElement {
  const table = h(
    'table',
    { class: 'compact', 'data-testid': 'tier-table' },
    h('tr', {}, ...['tier', 'places', 'met', 'share'].map((k) => h('th', {}, t(`reach_tiers.col.${k}`)))),
  );
  for (const tier of reach.tiers)
    table.append(
      h(
        'tr',
        { 'data-tier': String(tier.tierMinutes) },
        h('td', {}, `≤ ${tier.tierMinutes} ${t('reach.min')}`),
        h('td', {}, String(tier.places)),
        h('td', {}, String(tier.met)),
        h('td', { class: tier.places > 0 && tier.share < 1 ? 'warn' : '' }, tier.places ? pct(tier.share) : '—'),
      ),
    );
  const misses = reach.tiers.flatMap((tier) => tier.misses);
  const list = h(
    'table',
    { class: 'compact wrap', 'data-testid': 'tier-misses' },
    h('tr', {}, ...['place', 'kind', 'tier', 'minutes'].map((k) => h('th', {}, t(`reach_tiers.col.${k}`)))),
  );
  for (const m of misses)
    list.append(
      h(
        'tr',
        { 'data-place': String(m.id) },
        h('td', {}, m.name ?? `#${m.id}`),
        h('td', {}, kindName(m.kind)),
        h('td', {}, `${m.tierMinutes}`),
        h(
          'td',
          { class: 'warn' },
          m.minutes === null
            ? t('reach.unreached')
            : t('reach_tiers.late', { minutes: m.minutes.toFixed(1), late: (m.lateMinutes ?? 0).toFixed(1) }),
        ),
      ),
    );
  return h(
    'div',
    { 'data-testid': 'tier-panel' },
    h('h4', {}, t('reach_tiers.title')),
    table,
    h('p', { class: 'muted' }, t('reach_tiers.misses', { n: misses.length })),
    ...(misses.length ? [h('div', { class: 'scroll' }, list)] : []),
  );
}

let lastGates: SchoolGateCoverage | undefined;
let askedAt = '16:30';

/** "Which schools have no 护学岗 coverage at HH:MM today" (the deployment's clock), asked of the server. */
export function schoolGatesBlock(rerender: () => void): HTMLElement {
  const at = h('input', { type: 'time', value: askedAt, 'data-testid': 'school-gates-at' }) as HTMLInputElement;
  const ask = h('button', { 'data-testid': 'school-gates-run' }, t('reach_tiers.gates_ask'));
  const now = h('button', { 'data-testid': 'school-gates-now' }, t('reach_tiers.gates_now'));
  const status = h('p', { class: 'muted', 'data-testid': 'school-gates-status' });
  const run = async (hhmm: string) => {
    askedAt = hhmm;
    status.textContent = t('incidents.running');
    try {
      lastGates = await schoolGateCoverage(hhmm);
      window.gridpatrol.schoolGatesUncovered = lastGates.uncovered.length;
      rerender();
    } catch (e) {
      status.textContent = e instanceof Error ? e.message : String(e);
      status.className = 'error';
    }
  };
  ask.onclick = () => void run(at.value || '16:30');
  now.onclick = () => void run(localNow().hhmm);
  const out: HTMLElement[] = [];
  if (lastGates) {
    const g = lastGates;
    out.push(
      h(
        'p',
        { 'data-testid': 'school-gates-summary' },
        t('reach_tiers.gates_summary', {
          day: g.day,
          at: g.at,
          zone: zoneLabel(),
          n: g.uncovered.length,
          total: g.schools.length,
        }),
      ),
    );
    const table = h(
      'table',
      { class: 'compact wrap', 'data-testid': 'school-gates-table' },
      h('tr', {}, ...['school', 'bell', 'covered'].map((k) => h('th', {}, t(`reach_tiers.col.${k}`)))),
    );
    // The uncovered first: they are the question.
    const ordered = [...g.uncovered, ...g.schools.filter((s) => s.coveredBy.length > 0)];
    for (const s of ordered)
      table.append(
        h(
          'tr',
          { 'data-school': String(s.id), class: s.coveredBy.length ? '' : 'warn' },
          h('td', {}, s.name),
          h('td', {}, s.bell),
          h('td', {}, s.coveredBy.length ? s.coveredBy.map((c) => c.label).join('；') : t('reach_tiers.gates_none')),
        ),
      );
    if (ordered.length) out.push(h('div', { class: 'scroll' }, table));
  }
  return h(
    'div',
    { 'data-testid': 'school-gates' },
    h('h4', {}, t('reach_tiers.gates_title')),
    h('label', { class: 'row' }, t('reach_tiers.gates_at'), at, h('span', { class: 'muted' }, zoneLabel())),
    h('div', { class: 'buttons' }, ask, now),
    status,
    ...out,
  );
}
