/**
 * Who may do what: one role per user, a permission per route. Each route declares its permission where it is mounted
 * (api/route.ts) and it is checked for the route Express matched; the web app reads the grants (GET /session) to hide
 * what a role cannot do.
 */
export const ROLES = ['leader', 'planner', 'grid_office', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = ['read', 'analyse', 'edit_grids', 'edit_beats', 'import', 'users'] as const;
export type Permission =
  | 'read' // every layer, analysis and tile
  | 'analyse' // computations that store nothing, or only derived results (grades, placement proposals, patrol plans)
  | 'edit_grids' // grids and administrative areas, grid drawing/splitting/merging
  | 'edit_beats' // beats, stations, posts, checkpoints, cameras, key places, incidents entered by hand, beat plans
  | 'import' // bulk imports (OSM, shapefiles, incident files), roads and buildings
  | 'users'; // user accounts

const GRANTS: Record<Role, readonly Permission[]> = {
  leader: ['read', 'analyse'],
  planner: ['read', 'analyse', 'edit_beats'],
  grid_office: ['read', 'analyse', 'edit_grids'],
  // The engineer who runs it: users and imports, and — as the account that repairs data — everything else.
  admin: ['read', 'analyse', 'edit_grids', 'edit_beats', 'import', 'users'],
};

export const can = (role: Role, p: Permission): boolean => GRANTS[role].includes(p);
export const permissionsOf = (role: Role): readonly Permission[] => GRANTS[role];
