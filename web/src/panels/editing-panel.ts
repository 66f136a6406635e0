import { problemText } from '../api/problem-text.js';
import { area as turfArea, bbox, intersect } from '@turf/turf';
import type { Feature, FeatureCollection, Geometry, MultiPolygon, Polygon, Position } from 'geojson';
import type { GeoJSONSource, MapGeoJSONFeature } from 'maplibre-gl';
import {
  TerraDraw,
  TerraDrawLineStringMode,
  TerraDrawPolygonMode,
  TerraDrawSelectMode,
  type GeoJSONStoreFeatures,
  type SnapToCustom,
} from 'terra-draw';
import { refreshAreaTiles } from '../map/area-tiles.js';
import { snapTarget } from '../map/snap.js';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import { beatGrids, editCall, findFeatures, getJson, incidentCountsByGrid } from '../api/client.js';
import { t } from '../i18n/index.js';
import type { MapContext } from '../map/map-context.js';
import type { AppState } from '../state/app-state.js';
import { h, section } from './dom.js';

type Mode = 'idle' | 'draw' | 'reshape' | 'split' | 'merge' | 'beat';

interface Target {
  kind: 'grid' | 'beat';
  code: string;
  version: number;
  geometry: Geometry;
}

interface EditState {
  mode: Mode;
  target?: Target;
  /** Grids picked for a merge or a beat, by code, with their stored features. */
  picked: Map<string, Feature>;
  incidentsByGrid?: Map<string, number>;
  message: string;
  problems?: FeatureCollection;
  /** A beat outline is being drawn (clicks draw, they do not pick grids). */
  lassoing?: boolean;
  /** After a 409: the version now stored, to reload from. */
  stale?: boolean;
  /** Saved versions of the grid or beat in hand, when asked for. */
  history?: {
    version: number;
    change: string;
    actor: string;
    savedAt: string;
    retired: boolean;
    geometry: Geometry | null;
  }[];
}

const edit: EditState = { mode: 'idle', picked: new Map(), message: '' };

/** The outlines of a rendered geometry as lists of positions (rings of polygons, lines). */
function outlines(g: Geometry): Position[][] {
  switch (g.type) {
    case 'Polygon':
      return g.coordinates;
    case 'MultiPolygon':
      return g.coordinates.flat();
    case 'LineString':
      return [g.coordinates];
    case 'MultiLineString':
      return g.coordinates;
    default:
      return [];
  }
}

function setProblems(ctx: MapContext, fc: FeatureCollection | undefined): void {
  edit.problems = fc;
  ctx.map.getSource<GeoJSONSource>('edit-problems')?.setData(fc ?? { type: 'FeatureCollection', features: [] });
  window.gridpatrol.editProblems = fc?.features.length ?? 0;
}

/** Old shapes (a version from the history, or the stored shape after a 409) as dashed outlines. */
function showOld(ctx: MapContext, shapes: readonly { geometry: Geometry | null; label: string }[]): void {
  const features = shapes.flatMap((x) =>
    x.geometry ? [{ type: 'Feature' as const, geometry: x.geometry, properties: { label: x.label } }] : [],
  );
  ctx.map.getSource<GeoJSONSource>('edit-history')?.setData({ type: 'FeatureCollection', features });
  window.gridpatrol.historyShown = features.length;
}

function drawPicked(ctx: MapContext): void {
  ctx.map
    .getSource<GeoJSONSource>('edit-picked')
    ?.setData({ type: 'FeatureCollection', features: [...edit.picked.values()] });
  window.gridpatrol.pickedGrids = edit.picked.size;
}

async function storedFeature(kind: 'grids' | 'beats', code: string): Promise<Feature | undefined> {
  return (await findFeatures(kind, 'code', code)).features[0];
}

/** Live workload of the picked grids: residents and households from the grid table, incidents of the current filter. */
function workloadLine(): string {
  let pop = 0,
    hh = 0,
    m2 = 0,
    inc = 0;
  for (const [code, f] of edit.picked) {
    pop += Number(f.properties?.population ?? 0);
    hh += Number(f.properties?.households ?? 0);
    m2 += turfArea(f);
    inc += edit.incidentsByGrid?.get(code) ?? 0;
  }
  window.gridpatrol.pickedPopulation = pop;
  return t('editing.workload', {
    n: edit.picked.size,
    pop: pop.toLocaleString(),
    hh: hh.toLocaleString(),
    km2: (m2 / 1e6).toFixed(2),
    inc: inc.toLocaleString(),
  });
}

export interface EditingTools {
  /** A map click while editing: picks grids for a merge or a beat, or selects what to reshape / split. True when used. */
  onMapClick(hits: readonly MapGeoJSONFeature[]): Promise<boolean>;
}

/** Once per app: terra-draw on the map, layers for problems and picked grids. */
export function initEditing(ctx: MapContext, state: AppState, rerender: () => void): EditingTools {
  const { map } = ctx;
  map.addSource('edit-problems', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addSource('edit-picked', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: 'edit-picked-fill',
    type: 'fill',
    source: 'edit-picked',
    paint: { 'fill-color': '#2563eb', 'fill-opacity': 0.25 },
  });
  map.addLayer({
    id: 'edit-picked-line',
    type: 'line',
    source: 'edit-picked',
    paint: { 'line-color': '#1d4ed8', 'line-width': 2.5 },
  });
  map.addSource('edit-history', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  map.addLayer({
    id: 'edit-history-line',
    type: 'line',
    source: 'edit-history',
    paint: { 'line-color': '#7e22ce', 'line-width': 3, 'line-dasharray': [2, 1.5] },
  });
  map.addLayer({
    id: 'edit-problems-fill',
    type: 'fill',
    source: 'edit-problems',
    paint: { 'fill-color': '#dc2626', 'fill-opacity': 0.45 },
  });
  map.addLayer({
    id: 'edit-problems-line',
    type: 'line',
    source: 'edit-problems',
    paint: { 'line-color': '#991b1b', 'line-width': 3 },
  });
  // Vertices snap to the grid boundaries and roads drawn on the map (within 12 px), so neighbours meet exactly.
  const snapToMap: SnapToCustom = (event) => {
    const r = 12;
    const layers = ['grids-line', 'beats-line', 'roads'].filter(
      (id) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none',
    );
    const near = map.queryRenderedFeatures(
      [
        [event.containerX - r, event.containerY - r],
        [event.containerX + r, event.containerY + r],
      ],
      { layers },
    );
    const lines = near
      .flatMap((f) => outlines(f.geometry))
      .map((line) =>
        line.map(([lon, lat]) => {
          const p = map.project([lon as number, lat as number]);
          return [p.x, p.y] as const;
        }),
      );
    const hit = snapTarget([event.containerX, event.containerY], lines, r);
    if (!hit) return undefined;
    const ll = map.unproject([hit.point[0], hit.point[1]]);
    window.gridpatrol.snaps++;
    return [ll.lng, ll.lat];
  };
  const draw = new TerraDraw({
    adapter: new TerraDrawMapLibreGLAdapter({ map }),
    modes: [
      new TerraDrawPolygonMode({ snapping: { toCustom: snapToMap } }),
      new TerraDrawLineStringMode(),
      new TerraDrawSelectMode({
        flags: {
          polygon: {
            feature: {
              coordinates: { midpoints: true, draggable: true, deletable: true, snappable: { toCustom: snapToMap } },
            },
          },
        },
      }),
    ],
  });
  draw.start();
  draw.setMode('static');
  state.editing = { draw };
  // A click while drawing commits a vertex: the polygon mode counts them, a line's last position follows the pointer.
  window.gridpatrol.drawnVertices = () => {
    const f = draw.getSnapshot().find((x) => x.properties.currentlyDrawing === true);
    if (f?.geometry.type === 'Polygon') return Number(f.properties.committedCoordinateCount ?? 0);
    if (f?.geometry.type === 'LineString') return f.geometry.coordinates.length - 1;
    return 0;
  };

  draw.on('finish', (id) => {
    const f = draw.getSnapshotFeature(id);
    if (!f) return;
    if (edit.mode === 'draw' && f.geometry.type === 'Polygon') void saveDrawn(f);
    if (edit.mode === 'split' && f.geometry.type === 'LineString') void saveSplit(f);
    if (edit.mode === 'beat' && f.geometry.type === 'Polygon') void lassoGrids(f);
  });

  /**
   * A beat drawn by hand: a beat is a union of whole grids, so the outline picks every grid with more than half of its
   * area inside it (full grid shapes from the API, not the tile-clipped ones on screen); the planner then adjusts by clicks.
   */
  async function lassoGrids(f: GeoJSONStoreFeatures): Promise<void> {
    draw.clear();
    draw.setMode('static');
    edit.lassoing = false;
    // The outline is the beat: it replaces the grids picked so far (clicks adjust it afterwards).
    edit.picked.clear();
    const outline: Feature<Polygon> = { type: 'Feature', geometry: f.geometry as Polygon, properties: {} };
    window.gridpatrol.lassoOutline = outline.geometry.coordinates[0] ?? [];
    const [w, s, e, n] = bbox(outline);
    const near = await getJson<FeatureCollection>(
      `/api/v1/grids?${new URLSearchParams({ bbox: [w, s, e, n].join(','), limit: '2000' })}`,
    );
    for (const g of near.features) {
      if (g.geometry.type !== 'Polygon' && g.geometry.type !== 'MultiPolygon') continue;
      const grid = g as Feature<Polygon | MultiPolygon>;
      const inside = intersect({ type: 'FeatureCollection', features: [grid, outline] });
      if (inside && turfArea(inside) > 0.5 * turfArea(grid)) edit.picked.set(String(g.properties?.code), g);
    }
    drawPicked(ctx);
    window.gridpatrol.lassoPicks++;
    rerender();
  }

  const report = (ok: boolean, message: string, problems?: FeatureCollection) => {
    edit.message = message;
    setProblems(ctx, problems);
    window.gridpatrol.editStatus = ok ? 'ok' : 'refused';
    window.gridpatrol.editCount++;
    rerender();
  };
  const finishMode = () => {
    edit.lassoing = false;
    draw.clear();
    draw.setMode('static');
    edit.mode = 'idle';
    edit.picked.clear();
    drawPicked(ctx);
  };
  async function answer<T>(res: Response): Promise<{ ok: true; body: T } | { ok: false }> {
    const body = (await res.json()) as T & { title?: string; problems?: FeatureCollection; currentVersion?: number };
    if (res.ok) return { ok: true, body };
    edit.stale = res.status === 409;
    const tg = edit.target;
    if (edit.stale && tg) {
      // Compare: the shape someone else saved, dashed, beside the draft still in hand.
      const now = await storedFeature(tg.kind === 'grid' ? 'grids' : 'beats', tg.code);
      showOld(ctx, [{ geometry: now?.geometry ?? null, label: `v${String(now?.properties?.version ?? '')}` }]);
    }
    report(
      false,
      res.status === 409 ? t('editing.stale', { version: body.currentVersion ?? '?' }) : problemText(body, res.status),
      body.problems,
    );
    return { ok: false };
  }
  const refreshTiles = () => refreshAreaTiles(map);

  async function saveDrawn(f: GeoJSONStoreFeatures): Promise<void> {
    const r = await answer<{ code: string; areaM2: number }>(
      await editCall('POST', '/api/v1/grids/draw', { geometry: f.geometry, snap: true }),
    );
    finishMode();
    if (r.ok) {
      refreshTiles();
      report(true, t('editing.created', { code: r.body.code, m2: Math.round(r.body.areaM2).toLocaleString() }));
    }
  }
  async function saveSplit(f: GeoJSONStoreFeatures): Promise<void> {
    const target = edit.target;
    if (!target) return;
    const r = await answer<{ codes: string[] }>(
      await editCall('POST', `/api/v1/grids/${target.code}/split`, { version: target.version, line: f.geometry }),
    );
    finishMode();
    if (r.ok) {
      edit.target = undefined;
      refreshTiles();
      report(true, t('editing.split_done', { code: target.code, codes: r.body.codes.join('、') }));
    }
  }

  tools.saveReshape = async () => {
    const target = edit.target;
    const f = draw.getSnapshot().find((x) => x.geometry.type === 'Polygon');
    if (!target || !f) return;
    const r = await answer<{ grids: { code: string; version: number }[] }>(
      await editCall('POST', '/api/v1/grids/reshape', {
        grids: [{ code: target.code, version: target.version, geometry: f.geometry }],
      }),
    );
    if (r.ok) {
      target.version = r.body.grids[0]?.version ?? target.version;
      finishMode();
      refreshTiles();
      report(true, t('editing.saved', { code: target.code, version: r.body.grids[0]?.version ?? '' }));
    }
  };
  tools.saveMerge = async () => {
    const codes = [...edit.picked.keys()];
    const versions = Object.fromEntries([...edit.picked].map(([c, f]) => [c, Number(f.properties?.version)]));
    const r = await answer<{ code: string; retired: string[] }>(
      await editCall('POST', '/api/v1/grids/merge', { codes, versions }),
    );
    if (r.ok) {
      finishMode();
      refreshTiles();
      report(true, t('editing.merged', { code: r.body.code, retired: r.body.retired.join('、') }));
    }
  };
  tools.saveBeat = async () => {
    const target = edit.target;
    if (target?.kind !== 'beat') return;
    const r = await answer<{ version: number; changed: string[] }>(
      await editCall('PUT', `/api/v1/beats/${target.code}/grids`, {
        version: target.version,
        gridCodes: [...edit.picked.keys()],
      }),
    );
    if (r.ok) {
      target.version = r.body.version;
      finishMode();
      refreshTiles();
      report(true, t('editing.beat_saved', { code: target.code, changed: r.body.changed.join('、') || '—' }));
    }
  };
  tools.start = async (mode: Mode) => {
    setProblems(ctx, undefined);
    edit.stale = false;
    draw.clear();
    edit.picked.clear();
    drawPicked(ctx);
    edit.mode = mode;
    edit.message = t(`editing.hint.${mode}`);
    if (mode === 'draw') draw.setMode('polygon');
    if (mode === 'split') draw.setMode('linestring');
    if (mode === 'reshape' && edit.target?.kind === 'grid') {
      const f = await storedFeature('grids', edit.target.code);
      const poly =
        f?.geometry.type === 'MultiPolygon'
          ? { type: 'Polygon' as const, coordinates: f.geometry.coordinates[0] ?? [] }
          : f?.geometry;
      if (poly?.type === 'Polygon') {
        const id = crypto.randomUUID();
        draw.addFeatures([{ id, type: 'Feature', geometry: poly, properties: { mode: 'polygon' } }]);
        draw.setMode('select');
        draw.selectFeature(id);
      }
    }
    if (mode === 'merge' && edit.target?.kind === 'grid') {
      const f = await storedFeature('grids', edit.target.code);
      if (f) edit.picked.set(edit.target.code, f);
    }
    if (mode === 'merge' || mode === 'beat') {
      // Grids are clicked in these modes: show them even in a role view that starts without them.
      state.visible.add('grids');
      for (const id of ['grids-fill', 'grids-line', 'grid-labels'])
        if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', 'visible');
    }
    if (mode === 'beat' && edit.target?.kind === 'beat') {
      const [own, counts] = await Promise.all([beatGrids(edit.target.code), incidentCountsByGrid()]);
      edit.target.version = own.version;
      edit.incidentsByGrid = counts;
      for (const code of own.gridCodes) {
        const f = await storedFeature('grids', code);
        if (f) edit.picked.set(code, f);
      }
    }
    drawPicked(ctx);
    rerender();
  };
  tools.history = async () => {
    const tg = edit.target;
    if (!tg) return;
    const res = await fetch(`/api/v1/${tg.kind === 'grid' ? 'grids' : 'beats'}/${encodeURIComponent(tg.code)}/history`);
    edit.history = res.ok ? ((await res.json()) as { versions: NonNullable<EditState['history']> }).versions : [];
    rerender();
  };
  tools.showVersion = (v) => {
    const row = edit.history?.find((x) => x.version === v);
    if (row) showOld(ctx, [{ geometry: row.geometry, label: `v${v}` }]);
  };
  tools.cancel = () => {
    finishMode();
    setProblems(ctx, undefined);
    showOld(ctx, []);
    edit.message = '';
    edit.history = undefined;
    rerender();
  };
  tools.lasso = () => {
    edit.lassoing = true;
    draw.setMode('polygon');
  };
  tools.undo = () => {
    draw.undo();
  };
  tools.redo = () => {
    draw.redo();
  };

  return {
    async onMapClick(hits) {
      if (edit.mode === 'draw' || edit.mode === 'split' || edit.mode === 'reshape' || edit.lassoing) return true;
      const grid = hits.find(
        (f) => f.layer.id === 'grids-fill' || f.layer.id === 'rate-grids' || f.layer.id === 'grade-grids',
      );
      const beat = hits.find((f) => f.layer.id === 'beats-fill' || f.layer.id === 'rate-beats');
      if ((edit.mode === 'merge' || edit.mode === 'beat') && grid) {
        const code = String(grid.properties.code);
        if (edit.picked.has(code)) edit.picked.delete(code);
        else {
          const f = await storedFeature('grids', code);
          if (f) edit.picked.set(code, f);
        }
        drawPicked(ctx);
        rerender();
        return true;
      }
      // Idle: remember what was clicked as the thing to edit (the details panel still opens).
      const hit = grid ?? beat;
      if (hit) {
        const kind = hit === grid ? 'grid' : 'beat';
        const stored = await storedFeature(kind === 'grid' ? 'grids' : 'beats', String(hit.properties.code));
        if (stored?.geometry) {
          edit.target = {
            kind,
            code: String(hit.properties.code),
            version: Number(stored.properties?.version),
            geometry: stored.geometry,
          };
          window.gridpatrol.editTarget = edit.target.code;
          rerender();
        }
      }
      return false;
    },
  };
}

/** Panel actions, bound once the map tools exist. */
const tools: {
  start?: (m: Mode) => Promise<void>;
  saveReshape?: () => Promise<void>;
  saveMerge?: () => Promise<void>;
  saveBeat?: () => Promise<void>;
  cancel?: () => void;
  lasso?: () => void;
  undo?: () => void;
  redo?: () => void;
  history?: () => Promise<void>;
  showVersion?: (v: number) => void;
} = {};

/** Keyboard shortcuts of the toolbar (as `aria-keyshortcuts` writes them). Enter is terra-draw's "finish drawing". */
const SHORTCUT_OF: Record<string, string> = {
  'edit-draw': 'N',
  'edit-reshape': 'R',
  'edit-split': 'S',
  'edit-merge': 'M',
  'edit-beat': 'B',
  'edit-history': 'H',
  'edit-save': 'Control+S',
  'edit-undo': 'Control+Z',
  'edit-redo': 'Control+Shift+Z',
  'edit-cancel': 'Escape',
};

let shortcutsOn = false;
/**
 * One keydown listener for the page: a shortcut clicks its button, so it does exactly what the button would and
 * nothing when the button is off or the editing section is closed; typing in a field is never taken for one.
 */
function installShortcuts(): void {
  if (shortcutsOn) return;
  shortcutsOn = true;
  document.addEventListener('keydown', (e) => {
    const el = e.target instanceof HTMLElement ? e.target : undefined;
    if (el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))) return;
    if (e.altKey || e.metaKey) return;
    const ctrl = e.ctrlKey;
    const k = e.key.length === 1 ? e.key.toUpperCase() : e.key;
    const name = ctrl ? `Control+${e.shiftKey ? 'Shift+' : ''}${k}` : e.shiftKey ? undefined : k;
    const testid = Object.entries(SHORTCUT_OF).find(([, keys]) => keys === name)?.[0];
    if (!testid) return;
    const b = document.querySelector<HTMLButtonElement>(`details[data-section="editing"] [data-testid="${testid}"]`);
    if (!b || b.disabled || !b.closest('details')?.open) return;
    e.preventDefault();
    b.click();
  });
}

/** 网格/警格编辑: draw, reshape, split, merge grids; build a beat from clicked grids with its workload live. */
export function editingSection(state: AppState): HTMLElement {
  installShortcuts();
  const target = edit.target;
  const onGrid = target?.kind === 'grid',
    onBeat = target?.kind === 'beat';
  // The server checks the role on every save; the panel offers only what this role may do (a leader only reads history).
  const canEditGrids = state.role === 'grid_office',
    canEditBeats = state.role === 'planner';
  const busy = edit.mode !== 'idle';
  /** Why a control is off, first reason first (the tooltip says it; a disabled button cannot be asked otherwise). */
  const whyGrid = (needGrid: boolean) =>
    !canEditGrids ? 'role_grid' : busy ? 'busy' : needGrid && !onGrid ? 'pick_grid' : undefined;
  const whyBeat = !canEditBeats ? 'role_beat' : busy ? 'busy' : !onBeat ? 'pick_beat' : undefined;
  /** A toolbar button: its shortcut in the tooltip and `aria-keyshortcuts`, and when off, the reason. */
  const button = (key: string, testid: string, onclick: () => void, why?: string) => {
    const b = h('button', { 'data-testid': testid }, t(key)) as HTMLButtonElement;
    b.disabled = why !== undefined;
    const keys = SHORTCUT_OF[testid];
    if (keys) b.setAttribute('aria-keyshortcuts', keys);
    b.title = [t(key) + (keys ? ` (${keys})` : ''), why ? t(`editing.why.${why}`) : ''].filter(Boolean).join(' — ');
    b.onclick = onclick;
    return b;
  };
  const rows: HTMLElement[] = [
    h(
      'p',
      { class: 'muted', 'data-testid': 'edit-target' },
      target
        ? t(`editing.target_${target.kind}`, { code: target.code, version: target.version })
        : t('editing.pick_first'),
    ),
    h(
      'div',
      { class: 'buttons' },
      button('editing.draw', 'edit-draw', () => void tools.start?.('draw'), whyGrid(false)),
      button('editing.reshape', 'edit-reshape', () => void tools.start?.('reshape'), whyGrid(true)),
      button('editing.split', 'edit-split', () => void tools.start?.('split'), whyGrid(true)),
      button('editing.merge', 'edit-merge', () => void tools.start?.('merge'), whyGrid(false)),
      button('editing.beat', 'edit-beat', () => void tools.start?.('beat'), whyBeat),
      button('editing.history', 'edit-history', () => void tools.history?.(), target ? undefined : 'pick_any'),
    ),
  ];
  if (edit.history) {
    const table = h('table', { 'data-testid': 'edit-history-table' });
    for (const v of edit.history) {
      const row = h(
        'tr',
        { class: 'link' },
        h('td', {}, `v${v.version}`),
        h('td', {}, t(`editing.changes.${v.change}`)),
        h('td', {}, v.actor),
        h('td', {}, new Date(v.savedAt).toLocaleString()),
      );
      row.onclick = () => tools.showVersion?.(v.version);
      table.append(row);
    }
    rows.push(h('p', { class: 'muted' }, t('editing.history_hint')), table);
  }
  if (busy) {
    const save =
      edit.mode === 'reshape'
        ? tools.saveReshape
        : edit.mode === 'merge'
          ? tools.saveMerge
          : edit.mode === 'beat'
            ? tools.saveBeat
            : undefined;
    rows.push(
      h(
        'div',
        { class: 'buttons' },
        ...(save
          ? [
              button(
                'editing.save',
                'edit-save',
                () => void save(),
                edit.mode === 'merge' && edit.picked.size < 2 ? 'merge_two' : undefined,
              ),
            ]
          : []),
        ...(edit.mode === 'beat' ? [button('editing.lasso', 'edit-lasso', () => tools.lasso?.())] : []),
        button('editing.undo', 'edit-undo', () => tools.undo?.()),
        button('editing.redo', 'edit-redo', () => tools.redo?.()),
        button('editing.cancel', 'edit-cancel', () => tools.cancel?.()),
      ),
    );
  }
  if (edit.mode === 'merge' || edit.mode === 'beat')
    rows.push(h('p', { 'data-testid': 'edit-workload' }, workloadLine()));
  if (edit.message)
    rows.push(h('p', { class: edit.problems ? 'error' : 'muted', 'data-testid': 'edit-status' }, edit.message));
  for (const f of edit.problems?.features ?? [])
    rows.push(h('p', { class: 'error' }, `• ${String(f.properties?.message ?? '')}`));
  if (edit.stale) {
    rows.push(
      button('editing.reload', 'edit-reload', () => {
        const tg = edit.target;
        if (!tg) return;
        void storedFeature(tg.kind === 'grid' ? 'grids' : 'beats', tg.code).then((f) => {
          if (f?.geometry) edit.target = { ...tg, version: Number(f.properties?.version), geometry: f.geometry };
          edit.stale = false;
          void tools.start?.(edit.mode === 'idle' ? 'reshape' : edit.mode);
        });
      }),
    );
  }
  return section('editing', t('editing.title'), state.openSections, ...rows);
}
