import path from 'node:path';
import { z } from 'zod';
import { isTimeZone } from './local-clock.js';
import { DEFAULT_FAIR_USE, type FairUseLimits } from './services/fair-use.js';

/** Where the project root is, so relative defaults do not depend on the caller's cwd. */
export const projectRoot = path.resolve(import.meta.dirname, '..', '..');

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  /** When set, use this PostgreSQL/PostGIS server instead of the embedded database. */
  DATABASE_URL: z.string().optional(),
  /**
   * Server mode: streaming replicas (comma-separated postgres:// URLs) that answer map reads, tiles and analyses'
   * reads; writes and reads of one's own writes stay on DATABASE_URL. A replica that goes away is skipped for DATABASE_READ_RETRY_SECONDS.
   */
  DATABASE_READ_URL: z
    .string()
    .optional()
    .transform((v, ctx): string[] | undefined => {
      const urls = (v ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter((u) => u !== '');
      if (urls.length === 0) return undefined;
      for (const u of urls) if (!isPostgresUrl(u)) ctx.addIssue({ code: 'custom', message: readUrlProblem(u) });
      return urls;
    }),
  /** Server mode: seconds a replica that failed to connect is left out before it is tried again. */
  DATABASE_READ_RETRY_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** Server mode: the schema gridpatrol's tables live in (default: the connection's search_path, usually public). */
  GRIDPATROL_DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .optional(),
  /** Directory of the embedded PGlite database. */
  GRIDPATROL_DATA_DIR: z.string().default(path.join(projectRoot, 'data', 'pglite')),
  /** Seed of the generated demo city loaded into an empty database on start. */
  GRIDPATROL_DEMO_SEED: z.coerce.number().int().default(20261125),
  /** Set to "0" to start on an empty database instead of loading the demo city. */
  GRIDPATROL_DEMO: z.enum(['0', '1']).default('1'),
  /** The first admin, created on start when this user does not exist yet (no default password exists anywhere). */
  GRIDPATROL_ADMIN_USER: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{2,40}$/)
    .optional(),
  GRIDPATROL_ADMIN_PASSWORD: z.string().min(10, 'at least 10 characters').optional(),
  /** The deployment's IANA time zone: hours, weekdays, grade days, tile filters, patrol clocks and import defaults. */
  GRIDPATROL_TZ: z.string().default('Asia/Shanghai').refine(isTimeZone, 'an IANA time zone, e.g. Asia/Shanghai'),
  /**
   * Express `trust proxy` for a reverse proxy in front: `1` (one hop), a number of hops, `loopback`, addresses/CIDRs
   * (comma-separated) or `true`. Unset: trust no proxy (X-Forwarded-* headers are ignored).
   */
  GRIDPATROL_TRUST_PROXY: z
    .string()
    .max(500)
    .optional()
    .transform((v): boolean | number | string => {
      if (v === undefined || v === '' || v === 'false') return false;
      if (v === 'true') return true;
      return /^\d+$/.test(v) ? Number(v) : v;
    }),
  /** Fair use of heavy analyses per user: at once, for everyone at once, and CPU ms per minute (0 = no limit). */
  GRIDPATROL_FAIR_USE_CONCURRENT: z.coerce.number().int().min(0).default(DEFAULT_FAIR_USE.concurrentPerUser),
  GRIDPATROL_FAIR_USE_CONCURRENT_TOTAL: z.coerce.number().int().min(0).default(DEFAULT_FAIR_USE.concurrentTotal),
  GRIDPATROL_FAIR_USE_CPU_MS: z.coerce.number().int().min(0).default(DEFAULT_FAIR_USE.cpuMsPerWindow),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** A postgres:// or postgresql:// URL with a host: what pg needs to reach a replica. */
function isPostgresUrl(u: string): boolean {
  try {
    const url = new URL(u);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Names the bad entry without its password, since configuration errors end up in logs. */
function readUrlProblem(u: string): string {
  const shown = u.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
  return `"${shown}" is not a postgres://host[:port]/database URL (comma-separate several)`;
}

export type Config = z.infer<typeof envSchema>;

/** The fair-use limits the configuration sets (0 = that limit off). */
export function fairUseLimitsOf(c: Config): FairUseLimits {
  const off = (n: number) => (n === 0 ? Number.POSITIVE_INFINITY : n);
  return {
    concurrentPerUser: off(c.GRIDPATROL_FAIR_USE_CONCURRENT),
    concurrentTotal: off(c.GRIDPATROL_FAIR_USE_CONCURRENT_TOTAL),
    cpuMsPerWindow: off(c.GRIDPATROL_FAIR_USE_CPU_MS),
    windowMs: 60_000,
  };
}

/** Reads the configuration from environment variables; throws a readable error on a bad value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema
    // Replicas of what? The embedded database has none: a read URL without DATABASE_URL is a mistake, not ignored.
    .refine((c) => c.DATABASE_READ_URL === undefined || c.DATABASE_URL !== undefined, {
      path: ['DATABASE_READ_URL'],
      message: 'needs DATABASE_URL (the primary the replicas stream from)',
    })
    .safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Bad configuration: ${issues}`);
  }
  return parsed.data;
}
