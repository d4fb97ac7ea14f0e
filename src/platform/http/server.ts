import Fastify from 'fastify';
import { hasZodFastifySchemaValidationErrors, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { TrustProxy } from '../config/config.ts';
import type { Logger } from '../log/logger.ts';
import { AppError } from './errors.ts';
import { recordRoutes } from './route-table.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The route answers without a session or API token (health, setup, sign-in, API docs). */
    public?: boolean;
  }
}

/** A fastify server with zod schemas and the one place where errors become `{"error":{"code","message"}}`. */
export function createHttpServer(opts: { log: Logger; bodyLimit?: number; trustProxy?: TrustProxy }) {
  const app = Fastify({
    loggerInstance: opts.log,
    bodyLimit: opts.bodyLimit ?? 5 * 1024 * 1024,
    // The client address (sign-in lockout, audit) and scheme come from X-Forwarded-* only when the peer
    // is a trusted proxy (SMARTSHIP_TRUST_PROXY); otherwise any client could pick its own IP.
    trustProxy: fastifyTrustProxy(opts.trustProxy ?? ['loopback']),
  }).withTypeProvider<ZodTypeProvider>();
  recordRoutes(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof AppError) {
      const retryAfter = err.details?.retryAfterSeconds;
      if (typeof retryAfter === 'number') void reply.header('retry-after', String(retryAfter));
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } });
    }
    if (hasZodFastifySchemaValidationErrors(err)) {
      const message = err.validation
        .map((v) => `${v.instancePath.replace(/^\//, '').replaceAll('/', '.') || err.validationContext || 'request'}: ${v.message}`)
        .join('; ');
      return reply.status(400).send({ error: { code: 'VALIDATION_FAILED', message } });
    }
    const status = (err as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply.status(status).send({ error: { code: (err as { code?: string }).code ?? 'BAD_REQUEST', message: (err as Error).message } });
    }
    req.log.error({ err }, 'request failed');
    return reply.status(500).send({ error: { code: 'INTERNAL', message: 'Something went wrong on the server; the error was logged.' } });
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: { code: 'NOT_FOUND', message: `No route ${req.method} ${req.url.split('?')[0]}` } }));
  return app;
}

/** fastify takes a hop count at run time but not in its types: the same rule as a function. */
function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

export type HttpServer = ReturnType<typeof createHttpServer>;
