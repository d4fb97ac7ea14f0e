import { Redis } from 'ioredis';
import { createLogger } from '../../src/platform/log/logger.ts';
import { createBullQueue } from '../../src/platform/queue/bullmq-queue.ts';
import type { JobQueue } from '../../src/platform/queue/queue.ts';
import { createSqlQueue } from '../../src/platform/queue/sql-queue.ts';
import { testDialects, type ScratchDatabase } from './databases.ts';

export const redisUrl = process.env.SMARTSHIP_TEST_REDIS_URL;
export const silentLog = createLogger({ level: 'silent' });

export interface QueueFixture {
  /** A queue on the fixture's store; several may be open at once, like several processes. */
  open(opts?: { leaseMs?: number; shutdownTimeoutMs?: number }): JobQueue;
  /** Environment for a child worker process on the same store (see test/helpers/queue-worker.ts). */
  workerEnv: Record<string, string>;
  cleanup(): Promise<void>;
}

export function uniquePrefix(): string {
  return `smartship-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Removes every key under a test prefix. */
export async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

/** The queue adapters the contract suite runs on: SQL on each test dialect, BullMQ when Redis is configured. */
export const queueAdapters: Array<{ name: string; create: () => Promise<QueueFixture> }> = [
  ...testDialects.map((d) => ({
    name: `sql on ${d.name}`,
    create: async (): Promise<QueueFixture> => {
      const scratch: ScratchDatabase = await d.create();
      const opened: JobQueue[] = [];
      return {
        open: (o = {}) => {
          const q = createSqlQueue({ db: scratch.database.db, dialect: scratch.database.dialect, log: silentLog, pollMs: 50, ...o });
          opened.push(q);
          return q;
        },
        workerEnv: { QUEUE_ADAPTER: 'sql', DATABASE: JSON.stringify(scratch.config) },
        cleanup: async () => {
          await Promise.all(opened.map((q) => q.stop()));
          await scratch.drop();
        },
      };
    },
  })),
  ...(redisUrl
    ? [
        {
          name: 'bullmq on redis',
          create: async (): Promise<QueueFixture> => {
            const prefix = uniquePrefix();
            const opened: JobQueue[] = [];
            return {
              open: (o = {}) => {
                const q = createBullQueue({ redisUrl, prefix, log: silentLog, ...o });
                opened.push(q);
                return q;
              },
              workerEnv: { QUEUE_ADAPTER: 'bullmq', REDIS_URL: redisUrl, QUEUE_PREFIX: prefix },
              cleanup: async () => {
                await Promise.all(opened.map((q) => q.stop()));
                await dropRedisPrefix(redisUrl, prefix);
              },
            };
          },
        },
      ]
    : []),
];

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
