// How fast does each job-engine adapter enqueue and drain jobs? One process, one run, side by side.
//   npx tsx bench/queue.ts [jobs=2000]
// PostgreSQL and Redis are measured when SMARTSHIP_TEST_DATABASE_URL / SMARTSHIP_TEST_REDIS_URL are
// set, as for the tests (e.g. postgres://postgres@127.0.0.1:5432/test and redis://127.0.0.1:6379/7).
import { cpus, totalmem } from 'node:os';
import { createLogger } from '../src/platform/log/logger.ts';
import { createBullQueue } from '../src/platform/queue/bullmq-queue.ts';
import type { JobQueue } from '../src/platform/queue/queue.ts';
import { createSqlQueue } from '../src/platform/queue/sql-queue.ts';
import { createPostgres, createSqlite, type ScratchDatabase } from '../test/helpers/databases.ts';
import { dropRedisPrefix, uniquePrefix } from '../test/helpers/queues.ts';

const jobs = Number(process.argv[2] ?? 2000);
const concurrency = 8;
const log = createLogger({ level: 'silent' });

interface Result { adapter: string; enqueuePerS: number; drainPerS: number; totalS: number }

async function measure(adapter: string, queue: JobQueue): Promise<Result> {
  let done = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  queue.register('bench', async () => {
    if (++done === jobs) resolveAll();
  }, { concurrency });
  const t0 = performance.now();
  for (let i = 0; i < jobs; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, jobs - i) }, (_, k) => queue.add('bench', { i: i + k })));
  }
  const t1 = performance.now();
  await queue.start();
  await all;
  const t2 = performance.now();
  await queue.stop();
  return { adapter, enqueuePerS: jobs / ((t1 - t0) / 1000), drainPerS: jobs / ((t2 - t1) / 1000), totalS: (t2 - t0) / 1000 };
}

async function onDatabase(name: string, scratch: ScratchDatabase): Promise<Result> {
  try {
    return await measure(name, createSqlQueue({ db: scratch.database.db, dialect: scratch.database.dialect, log, pollMs: 20 }));
  } finally {
    await scratch.drop();
  }
}

console.log(`machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
console.log(`${jobs} jobs, handler does nothing, concurrency ${concurrency}\n`);
const results: Result[] = [await onDatabase('sql on sqlite', await createSqlite())];
if (process.env.SMARTSHIP_TEST_DATABASE_URL) {
  results.push(await onDatabase('sql on postgres', await createPostgres()));
}
const redisUrl = process.env.SMARTSHIP_TEST_REDIS_URL;
if (redisUrl) {
  const prefix = uniquePrefix();
  try {
    results.push(await measure('bullmq on redis', createBullQueue({ redisUrl, prefix, log })));
  } finally {
    await dropRedisPrefix(redisUrl, prefix);
  }
}
const base = results[0]!;
console.log('adapter            enqueue/s   drain/s   total s   drain vs sqlite');
for (const r of results) {
  console.log(
    `${r.adapter.padEnd(18)} ${r.enqueuePerS.toFixed(0).padStart(9)} ${r.drainPerS.toFixed(0).padStart(9)} ${r.totalS.toFixed(2).padStart(9)}   ${(r.drainPerS / base.drainPerS).toFixed(2)}×`,
  );
}
process.exit(0);
