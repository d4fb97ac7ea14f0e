import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import type { HttpServer } from './server.ts';

/**
 * The OpenAPI document, generated from the routes' zod schemas: `/api/openapi.json`, and a readable
 * page at `/api/docs`. Register before the routes it should describe (swagger collects them as they
 * are added).
 */
export async function registerOpenApi(app: HttpServer, opts: { version: string }): Promise<void> {
  if (app.hasDecorator('swagger')) return;
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'SmartShip hub API',
        version: opts.version,
        description:
          'Order and fulfillment hub. Errors are `{"error":{"code","message"}}` with a fitting status. Scripts authenticate with ' +
          '`Authorization: Bearer sst_…` (POST /api/tokens); the browser console uses the `smartship_session` cookie and must send ' +
          'the `smartship_csrf` cookie value as the `X-CSRF-Token` header on POST, PUT, PATCH and DELETE.',
      },
      components: {
        securitySchemes: {
          bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token from POST /api/tokens (sst_…).' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: 'smartship_session', description: 'Set by POST /api/session; state-changing requests also need X-CSRF-Token.' },
        },
      },
      security: [{ bearerToken: [] }, { sessionCookie: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // The docs page and its assets are public, like the document itself.
  app.addHook('onRoute', (route) => {
    if (route.url === '/api/docs' || route.url.startsWith('/api/docs/')) route.config = { ...(route.config ?? {}), public: true };
  });
  app.get('/api/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
}
