// A worker process for the multi-process queue tests. It consumes two kinds of job and records
// each run's effect where the test can count it: in Redis for BullMQ, in a table for the SQL queue.
//   effect: records "ran job N on worker W" once per run.
//   hang:   records that it started, then (with HANG=1) never finishes, so the test can kill -9 it.
import { sql } from 'kysely';
import { Redis } from 'ioredis';
import type { DatabaseConfig } from '../../src/platform/config/config.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { createLogger } from '../../src/platform/log/logger.ts';
import { createBullQueue } from '../../src/platform/queue/bullmq-queue.ts';
import type { JobQueue } from '../../src/platform/queue/queue.ts';
import { createSqlQueue } from '../../src/platform/queue/sql-queue.ts';

const env = process.env;
const workerId = env.WORKER_ID ?? String(process.pid);
const leaseMs = Number(env.LEASE_MS ?? 30_000);
const log = createLogger({ level: 'silent' });

let queue: JobQueue;
let record: (what: string) => Promise<void>;
let close: () => Promise<void>;

if (env.QUEUE_ADAPTER === 'bullmq') {
  const prefix = env.QUEUE_PREFIX!;
  const redis = new Redis(env.REDIS_URL!);
  queue = createBullQueue({ redisUrl: env.REDIS_URL!, prefix, log, leaseMs });
  record = async (what) => {
    await redis.rpush(`${prefix}:effects`, `${what}@${workerId}`);
  };
  close = async () => {
    await redis.quit();
  };
} else {
  const database = openDatabase(JSON.parse(env.DATABASE!) as DatabaseConfig);
  queue = createSqlQueue({ db: database.db, dialect: database.dialect, log, leaseMs, pollMs: 20 });
  record = async (what) => {
    await sql`insert into test_effects (what, worker) values (${what}, ${workerId})`.execute(database.db);
  };
  close = () => database.close();
}

queue.register<{ n: number }>('effect', async ({ n }) => record(`job-${n}`), { concurrency: 4 });
queue.register<{ n: number }>('hang', async ({ n }) => {
  await record(`started-${n}`);
  if (env.HANG === '1') await new Promise(() => undefined);
  await record(`finished-${n}`);
});

await queue.start();
process.stdout.write('ready\n');
const shutdown = async () => {
  await queue.stop();
  await close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
