import type {
  CoverageAnswer,
  GridGrade,
  PlacementAnswer,
  HotspotCell,
  IncidentCell,
  IncidentFilter,
  ReachSummary,
  SessionAnswer,
} from '../api/client.js';
import type { TerraDraw } from 'terra-draw';
import { roleDefaults, type Role } from '../layers/catalog.js';

/** The little state the app has: the role view, which toggles are on, the incident filter and its cells. */
export interface AppState {
  /** Who is signed in; `role` is the view (the user's role, or any view for an admin). */
  user: SignedInUser;
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
  /** The blind-spot heat map (and, at street zoom, the unseen road spans) is on. */
  showBlindSpots: boolean;
  /** The last placement proposal, until accepted or cleared. */
  placement?: PlacementAnswer;
  placementK: number;
  /** The drawing tool, once the map is up. */
  editing?: { draw: TerraDraw };
  /** Gi* result for the current filter, when asked for. */
  hotspots?: HotspotCell[];
  /** The latest stored grid grades, when shown. */
  grades?: GridGrade[];
  /** The day player is stepping through the hours. */
  playing: boolean;
  /** The hexagon resolution follows the zoom (the default) rather than a fixed choice. */
  autoRes: boolean;
  /** Travel mode of reach, isochrones and patrols. */
  profile: 'car' | 'foot';
  /** The next map click draws an isochrone instead of selecting. */
  isochroneMode: boolean;
  reach?: ReachSummary;
  /** The beat patrols are planned for (the last one clicked). */
  patrolBeat?: { id: number; stationId: number; name: string };
}

export type SignedInUser = SessionAnswer['user'];

export type CoverageMetric =
  | 'weightedRoadRate'
  | 'roadRate'
  | 'keyPlaceRate'
  | 'schoolRate'
  | 'groundRate'
  | 'workingRate'
  | 'networkedRate';

/**
 * The view follows the signed-in user's role; an admin (who may do everything) picks a view with ?role= or the
 * selector, planner by default.
 */
export function initialState(user: SignedInUser): AppState {
  const asked = new URLSearchParams(location.search).get('role') as Role | null;
  const role: Role =
    user.role === 'admin'
      ? asked && ['planner', 'grid_office', 'leader'].includes(asked)
        ? asked
        : 'planner'
      : user.role;
  return {
    user,
    role,
    visible: roleDefaults(role),
    filter: { res: 9 },
    cells: [],
    heatCells: [],
    openSections: new Set(['layers', 'filter']),
    showCameraViews: false,
    showBlindSpots: false,
    placementK: 10,
    playing: false,
    autoRes: true,
    profile: 'car',
    isochroneMode: false,
  };
}

/** H3 resolution for a map zoom: cells of roughly 20–60 px across, from res 7 at city zoom to res 10 on a street. */
export function resForZoom(zoom: number): 7 | 8 | 9 | 10 {
  return zoom < 12 ? 7 : zoom < 13.5 ? 8 : zoom < 15 ? 9 : 10;
}
