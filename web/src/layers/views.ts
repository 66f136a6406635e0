import type { Role } from './catalog.js';

/**
 * Thematic views: one analysis on the map at a time (kepler.gl's layer list is the model). Each view owns MapLibre
 * layers and deck.gl layers; the layers of every other view are hidden, while the reference layers (district, beats,
 * grids, stations: the layer panel's toggles) stay as thin outlines under the theme.
 */
export const VIEW_IDS = [
  'reference',
  'incidents',
  'hotspots',
  'grades',
  'coverage',
  'blindspots',
  'reach',
  'planning',
] as const;
export type ViewId = (typeof VIEW_IDS)[number];

export interface ThematicView {
  id: ViewId;
  /** i18n key of the view's name. */
  label: string;
  /** MapLibre layers drawn only in this view (the view's panel decides which of them show). */
  mapLayers: readonly string[];
  /** deck.gl layers (their `setDeckLayer` ids, without the `deck:` prefix) drawn only in this view. */
  deckLayers: readonly string[];
}

export const VIEWS: Readonly<Record<ViewId, ThematicView>> = {
  reference: { id: 'reference', label: 'views.reference', mapLayers: [], deckLayers: [] },
  incidents: { id: 'incidents', label: 'views.incidents', mapLayers: [], deckLayers: ['heatmap', 'hexagons'] },
  hotspots: { id: 'hotspots', label: 'views.hotspots', mapLayers: [], deckLayers: ['hotspots'] },
  grades: { id: 'grades', label: 'views.grades', mapLayers: ['grade-grids'], deckLayers: [] },
  coverage: {
    id: 'coverage',
    label: 'views.coverage',
    mapLayers: ['rate-grids', 'rate-beats', 'rate-communities'],
    deckLayers: ['camera-views'],
  },
  blindspots: {
    id: 'blindspots',
    label: 'views.blindspots',
    mapLayers: [],
    deckLayers: ['blind-spot-cells', 'blind-spot-lines', 'proposal-views', 'proposal-sites', 'proposal-ranks'],
  },
  reach: {
    id: 'reach',
    label: 'views.reach',
    mapLayers: ['patrol-stop-points', 'patrol-stop-selected'],
    deckLayers: ['reach', 'isochrone', 'patrol-routes', 'patrol-stops', 'patrol-trips'],
  },
  planning: {
    id: 'planning',
    label: 'views.planning',
    mapLayers: [
      'plan-draft',
      'plan-cut',
      'plan-cut-line',
      'plan-align-line',
      'plan-compare-fill',
      'plan-compare-moved',
      'plan-compare-fill-b',
      'plan-beyond',
      'plan-hover-beat',
      'plan-hover-grid',
      'plan-draft-labels',
    ],
    deckLayers: [],
  },
};

/** The view a deck layer belongs to (by its `setDeckLayer` id or its `deck:` id); undefined: drawn in every view. */
export function viewOfDeckLayer(id: string): ViewId | undefined {
  const bare = id.startsWith('deck:') ? id.slice(5) : id;
  return VIEW_IDS.find((v) => VIEWS[v].deckLayers.includes(bare));
}

/** The view a MapLibre layer belongs to; undefined for base and reference layers. */
export function viewOfMapLayer(id: string): ViewId | undefined {
  return VIEW_IDS.find((v) => VIEWS[v].mapLayers.includes(id));
}

/** Whether a deck layer is drawn while `active` is the view. */
export const deckLayerShown = (active: ViewId, id: string): boolean => {
  const owner = viewOfDeckLayer(id);
  return owner === undefined || owner === active;
};

/** The views a role may open, in the order of the view bar. */
export function viewsForRole(role: Role): ViewId[] {
  switch (role) {
    case 'leader':
      return ['grades', 'incidents', 'hotspots', 'coverage', 'reach', 'reference'];
    case 'planner':
      return ['incidents', 'hotspots', 'grades', 'coverage', 'blindspots', 'reach', 'planning', 'reference'];
    case 'grid_office':
      return ['reference', 'incidents', 'grades', 'coverage', 'planning'];
    default: {
      const never: never = role;
      return never;
    }
  }
}

/** Where each role starts: a leader on grades (not 2,000 dots), a planner on incidents, the grid office on its grids. */
export function defaultView(role: Role): ViewId {
  return viewsForRole(role)[0] ?? 'reference';
}

/** `?view=` when it names a view of the role, else the role's default. */
export function viewFromUrl(search: string, role: Role): ViewId {
  const asked = new URLSearchParams(search).get('view');
  const allowed = viewsForRole(role);
  return allowed.find((v) => v === asked) ?? defaultView(role);
}
