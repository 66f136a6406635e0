import type { MapGeoJSONFeature } from 'maplibre-gl';
import { t } from '../i18n/index.js';

const HIDDEN = new Set([
  'version',
  'created_at',
  'updated_at',
  'h3_r7',
  'h3_r8',
  'h3_r9',
  'h3_r10',
  'district_code',
  'osm_id',
  // Database row ids mean nothing to a reader; codes and names say which feature it is.
  'id',
]);

/** The side panel of a clicked feature: its attributes under their Chinese (or English) field names. */
export function showDetails(
  el: HTMLElement,
  layerLabel: string,
  f: Pick<MapGeoJSONFeature, 'properties'> & { state?: Record<string, unknown> },
  onClose?: () => void,
  names?: { communities: Map<string, string>; stations: Map<number, string> },
): void {
  el.hidden = false;
  el.replaceChildren();
  const head = document.createElement('header');
  const title = document.createElement('h2');
  title.textContent = String(f.properties.name ?? f.properties.code ?? f.properties.category ?? layerLabel);
  const close = document.createElement('button');
  close.textContent = '×';
  close.title = t('details.close');
  close.className = 'close';
  close.onclick = () => {
    el.hidden = true;
    onClose?.();
  };
  head.append(title, close);
  const sub = document.createElement('p');
  sub.className = 'muted';
  sub.textContent = `${t('details.layer')}: ${layerLabel}`;
  const table = document.createElement('table');
  for (const [k, v] of Object.entries(f.properties)) {
    if (HIDDEN.has(k) || v === null || v === undefined || v === '') continue;
    const tr = table.insertRow();
    tr.dataset.field = k;
    const key = tr.insertCell();
    key.textContent = t(`fields.${k}`) === `fields.${k}` ? k : t(`fields.${k}`);
    const val = tr.insertCell();
    // Names first, the code or id beside: a person reads 大行宫社区, not 320102002003.
    const named =
      k === 'community_code' || k === 'parent_code'
        ? names?.communities.get(String(v))
        : k === 'station_id'
          ? names?.stations.get(Number(v))
          : undefined;
    val.textContent = named
      ? `${named} (${String(v)})`
      : k === 'kind'
        ? t(`kinds.${String(v)}`).startsWith('kinds.')
          ? t(`legend.${String(v)}`)
          : t(`kinds.${String(v)}`)
        : k === 'status'
          ? t(`legend.${String(v)}`)
          : String(v);
  }
  // An analysis's rate for this area, held in feature-state (see the coverage panel).
  const rate = f.state?.rate;
  if (typeof rate === 'number') {
    const tr = table.insertRow();
    tr.dataset.field = 'rate';
    tr.insertCell().textContent = t('fields.rate');
    tr.insertCell().textContent = `${(rate * 100).toFixed(1)}%`;
  }
  const grade = f.state?.grade;
  if (typeof grade === 'string') {
    const tr = table.insertRow();
    tr.dataset.field = 'grade';
    tr.insertCell().textContent = t('fields.grade');
    tr.insertCell().textContent = t(`incidents.grade_names.${grade}`);
    const why = table.insertRow();
    why.insertCell().textContent = t('fields.grade_reason');
    why.insertCell().textContent = String(f.state?.reason ?? '');
  }
  el.append(head, sub, table);
}
