import type { HttpServer } from './server.ts';

/** Liveness (`/healthz`: the process answers) and readiness (`/readyz`: its database and queue answer). */
export function registerHealthRoutes(app: HttpServer, deps: { db: string; queue: string; checks: Record<string, () => Promise<void>> }) {
  app.get('/healthz', async () => ({ status: 'ok', db: deps.db, queue: deps.queue }));
  app.get('/readyz', async (_req, reply) => {
    const checks: Record<string, string> = {};
    let ready = true;
    for (const [name, check] of Object.entries(deps.checks)) {
      try {
        await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer within 3 s')), 3000).unref())]);
        checks[name] = 'ok';
      } catch (err) {
        ready = false;
        checks[name] = (err as Error).message || 'failed';
      }
    }
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });
}
