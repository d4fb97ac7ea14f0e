import type { Migration } from 'kysely';
import * as platform from './0001-platform.ts';
import * as accounts from './0002-accounts.ts';
import * as connections from './0003-connections.ts';
import * as outbox from './0004-outbox.ts';
import * as orders from './0005-orders.ts';
import * as outboxClaims from './0006-outbox-claims.ts';

/** Every migration, in order. Names sort as they run; add new ones at the end. */
export const migrations: Record<string, Migration> = {
  '0001-platform': platform,
  '0002-accounts': accounts,
  '0003-connections': connections,
  '0004-outbox': outbox,
  '0005-orders': orders,
  '0006-outbox-claims': outboxClaims,
};
