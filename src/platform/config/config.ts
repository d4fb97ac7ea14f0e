import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isIP } from 'node:net';
import { z } from 'zod';

/** Thrown when a setting is invalid; the CLI prints it and exits with code 2. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const whole = (min: number, max: number, what: string) =>
  z.coerce
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what}` })
    .min(min, { error: `expected ${what}` })
    .max(max, { error: `expected ${what}` });

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** Which peers may tell the client's address and scheme (X-Forwarded-For/-Proto); fastify's `trustProxy`. */
export type TrustProxy = boolean | number | string[];

const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IP address, a CIDR range (10.0.0.0/8, fd00::/8) or a range name that fastify's trustProxy (proxy-addr) knows. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [ip, bits, ...rest] = entry.split('/');
  const family = isIP(ip!);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/**
 * Every setting, by the name of its environment variable. The optional JSON config file
 * (SMARTSHIP_CONFIG) uses the same names; the environment wins over the file.
 * docs/configuration.md lists them; keep the two in step.
 */
export const settingsSchema = z.object({
  PORT: whole(0, 65535, 'a port number from 0 to 65535 (0 picks a free port)').default(8080),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  SMARTSHIP_DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: optionalText.refine((v) => v === undefined || /^(postgres|postgresql):\/\//.test(v) || /^sqlite:/.test(v), {
    error: 'expected a postgres://… URL, or sqlite:PATH for a SQLite file',
  }),
  REDIS_URL: optionalText.refine((v) => v === undefined || /^rediss?:\/\//.test(v), { error: 'expected a redis://… URL' }),
  SMARTSHIP_QUEUE_PREFIX: z.string().trim().regex(/^[A-Za-z0-9_.-]+$/, { error: 'expected letters, digits, _ . -' }).default('smartship'),
  SMARTSHIP_MASTER_KEY: optionalText,
  SMARTSHIP_WORKER_CONCURRENCY: whole(1, 64, 'a whole number from 1 to 64').default(4),
  SMARTSHIP_JOB_LEASE_SECONDS: whole(2, 3600, 'a whole number of seconds from 2 to 3600').default(30),
  SMARTSHIP_SHUTDOWN_TIMEOUT_SECONDS: whole(1, 600, 'a whole number of seconds from 1 to 600').default(25),
  SMARTSHIP_EGRESS_IPS: z
    .string()
    .trim()
    .default('')
    .transform((v) => v.split(/[;,\s]+/).filter(Boolean))
    .refine((ips) => ips.every((ip) => isIP(ip) !== 0), { error: 'expected IP addresses separated by commas or semicolons' }),
  SMARTSHIP_CONNECTION_TEST_TIMEOUT_SECONDS: whole(1, 120, 'a whole number of seconds from 1 to 120').default(10),
  SMARTSHIP_11ST_RATE_PER_SECOND: z.coerce.number({ error: 'expected a number of requests per second' }).positive({ error: 'expected a number of requests per second above 0' }).max(100, { error: 'expected at most 100 requests per second' }).default(2),
  SMARTSHIP_11ST_BURST: whole(1, 100, 'a whole number from 1 to 100').default(4),
  SMARTSHIP_IMPORT_OVERLAP_MINUTES: whole(0, 24 * 60, 'a whole number of minutes from 0 to 1440').default(60),
  SMARTSHIP_IMPORT_LEASE_SECONDS: whole(2, 3600, 'a whole number of seconds from 2 to 3600').default(60),
  SMARTSHIP_TRUST_PROXY: z
    .coerce.string() // a JSON config file may hold true, false or a number
    .trim()
    .default('loopback')
    .transform((v, ctx): TrustProxy => {
      if (v === 'true' || v === 'false') return v === 'true';
      if (/^\d+$/.test(v)) return Number(v);
      const entries = v.split(/[,\s]+/).filter(Boolean);
      if (entries.length === 0 || !entries.every(isProxyAddress)) {
        ctx.addIssue({ code: 'custom', message: 'expected false, true, a number of proxy hops, or IP addresses / CIDR ranges / loopback, linklocal, uniquelocal separated by commas' });
        return z.NEVER;
      }
      return entries;
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'expected one of fatal, error, warn, info, debug, trace, silent' }).default('info'),
  SMARTSHIP_ADMIN_EMAIL: optionalText.refine((v) => v === undefined || z.email().safeParse(v).success, { error: 'expected an email address' }),
  SMARTSHIP_ADMIN_PASSWORD: z
    .string()
    .transform((v) => (v === '' ? undefined : v))
    .optional()
    .refine((v) => v === undefined || v.length >= 10, { error: 'expected at least 10 characters' }),
  SMARTSHIP_ADMIN_SELLER: z.string().trim().min(1).max(200).default('My shop'),
}).superRefine((s, ctx) => {
  if ((s.SMARTSHIP_ADMIN_EMAIL === undefined) !== (s.SMARTSHIP_ADMIN_PASSWORD === undefined)) {
    const missing = s.SMARTSHIP_ADMIN_EMAIL === undefined ? 'SMARTSHIP_ADMIN_EMAIL' : 'SMARTSHIP_ADMIN_PASSWORD';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'set SMARTSHIP_ADMIN_EMAIL and SMARTSHIP_ADMIN_PASSWORD together (or neither)' });
  }
});

export type DatabaseConfig = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  /** Absolute path of the data folder (SQLite file, generated master key). */
  dataDir: string;
  database: DatabaseConfig;
  redisUrl: string | undefined;
  queue: { prefix: string; concurrency: number; leaseMs: number };
  masterKey: string | undefined;
  shutdownTimeoutMs: number;
  logLevel: z.infer<typeof settingsSchema>['LOG_LEVEL'];
  /** Calls to 11st per connection: a token bucket, shared across processes when Redis is configured. */
  elevenst: { ratePerSecond: number; burst: number };
  /** The hub's outbound addresses, which sellers register on the mall's IP allow-list. */
  egressIps: string[];
  connectionTestTimeoutMs: number;
  /** Proxies whose X-Forwarded-For/-Proto are believed (client IP for sign-in lockout and audit, HTTPS for cookies). */
  trustProxy: TrustProxy;
  /** Order import: how far each run reaches back before the cursor, and how long a run's lease on its connection lasts without renewal. */
  orders: { importOverlapMs: number; importLeaseMs: number };
  /** The first seller and owner to create at start when the database has no user (automation). */
  admin: { email: string; password: string; sellerName: string } | undefined;
}

type Env = Record<string, string | undefined>;

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`SMARTSHIP_CONFIG: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new ConfigError([`SMARTSHIP_CONFIG: ${path} is not valid JSON (${(err as Error).message})`]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError([`SMARTSHIP_CONFIG: ${path} must hold a JSON object of settings`]);
  }
  const unknown = Object.keys(parsed).filter((k) => !(k in settingsSchema.shape));
  if (unknown.length > 0) throw new ConfigError(unknown.map((k) => `SMARTSHIP_CONFIG: ${path} names an unknown setting ${k}`));
  return parsed as Record<string, unknown>;
}

/** How an error message shows a rejected value: a password or key not at all, a URL without its user:password@. */
function shownValue(key: string, given: unknown): string {
  if (/PASSWORD|MASTER_KEY/.test(key)) return ' (value hidden)';
  const text = typeof given === 'string' && (key.endsWith('_URL') || given.includes('://')) ? given.replace(URL_CREDENTIALS, '$1***@') : given;
  return ` (got ${JSON.stringify(text)})`;
}

// Everything up to the last @ in `scheme://user:password@host`, also when the scheme is mistyped or missing
// or the password holds an unescaped @ or /.
const URL_CREDENTIALS = /^([a-z][\w+.-]*:\/*)?.*@/i;

/** Reads and validates the configuration; throws ConfigError naming every bad setting. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const file = env.SMARTSHIP_CONFIG ? readConfigFile(resolve(cwd, env.SMARTSHIP_CONFIG)) : {};
  const raw: Record<string, unknown> = { ...file };
  for (const key of Object.keys(settingsSchema.shape)) {
    // An empty variable (PORT=) means "not set", as shells and compose files often write it.
    if (env[key] !== undefined && env[key] !== '') raw[key] = env[key];
  }
  const result = settingsSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const key = String(issue.path[0] ?? '');
        const given = raw[key];
        return `${key}: ${issue.message}${given === undefined ? '' : shownValue(key, given)}`;
      }),
    );
  }
  const s = result.data;
  const dataDir = resolve(cwd, s.SMARTSHIP_DATA_DIR);
  const database: DatabaseConfig =
    s.DATABASE_URL === undefined
      ? { kind: 'sqlite', file: resolve(dataDir, 'smartship.db') }
      : s.DATABASE_URL.startsWith('sqlite:')
        ? { kind: 'sqlite', file: resolve(cwd, s.DATABASE_URL.slice('sqlite:'.length)) }
        : { kind: 'postgres', url: s.DATABASE_URL };
  return {
    port: s.PORT,
    host: s.HOST,
    dataDir,
    database,
    redisUrl: s.REDIS_URL,
    queue: { prefix: s.SMARTSHIP_QUEUE_PREFIX, concurrency: s.SMARTSHIP_WORKER_CONCURRENCY, leaseMs: s.SMARTSHIP_JOB_LEASE_SECONDS * 1000 },
    masterKey: s.SMARTSHIP_MASTER_KEY,
    shutdownTimeoutMs: s.SMARTSHIP_SHUTDOWN_TIMEOUT_SECONDS * 1000,
    logLevel: s.LOG_LEVEL,
    elevenst: { ratePerSecond: s.SMARTSHIP_11ST_RATE_PER_SECOND, burst: s.SMARTSHIP_11ST_BURST },
    egressIps: s.SMARTSHIP_EGRESS_IPS,
    connectionTestTimeoutMs: s.SMARTSHIP_CONNECTION_TEST_TIMEOUT_SECONDS * 1000,
    trustProxy: s.SMARTSHIP_TRUST_PROXY,
    orders: { importOverlapMs: s.SMARTSHIP_IMPORT_OVERLAP_MINUTES * 60_000, importLeaseMs: s.SMARTSHIP_IMPORT_LEASE_SECONDS * 1000 },
    admin:
      s.SMARTSHIP_ADMIN_EMAIL !== undefined && s.SMARTSHIP_ADMIN_PASSWORD !== undefined
        ? { email: s.SMARTSHIP_ADMIN_EMAIL, password: s.SMARTSHIP_ADMIN_PASSWORD, sellerName: s.SMARTSHIP_ADMIN_SELLER }
        : undefined,
  };
}
