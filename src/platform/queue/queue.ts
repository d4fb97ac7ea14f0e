/**
 * The job engine's port. Two adapters implement it: a SQL table (the embedded default, see
 * sql-queue.ts) and BullMQ on Redis for scaled deployments (bullmq-queue.ts). Modules register
 * handlers in their jobs.ts and enqueue through this interface only.
 *
 * Delivery is at least once: a handler may run again after a crash, so handlers must be idempotent
 * (the outbox pattern and upserts make them so). A job is never run by two workers at the same time.
 */
export interface JobQueue {
  readonly kind: 'sql' | 'bullmq';
  /** Enqueues a job. With `key`, a second add while a job of that key is waiting or running is a no-op. */
  add(name: string, payload: unknown, opts?: JobOptions): Promise<{ id: string; added: boolean }>;
  /** Runs `name` every `everySeconds` under `key` (e.g. one schedule per connection); replaces an existing one. */
  schedule(key: string, name: string, payload: unknown, everySeconds: number): Promise<void>;
  unschedule(key: string): Promise<void>;
  register<P = unknown>(name: string, handler: JobHandler<P>, opts?: { concurrency?: number }): void;
  /** Starts consuming the registered handlers (and, for the SQL adapter, the schedules). */
  start(): Promise<void>;
  /** Stops taking jobs; running jobs finish within the shutdown timeout or go back to the queue. Closes connections. */
  stop(): Promise<void>;
  get(id: string): Promise<JobInfo | undefined>;
  counts(): Promise<Record<JobState, number>>;
  /** Throws when the queue's store cannot be reached (readiness check). */
  ping(): Promise<void>;
}

export type JobState = 'waiting' | 'active' | 'completed' | 'dead';

export interface JobOptions {
  /** Idempotency key: while a job with this key is waiting or running, adding another is a no-op. */
  key?: string;
  delayMs?: number;
  /** Total runs before the job is dead-lettered (default 5). */
  attempts?: number;
  /** First retry delay; doubles on each further attempt (default 1 s). */
  backoffMs?: number;
}

export interface JobContext {
  id: string;
  name: string;
  /** 1 on the first run. */
  attempt: number;
  /** Aborted when the worker stops before the job finished, or when the job's lease was lost. */
  signal: AbortSignal;
}

export type JobHandler<P = unknown> = (payload: P, ctx: JobContext) => Promise<void>;

export interface JobInfo {
  id: string;
  name: string;
  state: JobState;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
}

export const JOB_DEFAULTS = { attempts: 5, backoffMs: 1000 } as const;

/** Longest retry delay, so a job that failed many times is still retried within the hour. */
export const MAX_BACKOFF_MS = 60 * 60 * 1000;

/** The delay before retry number `attempt` (1 = the first retry): doubles per attempt up to `maxMs`, with jitter. */
export function backoffDelay(backoffMs: number, attempt: number, maxMs: number = MAX_BACKOFF_MS, random: () => number = Math.random): number {
  const base = Math.min(backoffMs * 2 ** Math.max(0, attempt - 1), maxMs);
  // ±20% jitter keeps many failing jobs from retrying in lock step.
  return Math.round(base * (0.8 + 0.4 * random()));
}
