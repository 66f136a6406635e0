import type { Map as MapLibreMap } from 'maplibre-gl';
import { getFeature, incidentCategories, searchApi, signOut, type SearchHit } from '../api/client.js';
import { setLocale, t, tList } from '../i18n/index.js';
import { LAYER_TOGGLES, roleDefaults, type Role } from '../layers/catalog.js';
import { flyToFeature } from '../map/map.js';
import { COUNT_BREAKS, COUNT_COLOURS } from '../layers/incident-layers.js';
import { resForZoom, type AppState } from '../state/app-state.js';
import { h, section, swatch } from './dom.js';
import { layerExportControls } from './layer-export.js';
import { VIEWS, defaultView, viewsForRole, type ViewId } from '../layers/views.js';

/** The sidebar section that holds a view's controls, opened when the view is picked in the view bar. */
const VIEW_SECTION: Record<ViewId, string> = {
  reference: 'layers',
  incidents: 'filter',
  hotspots: 'incidents',
  grades: 'incidents',
  coverage: 'coverage',
  blindspots: 'placement',
  reach: 'reach',
  planning: 'planning',
};

/** One button per view of the role; the pressed one is on the map. */
function viewBar(state: AppState, hooks: SidebarHooks, rerender: () => void): HTMLElement {
  const bar = h('nav', { class: 'views', 'aria-label': t('views.title'), 'data-testid': 'views' });
  for (const id of viewsForRole(state.role)) {
    const b = h(
      'button',
      { 'data-view': id, 'aria-pressed': String(hooks.view() === id), title: t(`views.hint.${id}`) },
      t(VIEWS[id].label),
    );
    b.onclick = () => {
      state.openSections.add(VIEW_SECTION[id]);
      hooks.setView(id);
      rerender();
    };
    bar.append(b);
  }
  return bar;
}

export interface SidebarHooks {
  /** The thematic view on the map, and bringing another forward (from the view bar). */
  view(): ViewId;
  setView(id: ViewId): void;
  onVisibility(): void;
  onFilter(): Promise<void>;
  onExportPng(): void;
  onExportPdf(): Promise<void>;
}

/** The feature layer (API path) of each kind of search hit; roads are found by name only (no one row). */
const HIT_LAYER: Record<SearchHit['kind'], string | undefined> = {
  grid: 'grids',
  beat: 'beats',
  station: 'stations',
  camera: 'cameras',
  key_place: 'key-places',
  community: 'admin-areas',
  road: undefined,
};

/** Brings a hit into view: its stored feature outlined and fitted, or (a road) its box. */
async function goTo(map: MapLibreMap, hit: SearchHit): Promise<void> {
  const layer = HIT_LAYER[hit.kind];
  const stored = layer && hit.id !== null ? await getFeature(layer, hit.id).catch(() => undefined) : undefined;
  const [w, s, e, n] = hit.bbox;
  flyToFeature(
    map,
    stored?.geometry
      ? stored
      : {
          type: 'Feature',
          properties: {},
          geometry:
            w === e && s === n
              ? { type: 'Point', coordinates: [w, s] }
              : {
                  type: 'Polygon',
                  coordinates: [
                    [
                      [w, s],
                      [e, s],
                      [e, n],
                      [w, n],
                      [w, s],
                    ],
                  ],
                },
        },
  );
}

/** Type-ahead: suggestions while typing (codes, names, pinyin), arrows to move, Enter or a click to go. */
function searchBox(map: MapLibreMap): HTMLElement {
  const q = h('input', {
    type: 'search',
    placeholder: t('search.placeholder'),
    'data-testid': 'search',
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
  }) as HTMLInputElement;
  const list = h('ul', { class: 'suggestions', role: 'listbox', 'data-testid': 'search-suggestions' });
  const out = h('p', { class: 'muted', 'data-testid': 'search-result', 'aria-live': 'polite' });
  let hits: SearchHit[] = [];
  let active = 0;
  let asked = 0;
  const draw = () => {
    list.replaceChildren(
      ...hits.map((hit, i) => {
        const li = h(
          'li',
          { role: 'option', 'aria-selected': String(i === active), 'data-kind': hit.kind },
          h('span', {}, hit.name),
          h('span', { class: 'muted' }, `${t(`search.kinds.${hit.kind}`)}${hit.code ? ` ${hit.code}` : ''}`),
        );
        li.onmousedown = (e) => {
          e.preventDefault();
          void pick(hit);
        };
        return li;
      }),
    );
    q.setAttribute('aria-expanded', String(hits.length > 0));
  };
  const pick = async (hit: SearchHit) => {
    hits = [];
    draw();
    q.value = hit.name;
    out.textContent = '';
    await goTo(map, hit);
  };
  const suggest = async (): Promise<SearchHit[]> => {
    const text = q.value.trim();
    const mine = ++asked;
    if (!text) {
      hits = [];
      draw();
      return hits;
    }
    const answer = await searchApi(text).catch(() => undefined);
    if (mine !== asked) return hits; // a later keystroke's answer wins
    hits = answer?.hits ?? [];
    active = 0;
    draw();
    out.textContent = hits.length ? '' : t('search.none', { q: text });
    return hits;
  };
  q.oninput = () => void suggest();
  q.onkeydown = async (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (hits.length) active = (active + (e.key === 'ArrowDown' ? 1 : hits.length - 1)) % hits.length;
      draw();
    } else if (e.key === 'Escape') {
      hits = [];
      draw();
    } else if (e.key === 'Enter') {
      // Enter right after typing: ask first, then go to the best hit.
      const now = hits.length && hits[active] ? hits : await suggest();
      const hit = now[active] ?? now[0];
      if (hit) await pick(hit);
    }
  };
  q.onblur = () => {
    hits = [];
    draw();
  };
  return h('div', { class: 'search' }, q, list, out);
}

/** Renders the whole sidebar from the state; called again on a language or role change. */
export function renderSidebar(
  el: HTMLElement,
  map: MapLibreMap,
  state: AppState,
  hooks: SidebarHooks,
  rerender: () => void,
  analysisSections: readonly HTMLElement[] = [],
): void {
  el.replaceChildren();
  const lang = h('button', { class: 'lang', 'data-testid': 'lang' }, t('lang.switch'));
  lang.onclick = async () => {
    await setLocale(document.documentElement.lang === 'en' ? 'zh-CN' : 'en');
    rerender();
  };
  el.append(
    h('header', {}, h('div', {}, h('h1', {}, t('app.title')), h('p', { class: 'muted' }, t('app.subtitle'))), lang),
  );

  const out = h('button', { 'data-testid': 'sign-out' }, t('signin.sign_out'));
  out.onclick = async () => {
    await signOut();
    location.reload();
  };
  el.append(
    h(
      'div',
      { class: 'row user' },
      h(
        'span',
        { 'data-testid': 'user' },
        t('signin.signed_in', {
          name: state.user.displayName ?? state.user.username,
          role: t(`role.${state.user.role}`),
        }),
      ),
      out,
    ),
  );
  // Only an admin (who may do everything) switches between the role views; everyone else sees their own.
  if (state.user.role === 'admin') {
    const role = h('select', { 'data-testid': 'role' }) as HTMLSelectElement;
    for (const r of ['planner', 'grid_office', 'leader'] as const)
      role.append(h('option', { value: r }, t(`role.${r}`)));
    role.value = state.role;
    role.onchange = () => {
      state.role = role.value as Role;
      state.visible = roleDefaults(state.role);
      // Stay on the view when the new role has it (the map stays put), else the role's first view.
      if (!viewsForRole(state.role).includes(hooks.view())) hooks.setView(defaultView(state.role));
      hooks.onVisibility();
      rerender();
    };
    el.append(h('label', { class: 'row' }, t('role.label'), role));
  }

  el.append(searchBox(map), viewBar(state, hooks, rerender));

  const layers = section('layers', t('layers.title'), state.openSections);
  for (const toggle of LAYER_TOGGLES) {
    const box = h('input', { type: 'checkbox', 'data-layer': toggle.id }) as HTMLInputElement;
    box.checked = state.visible.has(toggle.id);
    box.onchange = () => {
      if (box.checked) state.visible.add(toggle.id);
      else state.visible.delete(toggle.id);
      // The heat map and hexagons are the incident view's: asking for them brings that view forward.
      if (box.checked && (toggle.id === 'heatmap' || toggle.id === 'hexagons') && hooks.view() !== 'incidents')
        hooks.setView('incidents');
      hooks.onVisibility();
    };
    const legend = h(
      'div',
      { class: 'legend' },
      ...toggle.legend.map((l) =>
        h('span', { class: 'item' }, swatch(l.colour, l.shape), l.label === 'legend.station_colour' ? '' : t(l.label)),
      ),
    );
    if (toggle.id === 'beats') legend.append(t('legend.station_colour'));
    layers.append(h('label', { class: 'toggle' }, box, t(toggle.label)), legend);
  }
  layers.append(
    h(
      'div',
      { class: 'legend scale', 'data-testid': 'count-scale' },
      t('legend.count_per_cell'),
      ...COUNT_COLOURS.map((c, i) =>
        h('span', { class: 'item' }, swatch(`rgb(${c.join(',')})`, 'fill'), `≥${COUNT_BREAKS[i]}`),
      ),
    ),
  );
  el.append(layers);

  // Incident filter: dates, an hour window (wrapping past midnight), weekdays, category, hexagon size.
  const f = state.filter;
  const from = h('input', { type: 'date', value: f.from?.slice(0, 10) ?? '' }) as HTMLInputElement;
  const to = h('input', { type: 'date', value: f.to?.slice(0, 10) ?? '' }) as HTMLInputElement;
  const hourFrom = h('select', { 'data-testid': 'hour-from' }) as HTMLSelectElement;
  const hourTo = h('select', { 'data-testid': 'hour-to' }) as HTMLSelectElement;
  for (let i = 0; i < 24; i++) {
    hourFrom.append(h('option', { value: String(i) }, `${i}:00`));
    hourTo.append(h('option', { value: String(i) }, `${i + 1}:00`));
  }
  hourFrom.value = String(f.hours?.[0] ?? 0);
  hourTo.value = String(f.hours?.[f.hours.length - 1] ?? 23);
  const days = h('div', { class: 'days' });
  tList('filter.weekday_names').forEach((name, i) => {
    const box = h('input', { type: 'checkbox', value: String(i + 1) }) as HTMLInputElement;
    box.checked = !f.weekdays || f.weekdays.includes(i + 1);
    days.append(h('label', {}, box, name));
  });
  const category = h('select', { 'data-testid': 'category' }) as HTMLSelectElement;
  category.append(h('option', { value: '' }, t('filter.all')));
  void incidentCategories().then((cats) => {
    for (const c of cats) category.append(h('option', { value: c.category }, `${c.category} (${c.n})`));
    category.value = f.category ?? '';
  });
  const res = h('select', { 'data-testid': 'resolution' }) as HTMLSelectElement;
  res.append(h('option', { value: 'auto' }, t('filter.res_auto')));
  for (const r of [7, 8, 9, 10]) res.append(h('option', { value: String(r) }, `H3 r${r}`));
  res.value = state.autoRes ? 'auto' : String(f.res);
  const info = h('p', { class: 'muted', 'data-testid': 'cell-info' });
  const total = state.cells.reduce((s, c) => s + c.n, 0);
  info.textContent = t('filter.cells', { count: state.cells.length, total });
  const apply = h('button', { 'data-testid': 'apply-filter' }, t('filter.apply'));
  apply.onclick = async () => {
    const a = Number(hourFrom.value),
      b = Number(hourTo.value);
    const hours: number[] = [];
    for (let x = a; ; x = (x + 1) % 24) {
      hours.push(x);
      if (x === b) break;
    }
    state.autoRes = res.value === 'auto';
    const weekdays = [...days.querySelectorAll('input')].filter((i) => i.checked).map((i) => Number(i.value));
    state.filter = {
      res: res.value === 'auto' ? resForZoom(map.getZoom()) : (Number(res.value) as 7 | 8 | 9 | 10),
      ...(from.value ? { from: `${from.value}T00:00:00+08:00` } : {}),
      ...(to.value ? { to: `${to.value}T00:00:00+08:00` } : {}),
      ...(hours.length < 24 ? { hours } : {}),
      ...(weekdays.length < 7 ? { weekdays } : {}),
      ...(category.value ? { category: category.value } : {}),
    };
    await hooks.onFilter();
    rerender();
  };
  const reset = h('button', {}, t('filter.reset'));
  reset.onclick = async () => {
    state.autoRes = true;
    state.filter = { res: resForZoom(map.getZoom()) };
    await hooks.onFilter();
    rerender();
  };
  el.append(
    section(
      'filter',
      t('filter.title'),
      state.openSections,
      h('label', { class: 'row' }, t('filter.from'), from),
      h('label', { class: 'row' }, t('filter.to'), to),
      h('label', { class: 'row' }, t('filter.hours'), hourFrom, '–', hourTo),
      h('div', { class: 'row' }, t('filter.weekdays'), days),
      h('label', { class: 'row' }, t('filter.category'), category),
      h('label', { class: 'row' }, t('filter.resolution'), res),
      h('div', { class: 'buttons' }, apply, reset),
      info,
    ),
  );

  const png = h('button', { 'data-testid': 'export-png' }, t('export.png'));
  png.onclick = () => hooks.onExportPng();
  const pdf = h('button', { 'data-testid': 'export-pdf' }, t('export.pdf'));
  pdf.onclick = () => void hooks.onExportPdf();
  el.append(...analysisSections, h('section', { class: 'buttons' }, png, pdf), layerExportControls(map));
}
