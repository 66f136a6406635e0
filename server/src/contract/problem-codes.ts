/**
 * Every `code` a problem+json answer can carry, with what it means. Stable: the web words them (i18n keys are the
 * codes), tests assert on them; add a code here before raising it. Services raise them through the AppError
 * subclasses in `server/src/errors.ts`; `params` of the error (e.g. `currentVersion`) travel as extension members.
 */
export const PROBLEM_CODES = {
  'request.invalid': 'the request body, query or path does not have the expected shape (see errors[].path)',
  'request.too_large': 'the body is larger than the route accepts',
  'request.nul_character': 'a text value contains U+0000',
  'auth.signed_out': 'no valid session: sign in first',
  'auth.wrong_credentials': 'wrong username or password',
  'auth.locked': 'the account is locked after repeated failed sign-ins (lockedUntil)',
  'auth.forbidden': 'the role may not call this route (permission names what it needs)',
  'scope.other_station': 'a planner may only change the beats of their own station',
  'scope.no_station': 'a planner tied to no station edits no beat (an admin ties them to one)',
  'scope.station_admin_only': 'stations are created by an admin, not by a planner',
  'station.in_use': 'the station still has beats, users or posts (dependents names them)',
  'beat.overlap': 'after the plan a grid would lie in two beats: name every beat that gives up grids',
  'beat.ground_left': 'the plan leaves ground of its beats with no beat (problems shows it)',
  'fair_use.limited': 'too many heavy analyses at once, or CPU time used up for the minute (reason, Retry-After)',
  'route.not_found': 'no route for this method and path',
  'rate.limited': 'too many requests from this address; wait and try again',
  'resource.not_found': 'the feature, grid, beat, user or tileset does not exist',
  'version.stale': 'the edit was based on a version that is no longer current (currentVersion / currentVersions)',
  'key.taken': 'another row already has this code, name or username',
  'reference.missing': 'a referenced feature does not exist',
  'value.invalid': 'a value breaks a rule of the data model (check constraint, wrong form, missing)',
  'geometry.invalid': 'the geometry is not valid (self-intersection …)',
  'grid.overlap': 'the grid shape overlaps another grid, leaves a gap, or leaves its community (problems lists them)',
  'grid.codes_exhausted': 'the community has no free grid codes left',
  'grid.different_communities': 'grids of different communities cannot be merged',
  'beat.empty': 'a beat of the plan would have no grids',
  'beat.grid_twice': 'a grid is in two beats of the plan',
  'beat.not_in_station': 'the beat is not a beat of the station',
  'station.no_beats': 'the station has no beats with grids',
  'routing.no_road': 'no road near the point',
  'routing.no_route': 'one-way streets or a gap in the network keep the points apart',
  'routing.infeasible': 'no patrol plan fits the shift',
  'import.no_layer': 'the import needs a target layer',
  'import.bad_file': 'the file cannot be read as the format given',
  'import.invalid_features': 'features of the file are invalid; nothing was imported',
  'import.edited_since':
    'rows of the import batch were edited or deleted since it ran; nothing was undone (errors name them)',
  'import.already_undone': 'the import batch is already undone',
  'import.layer_not_allowed': 'the role may not import into this layer (errors name the layers it may import)',
  'import.not_own_batch': 'only the user who ran an import (or an admin) may undo it',
  'export.not_encodable':
    'a text value has a character GBK does not hold: export in UTF-8 (errors name the row and column)',
  'export.dbf_text_too_long': 'a text value is longer than the 254 bytes a Shapefile (DBF) field holds: export GeoJSON',
  'analysis.too_many_events': 'the filter matches more incidents than the analysis takes',
  'password.too_short': 'the password is shorter than the minimum',
  'job.limit': 'too many jobs of this user at once (Retry-After; limit)',
  'job.deadline': 'the job ran past its deadline (deadlineSeconds)',
  'job.not_done': 'the job has no result yet (state)',
  'job.failed': 'the job failed in its worker (detail)',
  internal: 'an unexpected server error (logged)',
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;
