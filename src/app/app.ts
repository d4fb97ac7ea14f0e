import type { Config } from '../platform/config/config.ts';
import { openDatabase, type Database } from '../platform/db/database.ts';
import { migrateToLatest } from '../platform/db/migrate.ts';
import { loadKeyring } from '../platform/crypto/keyring.ts';
import { createSecretBox } from '../platform/crypto/secret-box.ts';
import { createSecretStore, type SecretStore } from '../platform/crypto/secrets.ts';
import { registerHealthRoutes } from '../platform/http/health.ts';
import { createHttpServer, type HttpServer } from '../platform/http/server.ts';
import type { Logger } from '../platform/log/logger.ts';
import { createJobQueue } from '../platform/queue/create-queue.ts';
import type { JobQueue } from '../platform/queue/queue.ts';
import { registerWebConsole } from '../platform/http/web-console.ts';
import { createMarketplaces, type Marketplaces } from './marketplaces.ts';
import { createOutbox } from '../platform/outbox/outbox.ts';
import { registerModules, type Modules } from './modules.ts';

/** What one process runs: everything (`start`), the HTTP side (`api`) or the job side (`worker`). */
export type Role = 'all' | 'api' | 'worker';

export interface App {
  config: Config;
  database: Database;
  queue: JobQueue;
  secrets: SecretStore;
  marketplaces: Marketplaces;
  modules: Modules;
  http: HttpServer | undefined;
  /** Listens (api) and starts consuming jobs (worker); returns the URL when it serves HTTP. */
  start(): Promise<string | undefined>;
  /** Graceful: stop accepting requests, let running jobs finish or hand them back, close the database. */
  stop(): Promise<void>;
}

/** The composition root: config → platform → modules, built once per process. */
export async function createApp(config: Config, role: Role, log: Logger): Promise<App> {
  const database = openDatabase(config.database);
  try {
    await migrateToLatest(database.db);
  } catch (err) {
    await database.close();
    throw err;
  }
  const keyring = loadKeyring({ masterKey: config.masterKey, dataDir: config.dataDir, log });
  const secrets = createSecretStore({ db: database.db, box: createSecretBox(keyring) });
  const queue = createJobQueue(config, database, log);
  const marketplaces = createMarketplaces(config, log);
  const outbox = createOutbox({ db: database.db, dialect: database.dialect, queue, log });
  if (role !== 'api') await outbox.registerJobs();

  const http = role !== 'worker' ? createHttpServer({ log, trustProxy: config.trustProxy }) : undefined;
  const modules = await registerModules({ config, database, queue, secrets, log, marketplaces, outbox }, http);
  if (http) {
    // After the modules, so the OpenAPI document (registered with them) lists the health routes too.
    registerHealthRoutes(http, { db: database.dialect, queue: queue.kind, checks: { db: () => database.ping(), queue: () => queue.ping() } });
    await registerWebConsole(http, log);
  }

  let stopped: Promise<void> | undefined;
  return {
    config,
    database,
    queue,
    secrets,
    marketplaces,
    modules,
    http,
    async start() {
      // Listen first: on a taken port the process fails before its workers have claimed any job.
      const url = http ? await http.listen({ port: config.port, host: config.host }) : undefined;
      if (role !== 'api') await queue.start();
      return url;
    },
    stop() {
      stopped ??= (async () => {
        if (http) await http.close();
        await queue.stop();
        marketplaces.close();
        await database.close();
      })();
      return stopped;
    },
  };
}
