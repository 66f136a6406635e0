import type { Geometry } from 'geojson';
import type { Queryable } from '../db/client.js';
import type { LayerDef, LayerName } from '../contract/layers.js';
import { importLayersOf, mayImport } from '../auth/policy.js';
import { beatOwners, beatsOverlapping, stationDependents } from '../db/repos/beat-fence.repo.js';
import { DEFAULT_SLIVER_M2 } from '../db/repos/topology.repo.js';
import { ConflictError, ForbiddenError } from '../errors.js';
import type { SignedInUser } from './auth.service.js';

/**
 * The planner fence: a planner edits only the beats (and the station) of the station they are tied to. A planner tied
 * to no station edits no beat at all (fail closed: a deleted or missing station never widens the fence). Other roles
 * are not fenced (their role decides, api/middleware/auth.ts).
 */
export type Fence = { kind: 'open' } | { kind: 'station'; stationId: number } | { kind: 'closed' };

export function fenceOf(user: SignedInUser | undefined): Fence {
  if (!user || user.role !== 'planner') return { kind: 'open' };
  return user.stationId === null ? { kind: 'closed' } : { kind: 'station', stationId: user.stationId };
}

function closed(): never {
  throw new ForbiddenError(
    'You are a planner of no station: a planner edits only the beats of their own station',
    [{ path: 'user.stationId', message: 'not tied to a station (an admin sets it)' }],
    { code: 'scope.no_station' },
  );
}

/**
 * Refuses (403) unless every beat named (by id or code) and a new beat's station are the planner's station.
 * Call it inside the write's transaction, on every beat the write changes.
 */
export async function assertBeatsInScope(
  q: Queryable,
  user: SignedInUser | undefined,
  beats: { ids?: readonly number[]; codes?: readonly string[]; newStationId?: number | null },
): Promise<void> {
  const fence = fenceOf(user);
  if (fence.kind === 'open') return;
  if (fence.kind === 'closed') closed();
  const own = fence.stationId;
  if ('newStationId' in beats && beats.newStationId !== own) {
    throw new ForbiddenError(
      `You plan station ${own}: a beat must belong to it`,
      [{ path: 'properties.station_id', message: `must be ${own}` }],
      { code: 'scope.other_station' },
    );
  }
  const foreign = (await beatOwners(q, beats.ids ?? [], beats.codes ?? [])).filter((r) => r.stationId !== own);
  if (foreign.length) {
    throw new ForbiddenError(
      `You plan station ${own}; beat ${foreign.map((r) => r.code).join(', ')} belongs to another station`,
      foreign.map((r) => ({ path: `beats.${r.code}`, message: `station ${r.stationId}` })),
      { code: 'scope.other_station' },
    );
  }
}

/**
 * Drafts are fenced like beats: a fenced planner drafts (creates, imports, drafts by districting, edits) only plans of
 * their own station, and a draft's beats that exist already must be that station's (403 `scope.*` otherwise). An
 * all-city draft (no station) is not a planner's.
 */
export async function assertDraftInScope(
  q: Queryable,
  user: SignedInUser | undefined,
  draft: { stationId: number | null; beatCodes?: Iterable<string>; path?: string },
): Promise<void> {
  const fence = fenceOf(user);
  if (fence.kind === 'open') return;
  if (fence.kind === 'closed') closed();
  if (draft.stationId !== fence.stationId) {
    throw new ForbiddenError(
      `You plan station ${fence.stationId}: a draft must be of it`,
      [{ path: draft.path ?? 'stationId', message: `must be ${fence.stationId}` }],
      { code: 'scope.other_station' },
    );
  }
  const codes = [...new Set(draft.beatCodes ?? [])];
  if (codes.length) await assertBeatsInScope(q, user, { codes });
}

/** A fenced planner's beat shape may not reach into another station's beats (403 naming them). */
async function assertShapeInScope(
  q: Queryable,
  user: SignedInUser | undefined,
  geometry: Geometry,
  beatId: number | null,
): Promise<void> {
  const fence = fenceOf(user);
  if (fence.kind !== 'station') return;
  const foreign = (await beatsOverlapping(q, geometry, beatId, DEFAULT_SLIVER_M2)).filter(
    (b) => b.stationId !== fence.stationId,
  );
  if (foreign.length) {
    throw new ForbiddenError(
      `The shape reaches into beat ${foreign.map((b) => b.code).join(', ')} of another station`,
      foreign.map((b) => ({ path: 'geometry', message: `overlaps beat ${b.code} (station ${b.stationId})` })),
      { code: 'scope.other_station' },
    );
  }
}

/**
 * The layers a signed-in user's file may go into (auth/policy.ts importLayersOf): every layer named or found in the
 * file must be one of them, else 403 naming the layers, before anything is written. No user (the server's CLI) is open.
 */
export function assertMayImportLayers(user: SignedInUser | undefined, layers: Iterable<LayerName>): void {
  if (!user) return;
  const refused = [...new Set(layers)].filter((l) => !mayImport(user.role, l));
  if (refused.length === 0) return;
  const allowed = importLayersOf(user.role);
  throw new ForbiddenError(
    `The ${user.role} role may not import ${refused.join(', ')}`,
    refused.map((l) => ({ path: 'layer', message: `${l}: may import ${allowed.join(', ') || 'no layer'}` })),
    { code: 'import.layer_not_allowed' },
  );
}

/** A feature of a file being imported, as the fence reads it: where it came from, its properties and shape. */
export interface ImportedBeat {
  source: string;
  properties: Record<string, unknown>;
  geometry: Geometry;
}

/** The first offenders a refusal names. */
const MAX_NAMED = 20;

/**
 * The fence for an import with beats in it, called inside the import's transaction before anything is written: a fenced
 * planner's file may only hold beats of their station (`station_id`), may not take the code of another station's beat,
 * and no shape may reach into another station's beats. Refused (403) naming the rows; nothing is written.
 */
export async function assertImportedBeatsInScope(
  q: Queryable,
  user: SignedInUser | undefined,
  beats: readonly ImportedBeat[],
): Promise<void> {
  const fence = fenceOf(user);
  if (fence.kind === 'open' || beats.length === 0) return;
  if (fence.kind === 'closed') closed();
  const own = fence.stationId;
  const offenders: { path: string; message: string }[] = [];
  for (const b of beats) {
    const station = Number(b.properties.station_id);
    if (station !== own)
      offenders.push({ path: b.source, message: `station_id ${String(b.properties.station_id)}: not station ${own}` });
  }
  const codes = beats.map((b) => String(b.properties.code ?? ''));
  const foreignCodes = new Map(
    (await beatOwners(q, [], codes)).filter((r) => r.stationId !== own).map((r) => [r.code, r.stationId]),
  );
  beats.forEach((b, i) => {
    const st = foreignCodes.get(codes[i] ?? '');
    if (st !== undefined) offenders.push({ path: b.source, message: `beat ${codes[i]} belongs to station ${st}` });
  });
  for (const b of beats) {
    const foreign = (await beatsOverlapping(q, b.geometry, null, DEFAULT_SLIVER_M2)).filter((o) => o.stationId !== own);
    if (foreign.length)
      offenders.push({
        path: b.source,
        message: `reaches into beat ${foreign.map((o) => `${o.code} (station ${o.stationId})`).join(', ')}`,
      });
  }
  if (offenders.length) {
    const rows = [...new Set(offenders.map((o) => o.path))];
    throw new ForbiddenError(
      `You plan station ${own}: ${rows.length} row(s) of the file touch other stations' beats (${rows.slice(0, 5).join(', ')}${rows.length > 5 ? ', …' : ''}); nothing was imported`,
      offenders.slice(0, MAX_NAMED),
      { code: 'scope.other_station', rows: rows.length },
    );
  }
}

/** Stations: a fenced planner creates none and edits or deletes only their own. */
function assertStationInScope(user: SignedInUser | undefined, stationId: number | null): void {
  const fence = fenceOf(user);
  if (fence.kind === 'open') return;
  if (fence.kind === 'closed') closed();
  if (stationId === null) {
    throw new ForbiddenError(
      'Stations are created by an admin',
      [{ path: 'properties', message: 'planners plan their own station' }],
      { code: 'scope.station_admin_only' },
    );
  }
  if (stationId !== fence.stationId) {
    throw new ForbiddenError(
      `You plan station ${fence.stationId}, not station ${stationId}`,
      [{ path: 'id', message: `must be ${fence.stationId}` }],
      { code: 'scope.other_station' },
    );
  }
}

/** 409 naming what still belongs to the station: its beats, its users and its posts would lose their station. */
async function assertStationUnused(q: Queryable, stationId: number): Promise<void> {
  const d = await stationDependents(q, stationId);
  if (d.beats.length + d.users.length + d.posts.length === 0) return;
  const errors = [
    ...d.beats.map((c) => ({ path: `beats.${c}`, message: 'a beat of this station' })),
    ...d.users.map((u) => ({ path: `users.${u}`, message: 'a user tied to this station' })),
    ...d.posts.map((p) => ({ path: `posts.${p}`, message: 'a post of this station' })),
  ];
  const parts = [
    d.beats.length ? `beats ${d.beats.join(', ')}` : '',
    d.users.length ? `users ${d.users.join(', ')}` : '',
    d.posts.length ? `posts ${d.posts.join(', ')}` : '',
  ].filter(Boolean);
  throw new ConflictError(`Station ${stationId} still has ${parts.join('; ')}: move or delete them first`, errors, {
    code: 'station.in_use',
    dependents: d,
  });
}

/** One write through the generic feature API (POST/PATCH/DELETE /{layer}). */
export type FeatureWrite =
  | { kind: 'create'; properties: Record<string, unknown>; geometry: Geometry }
  | { kind: 'update'; id: number; properties?: Record<string, unknown> | undefined; geometry?: Geometry | undefined }
  | { kind: 'delete'; id: number };

/**
 * The fence for the generic feature API, called inside the write's transaction before the write: beats (the beat, a
 * new station, a shape reaching into other stations' beats), stations (own only; none deleted while something refers
 * to it). Other layers pass.
 */
export async function assertFeatureWriteAllowed(
  q: Queryable,
  user: SignedInUser | undefined,
  layer: LayerDef,
  w: FeatureWrite,
): Promise<void> {
  if (layer.name === 'beats') {
    switch (w.kind) {
      case 'create': {
        const station = Number(w.properties.station_id ?? 0) || null;
        await assertBeatsInScope(q, user, { newStationId: station });
        await assertShapeInScope(q, user, w.geometry, null);
        return;
      }
      case 'update': {
        await assertBeatsInScope(q, user, { ids: [w.id] });
        const moveTo = w.properties?.station_id;
        if (moveTo !== undefined) await assertBeatsInScope(q, user, { newStationId: Number(moveTo) });
        if (w.geometry) await assertShapeInScope(q, user, w.geometry, w.id);
        return;
      }
      case 'delete':
        await assertBeatsInScope(q, user, { ids: [w.id] });
        return;
      default: {
        const never: never = w;
        throw new Error(`unknown write ${String(never)}`);
      }
    }
  }
  if (layer.name === 'stations') {
    assertStationInScope(user, w.kind === 'create' ? null : w.id);
    if (w.kind === 'delete') await assertStationUnused(q, w.id);
  }
}
