import { Migrator, type MigrationResult } from 'kysely';
import type { Db } from './schema.ts';
import { migrations } from './migrations/index.ts';

export class MigrationError extends Error {
  constructor(readonly migration: string | undefined, cause: unknown) {
    super(`Migration ${migration ?? '(unknown)'} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'MigrationError';
  }
}

/** Applies every pending migration; safe to run from several processes at once (kysely takes a lock). */
export async function migrateToLatest(db: Db): Promise<MigrationResult[]> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'smartship_migrations',
    migrationLockTableName: 'smartship_migrations_lock',
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) throw new MigrationError(results.find((r) => r.status === 'Error')?.migrationName, error);
  return results;
}
