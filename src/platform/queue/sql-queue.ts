import { hostname } from 'node:os';
import type { Logger } from '../log/logger.ts';
import { newId, toIso, toCount, type DialectName } from '../db/dialect.ts';
import type { ExpressionBuilder } from 'kysely';
import type { DatabaseSchema, Db, JobsTable } from '../db/schema.ts';
import { backoffDelay, JOB_DEFAULTS, type JobHandler, type JobInfo, type JobOptions, type JobQueue, type JobState } from './queue.ts';

export interface SqlQueueOptions {
  db: Db;
  dialect: DialectName;
  log: Logger;
  /** How long a claimed job stays ours without a heartbeat; a dead worker's job runs again after it. */
  leaseMs?: number;
  /** How long stop() waits for running jobs before handing them back to the queue. */
  shutdownTimeoutMs?: number;
  pollMs?: number;
  now?: () => number;
}

interface Registration {
  handler: JobHandler<unknown>;
  concurrency: number;
  running: number;
}

interface Running {
  id: string;
  token: string;
  controller: AbortController;
  done: Promise<void>;
}

const COMPLETED_RETENTION_MS = 7 * 24 * 3600 * 1000;

/**
 * The job engine on a SQL table: the embedded default. Claims are one conditional UPDATE
 * (with SKIP LOCKED on PostgreSQL), so several processes on the same database never take the
 * same job; a lease with a heartbeat brings back the jobs of a worker that died.
 */
export function createSqlQueue(opts: SqlQueueOptions): JobQueue {
  const { db, dialect, log } = opts;
  const leaseMs = opts.leaseMs ?? 30_000;
  const pollMs = opts.pollMs ?? 500;
  const shutdownTimeoutMs = opts.shutdownTimeoutMs ?? 25_000;
  const now = opts.now ?? Date.now;
  const workerId = `${hostname()}:${process.pid}:${newId().slice(-8)}`;
  const registrations = new Map<string, Registration>();
  const running = new Map<string, Running>();
  let started = false;
  let stopping = false;
  let wake: (() => void) | undefined;
  let loop: Promise<void> | undefined;
  let lastPrune = 0;

  function toInfo(row: JobsTable): JobInfo {
    return {
      id: row.id,
      name: row.name,
      state: row.state,
      payload: JSON.parse(row.payload),
      attempts: row.attempts,
      maxAttempts: row.max_attempts,
      lastError: row.last_error,
    };
  }

  async function add(name: string, payload: unknown, o: JobOptions = {}): Promise<{ id: string; added: boolean }> {
    const t = now();
    const id = newId(t);
    const inserted = await db
      .insertInto('jobs')
      .values({
        id,
        name,
        payload: JSON.stringify(payload ?? null),
        pending_key: o.key ?? null,
        key: o.key ?? null,
        state: 'waiting',
        attempts: 0,
        max_attempts: o.attempts ?? JOB_DEFAULTS.attempts,
        backoff_ms: o.backoffMs ?? JOB_DEFAULTS.backoffMs,
        run_at: toIso(t + (o.delayMs ?? 0)),
        created_at: toIso(t),
        updated_at: toIso(t),
      })
      .onConflict((oc) => oc.column('pending_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) {
      wake?.();
      return { id, added: true };
    }
    const existing = await db.selectFrom('jobs').select('id').where('pending_key', '=', o.key!).executeTakeFirst();
    // The pending job may have finished between the insert and this read: then it is simply done.
    return { id: existing?.id ?? id, added: false };
  }

  async function claim(name: string, limit: number): Promise<JobsTable[]> {
    const t = toIso(now());
    const token = newId();
    const claimable = (eb: ExpressionBuilder<DatabaseSchema, 'jobs'>) =>
      eb.or([
        eb.and([eb('state', '=', 'waiting'), eb('run_at', '<=', t)]),
        eb.and([eb('state', '=', 'active'), eb('lease_until', '<', t)]),
      ]);
    const take = async (trx: Db): Promise<JobsTable[]> => {
      const ids = await trx
        .selectFrom('jobs')
        .select('id')
        .where('name', '=', name)
        .where(claimable)
        .orderBy('run_at')
        .limit(limit)
        .$if(dialect === 'postgres', (qb) => qb.forUpdate().skipLocked())
        .execute();
      if (ids.length === 0) return [];
      return trx
        .updateTable('jobs')
        .set((eb) => ({
          state: 'active',
          attempts: eb('attempts', '+', 1),
          lease_until: toIso(now() + leaseMs),
          locked_by: token,
          updated_at: t,
        }))
        .where('id', 'in', ids.map((r) => r.id))
        // Re-checked on the row actually updated, so a job taken meanwhile by another worker is not taken twice.
        .where(claimable)
        .returningAll()
        .execute();
    };
    // Two steps with a fixed id list: PostgreSQL may run an `IN (… LIMIT n)` subquery more than once
    // inside an UPDATE and so claim more than n rows. On PostgreSQL they share a transaction so SKIP
    // LOCKED keeps two workers on different rows. On SQLite they must not: a deferred transaction that
    // read first fails at once with SQLITE_BUSY ("database is locked", busy_timeout does not apply)
    // when another process writes meanwhile; the UPDATE re-checks claimability, so alone it is safe.
    const rows = dialect === 'postgres' ? await db.transaction().execute(take) : await take(db);
    return rows as JobsTable[];
  }

  async function settle(job: JobsTable, token: string, error: unknown): Promise<void> {
    const t = now();
    if (error === undefined) {
      await db
        .updateTable('jobs')
        .set({ state: 'completed', pending_key: null, lease_until: null, finished_at: toIso(t), updated_at: toIso(t), last_error: null })
        .where('id', '=', job.id)
        .where('locked_by', '=', token)
        .execute();
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    const dead = job.attempts >= job.max_attempts;
    await db
      .updateTable('jobs')
      .set(
        dead
          ? { state: 'dead', pending_key: null, lease_until: null, locked_by: null, finished_at: toIso(t), updated_at: toIso(t), last_error: message }
          : {
              state: 'waiting',
              lease_until: null,
              locked_by: null,
              run_at: toIso(t + backoffDelay(job.backoff_ms, job.attempts)),
              updated_at: toIso(t),
              last_error: message,
            },
      )
      .where('id', '=', job.id)
      .where('locked_by', '=', token)
      .execute();
    log.warn({ job: job.id, name: job.name, attempt: job.attempts, dead, err: error }, dead ? 'job failed for the last time' : 'job failed; will retry');
  }

  function run(job: JobsTable, reg: Registration): void {
    const token = job.locked_by!;
    const controller = new AbortController();
    reg.running++;
    const heartbeat = setInterval(() => {
      db.updateTable('jobs')
        .set({ lease_until: toIso(now() + leaseMs), updated_at: toIso(now()) })
        .where('id', '=', job.id)
        .where('locked_by', '=', token)
        .executeTakeFirst()
        .then((r) => {
          // Someone else owns the job now (our lease ran out): stop working on it.
          if (Number(r.numUpdatedRows) === 0) controller.abort(new Error('lease lost'));
        })
        .catch((err: unknown) => log.warn({ err, job: job.id }, 'job heartbeat failed'));
    }, Math.max(250, Math.floor(leaseMs / 3)));
    const done = (async () => {
      let error: unknown;
      try {
        if (job.attempts > job.max_attempts) throw new Error(`worker stopped or died during each of ${job.max_attempts} attempts`);
        await reg.handler(JSON.parse(job.payload), { id: job.id, name: job.name, attempt: job.attempts, signal: controller.signal });
      } catch (err) {
        error = err ?? new Error('job failed');
      } finally {
        clearInterval(heartbeat);
      }
      // A job aborted by stop() was handed back already; one whose lease was lost belongs to another worker.
      if (!controller.signal.aborted) await settle(job, token, error).catch((err: unknown) => log.error({ err, job: job.id }, 'could not record job result'));
    })().finally(() => {
      reg.running--;
      running.delete(job.id);
      wake?.();
    });
    running.set(job.id, { id: job.id, token, controller, done });
  }

  async function runSchedules(): Promise<void> {
    const t = now();
    const due = await db.selectFrom('job_schedules').selectAll().where('next_run_at', '<=', toIso(t)).execute();
    for (const s of due) {
      // Only the process whose conditional update wins enqueues this tick.
      const r = await db
        .updateTable('job_schedules')
        .set({ next_run_at: toIso(t + s.every_seconds * 1000), updated_at: toIso(t) })
        .where('key', '=', s.key)
        .where('next_run_at', '=', s.next_run_at)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) await add(s.name, JSON.parse(s.payload), { key: `schedule:${s.key}` });
    }
    if (t - lastPrune > 3600_000) {
      lastPrune = t;
      await db.deleteFrom('jobs').where('state', '=', 'completed').where('finished_at', '<', toIso(t - COMPLETED_RETENTION_MS)).execute();
    }
  }

  async function tick(): Promise<boolean> {
    let claimed = 0;
    for (const [name, reg] of registrations) {
      const free = reg.concurrency - reg.running;
      if (free <= 0 || stopping) continue;
      for (const job of await claim(name, free)) {
        claimed++;
        run(job, reg);
      }
    }
    return claimed > 0;
  }

  async function mainLoop(): Promise<void> {
    let lastSchedule = 0;
    while (!stopping) {
      let busy = false;
      try {
        if (now() - lastSchedule >= 1000) {
          lastSchedule = now();
          await runSchedules();
        }
        busy = await tick();
      } catch (err) {
        log.error({ err }, 'job queue poll failed');
      }
      if (busy || stopping) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  }

  return {
    kind: 'sql',
    add,
    async schedule(key, name, payload, everySeconds) {
      if (!Number.isInteger(everySeconds) || everySeconds < 1) throw new Error(`schedule ${key}: everySeconds must be a whole number ≥ 1`);
      const t = toIso(now());
      await db
        .insertInto('job_schedules')
        .values({ key, name, payload: JSON.stringify(payload ?? null), every_seconds: everySeconds, next_run_at: t, updated_at: t })
        .onConflict((oc) => oc.column('key').doUpdateSet({ name, payload: JSON.stringify(payload ?? null), every_seconds: everySeconds, updated_at: t }))
        .execute();
    },
    async unschedule(key) {
      await db.deleteFrom('job_schedules').where('key', '=', key).execute();
    },
    register(name, handler, o = {}) {
      if (started) throw new Error(`register ${name}: handlers must be registered before start()`);
      registrations.set(name, { handler: handler as JobHandler<unknown>, concurrency: o.concurrency ?? 1, running: 0 });
    },
    async start() {
      if (started) return;
      started = true;
      loop = mainLoop();
      log.info({ worker: workerId, handlers: [...registrations.keys()] }, 'job worker started (sql queue)');
    },
    async stop() {
      stopping = true;
      wake?.();
      await loop;
      const all = [...running.values()];
      const finished = await Promise.race([
        Promise.all(all.map((r) => r.done)).then(() => true),
        new Promise<false>((resolve) => setTimeout(() => resolve(false), shutdownTimeoutMs).unref()),
      ]);
      if (!finished) {
        for (const r of running.values()) {
          r.controller.abort(new Error('worker stopping'));
          // Hand the job back without counting this run as a failed attempt.
          await db
            .updateTable('jobs')
            .set((eb) => ({ state: 'waiting', lease_until: null, locked_by: null, attempts: eb('attempts', '-', 1), updated_at: toIso(now()) }))
            .where('id', '=', r.id)
            .where('locked_by', '=', r.token)
            .execute();
          log.warn({ job: r.id }, 'job did not finish before shutdown; returned to the queue');
        }
      }
    },
    async get(id) {
      const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return row ? toInfo(row) : undefined;
    },
    async counts() {
      const rows = await db.selectFrom('jobs').select(['state', (eb) => eb.fn.countAll().as('n')]).groupBy('state').execute();
      const out: Record<JobState, number> = { waiting: 0, active: 0, completed: 0, dead: 0 };
      for (const r of rows) out[r.state] = toCount(r.n as string | number);
      return out;
    },
    async ping() {
      await db.selectFrom('jobs').select('id').limit(1).execute();
    },
  };
}
