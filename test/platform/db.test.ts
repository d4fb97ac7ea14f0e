import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flag, isSet, isUniqueViolation, newId, toCount, toIso } from '../../src/platform/db/dialect.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { testDialects, type ScratchDatabase } from '../helpers/databases.ts';

describe('dialect helpers', () => {
  it('makes ids that sort by creation time and never repeat', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => newId(1_800_000_000_000 + i));
    expect(new Set(ids).size).toBe(2000);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('writes times as UTC ISO text that sorts as time', () => {
    expect(toIso(new Date('2026-11-28T09:00:00+09:00'))).toBe('2026-11-28T00:00:00.000Z');
    expect(toIso(Date.UTC(2026, 0, 2)) < toIso(Date.UTC(2026, 0, 10))).toBe(true);
  });

  it('reads flags and counts the same from either dialect', () => {
    expect(flag(true)).toBe(1);
    expect(isSet(1)).toBe(true);
    expect(isSet(0)).toBe(false);
    expect(toCount('42')).toBe(42);
    expect(toCount(7)).toBe(7);
    expect(toCount(null)).toBe(0);
  });
});

// The repository suite: the same migrations and queries on SQLite and (when configured) PostgreSQL.
describe.each(testDialects)('database on $name', ({ create }) => {
  let scratch: ScratchDatabase;
  beforeAll(async () => {
    scratch = await create();
  });
  afterAll(async () => {
    await scratch.drop();
  });

  it('applies migrations once; a second run has nothing to do', async () => {
    expect(await migrateToLatest(scratch.database.db)).toEqual([]);
    const tables = await sql<{ n: string | number }>`select count(*) as n from smartship_migrations`.execute(scratch.database.db);
    expect(toCount(tables.rows[0]!.n)).toBeGreaterThanOrEqual(1);
  });

  it('keeps 17-digit mall ids as exact strings and times as UTC text', async () => {
    const db = scratch.database.db;
    const at = toIso(new Date('2026-11-28T12:34:56.789+09:00'));
    await db
      .insertInto('secrets')
      .values({ id: '20261128000012345', purpose: 'test', key_version: 1, ciphertext: 'x', created_at: at, updated_at: at })
      .execute();
    const row = await db.selectFrom('secrets').selectAll().where('id', '=', '20261128000012345').executeTakeFirstOrThrow();
    expect(row.id).toBe('20261128000012345');
    expect(row.created_at).toBe('2026-11-28T03:34:56.789Z');
    const later = await db.selectFrom('secrets').select('id').where('created_at', '>', '2026-11-28T03:00:00.000Z').execute();
    expect(later.map((r) => r.id)).toContain('20261128000012345');
  });

  it('reports a duplicate key as a unique violation and changes nothing', async () => {
    const db = scratch.database.db;
    const at = toIso(Date.now());
    const values = { id: newId(), purpose: 'dup', key_version: 1, ciphertext: 'a', created_at: at, updated_at: at };
    await db.insertInto('secrets').values(values).execute();
    const err = await db.insertInto('secrets').values({ ...values, ciphertext: 'b' }).execute().catch((e: unknown) => e);
    expect(isUniqueViolation(err)).toBe(true);
    const rows = await db.selectFrom('secrets').select('ciphertext').where('id', '=', values.id).execute();
    expect(rows).toEqual([{ ciphertext: 'a' }]);
  });

  it('rolls a failed transaction back completely', async () => {
    const db = scratch.database.db;
    const at = toIso(Date.now());
    const id = newId();
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('secrets').values({ id, purpose: 'tx', key_version: 1, ciphertext: 'a', created_at: at, updated_at: at }).execute();
        throw new Error('crash in the middle');
      }),
    ).rejects.toThrow('crash in the middle');
    expect(await db.selectFrom('secrets').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
  });

  it('counts rows as numbers in both dialects', async () => {
    const r = await scratch.database.db.selectFrom('secrets').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(toCount(r.n as string | number)).toBeGreaterThanOrEqual(2);
  });
});
