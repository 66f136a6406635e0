/**
 * Who may do what: one role per user, a permission per route. Each route declares its permission where it is mounted
 * (api/route.ts) and it is checked for the route Express matched; the web app reads the grants (GET /session) to hide
 * what a role cannot do.
 */
import { LAYER_NAMES, type LayerName } from '../contract/layers.js';

export const ROLES = ['leader', 'planner', 'grid_office', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = ['read', 'analyse', 'edit_grids', 'edit_beats', 'import_files', 'import', 'users'] as const;
export type Permission =
  | 'read' // every layer, analysis and tile
  | 'analyse' // computations that store nothing, or only derived results (grades, placement proposals, patrol plans)
  | 'edit_grids' // grids and administrative areas, grid drawing/splitting/merging
  | 'edit_beats' // beats, stations, posts, checkpoints, cameras, key places, incidents entered by hand, beat plans
  | 'import_files' // file imports (the wizard, POST /import): into the layers `importLayersOf` gives the role
  | 'import' // roads and buildings, and files into any layer
  | 'users'; // user accounts

const GRANTS: Record<Role, readonly Permission[]> = {
  leader: ['read', 'analyse'],
  planner: ['read', 'analyse', 'edit_beats', 'import_files'],
  grid_office: ['read', 'analyse', 'edit_grids', 'import_files'],
  // The engineer who runs it: users and imports, and — as the account that repairs data — everything else.
  admin: ['read', 'analyse', 'edit_grids', 'edit_beats', 'import_files', 'import', 'users'],
};

export const can = (role: Role, p: Permission): boolean => GRANTS[role].includes(p);
export const permissionsOf = (role: Role): readonly Permission[] => GRANTS[role];

/**
 * The layers a role may import files into: a grid office its grids and administrative areas, a planner the cameras,
 * posts, checkpoints and incidents of their work and their station's beats (fenced like any beat edit); roads,
 * buildings, stations and key places come from the engineer who runs it.
 */
const IMPORT_LAYERS: Record<Role, readonly LayerName[]> = {
  leader: [],
  planner: ['beats', 'cameras', 'posts', 'checkpoints', 'incidents'],
  grid_office: ['admin-areas', 'grids'],
  admin: LAYER_NAMES,
};

export const importLayersOf = (role: Role): readonly LayerName[] => IMPORT_LAYERS[role];
export const mayImport = (role: Role, layer: LayerName): boolean => IMPORT_LAYERS[role].includes(layer);
/** Sees and undoes every user's import batches: the role that imports into any layer (`import`). */
export const seesEveryImport = (role: Role): boolean => can(role, 'import');
