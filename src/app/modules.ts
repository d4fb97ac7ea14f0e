import { readFileSync } from 'node:fs';
import type { HttpServer } from '../platform/http/server.ts';
import type { Logger } from '../platform/log/logger.ts';
import type { Database } from '../platform/db/database.ts';
import type { JobQueue } from '../platform/queue/queue.ts';
import type { SecretStore } from '../platform/crypto/secrets.ts';
import type { Config } from '../platform/config/config.ts';
import { registerOpenApi } from '../platform/http/openapi.ts';
import { registerAuth } from '../modules/accounts/auth.ts';
import { registerAccountRoutes } from '../modules/accounts/routes.ts';
import { createAccountService, type AccountService, type Clock } from '../modules/accounts/service.ts';
import { registerConnectionRoutes } from '../modules/connections/routes.ts';
import { createConnectionService, type ConnectionService } from '../modules/connections/service.ts';
import type { Marketplaces } from './marketplaces.ts';
import type { Outbox } from '../platform/outbox/outbox.ts';
import { registerOrderJobs } from '../modules/orders/jobs.ts';
import { registerOrderRoutes } from '../modules/orders/routes.ts';
import { createOrderService, type OrderService } from '../modules/orders/service.ts';

export interface ModuleDeps {
  config: Config;
  database: Database;
  queue: JobQueue;
  secrets: SecretStore;
  log: Logger;
  /** Tests pass one to move time; the real clock otherwise. */
  clock?: Clock;
  /** Built by createApp, which closes them. */
  marketplaces: Marketplaces;
  /** Built by createApp, which registers its dispatcher job in processes that run jobs. */
  outbox: Outbox;
}

/** The services of the business modules, for the modules built after them and for tests. */
export interface Modules {
  accounts: AccountService;
  connections: ConnectionService;
  orders: OrderService;
}

const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Builds the business modules and registers their routes (when this process serves HTTP) and job handlers. */
export async function registerModules(deps: ModuleDeps, http: HttpServer | undefined): Promise<Modules> {
  const accounts = createAccountService({ db: deps.database.db, log: deps.log, clock: deps.clock });
  const { marketplaces, outbox } = deps;
  const connections = createConnectionService({
    db: deps.database.db,
    secrets: deps.secrets,
    probes: marketplaces.probes,
    accounts,
    log: deps.log,
    egressIps: deps.config.egressIps,
    clock: deps.clock,
  });

  const orders = createOrderService({
    db: deps.database.db,
    log: deps.log,
    queue: deps.queue,
    outbox,
    marketplaces: marketplaces.registry,
    connections,
    accounts,
    settings: { overlapMs: deps.config.orders.importOverlapMs, leaseMs: deps.config.orders.importLeaseMs },
    clock: deps.clock,
  });
  orders.registerOutboxHandlers();
  registerOrderJobs(deps.queue, orders);
  accounts.registerDashboardCount('orders.toConfirm', orders.dashboardCounts.toConfirm);
  accounts.registerDashboardCount('orders.confirmFailed', orders.dashboardCounts.confirmFailed);
  accounts.registerDashboardCount('orders.cancelRequested', orders.dashboardCounts.cancelRequested);
  // Each connection's import schedule follows its settings: now for all, and whenever one changes.
  connections.onChanged((connectionId) => orders.syncSchedule(connectionId));
  await orders.syncAllSchedules();

  if (http) {
    // The OpenAPI document collects routes as they are added, and the auth hook guards every /api route.
    await registerOpenApi(http, { version });
    await registerAuth(http, accounts);
    registerAccountRoutes(http, accounts);
    registerConnectionRoutes(http, connections, async (scope) => (await accounts.me(scope)).locale);
    registerOrderRoutes(http, orders);
    // Only processes that serve the console create the setup token (or seed the first owner).
    await accounts.prepareFirstRun(deps.config.admin);
  }

  return { accounts, connections, orders };
}
