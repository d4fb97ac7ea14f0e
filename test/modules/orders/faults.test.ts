import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../src/platform/db/database.ts';
import { startSandbox } from '../../../src/sandbox/elevenst/server.ts';
import { startCli, type Running } from '../../helpers/cli.ts';
import { testDialects, type ScratchDatabase } from '../../helpers/databases.ts';
import { Client, PASSWORD } from '../accounts/helpers.ts';
import { connectSandbox, control, countLines, importNow, MASTER_KEY, seedLines, startOrdersHub, until, waitRun, type OrdersHub, type Sandbox } from './helpers.ts';
import '../../../src/modules/orders/repo.ts';

const sandboxKeys = async (sandbox: Sandbox) => new Set(((await control(sandbox, 'GET', 'state')).lines as Array<{ ordNo: string; ordPrdSeq: string }>).map((l) => `${l.ordNo}:${l.ordPrdSeq}`));

describe.each(testDialects)('import under sandbox chaos on $name', ({ create }) => {
  let scratch: ScratchDatabase;
  let hub: OrdersHub;
  let sandbox: Sandbox;
  let connectionId: string;

  beforeAll(async () => {
    scratch = await create();
    hub = await startOrdersHub(scratch, {}, { connectTimeoutMs: 1000, totalTimeoutMs: 4000 });
    sandbox = await startSandbox({ port: 0 });
    await seedLines(sandbox, 600);
    connectionId = await connectSandbox(hub.owner, sandbox);
  });
  afterAll(async () => {
    await sandbox?.close();
    await hub?.close();
    await scratch?.drop();
  });

  it('fails cleanly on HTTP 500s, timeouts and cut-off XML, records why, keeps the cursor, and a later run catches up with nothing lost', async () => {
    for (const chaos of [{ errorRate: 1 }, { timeoutRate: 1 }, { malformedRate: 1 }]) {
      await control(sandbox, 'PUT', 'chaos', { errorRate: 0, timeoutRate: 0, malformedRate: 0, ...chaos });
      const run = await importNow(hub.owner, connectionId);
      expect(run.status, JSON.stringify(chaos)).toBe('failed');
      expect(run.error).toMatch(/transient/);
      expect(run.calls.some((c: { result: string; kind?: string }) => c.result === 'error' && c.kind === 'transient')).toBe(true);
      expect(run.cursorAfter).toBeNull();
      expect((await countLines(hub.db, connectionId)).total).toBe(0);
      const connection = await hub.owner.get(`/api/connections/${connectionId}`);
      expect(connection.body.lastImport).toMatchObject({ runId: run.id, status: 'failed' });
    }
    // Half the answers broken: runs may fail part-way; whatever they commit is complete up to the cursor.
    await control(sandbox, 'PUT', 'chaos', { errorRate: 0.3, timeoutRate: 0.05, malformedRate: 0.2 });
    for (let i = 0; i < 3; i++) await importNow(hub.owner, connectionId);
    await control(sandbox, 'PUT', 'chaos', { errorRate: 0, timeoutRate: 0, malformedRate: 0 });
    const run = await importNow(hub.owner, connectionId);
    expect(run.status).toBe('succeeded');
    const expected = await sandboxKeys(sandbox);
    expect(await countLines(hub.db, connectionId)).toEqual({ total: expected.size, distinct: expected.size });
    const state = await hub.db.selectFrom('import_state').select('cursor').where('connection_id', '=', connectionId).executeTakeFirstOrThrow();
    expect(state.cursor).toBe(run.span.to);
  }, 120_000);
});

/** `smartship start` on a SQLite file the test also opens; the owner is seeded by SMARTSHIP_ADMIN_*. */
describe('import across processes (real CLI, SQLite file)', () => {
  let dir: string;
  let sandbox: Sandbox;
  let database: Database;
  const running: Running[] = [];
  const env = () => ({
    DATABASE_URL: `sqlite:${join(dir, 'hub.db')}`,
    SMARTSHIP_DATA_DIR: join(dir, 'data'),
    SMARTSHIP_MASTER_KEY: MASTER_KEY,
    SMARTSHIP_ADMIN_EMAIL: 'owner@kill.example',
    SMARTSHIP_ADMIN_PASSWORD: PASSWORD,
    // Parsing a 3,000-row answer keeps the event loop busy for seconds on a loaded machine: leases must outlast it.
    SMARTSHIP_IMPORT_LEASE_SECONDS: '20',
    SMARTSHIP_11ST_RATE_PER_SECOND: '100',
    SMARTSHIP_11ST_BURST: '100',
    LOG_LEVEL: 'info',
  });
  const start = async () => {
    const r = await startCli(['start'], { cwd: dir, env: env(), timeoutMs: 120_000 });
    running.push(r);
    const owner = new Client(r.url);
    await owner.signIn('owner@kill.example');
    return { r, owner };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'smartship-orders-cli-'));
    sandbox = await startSandbox({ port: 0 });
    await seedLines(sandbox, 3500);
  }, 120_000);
  afterAll(async () => {
    for (const r of running) if (r.child.exitCode === null && r.child.signalCode === null) await r.stop();
    await database?.close();
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker killed with SIGKILL mid-run, then restarted, ends with every line once and the cursor right', async () => {
    const first = await start();
    database = openDatabase({ kind: 'sqlite', file: join(dir, 'hub.db') });
    const connectionId = await connectSandbox(first.owner, sandbox);
    // Slow answers, so the run is still going when it is killed.
    await control(sandbox, 'PUT', 'chaos', { latencyMs: 300 });
    const started = await first.owner.post(`/api/connections/${connectionId}/import`);
    await until('a committed window with lines', async () => {
      const run = await database.db.selectFrom('import_runs').select(['status']).where('id', '=', started.body.runId).executeTakeFirst();
      return run?.status === 'running' && (await countLines(database.db, connectionId)).total > 0;
    }, 90_000, 50);
    first.r.child.kill('SIGKILL');
    await new Promise((r) => first.r.child.once('exit', r));
    const partial = await countLines(database.db, connectionId);
    expect(partial.total).toBeGreaterThan(0);
    expect(partial.total).toBeLessThan(3500);

    await control(sandbox, 'PUT', 'chaos', { latencyMs: 0 });
    const second = await start();
    const run = await importNow(second.owner, connectionId, 120_000);
    expect(run.status).toBe('succeeded');
    const expected = await sandboxKeys(sandbox);
    expect(await countLines(database.db, connectionId)).toEqual({ total: expected.size, distinct: expected.size });
    const state = await database.db.selectFrom('import_state').selectAll().where('connection_id', '=', connectionId).executeTakeFirstOrThrow();
    expect(state.cursor).toBe(run.cursorAfter);
    // The killed run is not left "running": it is recorded as interrupted (or was finished by the retried job).
    const killed = await waitRun(second.owner, started.body.runId, 60_000);
    expect(['failed', 'succeeded', 'skipped']).toContain(killed.status);
    if (killed.status === 'failed') expect(killed.error).toMatch(/Interrupted|lease/);
    await second.r.stop();
  }, 300_000);

  it('two processes started together never import one connection at the same time', async () => {
    const a = await start();
    const b = await start();
    const connectionId = await connectSandbox(a.owner, sandbox, {}, 'two-workers');
    await control(sandbox, 'PUT', 'chaos', { latencyMs: 150 });
    const runIds: string[] = [];
    for (let i = 0; i < 6; i++) runIds.push((await (i % 2 === 0 ? a : b).owner.post(`/api/connections/${connectionId}/import`)).body.runId);
    const runs = [];
    for (const id of runIds) runs.push(await waitRun(a.owner, id, 180_000));
    await control(sandbox, 'PUT', 'chaos', { latencyMs: 0 });
    const worked = runs.filter((r) => r.status !== 'skipped').sort((x, y) => x.startedAt.localeCompare(y.startedAt));
    expect(worked.length).toBeGreaterThanOrEqual(1);
    for (let i = 1; i < worked.length; i++) expect(worked[i].startedAt >= worked[i - 1].finishedAt, `${worked[i - 1].id} and ${worked[i].id} overlap`).toBe(true);
    for (const r of runs.filter((x) => x.status === 'skipped')) expect(r.error).toMatch(/Another import of this connection is running/);
    expect(runs.some((r) => r.status === 'succeeded'), JSON.stringify(runs.map((r) => [r.status, r.error]))).toBe(true);
    const expected = await sandboxKeys(sandbox);
    expect(await countLines(database.db, connectionId)).toEqual({ total: expected.size, distinct: expected.size });
    await Promise.all([a.r.stop(), b.r.stop()]);
  }, 300_000);
});
