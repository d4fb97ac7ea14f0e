import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatabaseConfig } from '../../src/platform/config/config.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { dropRedisPrefix, queueAdapters, redisUrl, silentLog, uniquePrefix, waitFor } from '../helpers/queues.ts';
import { createBullQueue } from '../../src/platform/queue/bullmq-queue.ts';
import { createSqlQueue } from '../../src/platform/queue/sql-queue.ts';
import { createSqlite } from '../helpers/databases.ts';

const children: ChildProcess[] = [];

function startWorker(env: Record<string, string>, script = 'test/helpers/queue-worker.ts', output?: { text: string }): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      if (output) output.text += d.toString();
      if (d.toString().includes('ready')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
  });
}

function stopWorker(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.on('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => (c.kill('SIGKILL'), stopWorker(c))));
});

describe.skipIf(!redisUrl)('BullMQ with two worker processes', () => {
  it('drains 1,000 jobs with every job run exactly once, shared by both workers', async () => {
    const prefix = uniquePrefix();
    const env = { QUEUE_ADAPTER: 'bullmq', REDIS_URL: redisUrl!, QUEUE_PREFIX: prefix };
    const workers = await Promise.all([startWorker({ ...env, WORKER_ID: 'A' }), startWorker({ ...env, WORKER_ID: 'B' })]);
    const producer = createBullQueue({ redisUrl: redisUrl!, prefix, log: silentLog });
    const redis = new Redis(redisUrl!);
    try {
      for (let n = 0; n < 1000; n += 100) {
        await Promise.all(Array.from({ length: 100 }, (_, i) => producer.add('effect', { n: n + i })));
      }
      await waitFor('1,000 effects', async () => (await redis.llen(`${prefix}:effects`)) >= 1000 || undefined, 60_000);
      // Let any duplicate run show up before counting.
      await new Promise((r) => setTimeout(r, 500));
      const effects = await redis.lrange(`${prefix}:effects`, 0, -1);
      const perJob = new Map<string, number>();
      for (const e of effects) perJob.set(e.split('@')[0]!, (perJob.get(e.split('@')[0]!) ?? 0) + 1);
      expect(perJob.size).toBe(1000);
      expect([...perJob.values()].every((c) => c === 1)).toBe(true);
      const byWorker = { A: effects.filter((e) => e.endsWith('@A')).length, B: effects.filter((e) => e.endsWith('@B')).length };
      expect(byWorker.A).toBeGreaterThan(0);
      expect(byWorker.B).toBeGreaterThan(0);
      expect((await producer.counts()).completed).toBe(1000);
    } finally {
      await Promise.all(workers.map(stopWorker));
      await producer.stop();
      await redis.quit();
      await dropRedisPrefix(redisUrl!, prefix);
    }
  }, 120_000);
});

// A worker killed with SIGKILL mid-job: its lease runs out and another worker runs the job.
describe.each(queueAdapters.filter((a) => !a.name.includes('postgres')))('a worker killed mid-job ($name)', ({ name, create }) => {
  it('does not lose the job: another worker runs it after the lease expires', async () => {
    const fx = await create();
    let readEffects: () => Promise<string[]>;
    let closeReader: () => Promise<void>;
    if (name.includes('bullmq')) {
      const redis = new Redis(redisUrl!);
      readEffects = () => redis.lrange(`${fx.workerEnv.QUEUE_PREFIX}:effects`, 0, -1);
      closeReader = async () => void (await redis.quit());
    } else {
      const database = openDatabase(JSON.parse(fx.workerEnv.DATABASE!) as DatabaseConfig);
      await sql`create table test_effects (what text not null, worker text not null)`.execute(database.db);
      readEffects = async () =>
        (await sql<{ what: string; worker: string }>`select what, worker from test_effects`.execute(database.db)).rows.map((r) => `${r.what}@${r.worker}`);
      closeReader = () => database.close();
    }
    try {
      const env = { ...fx.workerEnv, LEASE_MS: '2000' };
      const victim = await startWorker({ ...env, WORKER_ID: 'victim', HANG: '1' });
      const producer = fx.open();
      const { id } = await producer.add('hang', { n: 7 });
      await waitFor('victim started the job', async () => (await readEffects()).includes('started-7@victim'), 15_000);
      victim.kill('SIGKILL');
      await stopWorker(victim);
      await startWorker({ ...env, WORKER_ID: 'rescuer' });
      await waitFor('rescuer finished the job', async () => (await readEffects()).includes('finished-7@rescuer'), 30_000);
      await waitFor('job completed', async () => (await producer.get(id))?.state === 'completed', 10_000);
      expect((await readEffects()).filter((e) => e.startsWith('finished-7'))).toEqual(['finished-7@rescuer']);
    } finally {
      await closeReader();
      await fx.cleanup();
    }
  }, 90_000);
});

// SQLite allows one writer at a time: a claim that read inside a deferred transaction and then wrote
// failed at once with SQLITE_BUSY whenever the other process wrote in between.
describe('the SQL queue with two worker processes on one SQLite file', () => {
  it('drains 600 jobs with every job run exactly once and no "database is locked"', async () => {
    const scratch = await createSqlite();
    const output = { text: '' };
    try {
      await sql`create table test_effects (what text not null, worker text not null)`.execute(scratch.database.db);
      const env = { QUEUE_ADAPTER: 'sql', DATABASE: JSON.stringify(scratch.config) };
      const workers = await Promise.all(['A', 'B'].map((id) => startWorker({ ...env, WORKER_ID: id }, 'test/platform/sqlite-queue-worker.ts', output)));
      const producer = createSqlQueue({ db: scratch.database.db, dialect: 'sqlite', log: silentLog });
      for (let n = 0; n < 600; n++) await producer.add('effect', { n });
      const effects = async () => (await sql<{ what: string; worker: string }>`select what, worker from test_effects`.execute(scratch.database.db)).rows;
      await waitFor('600 effects', async () => (await effects()).length >= 600 || undefined, 60_000);
      await waitFor('every job completed', async () => (await producer.counts()).completed === 600 || undefined, 10_000);
      await Promise.all(workers.map(stopWorker));
      const rows = await effects();
      expect(rows).toHaveLength(600);
      expect(new Set(rows.map((r) => r.what)).size).toBe(600);
      const lines = output.text.split('\n');
      expect(lines.filter((l) => /database is locked|SQLITE_BUSY/.test(l)).length).toBe(0);
      expect(lines.filter((l) => l.includes('job queue poll failed')).length).toBe(0);
    } finally {
      await scratch.drop();
    }
  }, 90_000);
});
