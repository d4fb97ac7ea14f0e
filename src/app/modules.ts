import type { HttpServer } from '../platform/http/server.ts';
import type { Logger } from '../platform/log/logger.ts';
import type { Database } from '../platform/db/database.ts';
import type { JobQueue } from '../platform/queue/queue.ts';
import type { SecretStore } from '../platform/crypto/secrets.ts';
import type { Config } from '../platform/config/config.ts';

export interface ModuleDeps {
  config: Config;
  database: Database;
  queue: JobQueue;
  secrets: SecretStore;
  log: Logger;
}

/** Builds the business modules and registers their routes (when this process serves HTTP) and job handlers. */
export async function registerModules(_deps: ModuleDeps, _http: HttpServer | undefined): Promise<void> {
  // Modules are added here as they are built (accounts, connections, orders, …).
}
