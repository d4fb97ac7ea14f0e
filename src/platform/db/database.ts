import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { DatabaseConfig } from '../config/config.ts';
import type { DialectName } from './dialect.ts';
import type { Db } from './schema.ts';

export interface Database {
  db: Db;
  dialect: DialectName;
  /** A cheap round trip, for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function openDatabase(config: DatabaseConfig): Database {
  if (config.kind === 'sqlite') {
    if (config.file !== ':memory:') mkdirSync(dirname(config.file), { recursive: true });
    const sqlite = new SQLite(config.file);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    // Another process (a CLI command, a second worker) may hold the write lock for a moment.
    sqlite.pragma('busy_timeout = 5000');
    const db: Db = new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
    return { db, dialect: 'sqlite', ping: () => sql`select 1`.execute(db).then(() => undefined), close: () => db.destroy() };
  }
  const pool = new pg.Pool({ connectionString: config.url, max: 10, connectionTimeoutMillis: 10_000 });
  // An idle client can lose its connection (server restart); without a listener that crashes the process.
  pool.on('error', () => undefined);
  const db: Db = new Kysely({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', ping: () => sql`select 1`.execute(db).then(() => undefined), close: () => db.destroy() };
}
