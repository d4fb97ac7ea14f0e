import { type ExpressionBuilder } from 'kysely';
import type { Logger } from '../log/logger.ts';
import { newId, toIso, type DialectName } from '../db/dialect.ts';
import type { DatabaseSchema, Db, DbOrTx } from '../db/schema.ts';
import { backoffDelay, type JobQueue } from '../queue/queue.ts';

/**
 * The outbox: every call that changes a mall (confirm, tracking push, stock update, claim answers)
 * is written as an intent in the same transaction as the hub's own state change, then sent by a
 * worker with backoff. Intents carry an idempotency key, so asking twice for one change sends once.
 * A handler returns when the change is done (or the mall says it already was), throws
 * OutboxPermanentError when retrying cannot help (the intent stays visible and can be resent), and
 * throws anything else to be retried.
 */

export type OutboxStatus = 'pending' | 'sending' | 'done' | 'failed';

export interface OutboxTable {
  id: string;
  seller_id: string;
  connection_id: string | null;
  kind: string;
  key: string;
  payload: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  /** The claim token of the dispatcher sending it (status 'sending'). */
  claimed_by: string | null;
  last_error_code: string | null;
  last_error_message: string | null;
  created_at: string;
  updated_at: string;
  done_at: string | null;
}

declare module '../db/schema.ts' {
  interface DatabaseSchema {
    outbox: OutboxTable;
  }
}

export interface OutboxIntent {
  kind: string;
  /** Idempotency key: a second intent with the same key is not added. */
  key: string;
  sellerId: string;
  connectionId?: string;
  payload: unknown;
}

export interface OutboxContext {
  id: string;
  kind: string;
  attempt: number;
  sellerId: string;
  connectionId: string | null;
}

export type OutboxHandler<P = unknown> = (payload: P, ctx: OutboxContext) => Promise<void>;

/** Retrying will not help: keep the intent as failed with the mall's code and message, for a person to resend. */
export class OutboxPermanentError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'OutboxPermanentError';
  }
}

export interface OutboxEntry {
  id: string;
  kind: string;
  key: string;
  sellerId: string;
  connectionId: string | null;
  payload: unknown;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: string;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  createdAt: string;
  doneAt: string | null;
}

export const OUTBOX_JOB = 'outbox.dispatch';

export interface OutboxOptions {
  db: Db;
  /** PostgreSQL claims with FOR UPDATE SKIP LOCKED in a transaction; SQLite without one (see claim). */
  dialect: DialectName;
  queue: JobQueue;
  log: Logger;
  now?: () => number;
  /** First retry delay; doubles per attempt up to maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Attempts before a transient failure is kept as failed for a person to look at. */
  maxAttempts?: number;
  /**
   * How long a claimed intent belongs to one dispatcher without renewal; renewed every third of it while
   * the call runs, so a slow mall call (11st client: up to 4 tries of 30 s) never loses it to another.
   * After a crash its intents are sent again at most this long later.
   */
  leaseMs?: number;
  /** Intents sent at once by one dispatcher. */
  concurrency?: number;
  /** How often the dispatcher looks for due retries. */
  pollSeconds?: number;
}


function toEntry(row: OutboxTable): OutboxEntry {
  return {
    id: row.id,
    kind: row.kind,
    key: row.key,
    sellerId: row.seller_id,
    connectionId: row.connection_id,
    payload: JSON.parse(row.payload),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastErrorCode: row.last_error_code,
    lastErrorMessage: row.last_error_message,
    createdAt: row.created_at,
    doneAt: row.done_at,
  };
}

export function createOutbox(opts: OutboxOptions) {
  const { db, queue, log } = opts;
  const { dialect } = opts;
  const now = opts.now ?? Date.now;
  const baseDelayMs = opts.baseDelayMs ?? 5_000;
  const maxDelayMs = opts.maxDelayMs ?? 30 * 60_000;
  const maxAttempts = opts.maxAttempts ?? 12;
  const leaseMs = opts.leaseMs ?? 60_000;
  const concurrency = opts.concurrency ?? 4;
  const handlers = new Map<string, OutboxHandler<unknown>>();

  /** Due intents: pending ones whose time has come, and sending ones whose dispatcher died. */
  const claimable = (t: string) => (eb: ExpressionBuilder<DatabaseSchema, 'outbox'>) =>
    eb.or([eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', t)]), eb.and([eb('status', '=', 'sending'), eb('lease_until', '<', t)])]);

  /** Claims up to `limit` due intents under a fresh token. */
  async function claim(limit: number): Promise<OutboxTable[]> {
    for (let tries = 0; tries < 5; tries++) {
      const t = toIso(now());
      const token = newId();
      const take = async (tx: Db): Promise<{ due: number; rows: OutboxTable[] }> => {
        const due = await tx
          .selectFrom('outbox')
          .select('id')
          .where(claimable(t))
          .orderBy('next_attempt_at')
          .limit(limit)
          .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked())
          .execute();
        if (due.length === 0) return { due: 0, rows: [] };
        const rows = await tx
          .updateTable('outbox')
          .set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), lease_until: toIso(now() + leaseMs), claimed_by: token, updated_at: t }))
          .where('id', 'in', due.map((d) => d.id))
          // Re-checked on the row itself, so two dispatchers never send one intent at once.
          .where(claimable(t))
          .returningAll()
          .execute();
        return { due: due.length, rows };
      };
      // As in the SQL job queue: one transaction with SKIP LOCKED on PostgreSQL; none on SQLite, where a
      // deferred transaction that read first fails at once with SQLITE_BUSY if another process writes.
      const { due, rows } = dialect === 'postgres' ? await db.transaction().execute(take) : await take(db);
      // Another dispatcher took every row we saw between our read and our update: look again.
      if (rows.length > 0 || due === 0) return rows;
    }
    return [];
  }

  async function send(row: OutboxTable): Promise<void> {
    const handler = handlers.get(row.kind);
    const token = row.claimed_by!;
    const t = () => toIso(now());
    const settle = async (changes: Partial<OutboxTable>) => {
      const r = await db
        .updateTable('outbox')
        .set({ ...changes, lease_until: null, claimed_by: null, updated_at: t() })
        .where('id', '=', row.id)
        .where('status', '=', 'sending')
        .where('claimed_by', '=', token)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) log.warn({ outbox: row.id, kind: row.kind, status: changes.status }, 'outbox intent was taken over by another dispatcher; this result is not recorded');
    };
    if (!handler) {
      await settle({ status: 'failed', last_error_code: 'NO_HANDLER', last_error_message: `no handler for ${row.kind} in this process` });
      return;
    }
    const heartbeat = setInterval(() => {
      db.updateTable('outbox')
        .set({ lease_until: toIso(now() + leaseMs), updated_at: t() })
        .where('id', '=', row.id)
        .where('status', '=', 'sending')
        .where('claimed_by', '=', token)
        .executeTakeFirst()
        .then((r) => {
          if (Number(r.numUpdatedRows) === 0) log.warn({ outbox: row.id, kind: row.kind }, 'outbox lease lost while sending');
        })
        .catch((err: unknown) => log.warn({ err, outbox: row.id }, 'outbox lease renewal failed'));
    }, Math.max(250, Math.floor(leaseMs / 3)));
    let failure: { err: unknown } | undefined;
    try {
      await handler(JSON.parse(row.payload), { id: row.id, kind: row.kind, attempt: row.attempts, sellerId: row.seller_id, connectionId: row.connection_id });
    } catch (err) {
      failure = { err };
    } finally {
      clearInterval(heartbeat);
    }
    if (!failure) {
      await settle({ status: 'done', done_at: t(), last_error_code: null, last_error_message: null });
      return;
    }
    const { err } = failure;
    const permanent = err instanceof OutboxPermanentError;
    const code = permanent ? err.code : ((err as { mallCode?: string; kind?: string }).mallCode ?? (err as { kind?: string }).kind ?? 'ERROR');
    const message = (err as Error)?.message ?? String(err);
    const giveUp = permanent || row.attempts >= maxAttempts;
    await settle(
      giveUp
        ? { status: 'failed', last_error_code: code, last_error_message: message }
        : { status: 'pending', next_attempt_at: toIso(now() + backoffDelay(baseDelayMs, row.attempts, maxDelayMs)), last_error_code: code, last_error_message: message },
    );
    log.warn({ outbox: row.id, kind: row.kind, attempt: row.attempts, code, failed: giveUp }, giveUp ? 'outbox intent failed; kept for a person to resend' : 'outbox intent failed; will retry');
  }

  /** Sends due intents until none is left (bounded per run so a job never runs for ever). */
  async function dispatch(): Promise<number> {
    let sent = 0;
    const budget = 200 * concurrency;
    // Each of `concurrency` slots claims one intent when it is free to send it: nothing claimed waits
    // behind a slow call while its lease runs.
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (sent < budget) {
          const [row] = await claim(1);
          if (!row) return;
          sent++;
          await send(row);
        }
      }),
    );
    return sent;
  }

  return {
    /**
     * Writes an intent inside the caller's transaction; a second intent with the same key is a no-op.
     * With `reopen`, an intent of that key that ended (done or failed) is put back to be sent now, in
     * one conditional update, so concurrent callers all land on that one row and the mall is asked once.
     * `added` tells whether this call queued a send (a new or reopened intent).
     */
    async add(tx: DbOrTx, intent: OutboxIntent, o: { reopen?: boolean } = {}): Promise<{ id: string; added: boolean }> {
      const t = toIso(now());
      if (o.reopen) {
        // Written before anything is read: on SQLite a transaction that read first cannot take the write lock while another process writes.
        const reopened = await tx
          .updateTable('outbox')
          .set({ status: 'pending', attempts: 0, next_attempt_at: t, payload: JSON.stringify(intent.payload ?? null), lease_until: null, claimed_by: null, done_at: null, updated_at: t })
          .where('key', '=', intent.key)
          .where('status', 'in', ['done', 'failed'])
          .returning('id')
          .executeTakeFirst();
        if (reopened) return { id: reopened.id, added: true };
      }
      const id = newId();
      const inserted = await tx
        .insertInto('outbox')
        .values({
          id,
          seller_id: intent.sellerId,
          connection_id: intent.connectionId ?? null,
          kind: intent.kind,
          key: intent.key,
          payload: JSON.stringify(intent.payload ?? null),
          status: 'pending',
          attempts: 0,
          next_attempt_at: t,
          created_at: t,
          updated_at: t,
        })
        .onConflict((oc) => oc.column('key').doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) return { id, added: true };
      const existing = await tx.selectFrom('outbox').select('id').where('key', '=', intent.key).executeTakeFirstOrThrow();
      return { id: existing.id, added: false };
    },

    register<P>(kind: string, handler: OutboxHandler<P>): void {
      handlers.set(kind, handler as OutboxHandler<unknown>);
    },

    /** Registers the dispatcher job and its schedule; call once per process that runs jobs (and before queue.start()). */
    async registerJobs(): Promise<void> {
      queue.register(OUTBOX_JOB, async () => void (await dispatch()), { concurrency: 1 });
      await queue.schedule(OUTBOX_JOB, OUTBOX_JOB, {}, opts.pollSeconds ?? 5);
    },

    /** Wakes the dispatcher after a commit that added intents. */
    async kick(): Promise<void> {
      await queue.add(OUTBOX_JOB, {}, { key: OUTBOX_JOB, attempts: 1 });
    },

    dispatch,

    /** Puts a failed (or pending) intent back to be sent now. */
    async resend(sellerIds: string[], id: string): Promise<OutboxEntry | undefined> {
      const t = toIso(now());
      const r = await db
        .updateTable('outbox')
        .set({ status: 'pending', attempts: 0, next_attempt_at: t, updated_at: t })
        .where('id', '=', id)
        .where('seller_id', 'in', sellerIds)
        .where('status', 'in', ['failed', 'pending'])
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return undefined;
      await this.kick();
      return this.get(sellerIds, id);
    },

    async get(sellerIds: string[], id: string): Promise<OutboxEntry | undefined> {
      const row = await db.selectFrom('outbox').selectAll().where('id', '=', id).where('seller_id', 'in', sellerIds).executeTakeFirst();
      return row ? toEntry(row) : undefined;
    },

    async list(filter: { sellerIds: string[]; status?: OutboxStatus; kind?: string; connectionId?: string; limit?: number }): Promise<OutboxEntry[]> {
      const rows = await db
        .selectFrom('outbox')
        .selectAll()
        .where('seller_id', 'in', filter.sellerIds)
        .$if(filter.status !== undefined, (q) => q.where('status', '=', filter.status!))
        .$if(filter.kind !== undefined, (q) => q.where('kind', '=', filter.kind!))
        .$if(filter.connectionId !== undefined, (q) => q.where('connection_id', '=', filter.connectionId!))
        .orderBy('created_at', 'desc')
        .limit(Math.min(filter.limit ?? 100, 500))
        .execute();
      return rows.map(toEntry);
    },
  };
}
export type Outbox = ReturnType<typeof createOutbox>;
