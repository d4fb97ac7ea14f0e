import type { DbOrTx } from '../../platform/db/schema.ts';
import type { LineStatus } from './domain.ts';
import type { RunStatus, RunTrigger } from './api.ts';

export interface OrdersTable {
  id: string;
  seller_id: string;
  connection_id: string;
  mall: string;
  mall_order_no: string;
  buyer_name: string | null;
  buyer_member_id: string | null;
  buyer_mobile: string | null;
  buyer_phone: string | null;
  ordered_at: string | null;
  paid_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface OrderLinesTable {
  id: string;
  seller_id: string;
  connection_id: string;
  order_id: string;
  mall: string;
  mall_order_no: string;
  mall_line_no: string;
  delivery_no: string;
  product_no: string;
  product_name: string;
  option_text: string | null;
  option_stock_no: string | null;
  seller_product_code: string | null;
  seller_stock_code: string | null;
  add_on_of_product_no: string | null;
  quantity: number;
  currency: string;
  unit_price: number;
  order_amount: number;
  option_amount: number | null;
  seller_discount: number | null;
  mall_discount: number | null;
  shipping_fee: number | null;
  paid_amount: number | null;
  expected_settlement: number | null;
  buyer_name: string | null;
  receiver_name: string | null;
  receiver_mobile: string | null;
  receiver_phone: string | null;
  receiver_postal_code: string | null;
  receiver_address: string | null;
  receiver_address_detail: string | null;
  memo: string | null;
  mall_status: string;
  mall_status_code: string | null;
  ordered_at: string | null;
  paid_at: string;
  mall_confirmed_at: string | null;
  ship_by: string | null;
  raw: string;
  content_hash: string;
  status: LineStatus;
  claim: string | null;
  claim_no: string | null;
  claim_reason: string | null;
  claim_requested_at: string | null;
  status_before_claim: string | null;
  confirm_error_code: string | null;
  confirm_error_message: string | null;
  action_error_code: string | null;
  action_error_message: string | null;
  created_at: string;
  updated_at: string;
}

export interface LineEventsTable {
  id: string;
  seller_id: string;
  line_id: string;
  at: string;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  /** 'system', 'import', 'mall' or a user id. */
  actor: string | null;
  details: string;
}

export type { RunStatus, RunTrigger } from './api.ts';

export interface ImportRunsTable {
  id: string;
  seller_id: string;
  connection_id: string;
  trigger: RunTrigger;
  status: RunStatus;
  mall_order_no: string | null;
  span_from: string | null;
  span_to: string | null;
  cursor_before: string | null;
  cursor_after: string | null;
  windows: string;
  calls: string;
  fetched: number;
  new_lines: number;
  updated_lines: number;
  unchanged_lines: number;
  failed_lines: number;
  claims: string;
  error: string | null;
  requested_by: string | null;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface ImportStateTable {
  connection_id: string;
  seller_id: string;
  cursor: string | null;
  lease_owner: string | null;
  lease_until: string | null;
  updated_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DatabaseSchema {
    orders: OrdersTable;
    order_lines: OrderLinesTable;
    line_events: LineEventsTable;
    import_runs: ImportRunsTable;
    import_state: ImportStateTable;
  }
}

export type LineRow = OrderLinesTable;
export type RunRow = ImportRunsTable;

/** Columns the mall owns: an import overwrites them, and only them. */
export const mallOwnedColumns = [
  'delivery_no',
  'product_no',
  'product_name',
  'option_text',
  'option_stock_no',
  'seller_product_code',
  'seller_stock_code',
  'add_on_of_product_no',
  'quantity',
  'currency',
  'unit_price',
  'order_amount',
  'option_amount',
  'seller_discount',
  'mall_discount',
  'shipping_fee',
  'paid_amount',
  'expected_settlement',
  'buyer_name',
  'receiver_name',
  'receiver_mobile',
  'receiver_phone',
  'receiver_postal_code',
  'receiver_address',
  'receiver_address_detail',
  'memo',
  'mall_status',
  'mall_status_code',
  'ordered_at',
  'paid_at',
  'mall_confirmed_at',
  'ship_by',
  'raw',
  'content_hash',
  'updated_at',
] as const satisfies ReadonlyArray<keyof OrderLinesTable>;

/** Rows per insert statement: ~50 columns × 400 stays under SQLite's and PostgreSQL's parameter limits. */
export const BATCH = 400;

export function chunks<T>(items: T[], size = BATCH): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createOrderRepo() {
  return {
    /** Upserts orders by (connection, order no); returns their ids. Keeps created_at of existing rows. */
    async upsertOrders(db: DbOrTx, rows: OrdersTable[]): Promise<Map<string, string>> {
      const ids = new Map<string, string>();
      for (const part of chunks(rows)) {
        const out = await db
          .insertInto('orders')
          .values(part)
          .onConflict((oc) =>
            oc.columns(['connection_id', 'mall_order_no']).doUpdateSet((eb) => ({
              buyer_name: eb.ref('excluded.buyer_name'),
              buyer_member_id: eb.ref('excluded.buyer_member_id'),
              buyer_mobile: eb.ref('excluded.buyer_mobile'),
              buyer_phone: eb.ref('excluded.buyer_phone'),
              ordered_at: eb.ref('excluded.ordered_at'),
              paid_at: eb.ref('excluded.paid_at'),
              updated_at: eb.ref('excluded.updated_at'),
            })),
          )
          .returning(['id', 'mall_order_no'])
          .execute();
        for (const r of out) ids.set(r.mall_order_no, r.id);
      }
      return ids;
    },

    /**
     * Inserts orders none of whose lines is stored yet, with the ids given; returns the ids. Such an
     * order cannot exist already, but should one (a line deleted by hand), its stored id is used.
     */
    async insertNewOrders(db: DbOrTx, rows: OrdersTable[]): Promise<Map<string, string>> {
      const ids = new Map(rows.map((r) => [r.mall_order_no, r.id]));
      for (const part of chunks(rows)) {
        const done = await db.insertInto('orders').values(part).onConflict((oc) => oc.columns(['connection_id', 'mall_order_no']).doNothing()).executeTakeFirst();
        if (Number(done.numInsertedOrUpdatedRows ?? 0) < part.length) {
          const stored = await db.selectFrom('orders').select(['id', 'mall_order_no']).where('connection_id', '=', part[0]!.connection_id).where('mall_order_no', 'in', part.map((r) => r.mall_order_no)).execute();
          for (const r of stored) ids.set(r.mall_order_no, r.id);
        }
      }
      return ids;
    },

    /** Inserts new lines and overwrites the mall-owned columns of existing ones; hub-owned columns stay. */
    async upsertLines(db: DbOrTx, rows: OrderLinesTable[]): Promise<void> {
      for (const part of chunks(rows)) {
        await db
          .insertInto('order_lines')
          .values(part)
          .onConflict((oc) =>
            oc.columns(['connection_id', 'mall_order_no', 'mall_line_no']).doUpdateSet((eb) => Object.fromEntries(mallOwnedColumns.map((c) => [c, eb.ref(`excluded.${c}`)])) as never),
          )
          .execute();
      }
    },

    /** What is stored for these orders of a connection: enough to tell new, changed and unchanged lines apart. */
    async existingLines(db: DbOrTx, connectionId: string, mallOrderNos: string[]) {
      const found: Array<Pick<OrderLinesTable, 'id' | 'mall_order_no' | 'mall_line_no' | 'content_hash' | 'mall_status' | 'status' | 'claim' | 'status_before_claim'>> = [];
      for (const part of chunks([...new Set(mallOrderNos)], 2000)) {
        found.push(
          ...(await db
            .selectFrom('order_lines')
            .select(['id', 'mall_order_no', 'mall_line_no', 'content_hash', 'mall_status', 'status', 'claim', 'status_before_claim'])
            .where('connection_id', '=', connectionId)
            .where('mall_order_no', 'in', part)
            .execute()),
        );
      }
      return found;
    },

    /** Every stored line of these orders of a connection. */
    async linesOfOrders(db: DbOrTx, connectionId: string, mallOrderNos: string[]): Promise<LineRow[]> {
      const out: LineRow[] = [];
      for (const part of chunks([...new Set(mallOrderNos)], 2000)) {
        out.push(...(await db.selectFrom('order_lines').selectAll().where('connection_id', '=', connectionId).where('mall_order_no', 'in', part).execute()));
      }
      return out;
    },

    /** Lines of these orders still waiting for the mall's confirmation: paid, new, no claim, no failed attempt. */
    async awaitingConfirmation(db: DbOrTx, connectionId: string, mallOrderNos: string[]) {
      const out: Array<Pick<LineRow, 'mall_order_no' | 'mall_line_no' | 'delivery_no' | 'product_no' | 'add_on_of_product_no'>> = [];
      for (const part of chunks([...new Set(mallOrderNos)], 2000)) {
        out.push(
          ...(await db
            .selectFrom('order_lines')
            .select(['mall_order_no', 'mall_line_no', 'delivery_no', 'product_no', 'add_on_of_product_no'])
            .where('connection_id', '=', connectionId)
            .where('mall_order_no', 'in', part)
            .where('status', '=', 'new')
            .where('mall_status', '=', 'paid')
            .where('claim', 'is', null)
            .where('confirm_error_code', 'is', null)
            .execute()),
        );
      }
      return out;
    },

    async insertEvents(db: DbOrTx, rows: LineEventsTable[]): Promise<void> {
      for (const part of chunks(rows, 1000)) await db.insertInto('line_events').values(part).execute();
    },

    /** Moves a line's status only if it still has the status the caller saw (no lost updates across processes). */
    async moveStatus(db: DbOrTx, id: string, from: LineStatus, changes: Partial<OrderLinesTable> & { status: LineStatus }): Promise<boolean> {
      const r = await db.updateTable('order_lines').set(changes).where('id', '=', id).where('status', '=', from).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    lineById: (db: DbOrTx, sellerIds: string[], id: string) => db.selectFrom('order_lines').selectAll().where('id', '=', id).where('seller_id', 'in', sellerIds).executeTakeFirst(),


    /** The lines one 11st confirmation covers: same delivery number and product (with its add-ons). */
    confirmGroup: (db: DbOrTx, connectionId: string, deliveryNo: string, productNo: string) =>
      db
        .selectFrom('order_lines')
        .selectAll()
        .where('connection_id', '=', connectionId)
        .where('delivery_no', '=', deliveryNo)
        .where((eb) => eb.or([eb('product_no', '=', productNo), eb('add_on_of_product_no', '=', productNo)]))
        .execute(),

    getState: (db: DbOrTx, connectionId: string) => db.selectFrom('import_state').selectAll().where('connection_id', '=', connectionId).executeTakeFirst(),

    /**
     * Takes the connection's run lease when it is free or expired: one conditional upsert, so two
     * processes asking at once cannot both get it.
     */
    async takeLease(db: DbOrTx, row: { connectionId: string; sellerId: string; owner: string; until: string; now: string }): Promise<boolean> {
      const out = await db
        .insertInto('import_state')
        .values({ connection_id: row.connectionId, seller_id: row.sellerId, cursor: null, lease_owner: row.owner, lease_until: row.until, updated_at: row.now })
        .onConflict((oc) =>
          oc
            .column('connection_id')
            .doUpdateSet({ lease_owner: row.owner, lease_until: row.until, updated_at: row.now })
            .where((eb) => eb.or([eb('import_state.lease_until', 'is', null), eb('import_state.lease_until', '<', row.now)])),
        )
        .returning('lease_owner')
        .executeTakeFirst();
      return out?.lease_owner === row.owner;
    },

    async renewLease(db: DbOrTx, connectionId: string, owner: string, until: string, now: string): Promise<boolean> {
      const r = await db.updateTable('import_state').set({ lease_until: until, updated_at: now }).where('connection_id', '=', connectionId).where('lease_owner', '=', owner).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async releaseLease(db: DbOrTx, connectionId: string, owner: string, now: string): Promise<void> {
      await db.updateTable('import_state').set({ lease_owner: null, lease_until: null, updated_at: now }).where('connection_id', '=', connectionId).where('lease_owner', '=', owner).execute();
    },

    /** Moves the cursor inside the transaction that commits the rows it covers; refused when the lease was lost. */
    async moveCursor(db: DbOrTx, connectionId: string, owner: string, cursor: string, now: string): Promise<boolean> {
      const r = await db
        .updateTable('import_state')
        .set({ cursor, updated_at: now })
        .where('connection_id', '=', connectionId)
        .where('lease_owner', '=', owner)
        .where((eb) => eb.or([eb('cursor', 'is', null), eb('cursor', '<', cursor)]))
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) return true;
      // Not moved: either the cursor is already further (fine) or the lease is someone else's (not fine).
      const state = await db.selectFrom('import_state').select(['lease_owner']).where('connection_id', '=', connectionId).executeTakeFirst();
      return state?.lease_owner === owner;
    },

    insertRun: (db: DbOrTx, row: ImportRunsTable) => db.insertInto('import_runs').values(row).execute(),
    updateRun: (db: DbOrTx, id: string, changes: Partial<ImportRunsTable>) => db.updateTable('import_runs').set(changes).where('id', '=', id).execute(),
    getRun: (db: DbOrTx, sellerIds: string[], id: string) => db.selectFrom('import_runs').selectAll().where('id', '=', id).where('seller_id', 'in', sellerIds).executeTakeFirst(),
    listRuns: (db: DbOrTx, sellerIds: string[], connectionId: string, limit: number) =>
      db.selectFrom('import_runs').selectAll().where('connection_id', '=', connectionId).where('seller_id', 'in', sellerIds).orderBy('queued_at', 'desc').orderBy('id', 'desc').limit(limit).execute(),

  };
}
