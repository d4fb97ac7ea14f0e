import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seller_id', 'text', (c) => c.notNull())
    .addColumn('mall', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('shop_id', 'text', (c) => c.notNull())
    // "seller|mall|shop id" while the connection exists; cleared on delete so the shop can be registered again.
    .addColumn('active_key', 'text', (c) => c.unique())
    .addColumn('api_key_secret_id', 'text', (c) => c.notNull())
    .addColumn('api_key_last4', 'text', (c) => c.notNull())
    .addColumn('api_key_changed_at', 'text', (c) => c.notNull())
    .addColumn('base_url', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('last_test', 'text')
    .addColumn('last_import', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'text')
    .execute();
  await db.schema.createIndex('connections_seller_idx').on('connections').columns(['seller_id', 'deleted_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('connections').execute();
}
