import { rateFillColour } from '../analysis/rate-scale.js';
import type { ExpressionSpecification, LayerSpecification, StyleSpecification } from 'maplibre-gl';

/**
 * The map style, built from the project's own tiles only. No `glyphs` URL: MapLibre (≥ 6) then draws every label
 * locally with the browser's fonts (TinySDF), so Chinese and Latin text render on a closed network without a glyph
 * server. The font is Noto Sans CJK SC (Debian `fonts-noto-cjk`), with the system sans-serif behind it.
 */
export const FONT = ['Noto Sans CJK SC'];

/** Station colours for beats (by station id), chosen to stay apart for colour-blind readers (Okabe–Ito). */
/** Beats of a draft or a compared plan: ColorBrewer Set3 (12 classes, qualitative), then repeated. */
export const DRAFT_BEAT_PALETTE = [
  '#8dd3c7',
  '#ffffb3',
  '#bebada',
  '#fb8072',
  '#80b1d3',
  '#fdb462',
  '#b3de69',
  '#fccde5',
  '#d9d9d9',
  '#bc80bd',
  '#ccebc5',
  '#ffed6f',
];
export const STATION_PALETTE = ['#E69F00', '#56B4E9', '#009E73', '#F0E442', '#0072B2', '#D55E00', '#CC79A7'];
/** Risk grades of grids (红黄绿, optional 蓝). */
export const GRADE_COLOURS = { red: '#dc2626', yellow: '#facc15', green: '#22c55e', blue: '#3b82f6' } as const;
export const CAMERA_STATUS_COLOURS = { working: '#16a34a', faulty: '#f59e0b', offline: '#dc2626' } as const;
export const KEY_PLACE_COLOURS: Record<string, string> = {
  school: '#2563eb',
  kindergarten: '#60a5fa',
  hospital: '#dc2626',
  market: '#d97706',
  transit_hub: '#7c3aed',
  government: '#475569',
  bank: '#059669',
  other: '#6b7280',
};

/** `promoteId`: areas are keyed by their code in feature-state (coverage and reach colour areas by code). */
const vector = (origin: string, tileset: string, minzoom: number, promoteId?: Record<string, string>) => ({
  type: 'vector' as const,
  tiles: [`${origin}/tiles/${tileset}/{z}/{x}/{y}.mvt`],
  minzoom,
  maxzoom: 16,
  ...(promoteId ? { promoteId } : {}),
});

/** Areas coloured by a rate held in feature-state; hidden until an analysis sets the states and shows the layer. */
const rateFill = (
  id: string,
  source: string,
  sourceLayer: string,
  filter?: ExpressionSpecification,
): LayerSpecification => ({
  id,
  type: 'fill',
  source,
  'source-layer': sourceLayer,
  layout: { visibility: 'none' },
  ...(filter ? { filter } : {}),
  paint: {
    'fill-color': rateFillColour() as ExpressionSpecification,
    'fill-opacity': ['case', ['==', ['feature-state', 'rate'], null], 0, 0.62],
  },
});

const byStation = [
  'match',
  ['%', ['to-number', ['get', 'station_id']], STATION_PALETTE.length],
  ...STATION_PALETTE.flatMap((c, i) => [i, c]),
  '#999999',
] as unknown as ExpressionSpecification;
const kindColour: ExpressionSpecification = [
  'match',
  ['get', 'kind'],
  ...Object.entries(KEY_PLACE_COLOURS).flat(),
  '#6b7280',
] as unknown as ExpressionSpecification;

export function buildStyle(origin: string): StyleSpecification {
  const layers: LayerSpecification[] = [
    { id: 'background', type: 'background', paint: { 'background-color': '#f2efe9' } },
    {
      id: 'buildings',
      type: 'fill',
      source: 'basemap',
      'source-layer': 'buildings',
      paint: { 'fill-color': '#d9d0c7', 'fill-outline-color': '#c4b9ad' },
    },
    {
      id: 'roads-casing',
      type: 'line',
      source: 'basemap',
      'source-layer': 'roads',
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': '#c9c2b8',
        'line-width': [
          'interpolate',
          ['linear'],
          ['zoom'],
          11,
          1,
          16,
          ['match', ['get', 'road_class'], ['primary', 'trunk', 'motorway'], 14, 'secondary', 11, 7],
        ],
      },
    },
    {
      id: 'roads',
      type: 'line',
      source: 'basemap',
      'source-layer': 'roads',
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: {
        'line-color': [
          'match',
          ['get', 'road_class'],
          ['primary', 'trunk', 'motorway'],
          '#f6c667',
          'secondary',
          '#fbe3a3',
          '#ffffff',
        ],
        'line-width': [
          'interpolate',
          ['linear'],
          ['zoom'],
          11,
          0.6,
          16,
          ['match', ['get', 'road_class'], ['primary', 'trunk', 'motorway'], 11, 'secondary', 8.5, 5],
        ],
      },
    },
    {
      id: 'admin-community',
      type: 'line',
      source: 'basemap',
      'source-layer': 'admin',
      filter: ['==', ['get', 'level'], 'community'],
      paint: { 'line-color': '#a99bd1', 'line-width': 1, 'line-dasharray': [3, 2] },
    },
    {
      id: 'admin-township',
      type: 'line',
      source: 'basemap',
      'source-layer': 'admin',
      filter: ['==', ['get', 'level'], 'township'],
      paint: { 'line-color': '#7a6aa8', 'line-width': 2, 'line-dasharray': [4, 2] },
    },
    {
      id: 'admin-district',
      type: 'line',
      source: 'basemap',
      'source-layer': 'admin',
      filter: ['in', ['get', 'level'], ['literal', ['district', 'region']]],
      paint: { 'line-color': '#5b4b8a', 'line-width': 3 },
    },
    {
      id: 'grids-fill',
      type: 'fill',
      source: 'grids',
      'source-layer': 'grids',
      paint: {
        'fill-color': ['match', ['get', 'kind'], 'dedicated', '#f59e0b', '#3b82c4'],
        'fill-opacity': ['match', ['get', 'kind'], 'dedicated', 0.28, 0.05],
      },
    },
    {
      id: 'grids-line',
      type: 'line',
      source: 'grids',
      'source-layer': 'grids',
      paint: { 'line-color': '#3b82c4', 'line-width': 0.8 },
    },
    {
      id: 'beats-fill',
      type: 'fill',
      source: 'beats',
      'source-layer': 'beats',
      paint: { 'fill-color': byStation, 'fill-opacity': 0.22 },
    },
    rateFill('rate-grids', 'grids', 'grids'),
    rateFill('rate-beats', 'beats', 'beats'),
    rateFill('rate-communities', 'basemap', 'admin', ['==', ['get', 'level'], 'community']),
    {
      id: 'grade-grids',
      type: 'fill',
      source: 'grids',
      'source-layer': 'grids',
      layout: { visibility: 'none' },
      paint: {
        'fill-color': [
          'match',
          ['coalesce', ['feature-state', 'grade'], ''],
          ...Object.entries(GRADE_COLOURS).flat(),
          '#000000',
        ] as unknown as ExpressionSpecification,
        'fill-opacity': ['case', ['==', ['feature-state', 'grade'], null], 0, 0.55],
      },
    },
    {
      id: 'beats-line',
      type: 'line',
      source: 'beats',
      'source-layer': 'beats',
      paint: { 'line-color': '#1f2937', 'line-width': 2 },
    },
    {
      id: 'key-places-fill',
      type: 'fill',
      source: 'key-places',
      'source-layer': 'key-places',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': kindColour, 'fill-opacity': 0.35, 'fill-outline-color': kindColour },
    },
    {
      id: 'key-places-point',
      type: 'circle',
      source: 'key-places',
      'source-layer': 'key-places',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-color': kindColour,
        'circle-radius': 5,
        'circle-stroke-color': '#fff',
        'circle-stroke-width': 1,
      },
    },
    {
      id: 'incidents',
      type: 'circle',
      source: 'incidents',
      'source-layer': 'incidents',
      paint: { 'circle-color': '#b91c1c', 'circle-radius': 2.5, 'circle-opacity': 0.55 },
    },
    {
      id: 'cameras',
      type: 'circle',
      source: 'cameras',
      'source-layer': 'cameras',
      paint: {
        'circle-color': [
          'match',
          ['get', 'status'],
          'faulty',
          CAMERA_STATUS_COLOURS.faulty,
          'offline',
          CAMERA_STATUS_COLOURS.offline,
          CAMERA_STATUS_COLOURS.working,
        ],
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 12, 2, 17, 5],
        'circle-stroke-color': ['case', ['get', 'networked'], '#ffffff', '#000000'],
        'circle-stroke-width': 1.2,
      },
    },
    {
      id: 'checkpoints',
      type: 'circle',
      source: 'checkpoints',
      'source-layer': 'checkpoints',
      paint: {
        'circle-color': '#0f766e',
        'circle-radius': 5,
        'circle-stroke-color': '#fff',
        'circle-stroke-width': 1.5,
      },
    },
    {
      id: 'posts',
      type: 'circle',
      source: 'posts',
      'source-layer': 'posts',
      paint: { 'circle-color': '#7c3aed', 'circle-radius': 6, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
    },
    {
      id: 'stations',
      type: 'circle',
      source: 'stations',
      'source-layer': 'stations',
      paint: { 'circle-color': '#1d4ed8', 'circle-radius': 8, 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 },
    },
    // The feature a user clicked or searched for, drawn above the thematic layers.
    {
      id: 'selection-fill',
      type: 'fill',
      source: 'selection',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': '#06b6d4', 'fill-opacity': 0.12 },
    },
    { id: 'selection-line', type: 'line', source: 'selection', paint: { 'line-color': '#0891b2', 'line-width': 3.5 } },
    {
      id: 'selection-point',
      type: 'circle',
      source: 'selection',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: {
        'circle-radius': 11,
        'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': '#0891b2',
        'circle-stroke-width': 3,
      },
    },
    {
      id: 'road-labels',
      type: 'symbol',
      source: 'basemap',
      'source-layer': 'roads',
      minzoom: 14,
      layout: { 'symbol-placement': 'line', 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 12 },
      paint: { 'text-color': '#57534e', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
    },
    {
      id: 'grid-labels',
      type: 'symbol',
      source: 'grids',
      'source-layer': 'grids',
      minzoom: 15,
      layout: { 'text-field': ['slice', ['get', 'code'], 12], 'text-font': FONT, 'text-size': 11 },
      paint: { 'text-color': '#1e40af', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 },
    },
    {
      id: 'beat-labels',
      type: 'symbol',
      source: 'beats',
      'source-layer': 'beats',
      minzoom: 12,
      layout: { 'text-field': ['get', 'name'], 'text-font': FONT, 'text-size': 13 },
      paint: { 'text-color': '#111827', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
    },
    {
      id: 'admin-labels',
      type: 'symbol',
      source: 'basemap',
      'source-layer': 'admin_labels',
      filter: ['in', ['get', 'level'], ['literal', ['township', 'community']]],
      layout: {
        'text-field': ['get', 'name'],
        'text-font': FONT,
        'text-size': ['match', ['get', 'level'], 'township', 16, 12],
      },
      paint: { 'text-color': '#4c1d95', 'text-halo-color': '#ffffff', 'text-halo-width': 2 },
    },
    {
      id: 'station-labels',
      type: 'symbol',
      source: 'stations',
      'source-layer': 'stations',
      layout: {
        'text-field': ['get', 'name'],
        'text-font': FONT,
        'text-size': 13,
        'text-offset': [0, 1.3],
        'text-anchor': 'top',
      },
      paint: { 'text-color': '#1d4ed8', 'text-halo-color': '#ffffff', 'text-halo-width': 2 },
    },
  ];
  return {
    version: 8,
    name: 'gridpatrol',
    sources: {
      basemap: vector(origin, 'basemap', 8, { admin: 'code' }),
      grids: vector(origin, 'grids', 11, { grids: 'code' }),
      beats: vector(origin, 'beats', 10, { beats: 'code' }),
      stations: vector(origin, 'stations', 10),
      cameras: vector(origin, 'cameras', 12),
      'key-places': vector(origin, 'key-places', 12),
      posts: vector(origin, 'posts', 12),
      checkpoints: vector(origin, 'checkpoints', 12),
      incidents: vector(origin, 'incidents', 15),
      selection: { type: 'geojson', data: { type: 'FeatureCollection', features: [] } },
    },
    layers,
  };
}
