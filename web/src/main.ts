import { bbox } from '@turf/turf';
import type { MapGeoJSONFeature } from 'maplibre-gl';
import i18next from 'i18next';
import {
  computeGrades,
  currentSession,
  getFeature,
  hourProfile,
  incidentCells,
  latestGrades,
  namesByCode,
  stationList,
} from './api/client.js';
import { loadAreaFigures, renderSummary, type AreaFigures, type SelectedArea } from './panels/summary.js';
import { renderSignIn } from './panels/sign-in.js';
import { initI18n, t } from './i18n/index.js';
import { LAYER_TOGGLES } from './layers/catalog.js';
import { makeHeatmapLayer, makeHexagonLayer } from './layers/incident-layers.js';
import { refreshAreaTiles, tileSourcesOf } from './map/area-tiles.js';
import { createMap, showSelection } from './map/map.js';
import { createMapContext } from './map/map-context.js';
import { applyCoverage, coverageSection, initCoverage } from './panels/coverage-panel.js';
import { initBlindSpots, placementSection } from './panels/placement-panel.js';
import { editingSection, initEditing } from './panels/editing-panel.js';
import { initPlanning, planningSection } from './panels/planning-panel.js';
import { importSection } from './panels/import-wizard.js';
import { usersSection } from './panels/users-panel.js';
import { renderHourChart } from './panels/hour-chart.js';
import { applyGrades, incidentsSection } from './panels/incidents-panel.js';
import { renderLegend } from './panels/legend.js';
import { viewFromUrl, type ViewId } from './layers/views.js';
import { initPatrolPlan } from './panels/patrol-plan.js';
import { initReach, reachSection } from './panels/reach-panel.js';
import { initXueliangReport, xueliangSection } from './panels/xueliang-report.js';
import { showDetails } from './panels/details.js';
import { exportPdf, exportPng } from './panels/export.js';
import { installSheetHandle } from './panels/sheet-handle.js';
import { showLoading } from './panels/status.js';
import { renderSidebar } from './panels/sidebar.js';
import { initTimeBar } from './panels/time-bar.js';
import { initialState, resForZoom } from './state/app-state.js';
import { setLocalZone } from './state/local-zone.js';
import { installTestHooks } from './state/test-hooks.js';
import './styles.css';

const CLICKABLE: Record<string, string> = {
  'grids-fill': 'layers.grids',
  'beats-fill': 'layers.beats',
  cameras: 'layers.cameras',
  stations: 'layers.stations',
  'key-places-fill': 'layers.key_places',
  'key-places-point': 'layers.key_places',
  posts: 'layers.posts',
  checkpoints: 'layers.checkpoints',
  incidents: 'layers.incidents',
  'rate-grids': 'layers.grids',
  'rate-beats': 'layers.beats',
  'rate-communities': 'coverage.areas.community',
  'grade-grids': 'layers.grids',
};
/** Clicked areas whose whole stored feature is fetched for the outline and the summary (tiles hold fragments). */
const STORED_AREA: Record<string, { kind: SelectedArea['kind']; api: 'grids' | 'beats' | 'admin-areas' }> = {
  'grids-fill': { kind: 'grid', api: 'grids' },
  'rate-grids': { kind: 'grid', api: 'grids' },
  'grade-grids': { kind: 'grid', api: 'grids' },
  'beats-fill': { kind: 'beat', api: 'beats' },
  'rate-beats': { kind: 'beat', api: 'beats' },
  'rate-communities': { kind: 'community', api: 'admin-areas' },
};
/** Clicked areas that get a 24×7 chart: the kind of area the hour-profile endpoint takes. */
const PROFILE_AREA: Record<string, 'grid' | 'beat' | 'community'> = {
  'grids-fill': 'grid',
  'rate-grids': 'grid',
  'grade-grids': 'grid',
  'beats-fill': 'beat',
  'rate-beats': 'beat',
  'rate-communities': 'community',
};

async function main(): Promise<void> {
  installTestHooks();
  await initI18n();
  const session = await currentSession();
  if (!session) {
    document.getElementById('map')?.remove();
    document.getElementById('details')?.remove();
    document.getElementById('legend')?.remove();
    document.getElementById('summary')?.remove();
    renderSignIn(document.getElementById('sidebar') as HTMLElement);
    document.body.classList.add('signed-out');
    window.gridpatrol.signedIn = false;
    return;
  }
  window.gridpatrol.signedIn = true;
  setLocalZone(session.timeZone);
  const state = initialState(session.user);
  showLoading(true);
  const { map, overlay } = await createMap(document.getElementById('map') as HTMLElement);
  // The first drawn map (district and beats with the basemap) ends the loading line; later loads are per panel.
  map.once('idle', () => showLoading(false));
  const sidebar = document.getElementById('sidebar') as HTMLElement;
  installSheetHandle();
  const details = document.getElementById('details') as HTMLElement;
  const legend = document.getElementById('legend') as HTMLElement;
  const summary = document.getElementById('summary') as HTMLElement;
  let figures: AreaFigures = {};
  let selected: SelectedArea | undefined;
  const drawSummary = () => renderSummary(summary, state, figures, selected, window.gridpatrol.cellsTotal);
  // Names for the ids and codes a feature holds (its community, its station), loaded once.
  let names: Promise<{ communities: Map<string, string>; stations: Map<number, string> }> | undefined;
  const loadNames = () =>
    (names ??= Promise.all([namesByCode('admin-areas', { level: 'community' }), stationList()]).then(
      ([communities, stations]) => ({ communities, stations: new Map(stations.map((s) => [s.id, s.name])) }),
    ));
  const ctx = createMapContext(map, overlay, () => [
    makeHexagonLayer(state.cells, state.visible.has('hexagons')),
    makeHeatmapLayer(state.heatCells, state.visible.has('heatmap')),
  ]);
  // Grades come back from the stored ones (computed once when there are none yet); coverage from the last run.
  let gradesLoading = false;
  const loadGrades = async () => {
    if (gradesLoading) return;
    gradesLoading = true;
    try {
      let answer = await latestGrades(i18next.language);
      if (answer.grades.length === 0) {
        await computeGrades();
        answer = await latestGrades(i18next.language);
      }
      state.grades = answer.grades;
      if (ctx.view() === 'grades') applyGrades(ctx, state.grades);
      rerender();
    } finally {
      gradesLoading = false;
    }
  };
  ctx.onViewShown('grades', () => {
    applyGrades(ctx, state.grades);
    if (!state.grades) void loadGrades();
  });
  ctx.onViewShown('coverage', () => applyCoverage(ctx, state));
  // The view is part of the address (?view=), so a link or a reload opens the same map.
  ctx.onViewChange((id: ViewId) => {
    const url = new URL(location.href);
    url.searchParams.set('view', id);
    history.replaceState(history.state, '', url);
    window.gridpatrol.view = id;
    renderLegend(legend, id, state);
  });
  window.gridpatrol.deckLayersDrawn = ctx.drawnDeckLayers;
  const coverageViews = initCoverage(ctx, state);
  initBlindSpots(ctx, state);
  initPatrolPlan(map);
  const reachTools = initReach(ctx, state, () => rerender());
  const editing = initEditing(ctx, state, () => rerender());
  initPlanning(ctx);
  initXueliangReport(ctx);
  window.gridpatrol.project = (lon, lat) => {
    const p = map.project([lon, lat]);
    const r = map.getContainer().getBoundingClientRect();
    return [r.left + p.x, r.top + p.y];
  };
  window.gridpatrol.layerVisible = (id) => map.getLayoutProperty(id, 'visibility') !== 'none';
  window.gridpatrol.selectedCount = () => map.querySourceFeatures('selection').length;
  window.gridpatrol.renderedBBox = (id) => {
    if (!map.getLayer(id)) return [];
    const features = map
      .queryRenderedFeatures({ layers: [id] })
      .map((f) => ({ type: 'Feature' as const, geometry: f.geometry, properties: {} }));
    const box = bbox({ type: 'FeatureCollection', features });
    return features.length && Number.isFinite(box[0]) ? box.slice(0, 4) : [];
  };
  /** Each feature a layer draws on screen now, once by feature id (tiles repeat a feature), with what `pick` reads. */
  const eachRendered = <T>(id: string, pick: (f: MapGeoJSONFeature) => T): [number | string, T][] => {
    if (!map.getLayer(id)) return [];
    const seen = new Map<number | string, T>();
    for (const f of map.queryRenderedFeatures({ layers: [id] }))
      if (f.id !== undefined && !seen.has(f.id)) seen.set(f.id, pick(f));
    return [...seen];
  };
  window.gridpatrol.renderedValues = (id, prop) =>
    eachRendered(id, (f) => f.properties[prop] as unknown).map(([fid, value]) => ({ id: fid, value }));
  window.gridpatrol.renderedColours = (id, paintProp) => {
    // A queried feature's layer carries its paint evaluated for that feature: a Color of 0–1 channels, premultiplied.
    const hex = (v: unknown): string => {
      if (typeof v === 'string') return v.toLowerCase();
      const c = v as { r?: unknown; g?: unknown; b?: unknown; a?: unknown } | null;
      if (!c || typeof c.r !== 'number' || typeof c.g !== 'number' || typeof c.b !== 'number') return String(v);
      const a = typeof c.a === 'number' && c.a > 0 ? c.a : 1;
      return `#${[c.r, c.g, c.b]
        .map((x) =>
          Math.round((x / a) * 255)
            .toString(16)
            .padStart(2, '0'),
        )
        .join('')}`;
    };
    return eachRendered(id, (f) => hex(f.layer.paint?.[paintProp as keyof typeof f.layer.paint])).map(
      ([fid, colour]) => ({ id: fid, colour }),
    );
  };
  window.gridpatrol.mapBounds = () => map.getBounds().toArray().flat();
  window.gridpatrol.layerOrder = () => map.getLayersOrder();
  window.gridpatrol.layersAt = (x, y) => map.queryRenderedFeatures([x, y]).map((f) => f.layer.id);
  window.gridpatrol.renderedCount = (id) => (map.getLayer(id) ? map.queryRenderedFeatures({ layers: [id] }).length : 0);
  window.gridpatrol.deckDrawn = (id, prop) => {
    const c = map.getCanvas();
    const picked = overlay.pickObjects({
      x: 0,
      y: 0,
      width: c.clientWidth,
      height: c.clientHeight,
      layerIds: [`deck:${id}`],
    });
    // A picked object is the layer's datum: the property the test keys it by.
    return [...new Set(picked.map((p) => String((p.object as Record<string, unknown> | undefined)?.[prop])))];
  };

  const applyVisibility = () => {
    for (const toggle of LAYER_TOGGLES) {
      for (const id of toggle.mapLayers) {
        if (!id.startsWith('deck:') && map.getLayer(id))
          map.setLayoutProperty(id, 'visibility', state.visible.has(toggle.id) ? 'visible' : 'none');
      }
    }
    ctx.redraw();
  };
  const loadCells = async () => {
    [state.cells, state.heatCells] = await Promise.all([
      incidentCells(state.filter),
      state.filter.res === 10 ? undefined : incidentCells({ ...state.filter, res: 10 }),
    ]).then(([cells, fine]) => [cells, fine ?? cells]);
    window.gridpatrol.cellsCount = state.cells.length;
    window.gridpatrol.cellsTotal = state.cells.reduce((s, c) => s + c.n, 0);
    applyVisibility();
    drawSummary();
    void timeBar.sync();
  };
  // The time bar under the map: its window is the hour (or date) filter; it keeps the details and their chart open.
  const timeBarEl = Object.assign(document.createElement('section'), { id: 'time-bar' });
  document.body.append(timeBarEl);
  document.body.classList.add('has-time-bar');
  const timeBar = initTimeBar(timeBarEl, map, state, { onFilter: () => loadCells() });
  const clearSelection = () => {
    showSelection(map, undefined);
    selected = undefined;
    drawSummary();
  };
  let shown: { label: string; feature: MapGeoJSONFeature } | undefined;
  const rerender = () => {
    if (shown && !details.hidden) {
      const feature = shown.feature;
      void loadNames()
        .catch(() => undefined)
        .then((known) => showDetails(details, t(shown?.label ?? ''), feature, clearSelection, known)); // in the new language
    }
    renderSidebarNow();
    renderLegend(legend, ctx.view(), state);
    drawSummary();
    timeBar.render();
  };
  // After an import or its undo: the layer's tiles, the summary's counts and, for incidents, the cells behind the
  // hexagons, the heat map, the time bar and the filter's figures, all read again (no page reload).
  const layerChanged = async (layer: string) => {
    refreshAreaTiles(map, tileSourcesOf(layer));
    if (layer === 'admin-areas') names = undefined;
    const [fresh] = await Promise.all([loadAreaFigures(), layer === 'incidents' ? loadCells() : undefined]);
    figures = fresh;
    renderSidebarNow();
    drawSummary();
  };
  const renderSidebarNow = () =>
    renderSidebar(
      sidebar,
      map,
      state,
      {
        view: ctx.view,
        setView: ctx.setView,
        onVisibility: applyVisibility,
        onFilter: loadCells,
        onExportPng: () => {
          window.gridpatrol.lastPngBytes = exportPng(map).length;
        },
        onExportPdf: async () => {
          window.gridpatrol.lastPdfBytes = await exportPdf(map, {
            view: ctx.view(),
            state,
            incidents: window.gridpatrol.cellsTotal,
          });
        },
      },
      rerender,
      [
        incidentsSection(ctx, state, { onFilter: loadCells }, rerender),
        coverageSection(ctx, state, coverageViews, rerender),
        placementSection(ctx, state, rerender),
        reachSection(ctx, state, rerender),
        editingSection(state),
        planningSection(state, rerender),
        ...[
          xueliangSection(state, rerender),
          importSection(ctx, state, session.importLayers, layerChanged),
          usersSection(state, rerender),
        ].filter((x): x is HTMLElement => x !== undefined),
      ],
    );

  state.filter = { ...state.filter, res: resForZoom(map.getZoom()) };
  rerender();
  ctx.setView(viewFromUrl(location.search, state.role));
  await loadCells();
  // The filter's figures ("n cells, n incidents") are those of the cells just loaded, not of the empty first render.
  renderSidebarNow();
  void loadAreaFigures().then((f) => {
    figures = f;
    drawSummary();
  });
  // The last hour profile answered (it may land before the stored feature it belongs to).
  let profileTotal: { code: string; total: number } | undefined;
  map.on('click', async (e) => {
    if (await reachTools.onMapClick(e.lngLat.lng, e.lngLat.lat)) return;
    const layers = Object.keys(CLICKABLE).filter(
      (id) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none',
    );
    const hits = map.queryRenderedFeatures(e.point, { layers });
    if (await editing.onMapClick(hits)) return;
    // Patrols are planned for the beat under the click, even when a grid or a point is drawn above it.
    const beat = hits.find((f) => f.layer.id === 'beats-fill' || f.layer.id === 'rate-beats');
    if (beat) reachTools.setBeat(beat);
    const hit: MapGeoJSONFeature | undefined = hits[0];
    if (!hit) return;
    window.gridpatrol.hourChartTotal = 0;
    showSelection(map, { type: 'Feature', geometry: hit.geometry });
    shown = { label: CLICKABLE[hit.layer.id] ?? '', feature: hit };
    const known = await loadNames().catch(() => undefined);
    showDetails(details, t(shown.label), hit, clearSelection, known);
    // The 24×7 chart is asked for first: it must not wait for the names and the stored outline.
    const area = PROFILE_AREA[hit.layer.id];
    const code = hit.properties.code;
    if (area && typeof code === 'string') {
      const chart = document.createElement('div');
      details.append(Object.assign(document.createElement('h3'), { textContent: t('incidents.profile') }), chart);
      void hourProfile(area, code, state.filter).then((answer) => {
        renderHourChart(chart, answer);
        const total = answer.matrix.flat().reduce((a, b) => a + b, 0);
        window.gridpatrol.hourChartTotal = total;
        profileTotal = { code, total };
        if (selected && selected.feature.properties?.code === code) {
          selected.incidents = total;
          drawSummary();
        }
      });
    }
    const stored = STORED_AREA[hit.layer.id];
    const rowId = hit.properties.id ?? hit.id;
    if (stored && rowId !== undefined) {
      // The outline follows the whole stored boundary, not the tile's fragment of it.
      const full = await getFeature(stored.api, String(rowId)).catch(() => undefined);
      if (full?.geometry && shown?.feature === hit) {
        showSelection(map, { type: 'Feature', geometry: full.geometry });
        const p = full.properties ?? {};
        selected = {
          kind: stored.kind,
          feature: full,
          ...(typeof p.community_code === 'string' && known?.communities.get(p.community_code)
            ? { communityName: known.communities.get(p.community_code) }
            : {}),
          ...(p.station_id !== undefined && known?.stations.get(Number(p.station_id))
            ? { stationName: known.stations.get(Number(p.station_id)) }
            : {}),
        };
        window.gridpatrol.selectedCode = String(p.code ?? '');
        const answered = profileTotal;
        if (answered && answered.code === p.code) selected.incidents = answered.total;
        drawSummary();
      }
    }
  });
  for (const id of Object.keys(CLICKABLE)) {
    map.on('mouseenter', id, () => {
      map.getCanvas().style.cursor = 'pointer';
    });
    map.on('mouseleave', id, () => {
      map.getCanvas().style.cursor = '';
    });
  }
  // Hexagons follow the zoom unless a resolution was chosen: reload when the zoom crosses a resolution step.
  map.on('zoomend', () => {
    if (!state.autoRes || state.playing) return;
    const res = resForZoom(map.getZoom());
    if (res === state.filter.res) return;
    state.filter = { ...state.filter, res };
    void loadCells().then(() => renderSidebarNow());
  });
  map.on('idle', () => {
    window.gridpatrol.idle = true;
  });
  map.on('movestart', () => {
    window.gridpatrol.idle = false;
    window.gridpatrol.moves += 1;
  });
  // A forced frame ends in 'idle' only once no tile, transition, label placement or camera move is pending, so a
  // test waits on the map's own event instead of a fixed settle time.
  window.gridpatrol.settled = () =>
    new Promise<void>((resolve) => {
      map.once('idle', () => resolve());
      map.triggerRepaint();
    });
}

void main();
