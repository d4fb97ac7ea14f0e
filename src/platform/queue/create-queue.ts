import type { Config } from '../config/config.ts';
import type { Database } from '../db/database.ts';
import type { Logger } from '../log/logger.ts';
import { createBullQueue } from './bullmq-queue.ts';
import type { JobQueue } from './queue.ts';
import { createSqlQueue } from './sql-queue.ts';

/** BullMQ when REDIS_URL is set, otherwise the SQL table in the hub's own database. */
export function createJobQueue(config: Config, database: Database, log: Logger): JobQueue {
  const common = { log, leaseMs: config.queue.leaseMs, shutdownTimeoutMs: config.shutdownTimeoutMs };
  return config.redisUrl
    ? createBullQueue({ ...common, redisUrl: config.redisUrl, prefix: config.queue.prefix })
    : createSqlQueue({ ...common, db: database.db, dialect: database.dialect });
}
