import { randomBytes } from 'node:crypto';

export type DialectName = 'sqlite' | 'postgres';

/**
 * A new id: UUIDv7 text (time-ordered, so ids sort by creation and keyset pagination on id works).
 */
// Random bytes drawn 4 KiB at a time: one system call per 256 ids instead of one per id.
let pool = Buffer.alloc(0);
let poolAt = 0;

export function newId(now: number = Date.now()): string {
  if (poolAt + 16 > pool.length) {
    pool = randomBytes(4096);
    poolAt = 0;
  }
  const b = Buffer.from(pool.subarray(poolAt, poolAt + 16));
  poolAt += 16;
  b.writeUIntBE(now, 0, 6);
  b[6] = 0x70 | (b[6]! & 0x0f);
  b[8] = 0x80 | (b[8]! & 0x3f);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Times are stored as UTC ISO-8601 text with milliseconds, which sorts correctly as text. */
export function toIso(date: Date | number): string {
  return new Date(date).toISOString();
}

/** Flags are stored as integers 0/1 in both dialects. */
export function flag(value: boolean): 0 | 1 {
  return value ? 1 : 0;
}

export function isSet(value: number | boolean | string | null | undefined): boolean {
  return value === 1 || value === true || value === '1';
}

/** PostgreSQL returns count(*) as a bigint string, SQLite as a number. */
export function toCount(value: string | number | bigint | null | undefined): number {
  return value === null || value === undefined ? 0 : Number(value);
}

/** True when a write failed on a unique constraint (either dialect). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string } | null;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
