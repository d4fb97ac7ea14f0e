// The 11st OpenAPI sandbox: its own fastify server and its own state; product code never imports it.

import type { ServerResponse } from 'node:http';
import Fastify from 'fastify';
import { type Chaos, ChaosSwitch } from './chaos.ts';
import { DataSaver, loadData } from './persistence.ts';
import { RequestLog } from './request-log.ts';
import { registerControlRoutes } from './routes-control.ts';
import { registerOpenApiRoutes } from './routes-openapi.ts';
import { createRng } from './seed.ts';
import { SandboxState, newApiKey } from './state.ts';

export type { Chaos } from './chaos.ts';

export interface SandboxOptions {
  /** 0 = a random free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Number of realistic paid orders created for the key at start (only when it has none yet). */
  seed?: number;
  /** The seller's openapikey; generated (32 hex characters) when absent. */
  apiKey?: string;
  /** Caller IPs registered for the key; absent or empty = any caller. */
  allowIps?: string[];
  /** JSON file holding the state: loaded at start, written after changes and on close. */
  dataFile?: string;
  chaos?: Partial<Chaos>;
  now?: () => Date;
}

export interface RunningSandbox {
  /** e.g. http://127.0.0.1:9011 */
  url: string;
  port: number;
  apiKey: string;
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<RunningSandbox> {
  const now = opts.now ?? (() => new Date());
  const host = opts.host ?? '127.0.0.1';
  const loaded = opts.dataFile ? loadData(opts.dataFile) : null;
  let saver: DataSaver | null = null;
  const state = new SandboxState(now, createRng(0x11), () => saver?.schedule(), loaded ?? undefined);
  if (opts.dataFile) saver = new DataSaver(opts.dataFile, () => state.toJSON());

  const apiKey = opts.apiKey ?? state.keys[0]?.apiKey ?? newApiKey();
  const key = state.addKey({ apiKey, ...(opts.allowIps ? { allowIps: opts.allowIps } : {}), ...(state.findKey(apiKey) ? {} : { sellerId: 'sandbox_seller' }) });
  const initialKey = { ...key, allowIps: [...key.allowIps] };
  if (opts.seed && opts.seed > 0 && !state.lines.some((l) => l.apiKey === apiKey)) state.createRandomOrders(apiKey, opts.seed);

  const chaos = new ChaosSwitch(opts.chaos, createRng(0xc4a05));
  const log = new RequestLog();
  const hanging = new Set<ServerResponse>();

  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 50 * 1024 * 1024 });
  await app.register(async (scope) => registerOpenApiRoutes(scope, { state, chaos, log, hanging }));
  await app.register(async (scope) => registerControlRoutes(scope, { state, chaos, log, initialKeys: () => [{ ...initialKey, allowIps: [...initialKey.allowIps] }] }));

  await app.listen({ port: opts.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  saver?.flush();

  let closing: Promise<void> | null = null;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    apiKey,
    close() {
      closing ??= (async () => {
        for (const res of hanging) res.destroy();
        hanging.clear();
        await app.close();
        saver?.flush();
      })();
      return closing;
    },
  };
}
