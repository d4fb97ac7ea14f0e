import type { Role } from './app/app.ts';
import { ConfigError, loadConfig, type Config } from './platform/config/config.ts';
import { createLogger, type Logger } from './platform/log/logger.ts';

const HELP = `smartship: order and fulfillment hub for shopping-mall sellers and their warehouses

Usage: smartship <command> [options]

Commands:
  start               API, web console, job worker and scheduler in one process (the default set-up)
  api                 HTTP API and web console only (scaled deployments)
  worker              job workers and scheduler only (scaled deployments; run as many as you like)
  migrate             apply database migrations, then exit
  rotate-master-key   re-encrypt every stored credential with a new master key version
  sandbox 11st        run the 11st Street OpenAPI simulator (see: smartship sandbox 11st --help)
  demo                start plus the 11st sandbox with a few hundred orders and a ready connection
                      (options: --sandbox-port N, default 9011; --orders N, default 300)
  help                show this text

Configuration comes from environment variables and an optional JSON file (SMARTSHIP_CONFIG);
see docs/configuration.md. Exit codes: 0 done, 1 failed, 2 invalid configuration or usage.
`;

const roles: Record<string, Role> = { start: 'all', api: 'api', worker: 'worker' };

/** Runs until SIGTERM/SIGINT, then stops gracefully; a second signal exits at once. */
function stopOnSignal(stop: () => Promise<void>, log: Logger): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, 'shutting down: no new requests; running jobs finish or return to the queue');
    stop().then(
      () => {
        log.info('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

async function serve(config: Config, role: Role, log: Logger): Promise<void> {
  const { createApp } = await import('./app/app.ts');
  const app = await createApp(config, role, log);
  stopOnSignal(() => app.stop(), log);
  const url = await app.start();
  log.info({ role, url, db: app.database.dialect, queue: app.queue.kind, dataDir: config.dataDir }, url ? `SmartShip listening on ${url}` : 'SmartShip worker running');
}

function numberFlag(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  if (at < 0) return fallback;
  const value = Number(args[at + 1]);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`smartship demo: ${name} expects a whole number, got ${JSON.stringify(args[at + 1] ?? '')}\n`);
    process.exit(2);
  }
  return value;
}

async function main(argv: string[]): Promise<void> {
  const [command = 'help', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return;
  }
  if (command === 'sandbox') {
    if (rest[0] !== '11st') {
      process.stderr.write(`smartship sandbox: unknown mall "${rest[0] ?? ''}"; available: 11st\n`);
      process.exit(2);
    }
    const { runSandboxCommand } = await import('./sandbox/elevenst/cli.ts');
    await runSandboxCommand(rest.slice(1));
    return;
  }
  const known = command in roles || command === 'migrate' || command === 'rotate-master-key' || command === 'demo';
  if (!known) {
    process.stderr.write(`smartship: unknown command "${command}"\n\n${HELP}`);
    process.exit(2);
  }
  const config = loadConfig();
  const log = createLogger({ level: config.logLevel });
  const role = roles[command];
  if (role) return serve(config, role, log);
  if (command === 'demo') {
    const { runDemo } = await import('./app/demo.ts');
    const demo = await runDemo(config, log, { sandboxPort: numberFlag(rest, '--sandbox-port', 9011), orders: numberFlag(rest, '--orders', 300) });
    stopOnSignal(() => demo.stop(), log);
    log.info({ role: 'demo', url: demo.url }, `SmartShip listening on ${demo.url}`);
    return;
  }

  const { openDatabase } = await import('./platform/db/database.ts');
  const { migrateToLatest } = await import('./platform/db/migrate.ts');
  const database = openDatabase(config.database);
  try {
    const applied = await migrateToLatest(database.db);
    if (command === 'migrate') {
      log.info({ applied: applied.map((r) => r.migrationName) }, applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
      return;
    }
    const { rotateMasterKey } = await import('./platform/crypto/rotate.ts');
    const result = await rotateMasterKey({ config, db: database.db, log });
    log.info(result, 'master key rotated');
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`smartship: ${err.message}\nSee docs/configuration.md for every setting and its default.\n`);
    process.exit(2);
  }
  const name = (err as Error)?.name;
  if (name === 'MasterKeyError') {
    process.stderr.write(`smartship: ${(err as Error).message}\n`);
    process.exit(2);
  }
  process.stderr.write(`smartship: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
