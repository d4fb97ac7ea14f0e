import type { DbOrTx } from '../../platform/db/schema.ts';

export interface ConnectionsTable {
  id: string;
  seller_id: string;
  mall: string;
  name: string;
  shop_id: string;
  active_key: string | null;
  api_key_secret_id: string;
  api_key_last4: string;
  api_key_changed_at: string;
  base_url: string | null;
  enabled: number;
  /** JSON of ConnectionOptions. */
  options: string;
  /** JSON of the last ConnectionTest. */
  last_test: string | null;
  /** JSON summary of the last import run (written by the orders module). */
  last_import: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

declare module '../../platform/db/schema.ts' {
  interface DatabaseSchema {
    connections: ConnectionsTable;
  }
}

export type ConnectionRow = ConnectionsTable;

/** "seller|mall|shop id": one registration of a shop per mall and seller. */
export const activeKey = (sellerId: string, mall: string, shopId: string) => `${sellerId}|${mall}|${shopId.toLowerCase()}`;

export function createConnectionRepo() {
  return {
    list: (db: DbOrTx, sellerIds: string[]) =>
      db.selectFrom('connections').selectAll().where('seller_id', 'in', sellerIds).where('deleted_at', 'is', null).orderBy('created_at').execute(),
    get: (db: DbOrTx, sellerIds: string[], id: string) =>
      db.selectFrom('connections').selectAll().where('id', '=', id).where('seller_id', 'in', sellerIds).where('deleted_at', 'is', null).executeTakeFirst(),
    /** Without a seller filter: for jobs, which act for the connection's own seller. */
    getAnySeller: (db: DbOrTx, id: string) => db.selectFrom('connections').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst(),
    /** Every live connection of every seller (schedules). */
    listAll: (db: DbOrTx) => db.selectFrom('connections').selectAll().where('deleted_at', 'is', null).orderBy('created_at').execute(),
    insert: (db: DbOrTx, row: ConnectionRow) => db.insertInto('connections').values(row).execute(),
    update: (db: DbOrTx, id: string, changes: Partial<ConnectionRow>) => db.updateTable('connections').set(changes).where('id', '=', id).execute(),
  };
}
