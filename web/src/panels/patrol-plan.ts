import type { FeatureCollection } from 'geojson';
import type { GeoJSONSource, Map as MapLibreMap } from 'maplibre-gl';
import { patrolGpxOf, type PatrolUnit } from '../api/client.js';
import { t } from '../i18n/index.js';
import { zoneLabel } from '../state/local-zone.js';
import { h, swatch } from './dom.js';

/**
 * The patrol plan as a timetable linked to the map: every stop (checkpoints, school gates, hot places and their
 * dosage visits, hot cells) with its local arrival time, one circle per stop on the map. A row clicked flies the map
 * to its stop and rings it; a stop hovered or clicked on the map marks its row.
 */
export const STOP_LAYER = 'patrol-stop-points';
export const SELECTED_LAYER = 'patrol-stop-selected';
const SOURCE = 'patrol-stop-points';
/** Stop colours by what they are (gates and hot places stand out from checkpoints and plain hot cells). */
const KIND_COLOURS = { checkpoint: '#0f766e', gate: '#7c3aed', hot: '#dc2626', prize: '#2563eb' } as const;
type StopKind = keyof typeof KIND_COLOURS;

interface StopRow {
  key: string;
  unit: number;
  kind: StopKind;
  label: string;
  arrival: string;
  dwellMinutes: number;
  lon: number;
  lat: number;
  note: string;
}

interface PlanView {
  units: PatrolUnit[];
  jobId: string;
  rows: StopRow[];
  selected?: string;
}
let plan: PlanView | undefined;
let mapRef: MapLibreMap | undefined;
let listEl: HTMLElement | undefined;

/** The local time a unit leaves a stop (arrival plus its stay, over midnight). */
function leave(r: StopRow): string {
  const m = (Number(r.arrival.slice(0, 2)) * 60 + Number(r.arrival.slice(3, 5)) + Math.round(r.dwellMinutes)) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Hot place id (`cell:…`) of a dosage visit (`cell:…#2`), else undefined. */
const hotOf = (id: string) => (id.includes('#') ? id.slice(0, id.indexOf('#')) : undefined);

function rowsOf(units: readonly PatrolUnit[]): StopRow[] {
  return units.flatMap((u) => {
    const dosed = new Map(u.hotPlaces.map((p) => [p.id, p]));
    return u.stops.map((s, i): StopRow => {
      const hot = hotOf(s.id);
      const kind: StopKind = s.kind === 'prize' ? (hot && dosed.has(hot) ? 'hot' : 'prize') : s.kind;
      const gate = s.kind === 'gate' ? u.gates.find((g) => s.id === `gate:${g.schoolId}@${g.bell}`) : undefined;
      const place = dosed.get(hot ?? '');
      const note = gate
        ? t('patrol_plan.gate_note', { bell: gate.bell, window: gate.window })
        : place
          ? t(place.dosed ? 'patrol_plan.dosed' : 'patrol_plan.not_dosed', {
              n: place.arrivals.length,
              k: place.visitsNeeded,
            })
          : '';
      return {
        key: `${u.unit}:${i}`,
        unit: u.unit,
        kind,
        label:
          s.name ??
          (hot ? t('patrol_plan.hot_place', { n: s.id.slice(s.id.indexOf('#') + 1) }) : t('patrol_plan.cell')),
        arrival: s.arrival,
        dwellMinutes: s.dwellMinutes,
        lon: s.lon,
        lat: s.lat,
        note,
      };
    });
  });
}

export function initPatrolPlan(map: MapLibreMap): void {
  mapRef = map;
  map.addSource(SOURCE, { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: STOP_LAYER,
    type: 'circle',
    source: SOURCE,
    paint: {
      'circle-radius': 6,
      // A `match` built from the colour table: its spread is not a tuple type MapLibre's expression typing can check.
      'circle-color': ['match', ['get', 'kind'], ...Object.entries(KIND_COLOURS).flat(), '#555'] as unknown as string,
      'circle-stroke-color': '#fff',
      'circle-stroke-width': 1.5,
    },
  });
  map.addLayer({
    id: SELECTED_LAYER,
    type: 'circle',
    source: SOURCE,
    filter: ['==', ['get', 'key'], '\u0000'],
    paint: {
      'circle-radius': 12,
      'circle-color': 'rgba(0,0,0,0)',
      'circle-stroke-color': '#111827',
      'circle-stroke-width': 3,
    },
  });
  const pick = (e: { features?: { properties: Record<string, unknown> }[] }) => {
    const key = e.features?.[0]?.properties.key;
    if (typeof key === 'string') select(key, false);
  };
  map.on('mousemove', STOP_LAYER, (e) => {
    map.getCanvas().style.cursor = 'pointer';
    pick(e);
  });
  map.on('mouseleave', STOP_LAYER, () => {
    map.getCanvas().style.cursor = '';
  });
  map.on('click', STOP_LAYER, pick);
  window.gridpatrol.patrolDrawnKeys = (layerId) =>
    map.getLayer(layerId) ? map.queryRenderedFeatures({ layers: [layerId] }).map((f) => String(f.properties.key)) : [];
}

/** Marks one stop on the map and in the list; `fly` brings the map to it (a row was clicked). */
function select(key: string, fly: boolean): void {
  if (!plan) return;
  plan.selected = key;
  const row = plan.rows.find((r) => r.key === key);
  mapRef?.setFilter(SELECTED_LAYER, ['==', ['get', 'key'], key]);
  if (fly && row && mapRef) {
    mapRef.once('moveend', () => {
      window.gridpatrol.patrolFlownTo = key;
    });
    mapRef.flyTo({ center: [row.lon, row.lat], zoom: Math.max(mapRef.getZoom(), 16), duration: 600 });
  }
  for (const tr of listEl?.querySelectorAll<HTMLElement>('tr[data-stop]') ?? [])
    tr.classList.toggle('selected', tr.dataset.stop === key);
  listEl?.querySelector<HTMLElement>(`tr[data-stop="${key}"]`)?.scrollIntoView({ block: 'nearest' });
  window.gridpatrol.patrolSelectedStop = key;
}

/** Takes a new plan: its stops on the map, its rows for the list. */
export function showPatrolPlan(units: PatrolUnit[], jobId: string): void {
  const rows = rowsOf(units);
  plan = { units, jobId, rows };
  const fc: FeatureCollection = {
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [r.lon, r.lat] },
      properties: { key: r.key, kind: r.kind, unit: r.unit, arrival: r.arrival },
    })),
  };
  mapRef?.getSource<GeoJSONSource>(SOURCE)?.setData(fc);
  mapRef?.setFilter(SELECTED_LAYER, ['==', ['get', 'key'], '\u0000']);
  // The whole plan in view (the sidebar covers the left 340 px): every stop of the list is on screen.
  if (mapRef && rows.length) {
    const lons = rows.map((r) => r.lon),
      lats = rows.map((r) => r.lat);
    mapRef.fitBounds(
      [
        [Math.min(...lons), Math.min(...lats)],
        [Math.max(...lons), Math.max(...lats)],
      ],
      { padding: { top: 60, bottom: 60, left: 380, right: 60 }, duration: 0, maxZoom: 16 },
    );
  }
  window.gridpatrol.patrolStops = rows.length;
  window.gridpatrol.patrolSelectedStop = '';
}

export function clearPatrolPlan(): void {
  plan = undefined;
  mapRef?.getSource<GeoJSONSource>(SOURCE)?.setData({ type: 'FeatureCollection', features: [] });
  window.gridpatrol.patrolStops = 0;
}

/** The GPX of the plan on the map, from its kept job (the server plans nothing for it). */
export async function downloadPlanGpx(fileName: string): Promise<void> {
  if (!plan) return;
  const xml = await patrolGpxOf(plan.jobId);
  window.gridpatrol.lastGpx = xml;
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([xml], { type: 'application/gpx+xml' }));
  a.download = fileName;
  a.click();
}

/** The timetable: unit, local arrival (the deployment's zone named), what the stop is, how long, and gate/dosage notes. */
export function patrolStopList(): HTMLElement {
  const box = h('div', { 'data-testid': 'patrol-stop-list' });
  listEl = box;
  if (!plan) return box;
  const head = h('tr', {}, ...['arrival', 'stop'].map((k) => h('th', {}, t(`patrol_plan.col.${k}`))));
  const table = h('table', { class: 'compact stops' }, head);
  const several = plan.units.length > 1;
  for (const r of plan.rows) {
    const more = [
      ...(several ? [t('patrol_plan.unit', { unit: r.unit })] : []),
      t(`patrol_plan.kind.${r.kind}`),
      t('patrol_plan.stays', { minutes: Math.round(r.dwellMinutes) }),
      ...(r.note ? [r.note] : []),
    ].join(' · ');
    const tr = h(
      'tr',
      { 'data-stop': r.key, 'data-kind': r.kind, class: r.key === plan.selected ? 'selected' : '' },
      h(
        'td',
        {},
        h('span', { 'data-testid': 'stop-arrival' }, r.arrival),
        h('br'),
        h('span', { class: 'muted' }, `– ${leave(r)}`),
      ),
      h(
        'td',
        {},
        swatch(KIND_COLOURS[r.kind], 'dot'),
        ' ',
        r.label,
        h('br'),
        h('span', { class: r.note.startsWith('✗') ? 'muted warn' : 'muted' }, more),
      ),
    );
    tr.onclick = () => select(r.key, true);
    tr.onmouseenter = () => select(r.key, false);
    table.append(tr);
  }
  // Gates the plan could not keep have no stop: listed under the table with the reason.
  const missed = plan.units.flatMap((u) =>
    u.gates
      .filter((g) => g.arrival === null)
      .map((g) =>
        h(
          'li',
          { class: 'warn', 'data-testid': 'gate-missed' },
          t('patrol_plan.gate_missed', {
            unit: u.unit,
            name: g.name,
            bell: g.bell,
            window: g.window,
            reason: g.reason ?? '',
          }),
        ),
      ),
  );
  box.append(
    h('p', { class: 'muted' }, t('patrol_plan.times_in', { zone: zoneLabel() })),
    h('div', { class: 'scroll' }, table),
    ...(missed.length ? [h('ul', {}, ...missed)] : []),
  );
  return box;
}
