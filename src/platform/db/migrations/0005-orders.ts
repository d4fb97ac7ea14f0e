import type { Kysely } from 'kysely';

/** Orders and their lines, each line's timeline, import runs, and the import cursor and lease per connection. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seller_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('mall', 'text', (c) => c.notNull())
    .addColumn('mall_order_no', 'text', (c) => c.notNull())
    .addColumn('buyer_name', 'text')
    .addColumn('buyer_member_id', 'text')
    .addColumn('buyer_mobile', 'text')
    .addColumn('buyer_phone', 'text')
    .addColumn('ordered_at', 'text')
    .addColumn('paid_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('orders_connection_order_uq', ['connection_id', 'mall_order_no'])
    .execute();
  await db.schema.createIndex('orders_seller_idx').on('orders').columns(['seller_id', 'mall_order_no']).execute();

  await db.schema
    .createTable('order_lines')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seller_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('mall', 'text', (c) => c.notNull())
    .addColumn('mall_order_no', 'text', (c) => c.notNull())
    .addColumn('mall_line_no', 'text', (c) => c.notNull())
    .addColumn('delivery_no', 'text', (c) => c.notNull())
    .addColumn('product_no', 'text', (c) => c.notNull())
    .addColumn('product_name', 'text', (c) => c.notNull())
    .addColumn('option_text', 'text')
    .addColumn('option_stock_no', 'text')
    .addColumn('seller_product_code', 'text')
    .addColumn('seller_stock_code', 'text')
    .addColumn('add_on_of_product_no', 'text')
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('unit_price', 'integer', (c) => c.notNull())
    .addColumn('order_amount', 'integer', (c) => c.notNull())
    .addColumn('option_amount', 'integer')
    .addColumn('seller_discount', 'integer')
    .addColumn('mall_discount', 'integer')
    .addColumn('shipping_fee', 'integer')
    .addColumn('paid_amount', 'integer')
    .addColumn('expected_settlement', 'integer')
    .addColumn('buyer_name', 'text')
    .addColumn('receiver_name', 'text')
    .addColumn('receiver_mobile', 'text')
    .addColumn('receiver_phone', 'text')
    .addColumn('receiver_postal_code', 'text')
    .addColumn('receiver_address', 'text')
    .addColumn('receiver_address_detail', 'text')
    .addColumn('memo', 'text')
    .addColumn('mall_status', 'text', (c) => c.notNull())
    .addColumn('mall_status_code', 'text')
    .addColumn('ordered_at', 'text')
    // The sort key of the order list; never null so keyset pagination has a total order.
    .addColumn('paid_at', 'text', (c) => c.notNull())
    .addColumn('mall_confirmed_at', 'text')
    .addColumn('ship_by', 'text')
    .addColumn('raw', 'text', (c) => c.notNull())
    // Hash of the mall's record: a re-import that sees the same hash changes nothing.
    .addColumn('content_hash', 'text', (c) => c.notNull())
    // Hub-owned from here: an import never overwrites them.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('claim', 'text')
    .addColumn('claim_no', 'text')
    .addColumn('claim_reason', 'text')
    .addColumn('claim_requested_at', 'text')
    .addColumn('status_before_claim', 'text')
    .addColumn('confirm_error_code', 'text')
    .addColumn('confirm_error_message', 'text')
    .addColumn('action_error_code', 'text')
    .addColumn('action_error_message', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('order_lines_connection_order_line_uq', ['connection_id', 'mall_order_no', 'mall_line_no'])
    .execute();
  await db.schema.createIndex('order_lines_list_idx').on('order_lines').columns(['seller_id', 'paid_at', 'id']).execute();
  await db.schema.createIndex('order_lines_status_idx').on('order_lines').columns(['seller_id', 'status', 'paid_at', 'id']).execute();
  await db.schema.createIndex('order_lines_bundle_idx').on('order_lines').columns(['connection_id', 'delivery_no', 'product_no']).execute();
  await db.schema.createIndex('order_lines_order_idx').on('order_lines').columns(['order_id']).execute();
  await db.schema.createIndex('order_lines_receiver_idx').on('order_lines').columns(['seller_id', 'receiver_name']).execute();

  await db.schema
    .createTable('line_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seller_id', 'text', (c) => c.notNull())
    .addColumn('line_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text')
    .addColumn('actor', 'text')
    .addColumn('details', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('line_events_line_idx').on('line_events').columns(['line_id', 'at']).execute();

  await db.schema
    .createTable('import_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('seller_id', 'text', (c) => c.notNull())
    .addColumn('connection_id', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('mall_order_no', 'text')
    .addColumn('span_from', 'text')
    .addColumn('span_to', 'text')
    .addColumn('cursor_before', 'text')
    .addColumn('cursor_after', 'text')
    .addColumn('windows', 'text', (c) => c.notNull())
    .addColumn('calls', 'text', (c) => c.notNull())
    .addColumn('fetched', 'integer', (c) => c.notNull())
    .addColumn('new_lines', 'integer', (c) => c.notNull())
    .addColumn('updated_lines', 'integer', (c) => c.notNull())
    .addColumn('unchanged_lines', 'integer', (c) => c.notNull())
    .addColumn('failed_lines', 'integer', (c) => c.notNull())
    .addColumn('claims', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('requested_by', 'text')
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema.createIndex('import_runs_connection_idx').on('import_runs').columns(['connection_id', 'queued_at']).execute();

  // One row per connection: the cursor (end of the last committed window) and the run lease.
  await db.schema
    .createTable('import_state')
    .addColumn('connection_id', 'text', (c) => c.primaryKey())
    .addColumn('seller_id', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['import_state', 'import_runs', 'line_events', 'order_lines', 'orders']) await db.schema.dropTable(t).execute();
}
