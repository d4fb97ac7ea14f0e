import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../../src/app/app.ts';
import { createMarketplaces } from '../../../src/app/marketplaces.ts';
import { registerModules, type Modules } from '../../../src/app/modules.ts';
import { createOutbox } from '../../../src/platform/outbox/outbox.ts';
import { loadConfig } from '../../../src/platform/config/config.ts';
import { loadKeyring } from '../../../src/platform/crypto/keyring.ts';
import { createSecretBox } from '../../../src/platform/crypto/secret-box.ts';
import { createSecretStore } from '../../../src/platform/crypto/secrets.ts';
import { newId, toIso } from '../../../src/platform/db/dialect.ts';
import type { Db } from '../../../src/platform/db/schema.ts';
import { registerHealthRoutes } from '../../../src/platform/http/health.ts';
import { createHttpServer, type HttpServer } from '../../../src/platform/http/server.ts';
import { createLogger } from '../../../src/platform/log/logger.ts';
import { createJobQueue } from '../../../src/platform/queue/create-queue.ts';
import { hashPassword } from '../../../src/modules/accounts/passwords.ts';
import type { Role } from '../../../src/modules/accounts/domain.ts';
import type { ScratchDatabase } from '../../helpers/databases.ts';

export const PASSWORD = 'correct horse battery';

/** A clock the test moves; starts at the real time. */
export function fakeClock() {
  let offset = 0;
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms: number) {
      offset += ms;
    },
  };
}
export type FakeClock = ReturnType<typeof fakeClock>;

export interface Hub {
  url: string;
  http: HttpServer;
  modules: Pick<Modules, 'accounts'>;
  db: Db;
  clock: FakeClock;
  /** Everything the hub logged so far (JSON lines). */
  logs(): string;
  setupToken(): string;
  close(): Promise<void>;
}

function configFor(scratch: ScratchDatabase, env: Record<string, string>) {
  const dataDir = mkdtempSync(join(tmpdir(), 'smartship-accounts-'));
  const url = scratch.config.kind === 'sqlite' ? `sqlite:${scratch.config.file}` : scratch.config.url;
  return { dataDir, config: loadConfig({ PORT: '0', HOST: '127.0.0.1', SMARTSHIP_DATA_DIR: dataDir, DATABASE_URL: url, LOG_LEVEL: 'info', ...env }) };
}

function captureLog() {
  let text = '';
  return { log: createLogger({ level: 'info', destination: { write: (s: string) => void (text += s) } }), text: () => text };
}

function setupTokenFrom(logs: string): string {
  const m = /setup code \(setup token\) (\S+?)"/.exec(logs);
  if (!m) throw new Error(`no setup token in the log:\n${logs}`);
  return m[1]!;
}

/**
 * The hub as `smartship api` builds it (createApp), listening on a free loopback port. Its clock is the
 * real one; use `startHubWithClock` to move time.
 */
export async function startApp(scratch: ScratchDatabase, env: Record<string, string> = {}): Promise<Hub> {
  const { dataDir, config } = configFor(scratch, env);
  const captured = captureLog();
  const app = await createApp(config, 'api', captured.log);
  const url = (await app.start())!;
  // createApp keeps its modules to itself; tests reach the service through a second instance on the same database.
  const { createAccountService } = await import('../../../src/modules/accounts/service.ts');
  return {
    url,
    http: app.http!,
    modules: { accounts: createAccountService({ db: app.database.db, log: captured.log }) },
    db: app.database.db,
    clock: fakeClock(),
    logs: captured.text,
    setupToken: () => setupTokenFrom(captured.text()),
    close: async () => {
      await app.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The same wiring as createApp (health, modules) with a clock the test moves, listening on loopback. */
export async function startHubWithClock(scratch: ScratchDatabase, env: Record<string, string> = {}): Promise<Hub> {
  const { dataDir, config } = configFor(scratch, env);
  const captured = captureLog();
  const clock = fakeClock();
  const database = scratch.database;
  const keyring = loadKeyring({ masterKey: config.masterKey, dataDir, log: captured.log });
  const secrets = createSecretStore({ db: database.db, box: createSecretBox(keyring) });
  const queue = createJobQueue(config, database, captured.log);
  const http = createHttpServer({ log: captured.log });
  registerHealthRoutes(http, { db: database.dialect, queue: queue.kind, checks: {} });
  const marketplaces = createMarketplaces(config, captured.log);
  const outbox = createOutbox({ db: database.db, dialect: database.dialect, queue, log: captured.log });
  const modules = await registerModules({ config, database, queue, secrets, log: captured.log, clock, marketplaces, outbox }, http);
  const url = await http.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    http,
    modules,
    db: database.db,
    clock,
    logs: captured.text,
    setupToken: () => setupTokenFrom(captured.text()),
    close: async () => {
      await http.close();
      await marketplaces.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads JSON answers freely
  headers: Headers;
}

/** A browser-like client: keeps cookies, sends the CSRF header from the csrf cookie unless told not to. */
export class Client {
  readonly cookies = new Map<string, string>();
  bearer: string | undefined;
  constructor(readonly base: string) {}

  async call(method: string, path: string, body?: unknown, opts: { csrf?: string | false; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...opts.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.bearer) headers.authorization = `Bearer ${this.bearer}`;
    const csrf = opts.csrf === undefined ? this.cookies.get('smartship_csrf') : opts.csrf;
    if (csrf && method !== 'GET') headers['x-csrf-token'] = csrf;
    const res = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // not JSON (the docs page)
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  get = (path: string) => this.call('GET', path);
  post = (path: string, body?: unknown, opts?: { csrf?: string | false }) => this.call('POST', path, body ?? {}, opts);
  patch = (path: string, body?: unknown, opts?: { csrf?: string | false }) => this.call('PATCH', path, body ?? {}, opts);
  delete = (path: string, opts?: { csrf?: string | false }) => this.call('DELETE', path, undefined, opts);

  async signIn(email: string, password = PASSWORD): Promise<Answer> {
    const answer = await this.post('/api/session', { email, password });
    if (answer.status !== 200) throw new Error(`sign-in of ${email} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  }
}

/** A seller with one user per given role, written straight to the database (the API has no "create seller" outside setup). */
export async function createSeller(db: Db, name: string, users: Array<{ email: string; role: Exclude<Role, 'warehouse'> }>): Promise<{ sellerId: string; userIds: Record<string, string> }> {
  const now = toIso(new Date());
  const sellerId = newId();
  await db.insertInto('sellers').values({ id: sellerId, name, created_at: now }).execute();
  const userIds: Record<string, string> = {};
  const hash = await hashPassword(PASSWORD);
  for (const u of users) {
    const id = newId();
    userIds[u.email] = id;
    await db
      .insertInto('users')
      .values({ id, seller_id: sellerId, email: u.email, name: u.email.split('@')[0]!, role: u.role, password_hash: hash, locale: 'en', disabled: 0, created_at: now, updated_at: now })
      .execute();
  }
  return { sellerId, userIds };
}

/** Completes first-run setup through the API and returns the signed-in owner's client. */
export async function setUpHub(hub: Hub, owner = { email: 'owner@a.example', sellerName: 'Seller A' }): Promise<Client> {
  const client = new Client(hub.url);
  const answer = await client.post('/api/setup', { setupToken: hub.setupToken(), sellerName: owner.sellerName, name: 'Owner A', email: owner.email, password: PASSWORD, locale: 'ja' });
  if (answer.status !== 201) throw new Error(`setup failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return client;
}
