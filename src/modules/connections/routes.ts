import { z } from 'zod';
import type { HttpServer } from '../../platform/http/server.ts';
import { errorResponses as errors, idParams, noContent } from '../../platform/http/schemas.ts';
import type { Locale } from '../../platform/i18n/index.ts';
import { mallIds } from '../../marketplaces/registry.ts';
import type { MallId } from '../../marketplaces/types.ts';
import type { SellerScope } from '../accounts/domain.ts';
import { requestMeta } from '../accounts/auth.ts';
import { connectionOptionChangesSchema, connectionOptionsSchema, testResults } from './domain.ts';
import type { ConnectionService } from './service.ts';


const mall = z.enum(mallIds as [MallId, ...MallId[]]).describe('Mall id; "11st" is 11st Street');
const shopId = z.string().trim().min(1).max(100).describe('The seller ID on the mall (11st: the 11st seller ID)');
const apiKey = z.string().trim().min(8, { error: 'expected the API key issued by the mall (at least 8 characters)' }).max(200);
const baseUrl = z
  .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
  .max(500)
  .nullable()
  .describe('Advanced: another API address (e.g. the sandbox); null for the mall default');
const options = connectionOptionChangesSchema;

const test = z.object({
  result: z.enum(testResults),
  ok: z.boolean(),
  message: z.string(),
  testedAt: z.string(),
  roundTripMs: z.number(),
  callerIp: z.string().optional(),
  egressIps: z.array(z.string()).optional(),
  network: z.string().optional(),
  mallCode: z.string().optional(),
  mallMessage: z.string().optional(),
  excerpt: z.string().optional(),
});
const connection = z.object({
  id: z.string(),
  mall: z.string(),
  name: z.string(),
  shopId: z.string(),
  apiKeyMasked: z.string().describe('The key is never returned, only its last four characters'),
  apiKeyChangedAt: z.string(),
  baseUrl: z.string().nullable(),
  enabled: z.boolean(),
  options: connectionOptionsSchema,
  lastTest: test.nullable(),
  lastImport: z
    .object({
      runId: z.string(),
      trigger: z.string(),
      status: z.enum(['succeeded', 'failed']),
      startedAt: z.string(),
      finishedAt: z.string(),
      fetched: z.number(),
      new: z.number(),
      updated: z.number(),
      unchanged: z.number(),
      failed: z.number(),
      claims: z.record(z.string(), z.number()),
      cursor: z.string().nullable(),
      error: z.string().optional(),
    })
    .nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const tags = ['connections'];

/** Shopping mall API settings (Orders › Shopping mall integration). */
export function registerConnectionRoutes(app: HttpServer, connections: ConnectionService, localeOf: (scope: SellerScope) => Promise<Locale>): void {
  app.get('/api/connections', { schema: { tags, summary: 'The seller’s shopping mall connections', response: { 200: z.object({ items: z.array(connection) }), ...errors } } }, async (req) => ({
    items: await connections.list(req.scope),
  }));

  app.get(
    '/api/connections/egress-ips',
    { schema: { tags, summary: 'The hub’s outbound IP addresses to register on the mall (11st: "semicolon separated")', response: { 200: z.object({ ips: z.array(z.string()), joined: z.string() }), ...errors } } },
    async () => ({ ips: connections.egressIps(), joined: connections.egressIps().join(';') }),
  );

  app.post(
    '/api/connections',
    {
      schema: {
        tags,
        summary: 'Register a shopping mall connection (the API key is stored encrypted and never returned)',
        body: z.object({ mall, name: z.string().trim().min(1).max(100), shopId, apiKey, baseUrl: baseUrl.optional(), enabled: z.boolean().optional(), options: options.optional() }),
        response: { 201: connection, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(await connections.create(req.scope, req.body, requestMeta(req))),
  );

  app.post(
    '/api/connections/test',
    {
      schema: {
        tags,
        summary: 'Connection test with credentials that are not saved yet',
        body: z.object({ mall, shopId, apiKey, baseUrl: baseUrl.optional() }),
        response: { 200: test, ...errors },
      },
    },
    async (req) => connections.testCredentials(req.scope, req.body, await localeOf(req.scope)),
  );

  app.get('/api/connections/:id', { schema: { tags, summary: 'One connection', params: idParams, response: { 200: connection, ...errors } } }, async (req) =>
    connections.get(req.scope, req.params.id),
  );

  app.patch(
    '/api/connections/:id',
    {
      schema: {
        tags,
        summary: 'Change a connection’s name, shop ID, address, enabled flag or options',
        params: idParams,
        body: z.object({ name: z.string().trim().min(1).max(100).optional(), shopId: shopId.optional(), baseUrl: baseUrl.optional(), enabled: z.boolean().optional(), options: options.optional() }),
        response: { 200: connection, ...errors },
      },
    },
    async (req) => connections.update(req.scope, req.params.id, req.body, requestMeta(req)),
  );

  app.delete(
    '/api/connections/:id',
    { schema: { tags, summary: 'Delete a connection; the orders it imported are kept', params: idParams, response: noContent } },
    async (req, reply) => {
      await connections.remove(req.scope, req.params.id, requestMeta(req));
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/connections/:id/api-key',
    { schema: { tags, summary: 'Replace the API key', params: idParams, body: z.object({ apiKey }), response: { 200: connection, ...errors } } },
    async (req) => connections.replaceApiKey(req.scope, req.params.id, req.body.apiKey, requestMeta(req)),
  );

  app.post(
    '/api/connections/:id/test',
    { schema: { tags, summary: 'Connection test of a saved connection; the result is stored on it', params: idParams, response: { 200: test, ...errors } } },
    async (req) => connections.test(req.scope, req.params.id, await localeOf(req.scope)),
  );
}
