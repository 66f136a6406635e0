import { z } from 'zod';
import { PERMISSIONS, ROLES } from '../auth/policy.js';
import { LAYER_NAMES } from './layers.js';

const username = z.string().regex(/^[A-Za-z0-9_.-]{2,40}$/, '2–40 letters, digits, _ . -');
const role = z.enum(ROLES);
const stationId = z.number().int().positive().nullable();

export const signInBody = z.strictObject({ username, password: z.string().min(1).max(200) });
export const newUserBody = z.strictObject({
  username,
  role,
  password: z.string().max(200),
  stationId: stationId.optional(),
  displayName: z.string().min(1).max(100).nullable().optional(),
});
export const userChangeBody = z.strictObject({
  role: role.optional(),
  password: z.string().max(200).optional(),
  stationId: stationId.optional(),
  displayName: z.string().min(1).max(100).nullable().optional(),
  disabled: z.boolean().optional(),
});
export const userIdParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const userAccount = z
  .object({
    id: z.number().int(),
    username: z.string(),
    displayName: z.string().nullable(),
    role,
    stationId: z.number().int().nullable(),
    disabled: z.boolean(),
  })
  .meta({ id: 'UserAccount' });
export const sessionAnswer = z
  .object({
    user: userAccount,
    permissions: z.array(z.enum(PERMISSIONS)),
    /** The layers this user may import files into (the wizard offers only these). */
    importLayers: z.array(z.enum(LAYER_NAMES)),
    /** The deployment's zone (GRIDPATROL_TZ): every hour the app shows is read in it, and labelled with it. */
    timeZone: z.string(),
  })
  .meta({ id: 'Session' });
export const usersAnswer = z.object({ users: z.array(userAccount) });

export type UserAccount = z.infer<typeof userAccount>;
export type SessionAnswer = z.infer<typeof sessionAnswer>;

export const healthAnswer = z.object({
  status: z.enum(['ok', 'unavailable']),
  /** Signed-in callers only: versions help an attacker pick exploits, so anonymous probes get `status` alone. */
  database: z
    .object({ mode: z.enum(['embedded', 'server']), postgres: z.string().optional(), postgis: z.string().optional() })
    .optional(),
  detail: z.string().optional(),
});
export type HealthAnswer = z.infer<typeof healthAnswer>;
