import { GeoJsonLayer, PathLayer } from '@deck.gl/layers';
import { TripsLayer } from '@deck.gl/geo-layers';
import { distance } from '@turf/turf';
import type { Feature, FeatureCollection } from 'geojson';
import type { MapGeoJSONFeature } from 'maplibre-gl';
import { isochrone, planPatrolKept, reachEdges, reachSummary, type PatrolUnit } from '../api/client.js';
import { pct } from '../analysis/rate-scale.js';
import i18next from 'i18next';
import { t } from '../i18n/index.js';
import type { MapContext } from '../map/map-context.js';
import type { AppState } from '../state/app-state.js';
import { localNow, zoneLabel } from '../state/local-zone.js';
import { h, section, swatch } from './dom.js';
import { clearPatrolPlan, downloadPlanGpx, patrolStopList, showPatrolPlan } from './patrol-plan.js';
import { schoolGatesBlock, tierPanel } from './reach-tiers.js';

/** Response-time classes of the 1-3-5 minute rule (一分钟处置、三分钟增援、五分钟围圈), fixed colours. */
export const MINUTE_CLASSES = [
  { upTo: 1, colour: [26, 150, 65] },
  { upTo: 3, colour: [166, 217, 106] },
  { upTo: 5, colour: [253, 174, 97] },
  { upTo: Infinity, colour: [215, 25, 28] },
] as const;
export const UNREACHED: [number, number, number] = [120, 120, 120];
const minuteColour = (m: number): [number, number, number] =>
  m < 0 ? UNREACHED : ([...(MINUTE_CLASSES.find((c) => m <= c.upTo)?.colour ?? UNREACHED)] as [number, number, number]);
const rgb = (c: readonly number[]) => `rgb(${c.join(',')})`;
/** Route colours per unit (Okabe–Ito, distinct from the minute classes). */
const UNIT_COLOURS: [number, number, number][] = [
  [0, 114, 178],
  [204, 121, 167],
  [230, 159, 0],
  [86, 180, 233],
  [0, 158, 115],
  [213, 94, 0],
];
/** Replay speed: shift minutes per wall-clock second. */
const REPLAY_MINUTES_PER_SECOND = 20;

/** Timestamps (minutes after the shift start) for every vertex, spreading each leg's time over its length (turf). */
function tripTimes(u: PatrolUnit): number[] {
  const d = [0];
  let metres = 0;
  for (let i = 1; i < u.line.length; i++) {
    const a = u.line[i - 1],
      b = u.line[i];
    if (a && b) metres += distance(a, b, { units: 'meters' });
    d.push(metres);
  }
  const total = metres || 1;
  return d.map((x) => (x / total) * u.minutes);
}

export interface ReachTools {
  /** Called for every map click; returns true when the click was used (isochrone mode). */
  onMapClick(lon: number, lat: number): Promise<boolean>;
  /** The beat the user last clicked (for patrol planning). */
  setBeat(f: MapGeoJSONFeature | undefined): void;
}

export function initReach(ctx: MapContext, state: AppState, rerender: () => void): ReachTools {
  return {
    async onMapClick(lon, lat) {
      if (!state.isochroneMode) return false;
      if (ctx.view() !== 'reach') ctx.setView('reach');
      const fc = await isochrone(lon, lat, state.profile);
      const areas = fc.features.filter((f) => f.properties?.kind === 'area').reverse();
      ctx.setDeckLayer(
        'isochrone',
        new GeoJsonLayer({
          id: 'deck:isochrone',
          data: { type: 'FeatureCollection', features: areas } as FeatureCollection,
          stroked: true,
          filled: true,
          getFillColor: (f: Feature) =>
            [...minuteColour(Number(f.properties?.minutes)), 70] as [number, number, number, number],
          getLineColor: (f: Feature) =>
            [...minuteColour(Number(f.properties?.minutes)), 230] as [number, number, number, number],
          lineWidthMinPixels: 2,
        }),
      );
      window.gridpatrol.isochroneBands = areas.length;
      return true;
    },
    setBeat(f) {
      state.patrolBeat = f
        ? {
            id: Number(f.properties.id),
            stationId: Number(f.properties.station_id),
            name: String(f.properties.name ?? ''),
          }
        : undefined;
      rerender();
    },
  };
}

/** A unit's plan in words, in the UI's language. */
const words = (u: PatrolUnit): string => (i18next.language.startsWith('zh') ? u.words.zh : u.words.en);

/** Draws the planned routes and replays them over the shift with a clock. */
function showPatrol(ctx: MapContext, units: PatrolUnit[], startHour: number, clock: HTMLElement): void {
  const trips = units.map((u) => ({ unit: u.unit, path: u.line, timestamps: tripTimes(u) }));
  ctx.setDeckLayer(
    'patrol-routes',
    new PathLayer<PatrolUnit>({
      id: 'deck:patrol-routes',
      data: units,
      getPath: (u) => u.line,
      getColor: (u) => [...(UNIT_COLOURS[(u.unit - 1) % 6] ?? [0, 0, 0]), 110],
      getWidth: 4,
      widthUnits: 'pixels',
      capRounded: true,
      jointRounded: true,
    }),
  );
  const end = Math.max(...units.map((u) => u.minutes), 1);
  const t0 = performance.now();
  const frame = () => {
    const minute = Math.min(end, ((performance.now() - t0) / 1000) * REPLAY_MINUTES_PER_SECOND);
    ctx.setDeckLayer(
      'patrol-trips',
      new TripsLayer<(typeof trips)[number]>({
        id: 'deck:patrol-trips',
        data: trips,
        getPath: (d) => d.path,
        getTimestamps: (d) => d.timestamps,
        getColor: (d) => UNIT_COLOURS[(d.unit - 1) % 6] ?? [0, 0, 0],
        currentTime: minute,
        trailLength: 30,
        widthMinPixels: 7,
        capRounded: true,
      }),
    );
    const m = Math.round(startHour * 60 + minute) % 1440;
    clock.textContent = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    window.gridpatrol.replayMinute = minute;
    if (minute < end && clock.isConnected) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
}

/** The patrol options the planner ticked, kept across re-renders of the sidebar. */
const patrolOptions = { dosage: false, gates: false };

/** The 响应与巡逻 section: the 1-3-5 minute reach map, isochrones on click, and patrol plans for a clicked beat. */
export function reachSection(ctx: MapContext, state: AppState, rerender: () => void): HTMLElement {
  const status = h('p', { class: 'muted', 'data-testid': 'reach-status' });
  const profile = h('select', { 'data-testid': 'profile' }) as HTMLSelectElement;
  for (const p of ['car', 'foot'] as const) profile.append(h('option', { value: p }, t(`reach.profiles.${p}`)));
  profile.value = state.profile;
  profile.onchange = () => {
    state.profile = profile.value as 'car' | 'foot';
  };

  const reach = h('button', { 'data-testid': 'reach-run' }, t('reach.map'));
  reach.onclick = async () => {
    status.textContent = t('incidents.running');
    if (ctx.view() !== 'reach') ctx.setView('reach');
    const [edges, summary] = await Promise.all([reachEdges(state.profile), reachSummary(state.profile)]);
    ctx.setDeckLayer(
      'reach',
      new GeoJsonLayer({
        id: 'deck:reach',
        data: edges,
        getLineColor: (f: Feature) => minuteColour(Number(f.properties?.minutes)),
        lineWidthMinPixels: 3,
        lineCapRounded: true,
      }),
    );
    window.gridpatrol.reachEdges = edges.features.length;
    state.reach = summary;
    rerender();
  };
  const clear = h('button', {}, t('coverage.clear'));
  clear.onclick = () => {
    for (const id of ['reach', 'isochrone', 'patrol-routes', 'patrol-stops', 'patrol-trips'])
      ctx.setDeckLayer(id, undefined);
    clearPatrolPlan();
    state.reach = undefined;
    rerender();
  };
  const legend = h(
    'div',
    { class: 'legend scale' },
    t('reach.legend'),
    ...MINUTE_CLASSES.map((c, i) =>
      h(
        'span',
        { class: 'item' },
        swatch(rgb(c.colour), 'line'),
        i < 3 ? `≤ ${c.upTo} ${t('reach.min')}` : `> 5 ${t('reach.min')}`,
      ),
    ),
    h('span', { class: 'item' }, swatch(rgb(UNREACHED), 'line'), t('reach.unreached')),
  );
  const table = h('table', { 'data-testid': 'reach-table' });
  if (state.reach) {
    table.append(
      h(
        'tr',
        {},
        h('td', {}, ''),
        h('td', {}, t('reach.roads')),
        h('td', {}, t('layers.grids')),
        h('td', {}, t('layers.key_places')),
      ),
    );
    state.reach.roads.forEach((r, i) => {
      const s = state.reach?.shares[i];
      table.append(
        h(
          'tr',
          {},
          h('td', {}, `≤ ${r.limitMinutes} ${t('reach.min')}`),
          h('td', {}, pct(r.share)),
          h('td', {}, pct(s?.grids ?? 0)),
          h('td', {}, pct(s?.keyPlaces ?? 0)),
        ),
      );
    });
  }

  const iso = h('input', { type: 'checkbox', 'data-testid': 'isochrone-mode' }) as HTMLInputElement;
  iso.checked = state.isochroneMode;
  iso.onchange = () => {
    state.isochroneMode = iso.checked;
  };

  const beat = state.patrolBeat;
  const plan = h(
    'button',
    { 'data-testid': 'patrol-run' },
    beat ? t('reach.plan_for', { beat: beat.name }) : t('reach.pick_beat'),
  );
  if (!beat) plan.setAttribute('disabled', '');
  const units = h('select', { 'data-testid': 'patrol-units' }) as HTMLSelectElement;
  for (const n of [1, 2, 3]) units.append(h('option', { value: String(n) }, t('reach.units', { count: n })));
  units.value = '2';
  // The shift: its start (local hour) and length, chosen by the planner (default 18:00, 8 h).
  const shiftStart = h('select', { 'data-testid': 'patrol-shift-start' }) as HTMLSelectElement;
  for (let hr = 0; hr < 24; hr++)
    shiftStart.append(h('option', { value: String(hr) }, `${String(hr).padStart(2, '0')}:00`));
  shiftStart.value = '18';
  const shiftHours = h('select', { 'data-testid': 'patrol-shift-hours' }) as HTMLSelectElement;
  for (const n of [2, 4, 6, 8, 10, 12]) shiftHours.append(h('option', { value: String(n) }, `${n} h`));
  shiftHours.value = '8';
  const clock = h('span', { class: 'clock', 'data-testid': 'replay-clock' });
  // Hot-spot dosage (Koper: 10–16 min, back within 2 h) and school gates (护学岗), both kept for the school question.
  const dosage = h('input', { type: 'checkbox', 'data-testid': 'patrol-dosage' }) as HTMLInputElement;
  dosage.checked = patrolOptions.dosage;
  dosage.onchange = () => {
    patrolOptions.dosage = dosage.checked;
  };
  const gates = h('input', { type: 'checkbox', 'data-testid': 'patrol-gates' }) as HTMLInputElement;
  gates.checked = patrolOptions.gates;
  gates.onchange = () => {
    patrolOptions.gates = gates.checked;
  };
  const summary = h('div', { 'data-testid': 'patrol-summary' });
  const gpx = h('button', { 'data-testid': 'patrol-gpx' }, 'GPX');
  gpx.setAttribute('disabled', '');
  const request = () => ({
    base: { kind: 'station' as const, id: beat?.stationId ?? 0 },
    beatId: beat?.id ?? 0,
    units: Number(units.value),
    hours: Number(shiftHours.value),
    startHour: Number(shiftStart.value),
    profile: state.profile,
    ...(dosage.checked ? { dosage: { places: 3, dwellMinutes: 15 } } : {}),
    ...(gates.checked ? { schoolGates: { dwellMinutes: 15, record: true, day: localNow().day } } : {}),
  });
  plan.onclick = async () => {
    status.textContent = t('incidents.running');
    if (ctx.view() !== 'reach') ctx.setView('reach');
    let planned: PatrolUnit[];
    try {
      const kept = await planPatrolKept(request());
      planned = kept.units;
      showPatrolPlan(planned, kept.jobId);
    } catch (e) {
      status.textContent = e instanceof Error ? e.message : String(e);
      return;
    }
    summary.replaceChildren(
      ...planned.map((u) =>
        h(
          'p',
          {},
          swatch(rgb(UNIT_COLOURS[(u.unit - 1) % 6] ?? [0, 0, 0]), 'line'),
          t('reach.unit_summary', {
            unit: u.unit,
            km: u.km.toFixed(1),
            minutes: Math.round(u.minutes),
            checkpoints: u.checkpoints,
            stops: u.stops.length,
            prize: Math.round(u.prize),
          }),
          // What the plan buys, in the planner's words (zh-CN first).
          h('span', { class: 'plan-words', 'data-testid': 'patrol-words' }, words(u)),
        ),
      ),
    );
    window.gridpatrol.patrolUnits = planned.length;
    status.textContent = '';
    gpx.removeAttribute('disabled');
    showPatrol(ctx, planned, Number(shiftStart.value), clock);
    stops.replaceChildren(patrolStopList());
  };
  // The plan on the map, from its kept job: not planned again.
  gpx.onclick = () => void downloadPlanGpx(`patrol-${beat?.name ?? ''}.gpx`);
  const stops = h('div', {}, patrolStopList());
  if (window.gridpatrol.patrolStops > 0) gpx.removeAttribute('disabled');

  return section(
    'reach',
    t('reach.title'),
    state.openSections,
    h('label', { class: 'row' }, t('reach.profile'), profile),
    h('div', { class: 'buttons' }, reach, clear),
    legend,
    table,
    ...(state.reach ? [tierPanel(state.reach)] : []),
    h('label', { class: 'toggle' }, iso, t('reach.isochrone_mode')),
    h('div', { class: 'buttons' }, plan, units, gpx),
    h(
      'label',
      { class: 'row' },
      t('reach.shift_start'),
      shiftStart,
      t('reach.shift_hours'),
      shiftHours,
      h('span', { class: 'muted', 'data-testid': 'patrol-zone' }, zoneLabel()),
    ),
    h('label', { class: 'toggle' }, dosage, t('patrol_plan.dosage')),
    h('label', { class: 'toggle' }, gates, t('patrol_plan.gates')),
    h('div', { class: 'row' }, t('reach.clock'), clock, h('span', { class: 'muted' }, zoneLabel())),
    summary,
    stops,
    status,
    schoolGatesBlock(rerender),
  );
}
