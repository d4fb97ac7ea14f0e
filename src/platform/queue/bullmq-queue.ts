import { Queue, WaitingError, Worker, type Job, type MinimalJob } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../log/logger.ts';
import { newId } from '../db/dialect.ts';
import { backoffDelay, JOB_DEFAULTS, type JobHandler, type JobInfo, type JobOptions, type JobQueue, type JobState } from './queue.ts';

export interface BullQueueOptions {
  redisUrl: string;
  /** Key prefix in Redis, so several hubs (or test runs) can share one server. */
  prefix: string;
  log: Logger;
  leaseMs?: number;
  shutdownTimeoutMs?: number;
}

const COMPLETED_RETENTION_S = 7 * 24 * 3600;

/**
 * The job engine on BullMQ, for scaled deployments: any number of `smartship worker` processes
 * on any number of machines share the queues through Redis. One BullMQ queue per job name keeps
 * per-handler concurrency. Job ids seen by callers are "<name>:<bullmq id>".
 */
export function createBullQueue(opts: BullQueueOptions): JobQueue {
  const { log, prefix } = opts;
  const leaseMs = opts.leaseMs ?? 30_000;
  const shutdownTimeoutMs = opts.shutdownTimeoutMs ?? 25_000;
  // BullMQ requires maxRetriesPerRequest: null on connections used by workers.
  const connection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
  connection.on('error', (err) => log.warn({ err: { message: err.message } }, 'redis connection error'));
  const queues = new Map<string, Queue>();
  const handlers = new Map<string, { handler: JobHandler<unknown>; concurrency: number }>();
  const workers: Worker[] = [];
  const controllers = new Set<AbortController>();
  const scheduleIndex = `${prefix}:schedules`;

  function queueFor(name: string): Queue {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection, prefix });
      q.on('error', (err) => log.warn({ err: { message: err.message }, queue: name }, 'bullmq queue error'));
      queues.set(name, q);
    }
    return q;
  }

  function splitId(id: string): { name: string; jobId: string } | undefined {
    const at = id.lastIndexOf(':');
    return at > 0 ? { name: id.slice(0, at), jobId: id.slice(at + 1) } : undefined;
  }

  async function toInfo(name: string, job: Job): Promise<JobInfo> {
    const s = await job.getState();
    const state: JobState = s === 'completed' ? 'completed' : s === 'failed' ? 'dead' : s === 'active' ? 'active' : 'waiting';
    return {
      id: `${name}:${job.id}`,
      name,
      state,
      payload: job.data,
      attempts: job.attemptsMade + (state === 'active' ? 1 : 0),
      maxAttempts: job.opts.attempts ?? 1,
      lastError: job.failedReason || null,
    };
  }

  function jobOptions(o: JobOptions, jobId?: string) {
    return {
      jobId,
      delay: o.delayMs,
      attempts: o.attempts ?? JOB_DEFAULTS.attempts,
      backoff: { type: 'smartship', delay: o.backoffMs ?? JOB_DEFAULTS.backoffMs },
      removeOnComplete: { age: COMPLETED_RETENTION_S },
      removeOnFail: false,
      deduplication: o.key ? { id: o.key } : undefined,
    };
  }

  return {
    kind: 'bullmq',
    async add(name, payload, o = {}) {
      // Our own id tells whether BullMQ added this job or returned the pending one of the same key.
      const jobId = newId();
      const job = await queueFor(name).add(name, payload ?? null, jobOptions(o, jobId));
      return { id: `${name}:${job.id}`, added: job.id === jobId };
    },
    async schedule(key, name, payload, everySeconds) {
      if (!Number.isInteger(everySeconds) || everySeconds < 1) throw new Error(`schedule ${key}: everySeconds must be a whole number ≥ 1`);
      const previous = await connection.hget(scheduleIndex, key);
      if (previous && previous !== name) await queueFor(previous).removeJobScheduler(key);
      // Index first: a crash before the upsert leaves an entry unschedule can clean up, never a scheduler it cannot find.
      await connection.hset(scheduleIndex, key, name);
      await queueFor(name).upsertJobScheduler(key, { every: everySeconds * 1000 }, { name, data: payload ?? null, opts: jobOptions({}) });
    },
    async unschedule(key) {
      const name = await connection.hget(scheduleIndex, key);
      if (!name) return;
      await queueFor(name).removeJobScheduler(key);
      await connection.hdel(scheduleIndex, key);
    },
    register(name, handler, o = {}) {
      handlers.set(name, { handler: handler as JobHandler<unknown>, concurrency: o.concurrency ?? 1 });
    },
    async start() {
      for (const [name, { handler, concurrency }] of handlers) {
        const worker = new Worker(
          name,
          async (job: Job, token?: string) => {
            const controller = new AbortController();
            controllers.add(controller);
            try {
              await handler(job.data, { id: `${name}:${job.id}`, name, attempt: job.attemptsMade + 1, signal: controller.signal });
            } catch (err) {
              if (!controller.signal.aborted) throw err;
            } finally {
              controllers.delete(controller);
            }
            if (controller.signal.aborted) {
              // Stopped mid-job: hand it back untouched rather than record a result it may not have reached.
              await job.moveToWait(token);
              throw new WaitingError();
            }
          },
          {
            connection,
            prefix,
            concurrency,
            lockDuration: leaseMs,
            stalledInterval: Math.max(1000, Math.floor(leaseMs / 2)),
            // A job whose worker died goes back to the queue; after the third time it is dead-lettered.
            maxStalledCount: 2,
            settings: { backoffStrategy: (attemptsMade: number, _type?: string, _err?: Error, job?: MinimalJob) => backoffDelay(Number((job?.opts.backoff as { delay?: number } | undefined)?.delay ?? JOB_DEFAULTS.backoffMs), attemptsMade) },
          },
        );
        worker.on('error', (err) => log.warn({ err: { message: err.message }, queue: name }, 'bullmq worker error'));
        worker.on('failed', (job, err) => {
          if (!job) return;
          const dead = job.attemptsMade >= (job.opts.attempts ?? 1);
          log.warn({ job: `${name}:${job.id}`, attempt: job.attemptsMade, dead, err }, dead ? 'job failed for the last time' : 'job failed; will retry');
        });
        workers.push(worker);
      }
      await Promise.all(workers.map((w) => w.waitUntilReady()));
      log.info({ handlers: [...handlers.keys()] }, 'job worker started (bullmq)');
    },
    async stop() {
      const graceful = Promise.all(workers.map((w) => w.close()));
      const finished = await Promise.race([graceful.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), shutdownTimeoutMs).unref())]);
      if (!finished) {
        // Jobs still running lose their lock; BullMQ's stalled check hands them to another worker.
        for (const c of controllers) c.abort(new Error('worker stopping'));
        // Give aborted handlers a moment to hand their jobs back before the connection goes.
        await Promise.race([graceful, new Promise((r) => setTimeout(r, 2000).unref())]);
        await Promise.all(workers.map((w) => w.close(true)));
        log.warn('jobs did not finish before shutdown; they return to the queue when their lock expires');
      }
      if (connection.status !== 'ready') {
        // Redis is unreachable: nothing to flush, and a polite QUIT would wait for it forever.
        connection.disconnect();
        return;
      }
      await Promise.all([...queues.values()].map((q) => q.close()));
      await connection.quit().catch(() => connection.disconnect());
    },
    async get(id) {
      const parts = splitId(id);
      if (!parts) return undefined;
      const job = await queueFor(parts.name).getJob(parts.jobId);
      return job ? toInfo(parts.name, job) : undefined;
    },
    async counts() {
      const out: Record<JobState, number> = { waiting: 0, active: 0, completed: 0, dead: 0 };
      for (const q of queues.values()) {
        const c = await q.getJobCounts('waiting', 'delayed', 'prioritized', 'waiting-children', 'active', 'completed', 'failed');
        out.waiting += (c.waiting ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0) + (c['waiting-children'] ?? 0);
        out.active += c.active ?? 0;
        out.completed += c.completed ?? 0;
        out.dead += c.failed ?? 0;
      }
      return out;
    },
    async ping() {
      await connection.ping();
    },
  };
}
