import { CAMERA_STATUS_COLOURS, KEY_PLACE_COLOURS, STATION_PALETTE } from '../map/style.js';

export type Role = 'planner' | 'grid_office' | 'leader';

export interface LegendItem {
  /** i18n key of the label. */
  label: string;
  colour: string;
  shape: 'fill' | 'line' | 'dot';
}

/** One toggle of the layer panel: the map layers it shows or hides, its legend, and which role views start with it on. */
export interface LayerToggle {
  id: string;
  /** i18n key. */
  label: string;
  /** MapLibre layer ids; deck.gl layers are named `deck:<id>`. */
  mapLayers: readonly string[];
  legend: readonly LegendItem[];
  roles: readonly Role[];
}

export const LAYER_TOGGLES: readonly LayerToggle[] = [
  {
    id: 'admin',
    label: 'layers.admin',
    mapLayers: ['admin-community', 'admin-township', 'admin-district', 'admin-labels'],
    roles: ['planner', 'grid_office', 'leader'],
    legend: [{ label: 'layers.admin', colour: '#5b4b8a', shape: 'line' }],
  },
  {
    id: 'grids',
    label: 'layers.grids',
    mapLayers: ['grids-fill', 'grids-line', 'grid-labels'],
    roles: ['grid_office'],
    legend: [
      { label: 'legend.basic', colour: '#3b82c4', shape: 'line' },
      { label: 'legend.dedicated', colour: '#f59e0b', shape: 'fill' },
    ],
  },
  {
    id: 'beats',
    label: 'layers.beats',
    mapLayers: ['beats-fill', 'beats-line', 'beat-labels'],
    roles: ['planner'],
    legend: [
      { label: 'legend.station_colour', colour: STATION_PALETTE[0] ?? '#000', shape: 'fill' },
      { label: 'legend.station_colour', colour: STATION_PALETTE[1] ?? '#000', shape: 'fill' },
    ],
  },
  {
    id: 'stations',
    label: 'layers.stations',
    mapLayers: ['stations', 'station-labels'],
    roles: ['planner', 'leader'],
    legend: [{ label: 'layers.stations', colour: '#1d4ed8', shape: 'dot' }],
  },
  {
    id: 'cameras',
    label: 'layers.cameras',
    mapLayers: ['cameras'],
    // Not a leader's first view: 2,000 dots say less than grades or coverage (the toggle is there).
    roles: [],
    legend: [
      { label: 'legend.working', colour: CAMERA_STATUS_COLOURS.working, shape: 'dot' },
      { label: 'legend.faulty', colour: CAMERA_STATUS_COLOURS.faulty, shape: 'dot' },
      { label: 'legend.offline', colour: CAMERA_STATUS_COLOURS.offline, shape: 'dot' },
      { label: 'legend.not_networked', colour: '#000000', shape: 'dot' },
    ],
  },
  {
    id: 'key_places',
    label: 'layers.key_places',
    mapLayers: ['key-places-fill', 'key-places-point'],
    roles: ['grid_office'],
    legend: Object.entries(KEY_PLACE_COLOURS).map(([kind, colour]) => ({
      label: `kinds.${kind}`,
      colour,
      shape: 'fill' as const,
    })),
  },
  {
    id: 'posts',
    label: 'layers.posts',
    mapLayers: ['posts'],
    roles: ['planner'],
    legend: [{ label: 'layers.posts', colour: '#7c3aed', shape: 'dot' }],
  },
  {
    id: 'checkpoints',
    label: 'layers.checkpoints',
    mapLayers: ['checkpoints'],
    roles: ['planner'],
    legend: [{ label: 'layers.checkpoints', colour: '#0f766e', shape: 'dot' }],
  },
  {
    id: 'incidents',
    label: 'layers.incidents',
    mapLayers: ['incidents'],
    roles: [],
    legend: [{ label: 'layers.incidents', colour: '#b91c1c', shape: 'dot' }],
  },
  { id: 'heatmap', label: 'layers.heatmap', mapLayers: ['deck:heatmap'], roles: ['leader'], legend: [] },
  { id: 'hexagons', label: 'layers.hexagons', mapLayers: ['deck:hexagons'], roles: ['planner'], legend: [] },
];

/** Which toggles a role view starts with. */
export function roleDefaults(role: Role): Set<string> {
  return new Set(LAYER_TOGGLES.filter((l) => l.roles.includes(role)).map((l) => l.id));
}
