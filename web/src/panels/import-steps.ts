import i18next from 'i18next';
import type { ImportReport, Inspection, LayerSpec } from '../api/import-client.js';
import { t } from '../i18n/index.js';
import { h } from './dom.js';
import { issueLine } from './import-rows.js';

/** The wizard's steps drawn from the server's answers (inspect, dry run, import); the panel wires the controls. */

export const CRS_CHOICES = ['wgs84', 'gcj02', 'bd09', 'cgcs2000', 'webmercator'] as const;
const PREVIEW_ROWS = 5;
const ISSUE_LINES = 20;

const step = (n: number, key: string) => h('h4', { class: 'wizard-step' }, `${n} · ${t(`wizard.steps.${key}`)}`);
const cell = (text: string, attrs: Record<string, string> = {}) => h('td', attrs, text);

/** 2: format, encoding and CRS as detected, each with why; the wgs84/gcj02/bd09 medians to the roads; the CRS used. */
export function detectedStep(ins: Inspection, crs: string, onCrs: (crs: string) => void): HTMLElement[] {
  const rows = [
    ['format', ins.format],
    ['encoding', ins.encoding],
    ['crs', ins.crs],
  ] as const;
  const table = h('table', { class: 'compact wrap', 'data-testid': 'wizard-detected' });
  for (const [k, d] of rows)
    table.append(
      h(
        'tr',
        { 'data-detected': k },
        cell(t(`wizard.detected.${k}`)),
        h('td', {}, h('strong', {}, d?.value ?? '—'), d ? h('div', { class: 'muted' }, d.reason) : ''),
      ),
    );
  const out: HTMLElement[] = [step(2, 'detected'), table];
  const g = ins.crsGuess;
  if (g.points > 0) {
    const medians = h('table', { class: 'compact', 'data-testid': 'wizard-crs-medians' });
    medians.append(h('tr', {}, h('th', {}, t('wizard.crs_read_as')), h('th', {}, t('wizard.median_to_road'))));
    for (const c of ['wgs84', 'gcj02', 'bd09'] as const) {
      const m = g.medianMeters[c];
      if (m === undefined) continue;
      medians.append(
        h(
          'tr',
          { 'data-crs': c, class: g.best === c ? 'best' : '' },
          cell(`${t(`wizard.crs.${c}`)}${g.best === c ? ' ★' : ''}`),
          cell(`${m.toFixed(1)} m`),
        ),
      );
    }
    out.push(medians, h('p', { class: 'muted' }, t('wizard.crs_points', { n: g.points })));
  }
  const pick = h('select', { 'data-testid': 'wizard-crs' }) as HTMLSelectElement;
  for (const c of CRS_CHOICES) pick.append(h('option', { value: c }, t(`wizard.crs.${c}`)));
  pick.value = crs;
  pick.onchange = () => onCrs(pick.value);
  out.push(h('label', { class: 'row' }, t('wizard.crs_used'), pick));
  return out;
}

/** 3: how many rows, and the first few as a table (the map shows them too). */
export function previewStep(ins: Inspection): HTMLElement[] {
  const cols = ins.columns.map((c) => c.name);
  const table = h('table', { class: 'compact scroll', 'data-testid': 'wizard-preview-table' });
  table.append(h('tr', {}, h('th', {}, t('wizard.row')), ...cols.map((c) => h('th', {}, c))));
  for (const f of ins.preview.features.slice(0, PREVIEW_ROWS)) {
    const p = (f as { properties?: Record<string, unknown> }).properties ?? {};
    table.append(h('tr', {}, cell(String(p['@row'] ?? '')), ...cols.map((c) => cell(String(p[c] ?? '')))));
  }
  return [
    step(3, 'preview'),
    h('p', { class: 'muted', 'data-testid': 'wizard-rowcount' }, t('wizard.rows_read', { n: ins.rowCount })),
    table,
  ];
}

/** The column (or `=value`) a field takes now: a hand choice, else the server's automatic mapping. */
function chosen(field: string, ins: Inspection, map: Record<string, string>, set: Record<string, string>): string {
  if (set[field] !== undefined) return `=${set[field]}`;
  if (map[field] !== undefined) return map[field];
  const auto = ins.mapping?.[field];
  if (!auto || auto.startsWith('= ') || auto.includes(' + ')) return '';
  return auto.replace(/ \([^)]*\)$/, '');
}

/** A field's name for the reader: in Chinese its first Chinese heading (发生时间), else the column name. */
function fieldLabel(f: LayerSpec['fields'][number]): string {
  if (!i18next.language.startsWith('zh')) return f.name.replaceAll('_', ' ');
  return f.synonyms.find((x) => /[\u4e00-\u9fff]/.test(x)) ?? f.name;
}

/**
 * 4: every field of the layer with the column it takes (automatic choices preselected), required ones marked; fields
 * with fixed values also offer each value for every row (`set`). Columns no field took are listed with a suggestion.
 */
export function mappingStep(
  ins: Inspection,
  spec: LayerSpec,
  choice: { map: Record<string, string>; set: Record<string, string> },
  onPick: (field: string, value: string) => void,
): HTMLElement[] {
  const missing = new Set(ins.missingRequired ?? []);
  const table = h('table', { class: 'compact mapping', 'data-testid': 'wizard-mapping' });
  for (const f of spec.fields.filter((x) => !x.derived || x.synonyms.length > 0)) {
    const select = h('select', { 'data-field': f.name }) as HTMLSelectElement;
    select.append(
      h('option', { value: '' }, f.default !== undefined ? t('wizard.default', { v: String(f.default) }) : '—'),
    );
    for (const c of ins.columns) select.append(h('option', { value: c.name }, c.name));
    for (const v of f.enum ?? []) select.append(h('option', { value: `=${v}` }, t('wizard.every_row', { v })));
    select.value = chosen(f.name, ins, choice.map, choice.set);
    select.onchange = () => onPick(f.name, select.value);
    const state = f.required ? (missing.has(f.name) ? 'missing' : 'required') : 'optional';
    table.append(
      h(
        'tr',
        { 'data-field': f.name, 'data-required': String(f.required), class: state },
        h(
          'td',
          { title: f.note ?? '' },
          fieldLabel(f),
          f.required ? h('span', { class: 'req' }, ' *') : '',
          h('span', { class: 'field-name' }, f.name),
        ),
        h('td', {}, select),
      ),
    );
  }
  const out: HTMLElement[] = [step(4, 'mapping'), h('p', { class: 'muted' }, t('wizard.required_note')), table];
  if (missing.size)
    out.push(
      h(
        'p',
        { class: 'error', 'data-testid': 'wizard-missing' },
        t('wizard.missing', { fields: [...missing].join(', ') }),
      ),
    );
  for (const u of ins.unmapped ?? [])
    out.push(
      h(
        'p',
        { class: 'muted', 'data-unmapped': u.column },
        u.suggestion
          ? t('wizard.unmapped_suggest', { column: u.column, field: u.suggestion.field })
          : t('wizard.unmapped', { column: u.column }),
      ),
    );
  return out;
}

const COUNT_KEYS = ['new', 'updated', 'unchanged', 'deleted'] as const;

/** 5/6: the report: per layer new/updated/unchanged(/deleted), refused, the defaulted columns and each issue's row and column. */
export function reportStep(
  r: ImportReport,
  n: number,
  testid: string,
  labelOf: (layer: string) => string,
): HTMLElement[] {
  const table = h('table', { class: 'compact', 'data-testid': `${testid}-counts` });
  table.append(
    h('tr', {}, h('th', {}, ''), ...[...COUNT_KEYS, 'refused'].map((k) => h('th', {}, t(`wizard.count.${k}`)))),
  );
  for (const [layer, c] of Object.entries(r.counts))
    table.append(
      h(
        'tr',
        { 'data-layer': layer },
        cell(labelOf(layer)),
        ...COUNT_KEYS.map((k) => cell(String(c?.[k] ?? 0), { 'data-count': k })),
        cell(String(r.rejected), { 'data-count': 'refused' }),
      ),
    );
  const out: HTMLElement[] = [step(n, n === 5 ? 'dry_run' : 'result'), table];
  if (r.defaulted.length)
    out.push(
      h(
        'p',
        { class: 'muted', 'data-testid': `${testid}-defaulted` },
        t('wizard.defaulted', {
          list: r.defaulted
            .map((d) => `${d.column} = ${d.value} (${d.count})`)
            .join(i18next.language.startsWith('zh') ? '；' : '; '),
        }),
      ),
    );
  const issues = h('ul', { class: 'issues', 'data-testid': `${testid}-issues` });
  for (const i of r.issues.slice(0, ISSUE_LINES))
    issues.append(h('li', { 'data-source': i.source }, issueLine(i.source, i.path, i.message, r.mapping)));
  if (r.issues.length) out.push(issues);
  if (r.issues.length > ISSUE_LINES)
    out.push(h('p', { class: 'muted' }, t('wizard.more_issues', { n: r.issues.length - ISSUE_LINES })));
  return out;
}
