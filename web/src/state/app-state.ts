import type { CoverageAnswer, GridGrade, HotspotCell, IncidentCell, IncidentFilter, ReachSummary } from '../api/client.js';
import { roleDefaults, type Role } from '../layers/catalog.js';

/** The little state the app has: the role view, which toggles are on, the incident filter and its cells. */
export interface AppState {
  role: Role;
  visible: Set<string>;
  filter: IncidentFilter;
  /** Cells at the chosen resolution, for the hexagons and the legend's figures. */
  cells: IncidentCell[];
  /** The same filter at res 10, for the heat map: fine points make a smooth surface at every city zoom. */
  heatCells: IncidentCell[];
  /** Sidebar sections the user has open. */
  openSections: Set<string>;
  /** The last coverage analysis and which rate colours the areas. */
  coverage?: { answer: CoverageAnswer; metric: CoverageMetric; names: Map<string, string> };
  showCameraViews: boolean;
  /** Gi* result for the current filter, when asked for. */
  hotspots?: HotspotCell[];
  /** The latest stored grid grades, when shown. */
  grades?: GridGrade[];
  /** The day player is stepping through the hours. */
  playing: boolean;
  /** Travel mode of reach, isochrones and patrols. */
  profile: 'car' | 'foot';
  /** The next map click draws an isochrone instead of selecting. */
  isochroneMode: boolean;
  reach?: ReachSummary;
  /** The beat patrols are planned for (the last one clicked). */
  patrolBeat?: { id: number; stationId: number; name: string };
}

export type CoverageMetric = 'weightedRoadRate' | 'roadRate' | 'workingRate' | 'networkedRate';

export function initialState(): AppState {
  const role = (new URLSearchParams(location.search).get('role') as Role | null) ?? 'planner';
  return { role, visible: roleDefaults(role), filter: { res: 9 }, cells: [], heatCells: [],
    openSections: new Set(['layers', 'filter']), showCameraViews: false, playing: false,
    profile: 'car', isochroneMode: false };
}
