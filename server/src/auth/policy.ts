/**
 * Who may do what: one role per user, a permission per route, checked on the server for every API request.
 * The web app reads the same table (through GET /session) to hide what a role cannot do.
 */
export const ROLES = ['leader', 'planner', 'grid_office', 'admin'] as const;
export type Role = (typeof ROLES)[number];

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

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

/**
 * Writes under /api/v1, first match wins (paths relative to /api/v1). Reads need `read`. A write that matches no
 * rule needs `users`, i.e. only an admin: new endpoints are closed until they are listed here.
 */
const WRITE_RULES: readonly { path: RegExp; permission: Permission }[] = [
  { path: /^\/session$/, permission: 'read' },
  { path: /^\/users(\/|$)/, permission: 'users' },
  { path: /^\/import(\/|$)/, permission: 'import' },
  { path: /^\/(grids|admin-areas)(\/|$)/, permission: 'edit_grids' },
  { path: /^\/beats\/[^/]+\/grids$/, permission: 'edit_beats' },
  { path: /^\/(beats|stations|posts|checkpoints|cameras|key-places|incidents)(\/|$)/, permission: 'edit_beats' },
  { path: /^\/(roads|buildings)(\/|$)/, permission: 'import' },
  { path: /^\/planning\/(align|districting)\/apply$/, permission: 'edit_beats' },
  { path: /^\/planning\/(align|districting)$/, permission: 'analyse' },
  { path: /^\/analysis\/placement\/accept$/, permission: 'edit_beats' },
  // Each job kind checks its own permission too (an import job needs `import`).
  { path: /^\/jobs(\/|$)/, permission: 'read' },
  { path: /^\/(analysis|routing|grades|hotspots)(\/|$)/, permission: 'analyse' },
];

/** Reads need `read`, except user accounts. */
const READ_RULES: readonly { path: RegExp; permission: Permission }[] = [{ path: /^\/users(\/|$)/, permission: 'users' }];

/** The permission a request needs (path relative to /api/v1). */
export function permissionFor(method: string, path: string): Permission {
  const m = method.toUpperCase() as Method;
  if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return READ_RULES.find((r) => r.path.test(path))?.permission ?? 'read';
  return WRITE_RULES.find((r) => r.path.test(path))?.permission ?? 'users';
}
