import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DatabaseConfig } from '../../src/platform/config/config.ts';
import { openDatabase, type Database } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';

export interface ScratchDatabase {
  config: DatabaseConfig;
  database: Database;
  /** Closes the connection and removes the scratch database. */
  drop(): Promise<void>;
}

const pgAdminUrl = process.env.SMARTSHIP_TEST_DATABASE_URL;

/** The dialects the shared suites run on: SQLite always, PostgreSQL when the test env names one. */
export const testDialects: Array<{ name: 'sqlite' | 'postgres'; create: (opts?: { migrate?: boolean }) => Promise<ScratchDatabase> }> = [
  { name: 'sqlite', create: createSqlite },
  ...(pgAdminUrl ? [{ name: 'postgres' as const, create: createPostgres }] : []),
];

export async function createSqlite(opts: { migrate?: boolean } = {}): Promise<ScratchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'smartship-db-'));
  const config: DatabaseConfig = { kind: 'sqlite', file: join(dir, 'test.db') };
  const database = openDatabase(config);
  if (opts.migrate !== false) await migrateToLatest(database.db);
  return {
    config,
    database,
    drop: async () => {
      await database.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A fresh database on the test server per suite, so parallel suites never see each other's rows. */
export async function createPostgres(opts: { migrate?: boolean } = {}): Promise<ScratchDatabase> {
  if (!pgAdminUrl) throw new Error('SMARTSHIP_TEST_DATABASE_URL is not set');
  const name = `smartship_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: pgAdminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgAdminUrl);
  url.pathname = `/${name}`;
  const config: DatabaseConfig = { kind: 'postgres', url: url.toString() };
  const database = openDatabase(config);
  if (opts.migrate !== false) await migrateToLatest(database.db);
  return {
    config,
    database,
    drop: async () => {
      await database.close();
      const c = new pg.Client({ connectionString: pgAdminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
