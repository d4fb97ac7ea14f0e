import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../platform/config/config.ts';
import type { Logger } from '../platform/log/logger.ts';
import { createApp, type App } from './app.ts';

export const DEMO_OWNER = { email: 'demo@smartship.example', password: 'smartship-demo', sellerName: 'Demo Shop 데모샵' };
const BIN = resolve(import.meta.dirname, '../../bin/smartship.js');

export interface DemoOptions {
  sandboxPort: number;
  orders: number;
}

/** Starts the 11st sandbox as its own process (product code never imports it) and waits until it listens. */
function startSandboxProcess(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'sandbox', '11st', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((done, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) done({ child, url: m[1]! });
    });
    child.on('exit', (code) => fail(new Error(`the 11st sandbox exited with ${code} before it listened:\n${out}`)));
  });
}

/**
 * `smartship demo`: the hub plus the 11st sandbox with a few hundred realistic orders and a ready
 * connection (automatic import and confirmation on). Its data lives in `<data folder>/demo`, so a
 * demo never mixes with real data (DATABASE_URL, REDIS_URL and SMARTSHIP_ADMIN_* are not used);
 * running it again continues where it stopped.
 */
export async function runDemo(config: Config, log: Logger, opts: DemoOptions): Promise<{ app: App; url: string; stop(): Promise<void> }> {
  const dataDir = join(config.dataDir, 'demo');
  mkdirSync(dataDir, { recursive: true });
  const keyFile = join(dataDir, 'sandbox-key.txt');
  const apiKey = existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : randomBytes(16).toString('hex');
  writeFileSync(keyFile, apiKey, { mode: 0o600 });

  const sandbox = await startSandboxProcess(['--port', String(opts.sandboxPort), '--seed', String(opts.orders), '--api-key', apiKey, '--data', join(dataDir, 'sandbox.json')]);
  // Nothing of the operator's hub: its own SQLite file, jobs in that file (with REDIS_URL its workers
  // would share the real hub's queues and schedules), and the fixed demo owner (never a real password).
  const demoConfig: Config = {
    ...config,
    dataDir,
    database: { kind: 'sqlite', file: join(dataDir, 'smartship.db') },
    redisUrl: undefined,
    queue: { ...config.queue, prefix: 'smartship-demo' },
    admin: DEMO_OWNER,
  };
  let app: App | undefined;
  let url: string | undefined;
  try {
    app = await createApp(demoConfig, 'all', log);
    const owner = demoConfig.admin!;
    const session = await app.modules.accounts.signIn(owner.email, owner.password, { ip: null, userAgent: 'smartship demo' });
    const caller = await app.modules.accounts.resolveSession(session.sessionToken);
    if (!caller) throw new Error('demo: could not sign in the demo owner');
    const existing = (await app.modules.connections.list(caller.scope)).find((c) => c.shopId === 'demo_seller');
    if (existing) {
      // The sandbox may listen on another port this time.
      await app.modules.connections.update(caller.scope, existing.id, { baseUrl: sandbox.url });
    } else {
      await app.modules.connections.create(caller.scope, {
        mall: '11st',
        name: '11番街 デモ / 11번가 데모',
        shopId: 'demo_seller',
        apiKey,
        baseUrl: sandbox.url,
        options: { autoImport: true, autoConfirm: true, importIntervalMinutes: 1 },
      });
    }
    await app.modules.accounts.signOut(caller, { ip: null, userAgent: 'smartship demo' });
    url = await app.start();
  } catch (err) {
    // A taken port, for one: leave no sandbox process or open database behind.
    await app?.stop().catch(() => undefined);
    sandbox.child.kill('SIGTERM');
    throw err;
  }
  const running = app;
  const shown = url?.replace('://0.0.0.0', '://localhost').replace('://[::]', '://localhost');
  process.stdout.write(
    `\nSmartShip demo is running.\n` +
      `  console:  ${shown}\n` +
      `  sign in:  ${demoConfig.admin!.email} / ${demoConfig.admin!.password}\n` +
      `  11st sandbox: ${sandbox.url} (openapikey ${apiKey}), ${opts.orders} orders, control API at ${sandbox.url}/__sandbox/state\n` +
      `  data:     ${dataDir}\n` +
      `Stop with Ctrl+C.\n\n`,
  );
  return {
    app: running,
    url: url!,
    async stop() {
      await running.stop();
      await new Promise<void>((done) => {
        if (sandbox.child.exitCode !== null) return done();
        sandbox.child.on('exit', () => done());
        sandbox.child.kill('SIGTERM');
      });
    },
  };
}
