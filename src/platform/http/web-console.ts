import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { HttpServer } from './server.ts';
import type { Logger } from '../log/logger.ts';

const ROOT = resolve(import.meta.dirname, '../../..');
export const WEB_DIR = join(ROOT, 'web');
export const DIST_DIR = join(WEB_DIR, 'dist');
/** Lock and half-built bundles live beside the other tool caches, never in the source tree. */
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'smartship-console');
const STAMP = '.build-stamp.json';

/** What the bundle is built from: the console's sources and the message catalogs it shares with the server. */
const SOURCES = [join(WEB_DIR, 'index.html'), join(WEB_DIR, 'vite.config.ts'), join(WEB_DIR, 'src'), join(ROOT, 'src', 'platform', 'i18n')];

/** The newest change among the sources (folders count too, so a deleted file is a change). */
export function newestSourceChange(paths: string[] = SOURCES): number {
  let newest = 0;
  const visit = (path: string) => {
    let s;
    try {
      s = statSync(path);
    } catch {
      return;
    }
    newest = Math.max(newest, s.mtimeMs);
    if (s.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
  };
  for (const p of paths) visit(p);
  return newest;
}

/** Whether web/dist holds a bundle built from the sources as they are now. */
export function bundleIsFresh(): boolean {
  try {
    if (!existsSync(join(DIST_DIR, 'index.html'))) return false;
    const stamp = JSON.parse(readFileSync(join(DIST_DIR, STAMP), 'utf8')) as { sourcesChangedMs?: number };
    return typeof stamp.sourcesChangedMs === 'number' && stamp.sourcesChangedMs >= newestSourceChange();
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One builder at a time across processes: a lock folder (mkdir is atomic). A lock older than
 * `staleMs` belongs to a process that died mid-build and is taken over.
 */
async function withBuildLock<T>(fn: () => Promise<T>, staleMs = 120_000): Promise<T> {
  await mkdir(CACHE_DIR, { recursive: true });
  const lock = join(CACHE_DIR, 'build.lock');
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const since = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (since > staleMs) await rm(lock, { recursive: true, force: true });
      else await sleep(150);
    }
  }
  try {
    await writeFile(join(lock, 'pid'), String(process.pid));
    return await fn();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}

/**
 * Builds web/dist with Vite when it is missing or older than its sources, so `npm start` gives a
 * working console with no separate build step. Safe when several hubs start at once: one builds
 * (into a temporary folder, then renamed into place), the others wait and find it fresh.
 */
export async function ensureWebConsoleBuilt(log: Pick<Logger, 'info' | 'warn'>): Promise<{ built: boolean; ms: number }> {
  const started = performance.now();
  if (bundleIsFresh()) return { built: false, ms: 0 };
  return withBuildLock(async () => {
    if (bundleIsFresh()) return { built: false, ms: Math.round(performance.now() - started) };
    log.info('web console: building the bundle (web/ changed or was never built)');
    const sourcesChangedMs = newestSourceChange();
    const tmp = join(CACHE_DIR, `build-${process.pid}-${Date.now()}`);
    const old = join(CACHE_DIR, `old-${process.pid}-${Date.now()}`);
    // Vite and the React plugin pick development builds when NODE_ENV is not "production"
    // (test runners set "test"); the bundle served by the hub is always the production one.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const { build } = await import('vite');
      await build({
        root: WEB_DIR,
        configFile: join(WEB_DIR, 'vite.config.ts'),
        mode: 'production',
        logLevel: 'warn',
        build: { outDir: tmp, emptyOutDir: true },
      });
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    await writeFile(join(tmp, STAMP), JSON.stringify({ sourcesChangedMs, builtAt: new Date().toISOString() }));
    if (existsSync(DIST_DIR)) await rename(DIST_DIR, old);
    await rename(tmp, DIST_DIR);
    await rm(old, { recursive: true, force: true });
    const ms = Math.round(performance.now() - started);
    log.info({ ms }, `web console: bundle built in ${ms} ms`);
    return { built: true, ms };
  });
}

/** Paths that are never the console: the API and the probes answer their own 404s. */
const notConsole = (path: string) => path === '/api' || path.startsWith('/api/') || path === '/healthz' || path === '/readyz';

const htmlHeaders = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

/**
 * Serves the web console (the built SPA) at `/`: hashed files under /assets for a year, index.html
 * never cached, and index.html for every other GET path that is not the API (client-side routes).
 */
export async function registerWebConsole(http: HttpServer, log: Logger): Promise<void> {
  let ready = true;
  try {
    await ensureWebConsoleBuilt(log);
  } catch (err) {
    // The API still works without its console; say why the console is missing and how to fix it.
    ready = existsSync(join(DIST_DIR, 'index.html'));
    log.error({ err }, `web console: building the bundle failed${ready ? '; serving the previous build' : ''}. Run "npx vite build web" to see the details.`);
  }

  await http.register(fastifyStatic, { root: DIST_DIR, serve: false, decorateReply: true });

  const page = async (req: FastifyRequest, reply: FastifyReply) => {
    let path: string;
    try {
      path = decodeURIComponent(req.url.split('?')[0]!);
    } catch {
      return reply.status(400).send({ error: { code: 'BAD_REQUEST', message: 'The address is not valid URL encoding.' } });
    }
    if (notConsole(path)) return reply.callNotFound();
    if (!ready) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send('The web console could not be built; the server log says why. The API at /api still works.');
    }
    if (path.startsWith('/assets/')) {
      // A missing hashed file is a 404, never index.html: a stale tab then fails loudly, not with a MIME error.
      return reply.sendFile(path.slice(1), { maxAge: '365d', immutable: true, dotfiles: 'deny' });
    }
    const file = path.slice(1);
    if (file && !file.endsWith('/') && !file.split('/').some((part) => part.startsWith('.'))) {
      const found = await stat(join(DIST_DIR, file)).then((s) => s.isFile(), () => false);
      if (found) return reply.header('cache-control', 'no-cache').sendFile(file, { cacheControl: false, dotfiles: 'deny' });
    }
    return reply.headers(htmlHeaders).type('text/html; charset=utf-8').send(await readFile(join(DIST_DIR, 'index.html')));
  };
  // `public`: the auth hook (src/modules/accounts/auth.ts) lets these through; the console signs in over the API.
  // (Plain objects, not literals: `public` and `hide` are typed by the auth and OpenAPI modules.)
  const config = { public: true };
  const schema = { hide: true };
  http.get('/', { config, schema }, page);
  http.get('/*', { config, schema }, page);
}
