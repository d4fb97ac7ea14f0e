import type { Kysely } from 'kysely';

// Who holds a claimed intent: the dispatcher's claim token. Renewing the lease and recording the result
// are conditional on it, so a dispatcher whose lease ran out cannot overwrite the next one's work.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('claimed_by', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').dropColumn('claimed_by').execute();
}
