import { mkdtempSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, startCli, type Running } from '../helpers/cli.ts';
import { createPostgres, type ScratchDatabase } from '../helpers/databases.ts';
import { dropRedisPrefix, redisUrl, uniquePrefix } from '../helpers/queues.ts';

const scratchDir = () => mkdtempSync(join(tmpdir(), 'smartship-cli-'));
const running: Running[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
});

describe('smartship CLI', () => {
  it('lists every command with one line each in --help', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const command of ['start', 'api', 'worker', 'migrate', 'rotate-master-key', 'sandbox 11st']) {
      expect(stdout).toMatch(new RegExp(`^  ${command}\\s{2,}\\S`, 'm'));
    }
  });

  it('refuses an unknown command with exit code 2', async () => {
    const { code, stderr } = await runCli(['strat']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown command "strat"');
  });

  it('stops with exit code 2 and names the variable when a setting is invalid', async () => {
    const { code, stderr } = await runCli(['start'], { cwd: scratchDir(), env: { PORT: 'abc' } });
    expect(code).toBe(2);
    expect(stderr).toContain('PORT: expected a port number');
    expect(stderr).toContain('"abc"');
  });

  it('stops with exit code 2 on a config file that is not JSON or names an unknown setting', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'bad.json'), '{ PORT: 1 ');
    writeFileSync(join(dir, 'typo.json'), JSON.stringify({ PROT: 9000 }));
    const bad = await runCli(['start'], { cwd: dir, env: { SMARTSHIP_CONFIG: 'bad.json' } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not valid JSON');
    const typo = await runCli(['start'], { cwd: dir, env: { SMARTSHIP_CONFIG: 'typo.json' } });
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown setting PROT');
  });

  it('starts with no configuration from any folder: SQLite under ./data, health and readiness, graceful stop', async () => {
    const cwd = scratchDir();
    const hub = await startCli(['start'], { cwd });
    running.push(hub);
    const health = await fetch(`${hub.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', db: 'sqlite', queue: 'sql' });
    const ready = await fetch(`${hub.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { db: 'ok', queue: 'ok' } });
    expect(existsSync(join(cwd, 'data', 'smartship.db'))).toBe(true);
    // The generated master key is readable by the owner only, and the log says to back it up.
    expect(statSync(join(cwd, 'data', 'master-keys.json')).mode & 0o777).toBe(0o600);
    expect(hub.output()).toMatch(/Back this file up/);
    const missing = await fetch(`${hub.url}/api/nothing-here`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(await hub.stop()).toBe(0);
    expect(hub.output()).toContain('"msg":"stopped"');
  });

  it('keeps its data where SMARTSHIP_DATA_DIR says and reads settings from a config file', async () => {
    const cwd = scratchDir();
    writeFileSync(join(cwd, 'smartship.json'), JSON.stringify({ SMARTSHIP_DATA_DIR: 'elsewhere', LOG_LEVEL: 'warn' }));
    const migrated = await runCli(['migrate'], { cwd, env: { SMARTSHIP_CONFIG: 'smartship.json', LOG_LEVEL: 'info' } });
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toContain('applied');
    expect(existsSync(join(cwd, 'elsewhere', 'smartship.db'))).toBe(true);
    expect(existsSync(join(cwd, 'data'))).toBe(false);
    const again = await runCli(['migrate'], { cwd, env: { SMARTSHIP_CONFIG: 'smartship.json', LOG_LEVEL: 'info' } });
    expect(again.stdout).toContain('database is up to date');
    // The file's LOG_LEVEL=warn applies when the environment does not override it: no info lines.
    const quiet = await runCli(['migrate'], { cwd, env: { SMARTSHIP_CONFIG: 'smartship.json' } });
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toContain('up to date');
  });

  it('answers 503 on /readyz when the queue store cannot be reached', async () => {
    const hub = await startCli(['api'], { cwd: scratchDir(), env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    running.push(hub);
    const ready = await fetch(`${hub.url}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; checks: Record<string, string> };
    expect(body.status).toBe('not_ready');
    expect(body.checks.db).toBe('ok');
    expect(body.checks.queue).not.toBe('ok');
    expect(await hub.stop()).toBe(0);
  });
});

describe.skipIf(!process.env.SMARTSHIP_TEST_DATABASE_URL || !redisUrl)('scaled set-up: PostgreSQL + BullMQ', () => {
  let pg: ScratchDatabase;
  const prefix = uniquePrefix();
  afterAll(async () => {
    await pg?.drop();
    await dropRedisPrefix(redisUrl!, prefix);
  });

  it('runs api and worker as separate processes on PostgreSQL and Redis', async () => {
    pg = await createPostgres({ migrate: false });
    await pg.database.close();
    const env = { DATABASE_URL: (pg.config as { url: string }).url, REDIS_URL: redisUrl!, SMARTSHIP_QUEUE_PREFIX: prefix, SMARTSHIP_MASTER_KEY: Buffer.alloc(32, 7).toString('base64') };
    const cwd = scratchDir();
    const [api, worker] = await Promise.all([startCli(['api'], { cwd, env }), startCli(['worker'], { cwd, env })]);
    running.push(api, worker);
    expect(await (await fetch(`${api.url}/healthz`)).json()).toEqual({ status: 'ok', db: 'postgres', queue: 'bullmq' });
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    // The master key came from the environment: no key file is written.
    expect(existsSync(join(cwd, 'data', 'master-keys.json'))).toBe(false);
    expect(await worker.stop()).toBe(0);
    expect(await api.stop()).toBe(0);
  });
});
