// A worker process for the SQLite contention test: the SQL queue on a SQLite file, with the job queue's
// warnings and errors written to stdout (as JSON lines) so the test can look for "database is locked".
//   effect: records "ran job N on worker W" once per run, in the test_effects table.
import { sql } from 'kysely';
import type { DatabaseConfig } from '../../src/platform/config/config.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { createLogger } from '../../src/platform/log/logger.ts';
import { createSqlQueue } from '../../src/platform/queue/sql-queue.ts';

const workerId = process.env.WORKER_ID ?? String(process.pid);
const database = openDatabase(JSON.parse(process.env.DATABASE!) as DatabaseConfig);
const log = createLogger({ level: 'warn' });
const queue = createSqlQueue({ db: database.db, dialect: database.dialect, log, pollMs: 1 });

queue.register<{ n: number }>('effect', async ({ n }) => {
  await sql`insert into test_effects (what, worker) values (${`job-${n}`}, ${workerId})`.execute(database.db);
}, { concurrency: 4 });

await queue.start();
process.stdout.write('ready\n');
const shutdown = async () => {
  await queue.stop();
  await database.close();
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
