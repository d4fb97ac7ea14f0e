import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerModules, type Modules } from '../../../src/app/modules.ts';
import type { Marketplaces } from '../../../src/app/marketplaces.ts';
import { createMarketplaceRegistry } from '../../../src/marketplaces/registry.ts';
import { loadConfig } from '../../../src/platform/config/config.ts';
import { loadKeyring } from '../../../src/platform/crypto/keyring.ts';
import { createSecretBox } from '../../../src/platform/crypto/secret-box.ts';
import { createSecretStore } from '../../../src/platform/crypto/secrets.ts';
import type { Db } from '../../../src/platform/db/schema.ts';
import { createHttpServer } from '../../../src/platform/http/server.ts';
import { createLogger } from '../../../src/platform/log/logger.ts';
import { createOutbox } from '../../../src/platform/outbox/outbox.ts';
import { createJobQueue } from '../../../src/platform/queue/create-queue.ts';
import { createMemoryRateLimiter } from '../../../src/platform/ratelimit/index.ts';
import { startSandbox } from '../../../src/sandbox/elevenst/server.ts';
import type { ScratchDatabase } from '../../helpers/databases.ts';
import { Client, setUpHub, type Hub } from '../accounts/helpers.ts';

export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
export const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

export interface OrdersHub {
  url: string;
  db: Db;
  modules: Modules;
  owner: Client;
  logs(): string;
  close(): Promise<void>;
}

/**
 * The hub as `smartship start` wires it (modules, outbox dispatcher, job worker), on loopback, with
 * adapters whose timeouts and retries are short so chaos tests finish in seconds.
 */
export async function startOrdersHub(scratch: ScratchDatabase, env: Record<string, string> = {}, timeouts: { connectTimeoutMs: number; totalTimeoutMs: number } = { connectTimeoutMs: 20_000, totalTimeoutMs: 60_000 }): Promise<OrdersHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'smartship-orders-'));
  const url = scratch.config.kind === 'sqlite' ? `sqlite:${scratch.config.file}` : scratch.config.url;
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', SMARTSHIP_DATA_DIR: dataDir, DATABASE_URL: url, SMARTSHIP_MASTER_KEY: MASTER_KEY, SMARTSHIP_IMPORT_LEASE_SECONDS: '5', ...env });
  let text = '';
  const log = createLogger({ level: 'info', destination: { write: (s: string) => void (text += s) } });
  const database = scratch.database;
  const secrets = createSecretStore({ db: database.db, box: createSecretBox(loadKeyring({ masterKey: config.masterKey, dataDir, log })) });
  const queue = createJobQueue(config, database, log);
  const outbox = createOutbox({ db: database.db, dialect: database.dialect, queue, log, baseDelayMs: 300, maxDelayMs: 2000, pollSeconds: 1 });
  await outbox.registerJobs();
  const rateLimiter = createMemoryRateLimiter({ ratePerSecond: 100, burst: 100 });
  const quick = { rateLimiter, ...timeouts, retry: { attempts: 2, baseDelayMs: 50, maxDelayMs: 200 } };
  const marketplaces: Marketplaces = {
    registry: createMarketplaceRegistry({ elevenst: quick }),
    probes: createMarketplaceRegistry({ elevenst: { ...quick, retry: { attempts: 1 } } }),
    close: () => undefined,
  };
  const http = createHttpServer({ log });
  const modules = await registerModules({ config, database, queue, secrets, log, marketplaces, outbox }, http);
  const address = await http.listen({ port: 0, host: '127.0.0.1' });
  await queue.start();
  const hub = { url: address, http, db: database.db, logs: () => text, setupToken: () => /setup code \(setup token\) (\S+?)"/.exec(text)![1]! } as unknown as Hub;
  const owner = await setUpHub(hub);
  return {
    url: address,
    db: database.db,
    modules,
    owner,
    logs: () => text,
    close: async () => {
      await http.close();
      await queue.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Registers a connection to the sandbox (automatic import off unless asked, so runs happen when the test says). */
export async function connectSandbox(owner: Client, sandbox: Sandbox, options: Record<string, unknown> = {}, shopId = `shop-${Math.random().toString(36).slice(2, 8)}`): Promise<string> {
  const created = await owner.post('/api/connections', { mall: '11st', name: `11st ${shopId}`, shopId, apiKey: sandbox.apiKey, baseUrl: sandbox.url, options: { autoImport: false, ...options } });
  if (created.status !== 201) throw new Error(`connection not created: ${created.status} ${JSON.stringify(created.body)}`);
  return created.body.id as string;
}

/** Sandbox control API. */
export async function control(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers
  const res = await fetch(`${sandbox.url}/__sandbox/${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json()) as unknown;
  if (res.status >= 300) throw new Error(`sandbox ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Creates random paid orders until at least `lines` lines exist for the key; returns the number of lines created. */
export async function seedLines(sandbox: Sandbox, lines: number): Promise<number> {
  let total = 0;
  while (total < lines) {
    const made = await control(sandbox, 'POST', 'orders', { apiKey: sandbox.apiKey, count: Math.max(1, Math.ceil((lines - total) / 1.6)) });
    total += (made.orders as Array<{ lines: unknown[] }>).reduce((n, o) => n + o.lines.length, 0);
  }
  return total;
}

/** One-line paid orders, `lines` of them, evenly over the `minutes` from `fromIso`: a sale's burst. */
export async function seedBurst(sandbox: Sandbox, lines: number, fromIso: string, minutes: number): Promise<number> {
  const from = Date.parse(fromIso);
  const orders = Array.from({ length: lines }, (_, i) => ({ ordDt: new Date(from + (i / lines) * minutes * 60_000).toISOString(), lines: [{}] }));
  await control(sandbox, 'POST', 'orders', { apiKey: sandbox.apiKey, orders });
  return lines;
}

/** Polls until `check` returns a value (not undefined/false) or the time is up. */
export async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Starts Import now and waits for the run to end; returns the run as the API shows it. */
export async function importNow(owner: Client, connectionId: string, timeoutMs = 60_000): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers
  const started = await owner.post(`/api/connections/${connectionId}/import`);
  if (started.status !== 202) throw new Error(`import not started: ${started.status} ${JSON.stringify(started.body)}`);
  return waitRun(owner, started.body.runId, timeoutMs);
}

export async function waitRun(owner: Client, runId: string, timeoutMs = 60_000): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers
  return until(`import run ${runId}`, async () => {
    const run = await owner.get(`/api/import-runs/${runId}`);
    return ['succeeded', 'failed', 'skipped'].includes(run.body.status) ? run.body : undefined;
  }, timeoutMs, 150);
}

export async function countLines(db: Db, connectionId: string): Promise<{ total: number; distinct: number }> {
  const rows = await db.selectFrom('order_lines').select(['mall_order_no', 'mall_line_no']).where('connection_id', '=', connectionId).execute();
  return { total: rows.length, distinct: new Set(rows.map((r) => `${r.mall_order_no}:${r.mall_line_no}`)).size };
}
