import type { DbOrTx } from '../../platform/db/schema.ts';
import { toCount } from '../../platform/db/dialect.ts';
import type { Locale, Role } from './domain.ts';

export interface SellersTable {
  id: string;
  name: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  seller_id: string | null;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  locale: Locale;
  disabled: number;
  created_at: string;
  updated_at: string;
}

export interface WarehouseStaffSellersTable {
  user_id: string;
  seller_id: string;
  created_at: string;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  seller_id: string | null;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
  last_seen_at: string;
  idle_expires_at: string;
  expires_at: string;
}

export interface ApiTokensTable {
  id: string;
  token_hash: string;
  user_id: string;
  seller_id: string | null;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface LoginThrottleTable {
  key: string;
  failures: number;
  window_start: string;
  locked_until: string | null;
}

export interface SetupTokensTable {
  token_hash: string;
  created_at: string;
}

export interface HubSetupTable {
  id: string;
  completed_at: string;
}

export interface AuditLogTable {
  id: string;
  seller_id: string | null;
  actor_user_id: string | null;
  actor_email: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  /** JSON object text. */
  details: string;
  ip: string | null;
  user_agent: string | null;
  created_at: string;
}

declare module '../../platform/db/schema.ts' {
  interface DatabaseSchema {
    sellers: SellersTable;
    users: UsersTable;
    warehouse_staff_sellers: WarehouseStaffSellersTable;
    sessions: SessionsTable;
    api_tokens: ApiTokensTable;
    login_throttle: LoginThrottleTable;
    setup_tokens: SetupTokensTable;
    hub_setup: HubSetupTable;
    audit_log: AuditLogTable;
  }
}

export type UserRow = UsersTable;

/** Kysely queries of the accounts module; every function takes the database or an open transaction. */
export const accountsRepo = {
  async countUsers(db: DbOrTx): Promise<number> {
    const row = await db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    return toCount(row?.n as number | string | undefined);
  },

  insertSeller: (db: DbOrTx, row: SellersTable) => db.insertInto('sellers').values(row).execute(),
  findSeller: (db: DbOrTx, id: string) => db.selectFrom('sellers').selectAll().where('id', '=', id).executeTakeFirst(),

  insertUser: (db: DbOrTx, row: UsersTable) => db.insertInto('users').values(row).execute(),
  findUserById: (db: DbOrTx, id: string) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
  findUserByEmail: (db: DbOrTx, email: string) => db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst(),
  updateUser: (db: DbOrTx, id: string, patch: Partial<Omit<UsersTable, 'id' | 'created_at'>>) => db.updateTable('users').set(patch).where('id', '=', id).execute(),

  /** The seller's own users and the warehouse staff serving it. */
  listSellerUsers(db: DbOrTx, sellerId: string): Promise<UserRow[]> {
    return db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb.or([eb('seller_id', '=', sellerId), eb('id', 'in', eb.selectFrom('warehouse_staff_sellers').select('user_id').where('seller_id', '=', sellerId))]))
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  },

  /** A user the seller manages: its own user or warehouse staff serving it; undefined for anyone else. */
  findSellerUser(db: DbOrTx, sellerId: string, userId: string): Promise<UserRow | undefined> {
    return db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', userId)
      .where((eb) => eb.or([eb('seller_id', '=', sellerId), eb('id', 'in', eb.selectFrom('warehouse_staff_sellers').select('user_id').where('seller_id', '=', sellerId))]))
      .executeTakeFirst();
  },

  async countActiveOwners(db: DbOrTx, sellerId: string): Promise<number> {
    const row = await db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).where('seller_id', '=', sellerId).where('role', '=', 'owner').where('disabled', '=', 0).executeTakeFirst();
    return toCount(row?.n as number | string | undefined);
  },

  linkWarehouseStaff: (db: DbOrTx, row: WarehouseStaffSellersTable) => db.insertInto('warehouse_staff_sellers').values(row).execute(),
  async servedSellerIds(db: DbOrTx, userId: string): Promise<string[]> {
    const rows = await db.selectFrom('warehouse_staff_sellers').select('seller_id').where('user_id', '=', userId).orderBy('seller_id').execute();
    return rows.map((r) => r.seller_id);
  },

  insertSession: (db: DbOrTx, row: SessionsTable) => db.insertInto('sessions').values(row).execute(),
  findSessionByHash: (db: DbOrTx, tokenHash: string) => db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),
  touchSession: (db: DbOrTx, id: string, lastSeenAt: string, idleExpiresAt: string) =>
    db.updateTable('sessions').set({ last_seen_at: lastSeenAt, idle_expires_at: idleExpiresAt }).where('id', '=', id).execute(),
  deleteSession: (db: DbOrTx, id: string) => db.deleteFrom('sessions').where('id', '=', id).execute(),
  async deleteUserSessions(db: DbOrTx, userId: string, exceptId?: string): Promise<number> {
    let q = db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptId) q = q.where('id', '!=', exceptId);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows);
  },
  deleteExpiredSessions: (db: DbOrTx, now: string) => db.deleteFrom('sessions').where((eb) => eb.or([eb('expires_at', '<=', now), eb('idle_expires_at', '<=', now)])).execute(),

  insertApiToken: (db: DbOrTx, row: ApiTokensTable) => db.insertInto('api_tokens').values(row).execute(),
  findApiTokenByHash: (db: DbOrTx, tokenHash: string) => db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).where('revoked_at', 'is', null).executeTakeFirst(),
  listUserApiTokens: (db: DbOrTx, userId: string) =>
    db.selectFrom('api_tokens').selectAll().where('user_id', '=', userId).where('revoked_at', 'is', null).orderBy('created_at').orderBy('id').execute(),
  findUserApiToken: (db: DbOrTx, userId: string, id: string) =>
    db.selectFrom('api_tokens').selectAll().where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).executeTakeFirst(),
  revokeApiToken: (db: DbOrTx, id: string, at: string) => db.updateTable('api_tokens').set({ revoked_at: at }).where('id', '=', id).execute(),
  markApiTokenUsed: (db: DbOrTx, id: string, at: string) => db.updateTable('api_tokens').set({ last_used_at: at }).where('id', '=', id).execute(),

  findThrottle: (db: DbOrTx, key: string) => db.selectFrom('login_throttle').selectAll().where('key', '=', key).executeTakeFirst(),
  saveThrottle: (db: DbOrTx, row: LoginThrottleTable) =>
    db
      .insertInto('login_throttle')
      .values(row)
      .onConflict((oc) => oc.column('key').doUpdateSet({ failures: row.failures, window_start: row.window_start, locked_until: row.locked_until }))
      .execute(),
  deleteThrottle: (db: DbOrTx, key: string) => db.deleteFrom('login_throttle').where('key', '=', key).execute(),

  insertSetupToken: (db: DbOrTx, row: SetupTokensTable) => db.insertInto('setup_tokens').values(row).execute(),
  findSetupToken: (db: DbOrTx, tokenHash: string) => db.selectFrom('setup_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),
  deleteSetupTokens: (db: DbOrTx) => db.deleteFrom('setup_tokens').execute(),
  /** Fails on the primary key when setup already ran (also when two setups race). */
  markSetupDone: (db: DbOrTx, at: string) => db.insertInto('hub_setup').values({ id: 'first-run', completed_at: at }).execute(),

  insertAudit: (db: DbOrTx, row: AuditLogTable) => db.insertInto('audit_log').values(row).execute(),
  /** Newest first, keyset on (created_at, id). */
  listAudit(db: DbOrTx, q: { sellerId: string; before?: { at: string; id: string }; action?: string; limit: number }) {
    let query = db.selectFrom('audit_log').selectAll().where('seller_id', '=', q.sellerId);
    if (q.action) query = query.where('action', '=', q.action);
    const before = q.before;
    if (before) query = query.where((eb) => eb.or([eb('created_at', '<', before.at), eb.and([eb('created_at', '=', before.at), eb('id', '<', before.id)])]));
    return query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit).execute();
  },
};

