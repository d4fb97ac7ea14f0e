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
import { createMemoryRateLimiter, createRedisRateLimiter } from '../platform/ratelimit/index.ts';
import { createMarketplaceRegistry, type MarketplaceRegistry } from '../marketplaces/registry.ts';
import { Redis } from 'ioredis';
import { registerModules } from './modules.ts';

/** What one process runs: everything (`start`), the HTTP side (`api`) or the job side (`worker`). */
export type Role = 'all' | 'api' | 'worker';

export interface App {
  config: Config;
  database: Database;
  queue: JobQueue;
  secrets: SecretStore;
  marketplaces: MarketplaceRegistry;
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
  // With Redis, every process shares one bucket per connection, so the mall sees one polite client.
  const limiterRedis = config.redisUrl ? new Redis(config.redisUrl, { maxRetriesPerRequest: 3 }) : undefined;
  limiterRedis?.on('error', (err) => log.warn({ err: { message: err.message } }, 'redis (rate limiter) connection error'));
  const bucket = { ratePerSecond: config.elevenst.ratePerSecond, burst: config.elevenst.burst };
  const rateLimiter = limiterRedis
    ? createRedisRateLimiter({ ...bucket, redis: limiterRedis, keyPrefix: `${config.queue.prefix}:ratelimit:11st:` })
    : createMemoryRateLimiter(bucket);
  const marketplaces = createMarketplaceRegistry({ elevenst: { rateLimiter } });

  let http: HttpServer | undefined;
  if (role !== 'worker') {
    http = createHttpServer({ log });
    registerHealthRoutes(http, { db: database.dialect, queue: queue.kind, checks: { db: () => database.ping(), queue: () => queue.ping() } });
  }
  await registerModules({ config, database, queue, secrets, log }, http);
  if (http) await registerWebConsole(http, log);

  let stopped: Promise<void> | undefined;
  return {
    config,
    database,
    queue,
    secrets,
    marketplaces,
    http,
    async start() {
      if (role !== 'api') await queue.start();
      if (!http) return undefined;
      return http.listen({ port: config.port, host: config.host });
    },
    stop() {
      stopped ??= (async () => {
        if (http) await http.close();
        await queue.stop();
        limiterRedis?.disconnect();
        await database.close();
      })();
      return stopped;
    },
  };
}
